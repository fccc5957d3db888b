// Turns a verified, schema-valid events batch into what the store ingests: each event's canonical
// JSON and its SHA-256, and the report rows of every `sale.completed`. All checks that can refuse
// the batch run here, before the store's transaction, so a refused batch stores nothing.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  ACCEPTED_EVENT_VERSIONS,
  DayClosedData,
  RefundCompletedData,
  SaleCompletedData,
  ShiftClosedData,
  ShiftOpenedData,
  type EventEnvelope,
  type EventsBatch,
} from '../contract/gateway';
import { canonicalJson } from '../lib/canonical-json';
import { HttpError } from './errors';
import type { DerivedRecord, DerivedSale, IngestEvent } from './store';
import { localHour } from './venue-time';

export interface PreparedBatch {
  events: IngestEvent[];
  sales: DerivedSale[];
  /** Shift, day and refund rows, in seq order. */
  derived: DerivedRecord[];
}

const accepted: readonly number[] = ACCEPTED_EVENT_VERSIONS;

/**
 * `rawEvents` are the events exactly as the terminal sent them (parsed JSON, before the schema
 * stripped anything): the hash covers the whole envelope, so a field a newer terminal adds still
 * takes part in the idempotency check.
 */
export function prepareBatch(
  signer: string,
  batch: EventsBatch,
  rawEvents: unknown[],
  timeZone: string,
): PreparedBatch {
  if (batch.terminalId !== signer) {
    throw new HttpError(
      403,
      'events.wrong_terminal',
      `the batch is for terminal ${batch.terminalId} but was signed by ${signer}`,
    );
  }
  const events: IngestEvent[] = [];
  const sales: DerivedSale[] = [];
  const derived: DerivedRecord[] = [];
  let previous = 0;
  batch.events.forEach((e, i) => {
    if (e.terminalId !== signer) {
      throw new HttpError(
        403,
        'events.wrong_terminal',
        `event seq ${e.seq} belongs to terminal ${e.terminalId}, not ${signer}`,
      );
    }
    if (e.seq <= previous) {
      throw new HttpError(
        400,
        'events.seq_order',
        `seq must increase strictly within a batch: ${e.seq} follows ${previous}`,
      );
    }
    previous = e.seq;
    if (!accepted.includes(e.v)) {
      throw new HttpError(
        400,
        'events.version',
        `event seq ${e.seq} has schema version ${e.v}; this gateway accepts ${accepted.join(', ')}`,
      );
    }
    const payload = canonicalJson(rawEvents[i] ?? e);
    events.push({
      seq: e.seq,
      eventId: e.eventId,
      type: e.type,
      v: e.v,
      at: e.at,
      businessDate: e.businessDate,
      payload,
      payloadHash: createHash('sha256').update(payload).digest('hex'),
    });
    if (e.type === 'sale.completed') sales.push(deriveSale(signer, e.seq, e.data, timeZone));
    else {
      const record = deriveRecord(signer, e);
      if (record) derived.push(record);
    }
  });
  return { events, sales, derived };
}

function readData<T>(schema: z.ZodType<T>, e: EventEnvelope): T {
  const parsed = schema.safeParse(e.data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(data)'}: ${issue.message}` : 'unreadable';
  throw new HttpError(400, 'events.invalid_data', `event seq ${e.seq} (${e.type}) is invalid at data.${where}`);
}

/** UTC with milliseconds, as sales.completed_at: shifts and sales compare as text. */
const instant = (value: string): string => new Date(Date.parse(value)).toISOString();

/**
 * The report rows of shift, day and refund events. Only the fields the reports use are checked;
 * the rest of the event is the terminal's (stored whole in `events`).
 */
function deriveRecord(terminalId: string, e: EventEnvelope): DerivedRecord | undefined {
  const base = { seq: e.seq, terminalId };
  switch (e.type) {
    case 'shift.opened': {
      const d = readData(ShiftOpenedData, e);
      return {
        ...base,
        kind: 'shift.opened',
        shiftId: d.shiftId,
        businessDate: e.businessDate,
        cashier: d.cashier.name,
        openedAt: instant(e.at),
      };
    }
    case 'shift.closed': {
      const d = readData(ShiftClosedData, e);
      const from = d.report.from !== null && !Number.isNaN(Date.parse(d.report.from)) ? d.report.from : null;
      return {
        ...base,
        kind: 'shift.closed',
        shiftId: d.shiftId,
        businessDate: d.report.businessDate,
        cashier: d.report.cashier,
        openedAt: from === null ? null : instant(from),
        closedAt: instant(e.at),
        sales: d.report.sales,
        overShort: d.report.overShort,
      };
    }
    case 'day.closed': {
      const d = readData(DayClosedData, e);
      const raw = (e.data as { report?: unknown }).report;
      return {
        ...base,
        kind: 'day.closed',
        zNumber: d.zNumber,
        businessDate: d.report.businessDate,
        closedAt: instant(e.at),
        grandTotal: d.report.grandTotal ?? 0,
        report: JSON.stringify(raw),
        lateRefusals: d.report.lateRefusals,
      };
    }
    case 'refund.completed': {
      const d = readData(RefundCompletedData, e);
      return {
        ...base,
        kind: 'refund.completed',
        refundId: d.refundId,
        saleId: d.saleId,
        amount: d.amount,
        currency: d.currency,
        completedAt: instant(d.completedAt ?? e.at),
        businessDate: d.businessDate ?? e.businessDate,
        shiftId: d.shiftId ?? null,
      };
    }
    default:
      return undefined;
  }
}

function deriveSale(terminalId: string, seq: number, data: unknown, timeZone: string): DerivedSale {
  const parsed = SaleCompletedData.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(data)'}: ${issue.message}` : 'unreadable';
    throw new HttpError(
      400,
      'events.invalid_sale',
      `event seq ${seq} (sale.completed) is invalid at data.${where}`,
    );
  }
  const sale = parsed.data;
  if (sale.terminalId !== terminalId) {
    throw new HttpError(
      403,
      'events.wrong_terminal',
      `event seq ${seq} carries a sale of terminal ${sale.terminalId}`,
    );
  }
  const completedMs = Date.parse(sale.completedAt);
  return {
    terminalId,
    seq,
    saleId: sale.saleId,
    receiptNo: sale.receiptNo,
    receiptRef: sale.receiptRef,
    receiptToken: sale.receiptToken,
    currency: sale.currency,
    // UTC with milliseconds, so the store's text order is time order.
    completedAt: new Date(completedMs).toISOString(),
    businessDate: sale.businessDate,
    localHour: localHour(completedMs, timeZone),
    total: sale.totals.total,
    taxTotal: sale.totals.taxTotal,
    deposits: sale.totals.deposits,
    discounts: sale.totals.discounts,
    comps: sale.totals.comps,
    lines: sale.lines.map((l, position) => ({
      position,
      kind: l.kind,
      productId: l.productId,
      categoryId: l.categoryId,
      nameEn: l.name.en,
      nameZh: l.name.zh,
      quantity: l.quantity,
      amount: l.amount,
      discount: l.discount,
    })),
    payments: sale.payments.map((p) => ({
      paymentId: p.paymentId,
      tender: p.kind,
      amount: p.amount,
      rounding: p.rounding,
    })),
    // The sale as the terminal sent it (all fields), for the receipt page. Not hashed, so plain
    // JSON: canonicalising it again cost ~17 µs per sale on the ingest path.
    document: JSON.stringify(data),
    shiftId: sale.shiftId ?? null,
  };
}
