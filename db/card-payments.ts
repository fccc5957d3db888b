// Card payments storage (ARCHITECTURE §4, §5): the attempt rows, the deletable encrypted payloads
// and the reversals still owed. Every state change is a conditional UPDATE (`WHERE state IN …`),
// so a late reader event or a second caller can never move a payment backwards.
//
// CARD DATA: nothing here ever holds a full PAN, track data, CVV or PIN. The encrypted payload and
// KSN live in card_payloads only, are referenced by id and hash, and are deleted with
// secure_delete on and a WAL checkpoint once the gateway has a final answer.
import { createHash } from 'node:crypto';
import type { CardPaymentState, CardReason } from '../contract/api';
import { newId } from '../lib/ids';
import type { Db } from './open';
import { prep } from './statements';

export interface CardPaymentRow {
  paymentId: string;
  saleId: string;
  state: CardPaymentState;
  amount: number;
  currency: string;
  offline: boolean;
  maskedPan: string | null;
  last4: string | null;
  brand: string | null;
  entryMode: string | null;
  aid: string | null;
  label: string | null;
  cardKey: string | null;
  arqcHash: string | null;
  payloadId: string | null;
  payloadHash: string | null;
  authCode: string | null;
  acquirerRef: string | null;
  merchantId: string | null;
  terminalRef: string | null;
  reason: CardReason | null;
  needsResolution: boolean;
  storedAt: string | null;
  forwardedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Raw {
  payment_id: string;
  sale_id: string;
  state: CardPaymentState;
  amount: number;
  currency: string;
  offline: number;
  masked_pan: string | null;
  last4: string | null;
  brand: string | null;
  entry_mode: string | null;
  aid: string | null;
  label: string | null;
  card_key: string | null;
  arqc_hash: string | null;
  payload_id: string | null;
  payload_hash: string | null;
  auth_code: string | null;
  acquirer_ref: string | null;
  merchant_id: string | null;
  terminal_ref: string | null;
  reason: CardReason | null;
  needs_resolution: number;
  stored_at: string | null;
  forwarded_at: string | null;
  created_at: string;
  updated_at: string;
}

const toRow = (r: Raw): CardPaymentRow => ({
  paymentId: r.payment_id,
  saleId: r.sale_id,
  state: r.state,
  amount: r.amount,
  currency: r.currency,
  offline: r.offline === 1,
  maskedPan: r.masked_pan,
  last4: r.last4,
  brand: r.brand,
  entryMode: r.entry_mode,
  aid: r.aid,
  label: r.label,
  cardKey: r.card_key,
  arqcHash: r.arqc_hash,
  payloadId: r.payload_id,
  payloadHash: r.payload_hash,
  authCode: r.auth_code,
  acquirerRef: r.acquirer_ref,
  merchantId: r.merchant_id,
  terminalRef: r.terminal_ref,
  reason: r.reason,
  needsResolution: r.needs_resolution === 1,
  storedAt: r.stored_at,
  forwardedAt: r.forwarded_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** States after which nothing more happens to a payment. */
export const FINAL_STATES: readonly CardPaymentState[] = [
  'approved',
  'declined',
  'cancelled',
  'failed',
  'refused',
  'refused_offline',
  'reversed',
];
/** States that count towards paying the sale. */
export const PAYING_STATES: readonly CardPaymentState[] = ['approved', 'stored', 'forwarding'];
/** States of a payment the terminal still has to drive to an end (recovery looks at these). */
export const OPEN_STATES: readonly CardPaymentState[] = [
  'created',
  'reading',
  'authorizing',
  'unknown',
  'reversing',
];

const list = (states: readonly string[]): string => states.map((s) => `'${s}'`).join(', ');

export function insertCardPayment(
  db: Db,
  p: { paymentId: string; saleId: string; amount: number; currency: string; at: string },
): CardPaymentRow {
  prep(
    db,
    `INSERT INTO card_payments (payment_id, sale_id, state, amount, currency, created_at, updated_at)
     VALUES (?, ?, 'created', ?, ?, ?, ?)`,
  ).run(p.paymentId, p.saleId, p.amount, p.currency, p.at, p.at);
  return mustGet(db, p.paymentId);
}

export function getCardPayment(db: Db, paymentId: string): CardPaymentRow | undefined {
  const r = prep(db, 'SELECT * FROM card_payments WHERE payment_id = ?').get(paymentId) as
    Raw | undefined;
  return r ? toRow(r) : undefined;
}

function mustGet(db: Db, paymentId: string): CardPaymentRow {
  const row = getCardPayment(db, paymentId);
  if (!row) throw new Error(`card payment ${paymentId} does not exist`);
  return row;
}

export function findByArqcHash(db: Db, arqcHash: string): CardPaymentRow | undefined {
  const r = prep(db, 'SELECT * FROM card_payments WHERE arqc_hash = ?').get(arqcHash) as
    Raw | undefined;
  return r ? toRow(r) : undefined;
}

export interface StatePatch {
  reason?: CardReason | null;
  authCode?: string | null;
  acquirerRef?: string | null;
  merchantId?: string | null;
  terminalRef?: string | null;
  offline?: boolean;
  storedAt?: string | null;
  forwardedAt?: string | null;
  needsResolution?: boolean;
}

const PATCH_COLUMNS: Record<keyof StatePatch, string> = {
  reason: 'reason',
  authCode: 'auth_code',
  acquirerRef: 'acquirer_ref',
  merchantId: 'merchant_id',
  terminalRef: 'terminal_ref',
  offline: 'offline',
  storedAt: 'stored_at',
  forwardedAt: 'forwarded_at',
  needsResolution: 'needs_resolution',
};

/**
 * Moves a payment from one of `from` to `to` (with the patch), committed by the caller's
 * transaction or at once. Returns the new row, or undefined when it was not in `from` (someone
 * else moved it first: the caller must not act on it).
 */
export function transition(
  db: Db,
  paymentId: string,
  from: readonly CardPaymentState[],
  to: CardPaymentState,
  at: string,
  patch: StatePatch = {},
): CardPaymentRow | undefined {
  const sets = ['state = ?', 'updated_at = ?'];
  const values: unknown[] = [to, at];
  for (const [k, v] of Object.entries(patch) as [keyof StatePatch, unknown][]) {
    if (v === undefined) continue;
    sets.push(`${PATCH_COLUMNS[k]} = ?`);
    values.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  }
  const changed = prep(
    db,
    `UPDATE card_payments SET ${sets.join(', ')} WHERE payment_id = ? AND state IN (${list(from)})`,
  ).run(...values, paymentId).changes;
  return changed === 1 ? mustGet(db, paymentId) : undefined;
}

export function patchCardPayment(
  db: Db,
  paymentId: string,
  at: string,
  patch: StatePatch,
): CardPaymentRow {
  const row = mustGet(db, paymentId);
  return transition(db, paymentId, [row.state], row.state, at, patch) ?? mustGet(db, paymentId);
}

export interface CardRead {
  maskedPan: string;
  last4: string;
  brand: string;
  entryMode: string;
  aid: string | null;
  label: string | null;
  cardKey: string;
  arqcHash: string;
}

export interface Payload {
  ksn: string;
  payload: string;
  padding: number | null;
  atc: string | null;
  cryptogram: string | null;
  expiry: string | null;
}

export function payloadHash(p: { ksn: string; payload: string }): string {
  return createHash('sha256').update(`${p.ksn}|${p.payload}`).digest('hex');
}

/**
 * Records the card read of a payment in `reading`: the kept fields on the row, the encrypted part
 * in its own table. Call inside the transaction that also moves the state on.
 */
export function attachCardRead(
  db: Db,
  paymentId: string,
  at: string,
  card: CardRead,
  payload: Payload,
): CardPaymentRow {
  const payloadId = newId();
  const hash = payloadHash(payload);
  prep(
    db,
    `INSERT INTO card_payloads (payload_id, ksn, payload, padding, atc, cryptogram, expiry, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    payloadId,
    payload.ksn,
    payload.payload,
    payload.padding,
    payload.atc,
    payload.cryptogram,
    payload.expiry,
    hash,
  );
  const changed = prep(
    db,
    `UPDATE card_payments SET masked_pan = ?, last4 = ?, brand = ?, entry_mode = ?, aid = ?, label = ?,
         card_key = ?, arqc_hash = ?, payload_id = ?, payload_hash = ?, updated_at = ?
       WHERE payment_id = ? AND state = 'reading'`,
  ).run(
    card.maskedPan,
    card.last4,
    card.brand,
    card.entryMode,
    card.aid,
    card.label,
    card.cardKey,
    card.arqcHash,
    payloadId,
    hash,
    at,
    paymentId,
  ).changes;
  if (changed !== 1) throw new Error(`card payment ${paymentId} is not reading`);
  return mustGet(db, paymentId);
}

export function getPayload(db: Db, payloadId: string): Payload | undefined {
  return prep(
    db,
    'SELECT ksn, payload, padding, atc, cryptogram, expiry FROM card_payloads WHERE payload_id = ?',
  ).get(payloadId) as Payload | undefined;
}

/**
 * Deletes a payment's encrypted payload (the gateway has a final answer). secure_delete must be on
 * for this connection (the card service sets it) so the freed bytes are zeroed; call
 * `checkpointAfterDelete` after the commit so the WAL's copy goes too.
 */
export function deletePayload(db: Db, paymentId: string, at: string): boolean {
  return db.transaction(() => {
    const row = getCardPayment(db, paymentId);
    if (!row?.payloadId) return false;
    prep(db, 'UPDATE card_payments SET payload_id = NULL, updated_at = ? WHERE payment_id = ?').run(
      at,
      paymentId,
    );
    prep(db, 'DELETE FROM card_payloads WHERE payload_id = ?').run(row.payloadId);
    return true;
  })();
}

/** Moves the WAL into the database and truncates it, so no deleted payload survives in the WAL. */
export function checkpointAfterDelete(db: Db): void {
  if (db.inTransaction) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Payloads of payments that already have a final answer (left by a crash between commit and delete). */
export function leftoverPayloads(db: Db): string[] {
  return (
    prep(
      db,
      `SELECT payment_id FROM card_payments WHERE payload_id IS NOT NULL
           AND state IN ('declined', 'cancelled', 'failed', 'refused', 'refused_offline', 'reversed')
         UNION SELECT payment_id FROM card_payments WHERE payload_id IS NOT NULL AND state = 'approved'
           AND forwarded_at IS NOT NULL`,
    ).all() as { payment_id: string }[]
  ).map((r) => r.payment_id);
}

export function cardPaymentsInStates(
  db: Db,
  states: readonly CardPaymentState[],
): CardPaymentRow[] {
  return (
    prep(
      db,
      `SELECT * FROM card_payments WHERE state IN (${list(states)}) ORDER BY created_at, payment_id`,
    ).all() as Raw[]
  ).map(toRow);
}

export function cardPaymentsOfSale(db: Db, saleId: string): CardPaymentRow[] {
  return (
    prep(db, 'SELECT * FROM card_payments WHERE sale_id = ? ORDER BY created_at, payment_id').all(
      saleId,
    ) as Raw[]
  ).map(toRow);
}

export function needingResolution(db: Db): CardPaymentRow[] {
  return (
    prep(
      db,
      'SELECT * FROM card_payments WHERE needs_resolution = 1 ORDER BY created_at',
    ).all() as Raw[]
  ).map(toRow);
}

/** Offline payments stored and not yet answered by the gateway: the policy's running totals. */
export function storedTotals(
  db: Db,
  cardKey: string | null,
): { amount: number; count: number; forCard: number } {
  const all = prep(
    db,
    "SELECT COALESCE(SUM(amount), 0) AS amount, COUNT(*) AS count FROM card_payments WHERE state IN ('stored', 'forwarding')",
  ).get() as { amount: number; count: number };
  const forCard =
    cardKey === null
      ? 0
      : (
          prep(
            db,
            "SELECT COUNT(*) AS n FROM card_payments WHERE state IN ('stored', 'forwarding') AND card_key = ?",
          ).get(cardKey) as { n: number }
        ).n;
  return { ...all, forCard };
}

// ---------- reversals: durable until the gateway acknowledges ----------

export type ReversalReason = 'timeout' | 'void' | 'cancelled' | 'recovery';

export function enqueueReversal(
  db: Db,
  paymentId: string,
  reason: ReversalReason,
  at: string,
): void {
  prep(
    db,
    'INSERT INTO card_reversals (payment_id, reason, created_at) VALUES (?, ?, ?) ON CONFLICT (payment_id) DO NOTHING',
  ).run(paymentId, reason, at);
}

export function pendingReversals(
  db: Db,
): { paymentId: string; reason: ReversalReason; attempts: number }[] {
  return (
    prep(
      db,
      'SELECT payment_id, reason, attempts FROM card_reversals WHERE acked_at IS NULL ORDER BY created_at',
    ).all() as { payment_id: string; reason: ReversalReason; attempts: number }[]
  ).map((r) => ({ paymentId: r.payment_id, reason: r.reason, attempts: r.attempts }));
}

export function ackReversal(db: Db, paymentId: string, at: string): void {
  prep(
    db,
    'UPDATE card_reversals SET acked_at = ?, last_error = NULL WHERE payment_id = ? AND acked_at IS NULL',
  ).run(at, paymentId);
}

export function reversalFailed(db: Db, paymentId: string, error: string): void {
  prep(
    db,
    'UPDATE card_reversals SET attempts = attempts + 1, last_error = ? WHERE payment_id = ?',
  ).run(error.slice(0, 300), paymentId);
}
