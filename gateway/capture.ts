// The daily capture batch (ARCHITECTURE §5): at the venue's cut-off the gateway captures every
// approved, unreversed, uncaptured authorization of the business date just closed (and any
// earlier one left over), once per business date, and keeps the rows for the card settlement
// export. Stand-in approvals are forwarded first, so those the acquirer accepts are captured too.
import { csvField, csvLine } from '../contract/csv';
import { formatMajor } from '../contract/money';
import {
  CARD_SETTLEMENT_COLUMNS,
  type CaptureBatchReply,
  type CaptureRow,
} from '../contract/payments';
import { businessDate, isoUtc } from '../lib/clock';
import type { GatewayContext } from './context';
import type { PaymentService } from './payments';
import type { CaptureBatchRecord, PaymentRecord } from './store';

/** A batch still `running` after this long is taken to have died with its gateway. */
const STALE_BATCH_MS = 10 * 60 * 1000;
/** How long the acquirer may take to capture a batch. */
const CAPTURE_TIMEOUT_MS = 60_000;

function previousDate(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`) - 24 * 3600 * 1000;
  return new Date(ms).toISOString().slice(0, 10);
}

function toRow(p: PaymentRecord): CaptureRow {
  return {
    key: p.key,
    terminalId: p.terminalId,
    saleId: p.saleId,
    businessDate: p.businessDate,
    amount: p.amount - p.refundedAmount,
    refundedAmount: p.refundedAmount,
    currency: p.currency,
    brand: p.brand,
    last4: p.maskedPan ? p.maskedPan.slice(-4) : null,
    authCode: p.authCode,
    acquirerRef: p.acquirerRef,
    standIn: p.standIn,
    offline: p.offlineStoredAt !== null,
  };
}

export class CaptureService {
  constructor(
    private readonly ctx: GatewayContext,
    private readonly payments: PaymentService,
  ) {}

  /** The business date whose batch is due at `nowMs`: the day before the cut-off's date. */
  async dueDate(nowMs: number): Promise<string> {
    const venue = await this.ctx.venue();
    const cutoff = (await this.payments.standInPolicy()).captureCutoff ?? venue.dayChange;
    return previousDate(businessDate(nowMs, venue.timeZone, cutoff));
  }

  async run(date?: string): Promise<CaptureBatchReply> {
    const { store, clock } = this.ctx;
    const businessDay = date ?? (await this.dueDate(clock.now()));
    const venue = await this.ctx.venue();
    const existing = await store.getCaptureBatch(businessDay);
    if (existing?.status === 'done') return this.reply(existing, true);

    // Best effort: what the acquirer accepts now is captured with the rest.
    await this.payments.forwardStandIns().catch(() => undefined);
    const startedAt = isoUtc(clock.now());
    const begun = await store.beginCaptureBatch(
      {
        businessDate: businessDay,
        status: 'running',
        startedAt,
        finishedAt: null,
        count: 0,
        amount: 0,
        currency: venue.currency,
        acquirerBatchRef: null,
      },
      isoUtc(clock.now() - STALE_BATCH_MS),
    );
    if (!begun.created) return this.reply(begun.batch, true);

    const due = (await store.capturablePayments(businessDay)).filter(
      (p) => p.amount - p.refundedAmount > 0,
    );
    let keys: string[] = [];
    let batchRef: string | null = null;
    let status: 'done' | 'failed' = 'done';
    if (due.length > 0) {
      try {
        const result = await this.payments.acquirerCall(
          (a) =>
            a.capture(
              businessDay,
              due.map((p) => ({ key: p.key, amount: p.amount - p.refundedAmount })),
            ),
          CAPTURE_TIMEOUT_MS,
        );
        keys = result.captured;
        batchRef = result.batchRef;
      } catch {
        // Nothing is marked captured; the batch is run again (by the scheduler or an admin).
        status = 'failed';
      }
    }
    const batch = await store.finishCaptureBatch(businessDay, keys, {
      status,
      finishedAt: isoUtc(clock.now()),
      acquirerBatchRef: batchRef,
    });
    return this.reply(batch, false);
  }

  async reply(batch: CaptureBatchRecord, alreadyRun: boolean): Promise<CaptureBatchReply> {
    const rows = await this.ctx.store.capturedIn(batch.businessDate);
    return { ...batch, alreadyRun, rows: rows.map(toRow) };
  }

  async get(date: string): Promise<CaptureBatchReply | undefined> {
    const batch = await this.ctx.store.getCaptureBatch(date);
    return batch && this.reply(batch, true);
  }

  /** The scheduler's step: runs the due batch unless it is done (or running elsewhere). */
  async tick(): Promise<CaptureBatchReply | undefined> {
    const date = await this.dueDate(this.ctx.clock.now());
    const batch = await this.ctx.store.getCaptureBatch(date);
    if (batch?.status === 'done') return undefined;
    return this.run(date);
  }

  /** Checks every `everyMs` whether a batch is due; the timer never keeps the process alive. */
  schedule(everyMs = 60_000, onError?: (e: unknown) => void): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.tick()
        .catch((e: unknown) => onError?.(e))
        .finally(() => {
          running = false;
        });
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

/** Card settlement rows as CSV (columns CARD_SETTLEMENT_COLUMNS), amounts in major units. */
export function cardSettlementCsv(rows: readonly CaptureRow[]): string {
  let out = csvLine([...CARD_SETTLEMENT_COLUMNS]);
  for (const r of rows) {
    const values: Record<(typeof CARD_SETTLEMENT_COLUMNS)[number], string> = {
      business_date: r.businessDate,
      key: r.key,
      terminal_id: r.terminalId,
      sale_id: r.saleId,
      brand: r.brand ?? '',
      last4: r.last4 ?? '',
      auth_code: r.authCode ?? '',
      acquirer_ref: r.acquirerRef ?? '',
      currency: r.currency,
      amount: formatMajor(r.amount, r.currency),
      refunded_amount: formatMajor(r.refundedAmount, r.currency),
      stand_in: r.standIn ? 'true' : 'false',
      offline: r.offline ? 'true' : 'false',
    };
    out += csvLine(
      CARD_SETTLEMENT_COLUMNS.map((c) =>
        c === 'amount' || c === 'refunded_amount' ? values[c] : csvField(values[c], { text: true }),
      ),
    );
  }
  return out;
}
