// The card-payment part of the store (migration 2): payments by idempotency key, stand-in limits
// decided atomically across terminals and gateway instances, refunds that never exceed what was
// paid, and capture batches idempotent per business date. Same queries for SQLite and PostgreSQL.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DeclineReason, PaymentStatus, RefundStatus } from '../../contract/payments';
import type {
  CaptureBatchRecord,
  PaymentPatch,
  PaymentRecord,
  RefundRecord,
  RefundReservation,
  StandInDecision,
  StandInLimits,
  StandInTotals,
} from '../store';
import { claimRefundAmount, refundableAmount, releaseRefundAmount } from './refunded-amount';
import { Rollback, num } from './rows';
import type { Dialect, GatewayDatabase, PaymentsTable, RefundsTable } from './schema';

type Db = Kysely<GatewayDatabase>;
type Trx = Transaction<GatewayDatabase>;

function toPayment(r: Selectable<PaymentsTable>): PaymentRecord {
  return {
    key: r.key,
    terminalId: r.terminal_id,
    saleId: r.sale_id,
    amount: num(r.amount),
    currency: r.currency,
    status: r.status as PaymentStatus,
    requestHash: r.request_hash,
    arqcHash: r.arqc_hash,
    maskedPan: r.masked_pan,
    brand: r.brand,
    aid: r.aid,
    label: r.label,
    entryMode: r.entry_mode,
    cardKey: r.card_key,
    atc: r.atc,
    authCode: r.auth_code,
    acquirerRef: r.acquirer_ref,
    declineReason: r.decline_reason as DeclineReason | null,
    standIn: num(r.stand_in) === 1,
    forwardedAt: r.forwarded_at,
    offlineStoredAt: r.offline_stored_at,
    businessDate: r.business_date,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    capturedAt: r.captured_at,
    captureDate: r.capture_date,
    reversedAt: r.reversed_at,
    refundedAmount: num(r.refunded_amount),
  };
}

function toRefund(r: Selectable<RefundsTable>): RefundRecord {
  return {
    key: r.key,
    originalKey: r.original_key,
    terminalId: r.terminal_id,
    amount: num(r.amount),
    currency: r.currency,
    status: r.status as RefundStatus,
    requestHash: r.request_hash,
    lines: r.lines,
    acquirerRef: r.acquirer_ref,
    declineReason: r.decline_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toBatch(r: Selectable<GatewayDatabase['capture_batches']>): CaptureBatchRecord {
  return {
    businessDate: r.business_date,
    status: r.status as CaptureBatchRecord['status'],
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    count: num(r.count),
    amount: num(r.amount),
    currency: r.currency,
    acquirerBatchRef: r.acquirer_batch_ref,
  };
}

function patchRow(patch: PaymentPatch): Partial<PaymentsTable> {
  const row: Partial<PaymentsTable> = { updated_at: patch.updatedAt };
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.authCode !== undefined) row.auth_code = patch.authCode;
  if (patch.acquirerRef !== undefined) row.acquirer_ref = patch.acquirerRef;
  if (patch.declineReason !== undefined) row.decline_reason = patch.declineReason;
  if (patch.standIn !== undefined) row.stand_in = patch.standIn ? 1 : 0;
  if (patch.forwardedAt !== undefined) row.forwarded_at = patch.forwardedAt;
  if (patch.capturedAt !== undefined) row.captured_at = patch.capturedAt;
  if (patch.captureDate !== undefined) row.capture_date = patch.captureDate;
  if (patch.reversedAt !== undefined) row.reversed_at = patch.reversedAt;
  return row;
}

interface RefundLineJson {
  lineId: string;
  quantity: number;
}

export class PaymentStore {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Serialises stand-in decisions venue-wide. PostgreSQL: a transaction-scoped advisory lock, so
   * gateways sharing one database take turns. SQLite: a write as the first statement takes the
   * database write lock up front (and Kysely runs one transaction at a time on its connection).
   */
  private async lockStandIn(trx: Trx, key: string): Promise<void> {
    if (this.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(hashtext('venue-pos-stand-in'))`.execute(trx);
    } else {
      await trx
        .updateTable('payments')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('key', '=', key)
        .execute();
    }
  }

  async insertPayment(p: PaymentRecord): Promise<boolean> {
    const res = await this.db
      .insertInto('payments')
      .values({
        key: p.key,
        terminal_id: p.terminalId,
        sale_id: p.saleId,
        amount: p.amount,
        currency: p.currency,
        status: p.status,
        request_hash: p.requestHash,
        arqc_hash: p.arqcHash,
        masked_pan: p.maskedPan,
        brand: p.brand,
        aid: p.aid,
        label: p.label,
        entry_mode: p.entryMode,
        card_key: p.cardKey,
        atc: p.atc,
        auth_code: p.authCode,
        acquirer_ref: p.acquirerRef,
        decline_reason: p.declineReason,
        stand_in: p.standIn ? 1 : 0,
        forwarded_at: p.forwardedAt,
        offline_stored_at: p.offlineStoredAt,
        business_date: p.businessDate,
        created_at: p.createdAt,
        updated_at: p.updatedAt,
        captured_at: p.capturedAt,
        capture_date: p.captureDate,
        reversed_at: p.reversedAt,
        refunded_amount: p.refundedAmount,
      })
      // No conflict target: a clash on the key OR on the ARQC hash inserts nothing.
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return num(res.numInsertedOrUpdatedRows) > 0;
  }

  async getPayment(key: string): Promise<PaymentRecord | undefined> {
    const row = await this.db
      .selectFrom('payments')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row && toPayment(row);
  }

  async getPaymentByArqc(arqcHash: string): Promise<PaymentRecord | undefined> {
    const row = await this.db
      .selectFrom('payments')
      .selectAll()
      .where('arqc_hash', '=', arqcHash)
      .executeTakeFirst();
    return row && toPayment(row);
  }

  async updatePayment(
    key: string,
    patch: PaymentPatch,
    from?: readonly PaymentStatus[],
  ): Promise<boolean> {
    let q = this.db.updateTable('payments').set(patchRow(patch)).where('key', '=', key);
    if (from) q = q.where('status', 'in', [...from]);
    const res = await q.executeTakeFirst();
    return num(res.numUpdatedRows) > 0;
  }

  async standIn(key: string, limits: StandInLimits, at: string): Promise<StandInDecision> {
    return this.db.transaction().execute(async (trx) => {
      await this.lockStandIn(trx, key);
      const p = await trx
        .selectFrom('payments')
        .select(['amount', 'card_key', 'status'])
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (p.status !== 'pending') throw new Error(`payment ${key} is ${p.status}, not pending`);
      const amount = num(p.amount);
      const outstanding = (cardKey?: string) => {
        let q = trx
          .selectFrom('payments')
          .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('amount').as('amount')])
          .where('stand_in', '=', 1)
          .where('status', '=', 'stand_in_approved');
        if (cardKey !== undefined) q = q.where('card_key', '=', cardKey);
        return q.executeTakeFirstOrThrow();
      };
      let decision: StandInDecision = 'approved';
      if (amount > limits.perTransactionLimit) decision = 'stand_in_limit';
      else {
        const venue = await outstanding();
        if (num(venue.amount) + amount > limits.exposureCap) decision = 'stand_in_cap';
        else {
          const card = await outstanding(p.card_key ?? '');
          if (num(card.n) + 1 > limits.countPerCard) decision = 'velocity';
        }
      }
      await trx
        .updateTable('payments')
        .set(
          decision === 'approved'
            ? { status: 'stand_in_approved', stand_in: 1, updated_at: at }
            : { status: 'declined', stand_in: 1, decline_reason: decision, updated_at: at },
        )
        .where('key', '=', key)
        .execute();
      return decision;
    });
  }

  async standInsToForward(limit: number): Promise<PaymentRecord[]> {
    const rows = await this.db
      .selectFrom('payments')
      .selectAll()
      .where('stand_in', '=', 1)
      .where('status', '=', 'stand_in_approved')
      .orderBy('created_at')
      .orderBy('key')
      .limit(limit)
      .execute();
    return rows.map(toPayment);
  }

  async standInTotals(): Promise<StandInTotals> {
    const byStatus = await this.db
      .selectFrom('payments')
      .select((eb) => [
        'status',
        'decline_reason',
        eb.fn.countAll().as('n'),
        eb.fn.sum('amount').as('amount'),
      ])
      .where('stand_in', '=', 1)
      .groupBy(['status', 'decline_reason'])
      .execute();
    const forwardedRows = await this.db
      .selectFrom('payments')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('amount').as('amount')])
      .where('stand_in', '=', 1)
      .where('forwarded_at', 'is not', null)
      .executeTakeFirstOrThrow();
    const byCard = await this.db
      .selectFrom('payments')
      .select((eb) => ['card_key', eb.fn.countAll().as('n'), eb.fn.sum('amount').as('amount')])
      .where('stand_in', '=', 1)
      .where('status', '=', 'stand_in_approved')
      .groupBy('card_key')
      .orderBy('card_key')
      .execute();
    const totals: StandInTotals = {
      outstanding: { count: 0, amount: 0 },
      byCard: byCard.map((r) => ({
        cardKey: r.card_key ?? '',
        count: num(r.n),
        amount: num(r.amount),
      })),
      forwarded: { count: num(forwardedRows.n), amount: num(forwardedRows.amount) },
      refused: { count: 0, amount: 0 },
      declined: { stand_in_cap: 0, velocity: 0, stand_in_limit: 0 },
    };
    for (const r of byStatus) {
      if (r.status === 'stand_in_approved')
        totals.outstanding = { count: num(r.n), amount: num(r.amount) };
      else if (r.status === 'refused') {
        totals.refused.count += num(r.n);
        totals.refused.amount += num(r.amount);
      } else if (
        r.status === 'declined' &&
        (r.decline_reason === 'stand_in_cap' ||
          r.decline_reason === 'velocity' ||
          r.decline_reason === 'stand_in_limit')
      )
        totals.declined[r.decline_reason] += num(r.n);
    }
    return totals;
  }

  async saleLineQuantities(saleId: string): Promise<Map<string, number> | undefined> {
    const row = await this.db
      .selectFrom('sales')
      .select('document')
      .where('sale_id', '=', saleId)
      .executeTakeFirst();
    if (!row) return undefined;
    const doc = JSON.parse(row.document) as { lines?: { lineId?: unknown; quantity?: unknown }[] };
    const out = new Map<string, number>();
    for (const l of doc.lines ?? []) {
      if (typeof l.lineId === 'string' && typeof l.quantity === 'number')
        out.set(l.lineId, (out.get(l.lineId) ?? 0) + l.quantity);
    }
    return out;
  }

  async reserveRefund(
    refund: RefundRecord,
    lineLimits?: ReadonlyMap<string, number>,
  ): Promise<RefundReservation> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('refunds')
          .values({
            key: refund.key,
            original_key: refund.originalKey,
            terminal_id: refund.terminalId,
            amount: refund.amount,
            currency: refund.currency,
            status: refund.status,
            request_hash: refund.requestHash,
            lines: refund.lines,
            acquirer_ref: refund.acquirerRef,
            decline_reason: refund.declineReason,
            created_at: refund.createdAt,
            updated_at: refund.updatedAt,
          })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        const remainingOf = async () =>
          (await refundableAmount(trx, 'payments', refund.originalKey)) ?? 0;
        if (num(inserted.numInsertedOrUpdatedRows) === 0) {
          const existing = await trx
            .selectFrom('refunds')
            .selectAll()
            .where('key', '=', refund.key)
            .executeTakeFirstOrThrow();
          return {
            kind: 'exists' as const,
            refund: toRefund(existing),
            remaining: await remainingOf(),
          };
        }
        if (
          !(await claimRefundAmount(
            trx,
            'payments',
            refund.originalKey,
            refund.amount,
            refund.updatedAt,
          ))
        ) {
          throw new Rollback<RefundReservation>({
            kind: 'exceeds',
            remaining: await remainingOf(),
          });
        }
        if (lineLimits && refund.lines !== null) {
          // Read after the payment's row is locked by the UPDATE above, so concurrent refunds of
          // this payment see each other. Counted across all card payments of the same sale.
          const rows = await trx
            .selectFrom('refunds as r')
            .innerJoin('payments as p', 'p.key', 'r.original_key')
            .innerJoin('payments as o', 'o.sale_id', 'p.sale_id')
            .select('r.lines')
            .where('o.key', '=', refund.originalKey)
            .where('r.status', 'in', ['pending', 'approved'])
            .where('r.lines', 'is not', null)
            .execute();
          const used = new Map<string, number>();
          for (const row of rows) {
            for (const l of JSON.parse(row.lines ?? '[]') as RefundLineJson[])
              used.set(l.lineId, (used.get(l.lineId) ?? 0) + l.quantity);
          }
          const mine = JSON.parse(refund.lines) as RefundLineJson[];
          for (const [lineId, quantity] of used) {
            const sold = lineLimits.get(lineId) ?? 0;
            if (quantity <= sold) continue;
            const own = mine.filter((l) => l.lineId === lineId).reduce((n, l) => n + l.quantity, 0);
            throw new Rollback<RefundReservation>({
              kind: 'lines_exceed',
              lineId,
              left: Math.max(0, sold - (quantity - own)),
            });
          }
        }
        return { kind: 'reserved' as const, refund, remaining: await remainingOf() };
      });
    } catch (e) {
      if (e instanceof Rollback) return e.answer as RefundReservation;
      throw e;
    }
  }

  async getRefund(key: string): Promise<RefundRecord | undefined> {
    const row = await this.db
      .selectFrom('refunds')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row && toRefund(row);
  }

  async settleRefund(
    key: string,
    outcome: { status: 'approved'; acquirerRef: string } | { status: 'declined'; reason: string },
    at: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const refund = await trx
        .updateTable('refunds')
        .set(
          outcome.status === 'approved'
            ? { status: 'approved', acquirer_ref: outcome.acquirerRef, updated_at: at }
            : { status: 'declined', decline_reason: outcome.reason, updated_at: at },
        )
        .where('key', '=', key)
        .where('status', '=', 'pending')
        .returning(['original_key', 'amount'])
        .executeTakeFirst();
      if (refund && outcome.status === 'declined')
        await releaseRefundAmount(trx, 'payments', refund.original_key, num(refund.amount), at);
    });
  }

  async beginCaptureBatch(
    batch: CaptureBatchRecord,
    staleBefore: string,
  ): Promise<{ created: boolean; batch: CaptureBatchRecord }> {
    const inserted = await this.db
      .insertInto('capture_batches')
      .values({
        business_date: batch.businessDate,
        status: batch.status,
        started_at: batch.startedAt,
        finished_at: batch.finishedAt,
        count: batch.count,
        amount: batch.amount,
        currency: batch.currency,
        acquirer_batch_ref: batch.acquirerBatchRef,
      })
      .onConflict((oc) => oc.column('business_date').doNothing())
      .executeTakeFirst();
    if (num(inserted.numInsertedOrUpdatedRows) > 0) return { created: true, batch };
    // Take over a failed batch, or one whose gateway died while running it.
    const taken = await this.db
      .updateTable('capture_batches')
      .set({ status: 'running', started_at: batch.startedAt, finished_at: null })
      .where('business_date', '=', batch.businessDate)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'failed'),
          eb.and([eb('status', '=', 'running'), eb('started_at', '<', staleBefore)]),
        ]),
      )
      .executeTakeFirst();
    const existing = await this.getCaptureBatch(batch.businessDate);
    if (!existing) throw new Error(`capture batch ${batch.businessDate} vanished`);
    return { created: num(taken.numUpdatedRows) > 0, batch: existing };
  }

  async getCaptureBatch(businessDate: string): Promise<CaptureBatchRecord | undefined> {
    const row = await this.db
      .selectFrom('capture_batches')
      .selectAll()
      .where('business_date', '=', businessDate)
      .executeTakeFirst();
    return row && toBatch(row);
  }

  async capturablePayments(businessDate: string): Promise<PaymentRecord[]> {
    const rows = await this.db
      .selectFrom('payments')
      .selectAll()
      .where('status', '=', 'approved')
      .where('captured_at', 'is', null)
      .where('reversed_at', 'is', null)
      .where('business_date', '<=', businessDate)
      .orderBy('key')
      .execute();
    return rows.map(toPayment);
  }

  async finishCaptureBatch(
    businessDate: string,
    keys: string[],
    result: { status: 'done' | 'failed'; finishedAt: string; acquirerBatchRef: string | null },
  ): Promise<CaptureBatchRecord> {
    return this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < keys.length; i += 500) {
        await trx
          .updateTable('payments')
          .set({
            captured_at: result.finishedAt,
            capture_date: businessDate,
            updated_at: result.finishedAt,
          })
          .where('key', 'in', keys.slice(i, i + 500))
          .where('captured_at', 'is', null)
          .execute();
      }
      const totals = await trx
        .selectFrom('payments')
        .select((eb) => [
          eb.fn.countAll().as('n'),
          eb.fn.sum(eb('amount', '-', eb.ref('refunded_amount'))).as('amount'),
        ])
        .where('capture_date', '=', businessDate)
        .executeTakeFirstOrThrow();
      const row = await trx
        .updateTable('capture_batches')
        .set({
          status: result.status,
          finished_at: result.finishedAt,
          acquirer_batch_ref: result.acquirerBatchRef,
          count: num(totals.n),
          amount: num(totals.amount),
        })
        .where('business_date', '=', businessDate)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toBatch(row);
    });
  }

  async capturedIn(businessDate: string): Promise<PaymentRecord[]> {
    const rows = await this.db
      .selectFrom('payments')
      .selectAll()
      .where('capture_date', '=', businessDate)
      .orderBy('key')
      .execute();
    return rows.map(toPayment);
  }
}
