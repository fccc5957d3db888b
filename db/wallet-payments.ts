// Wallet payments storage (ARCHITECTURE §5, docs/wallets.md): one row per attempt and the
// cancellations still owed to the gateway. Every state change is a conditional UPDATE
// (`WHERE state IN …`), so a late gateway answer or a second caller never moves a payment back.
//
// A payment code is a bearer token: nothing here ever holds one. Rows keep the mask and a keyed
// hash (the migration's CHECK refuses any run of five digits in the mask).
import type { WalletPaymentState, WalletReason } from '../contract/api';
import type { WalletProvider } from '../contract/wallet';
import type { Db } from './open';
import { prep } from './statements';
import type { WALLET_CANCEL_REASONS } from './migrations/008-wallet-payments';

export interface WalletPaymentRow {
  paymentId: string;
  saleId: string;
  state: WalletPaymentState;
  amount: number;
  currency: string;
  provider: WalletProvider;
  maskedCode: string;
  providerRef: string | null;
  reason: WalletReason | null;
  confirmBy: string | null;
  needsResolution: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Raw {
  payment_id: string;
  sale_id: string;
  state: WalletPaymentState;
  amount: number;
  currency: string;
  provider: WalletProvider;
  masked_code: string;
  provider_ref: string | null;
  reason: WalletReason | null;
  confirm_by: string | null;
  needs_resolution: number;
  created_at: string;
  updated_at: string;
}

const toRow = (r: Raw): WalletPaymentRow => ({
  paymentId: r.payment_id,
  saleId: r.sale_id,
  state: r.state,
  amount: r.amount,
  currency: r.currency,
  provider: r.provider,
  maskedCode: r.masked_code,
  providerRef: r.provider_ref,
  reason: r.reason,
  confirmBy: r.confirm_by,
  needsResolution: r.needs_resolution === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const list = (xs: readonly string[]): string => xs.map((s) => `'${s}'`).join(', ');

/** Final: nothing more will happen to it. */
export const WALLET_FINAL: readonly WalletPaymentState[] = ['approved', 'declined', 'failed', 'cancelled', 'reversed'];
/** Not final: the gateway may still answer, or a cancellation is owed. */
export const WALLET_OPEN: readonly WalletPaymentState[] = ['created', 'authorizing', 'awaiting_customer', 'unknown', 'cancelling'];

export function insertWalletPayment(
  db: Db,
  p: {
    paymentId: string;
    saleId: string;
    amount: number;
    currency: string;
    provider: WalletProvider;
    maskedCode: string;
    codeHash: string;
    at: string;
  },
): WalletPaymentRow {
  prep(
    db,
    `INSERT INTO wallet_payments (payment_id, sale_id, state, amount, currency, provider, masked_code, code_hash, created_at, updated_at)
     VALUES (?, ?, 'created', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(p.paymentId, p.saleId, p.amount, p.currency, p.provider, p.maskedCode, p.codeHash, p.at, p.at);
  return mustGet(db, p.paymentId);
}

export function getWalletPayment(db: Db, paymentId: string): WalletPaymentRow | undefined {
  const r = prep(db, 'SELECT * FROM wallet_payments WHERE payment_id = ?').get(paymentId) as Raw | undefined;
  return r ? toRow(r) : undefined;
}

function mustGet(db: Db, paymentId: string): WalletPaymentRow {
  const row = getWalletPayment(db, paymentId);
  if (!row) throw new Error(`wallet payment ${paymentId} does not exist`);
  return row;
}

export function walletCodeSeen(db: Db, codeHash: string): boolean {
  return prep(db, 'SELECT 1 FROM wallet_payments WHERE code_hash = ?').get(codeHash) !== undefined;
}

export interface WalletPatch {
  reason?: WalletReason | null;
  providerRef?: string | null;
  confirmBy?: string | null;
  needsResolution?: boolean;
}

const PATCH_COLUMNS: Record<keyof WalletPatch, string> = {
  reason: 'reason',
  providerRef: 'provider_ref',
  confirmBy: 'confirm_by',
  needsResolution: 'needs_resolution',
};

/**
 * Moves a payment from one of `from` to `to` (with the patch). Returns the new row, or undefined
 * when it was not in `from` (someone else moved it first: the caller must not act on it).
 */
export function walletTransition(
  db: Db,
  paymentId: string,
  from: readonly WalletPaymentState[],
  to: WalletPaymentState,
  at: string,
  patch: WalletPatch = {},
): WalletPaymentRow | undefined {
  const sets = ['state = ?', 'updated_at = ?'];
  const values: unknown[] = [to, at];
  for (const [k, v] of Object.entries(patch) as [keyof WalletPatch, unknown][]) {
    if (v === undefined) continue;
    sets.push(`${PATCH_COLUMNS[k]} = ?`);
    values.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  }
  const changed = prep(
    db,
    `UPDATE wallet_payments SET ${sets.join(', ')} WHERE payment_id = ? AND state IN (${list(from)})`,
  ).run(...values, paymentId).changes;
  return changed === 1 ? mustGet(db, paymentId) : undefined;
}

export function walletPaymentsInStates(db: Db, states: readonly WalletPaymentState[]): WalletPaymentRow[] {
  return (
    prep(db, `SELECT * FROM wallet_payments WHERE state IN (${list(states)}) ORDER BY created_at, payment_id`).all() as Raw[]
  ).map(toRow);
}

export function walletPaymentsOfSale(db: Db, saleId: string): WalletPaymentRow[] {
  return (
    prep(db, 'SELECT * FROM wallet_payments WHERE sale_id = ? ORDER BY created_at, payment_id').all(saleId) as Raw[]
  ).map(toRow);
}

export function walletsNeedingResolution(db: Db): WalletPaymentRow[] {
  return (
    prep(db, "SELECT * FROM wallet_payments WHERE needs_resolution = 1 AND state = 'approved' ORDER BY created_at").all() as Raw[]
  ).map(toRow);
}

export type WalletCancelReason = (typeof WALLET_CANCEL_REASONS)[number];

export function enqueueWalletCancel(db: Db, paymentId: string, reason: WalletCancelReason, at: string): void {
  prep(
    db,
    'INSERT INTO wallet_cancels (payment_id, reason, created_at) VALUES (?, ?, ?) ON CONFLICT (payment_id) DO NOTHING',
  ).run(paymentId, reason, at);
}

export function pendingWalletCancels(db: Db): { paymentId: string; reason: WalletCancelReason; attempts: number }[] {
  return (
    prep(db, 'SELECT payment_id, reason, attempts FROM wallet_cancels WHERE acked_at IS NULL ORDER BY created_at').all() as {
      payment_id: string;
      reason: WalletCancelReason;
      attempts: number;
    }[]
  ).map((r) => ({ paymentId: r.payment_id, reason: r.reason, attempts: r.attempts }));
}

export function ackWalletCancel(db: Db, paymentId: string, at: string): void {
  prep(db, 'UPDATE wallet_cancels SET acked_at = ?, last_error = NULL WHERE payment_id = ? AND acked_at IS NULL').run(at, paymentId);
}

export function walletCancelFailed(db: Db, paymentId: string, error: string): void {
  prep(db, 'UPDATE wallet_cancels SET attempts = attempts + 1, last_error = ? WHERE payment_id = ?').run(error.slice(0, 300), paymentId);
}
