// A payment's refunded amount, shared by card payments (`payments`) and wallet payments
// (`wallet_payments`): both keep `amount` and `refunded_amount` on the payment's row, and a refund
// claims its amount there before the acquirer or provider is asked. Money: the conditional UPDATE
// is what keeps refunds from exceeding what was paid.
import type { Kysely } from 'kysely';
import { num } from './rows';
import type { GatewayDatabase } from './schema';

type Db = Kysely<GatewayDatabase>;
export type RefundablePayments = 'payments' | 'wallet_payments';

/**
 * Adds `amount` to the payment's refunded amount unless that would exceed what was paid; false
 * when it would (or there is no such payment). Run it inside the refund's transaction: concurrent
 * refunds of one payment take turns on its row, and the loser finds the limit reached.
 */
export async function claimRefundAmount(
  trx: Db,
  table: RefundablePayments,
  paymentKey: string,
  amount: number,
  at: string,
): Promise<boolean> {
  const claimed = await trx
    .updateTable(table)
    .set((eb) => ({
      refunded_amount: eb('refunded_amount', '+', amount),
      updated_at: at,
    }))
    .where('key', '=', paymentKey)
    .where((eb) => eb(eb('refunded_amount', '+', amount), '<=', eb.ref('amount')))
    .executeTakeFirst();
  return num(claimed.numUpdatedRows) > 0;
}

/** Gives a declined refund's amount back to its payment. */
export async function releaseRefundAmount(
  trx: Db,
  table: RefundablePayments,
  paymentKey: string,
  amount: number,
  at: string,
): Promise<void> {
  await trx
    .updateTable(table)
    .set((eb) => ({
      refunded_amount: eb('refunded_amount', '-', amount),
      updated_at: at,
    }))
    .where('key', '=', paymentKey)
    .execute();
}

/** What is left to refund on the payment; undefined when there is no such payment. */
export async function refundableAmount(
  trx: Db,
  table: RefundablePayments,
  paymentKey: string,
): Promise<number | undefined> {
  const p = await trx
    .selectFrom(table)
    .select(['amount', 'refunded_amount'])
    .where('key', '=', paymentKey)
    .executeTakeFirst();
  return p && num(p.amount) - num(p.refunded_amount);
}
