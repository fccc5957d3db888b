// The wallet part of the store (migration 6, docs/wallets.md): wallet payments by idempotency key,
// unique on the keyed hash of the payment code (a code pays once across all terminals), refunds
// that never exceed what was paid, and the gateway's secret for those keyed hashes. Same queries
// for SQLite and PostgreSQL. The payment code itself is never handed to this module.
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { WalletDeclineReason, WalletProvider, WalletStatus } from '../../contract/wallet';
import { claimRefundAmount, refundableAmount, releaseRefundAmount } from './refunded-amount';
import { Rollback, num } from './rows';
import type { GatewayDatabase, WalletPaymentsTable, WalletRefundsTable } from './schema';

type Db = Kysely<GatewayDatabase>;

export interface WalletPaymentRecord {
  key: string;
  terminalId: string;
  saleId: string;
  amount: number;
  currency: string;
  /** null for a tombstone. */
  provider: WalletProvider | null;
  status: WalletStatus;
  /** null: a tombstone (the key was cancelled before any authorization). */
  requestHash: string | null;
  codeHash: string | null;
  maskedCode: string | null;
  providerRef: string | null;
  declineReason: WalletDeclineReason | null;
  confirmBy: string | null;
  merchantId: string;
  businessDate: string;
  createdAt: string;
  updatedAt: string;
  refundedAmount: number;
}

export interface WalletPaymentPatch {
  status?: WalletStatus;
  providerRef?: string | null;
  declineReason?: WalletDeclineReason | null;
  confirmBy?: string | null;
  /** null frees the code (the provider never received it). */
  codeHash?: null;
  updatedAt: string;
}

export interface WalletRefundRecord {
  key: string;
  originalKey: string;
  terminalId: string;
  amount: number;
  currency: string;
  status: 'pending' | 'approved' | 'declined';
  requestHash: string;
  providerRef: string | null;
  declineReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export type WalletRefundReservation =
  | { kind: 'reserved'; refund: WalletRefundRecord }
  | { kind: 'exists'; refund: WalletRefundRecord }
  | { kind: 'exceeds'; remaining: number }
  | { kind: 'no_payment' };

export interface WalletStore {
  /** The secret for keyed hashes of codes: made once per database, so every instance agrees. */
  codeSecret(): Promise<Buffer>;
  /** False when the key, or the code's hash, is taken: nothing is inserted then. */
  insertWalletPayment(p: WalletPaymentRecord): Promise<boolean>;
  getWalletPayment(key: string): Promise<WalletPaymentRecord | undefined>;
  getWalletPaymentByCode(codeHash: string): Promise<WalletPaymentRecord | undefined>;
  /** Moves the payment when its status is one of `from`; false when it was not. */
  updateWalletPayment(
    key: string,
    patch: WalletPaymentPatch,
    from: readonly WalletStatus[],
  ): Promise<boolean>;
  reserveWalletRefund(refund: WalletRefundRecord): Promise<WalletRefundReservation>;
  /** Records the provider's answer; a declined refund gives its amount back to the payment. */
  settleWalletRefund(
    key: string,
    outcome: { status: 'approved'; providerRef: string } | { status: 'declined'; reason: string },
    at: string,
  ): Promise<WalletRefundRecord | undefined>;
  getWalletRefund(key: string): Promise<WalletRefundRecord | undefined>;
}

function toPayment(r: Selectable<WalletPaymentsTable>): WalletPaymentRecord {
  return {
    key: r.key,
    terminalId: r.terminal_id,
    saleId: r.sale_id,
    amount: num(r.amount),
    currency: r.currency,
    provider: r.provider as WalletProvider | null,
    status: r.status as WalletStatus,
    requestHash: r.request_hash,
    codeHash: r.code_hash,
    maskedCode: r.masked_code,
    providerRef: r.provider_ref,
    declineReason: r.decline_reason as WalletDeclineReason | null,
    confirmBy: r.confirm_by,
    merchantId: r.merchant_id,
    businessDate: r.business_date,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    refundedAmount: num(r.refunded_amount),
  };
}

function toRefund(r: Selectable<WalletRefundsTable>): WalletRefundRecord {
  return {
    key: r.key,
    originalKey: r.original_key,
    terminalId: r.terminal_id,
    amount: num(r.amount),
    currency: r.currency,
    status: r.status as WalletRefundRecord['status'],
    requestHash: r.request_hash,
    providerRef: r.provider_ref,
    declineReason: r.decline_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class KyselyWalletStore implements WalletStore {
  private secret: Buffer | undefined;

  constructor(private readonly db: Db) {}

  async codeSecret(): Promise<Buffer> {
    if (this.secret) return this.secret;
    await this.db
      .insertInto('wallet_secret')
      .values({ id: 1, secret: randomBytes(32).toString('base64') })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('wallet_secret')
      .select('secret')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    this.secret = Buffer.from(row.secret, 'base64');
    return this.secret;
  }

  async insertWalletPayment(p: WalletPaymentRecord): Promise<boolean> {
    const res = await this.db
      .insertInto('wallet_payments')
      .values({
        key: p.key,
        terminal_id: p.terminalId,
        sale_id: p.saleId,
        amount: p.amount,
        currency: p.currency,
        provider: p.provider,
        status: p.status,
        request_hash: p.requestHash,
        code_hash: p.codeHash,
        masked_code: p.maskedCode,
        provider_ref: p.providerRef,
        decline_reason: p.declineReason,
        confirm_by: p.confirmBy,
        merchant_id: p.merchantId,
        business_date: p.businessDate,
        created_at: p.createdAt,
        updated_at: p.updatedAt,
        refunded_amount: p.refundedAmount,
      })
      // No conflict target: a clash on the key OR on the code's hash inserts nothing.
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return num(res.numInsertedOrUpdatedRows) > 0;
  }

  async getWalletPayment(key: string): Promise<WalletPaymentRecord | undefined> {
    const row = await this.db
      .selectFrom('wallet_payments')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row && toPayment(row);
  }

  async getWalletPaymentByCode(codeHash: string): Promise<WalletPaymentRecord | undefined> {
    const row = await this.db
      .selectFrom('wallet_payments')
      .selectAll()
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return row && toPayment(row);
  }

  async updateWalletPayment(
    key: string,
    patch: WalletPaymentPatch,
    from: readonly WalletStatus[],
  ): Promise<boolean> {
    const row: Partial<WalletPaymentsTable> = { updated_at: patch.updatedAt };
    if (patch.status !== undefined) row.status = patch.status;
    if (patch.providerRef !== undefined) row.provider_ref = patch.providerRef;
    if (patch.declineReason !== undefined) row.decline_reason = patch.declineReason;
    if (patch.confirmBy !== undefined) row.confirm_by = patch.confirmBy;
    if (patch.codeHash !== undefined) row.code_hash = patch.codeHash;
    const res = await this.db
      .updateTable('wallet_payments')
      .set(row)
      .where('key', '=', key)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return num(res.numUpdatedRows) > 0;
  }

  async reserveWalletRefund(refund: WalletRefundRecord): Promise<WalletRefundReservation> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('wallet_refunds')
          .selectAll()
          .where('key', '=', refund.key)
          .executeTakeFirst();
        if (existing) return { kind: 'exists' as const, refund: toRefund(existing) };
        if (
          !(await claimRefundAmount(
            trx,
            'wallet_payments',
            refund.originalKey,
            refund.amount,
            refund.updatedAt,
          ))
        ) {
          const remaining = await refundableAmount(trx, 'wallet_payments', refund.originalKey);
          throw new Rollback<WalletRefundReservation>(
            remaining === undefined ? { kind: 'no_payment' } : { kind: 'exceeds', remaining },
          );
        }
        const inserted = await trx
          .insertInto('wallet_refunds')
          .values({
            key: refund.key,
            original_key: refund.originalKey,
            terminal_id: refund.terminalId,
            amount: refund.amount,
            currency: refund.currency,
            status: refund.status,
            request_hash: refund.requestHash,
            provider_ref: refund.providerRef,
            decline_reason: refund.declineReason,
            created_at: refund.createdAt,
            updated_at: refund.updatedAt,
          })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        if (num(inserted.numInsertedOrUpdatedRows) === 0) {
          // A concurrent request with this key won: give the amount back and answer with its row.
          const row = await trx
            .selectFrom('wallet_refunds')
            .selectAll()
            .where('key', '=', refund.key)
            .executeTakeFirstOrThrow();
          throw new Rollback<WalletRefundReservation>({ kind: 'exists', refund: toRefund(row) });
        }
        return { kind: 'reserved' as const, refund };
      });
    } catch (e) {
      if (e instanceof Rollback) return e.answer as WalletRefundReservation;
      throw e;
    }
  }

  async settleWalletRefund(
    key: string,
    outcome: { status: 'approved'; providerRef: string } | { status: 'declined'; reason: string },
    at: string,
  ): Promise<WalletRefundRecord | undefined> {
    await this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('wallet_refunds')
        .set(
          outcome.status === 'approved'
            ? { status: 'approved', provider_ref: outcome.providerRef, updated_at: at }
            : { status: 'declined', decline_reason: outcome.reason, updated_at: at },
        )
        .where('key', '=', key)
        .where('status', '=', 'pending')
        .returning(['original_key', 'amount'])
        .executeTakeFirst();
      if (moved && outcome.status === 'declined')
        await releaseRefundAmount(
          trx,
          'wallet_payments',
          moved.original_key,
          num(moved.amount),
          at,
        );
    });
    return this.getWalletRefund(key);
  }

  async getWalletRefund(key: string): Promise<WalletRefundRecord | undefined> {
    const row = await this.db
      .selectFrom('wallet_refunds')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    return row && toRefund(row);
  }
}
