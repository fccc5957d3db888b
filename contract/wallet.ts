// Wallet payment codes (ARCHITECTURE §5): the customer shows a payment code on a phone, the cashier
// scans it, and the gateway authorizes it with the wallet provider. Online only.
//
// A payment code is a bearer token: whoever holds it can charge the wallet once, for a minute or
// so. It goes from the scan to the gateway in one request and nowhere else: never logged, never
// stored (the terminal and gateway keep only `maskWalletCode` and a keyed hash to refuse reuse).
import { z } from 'zod';
import { CurrencyCode, Minor } from './money';
import { PaymentKey } from './payments';

export const WalletProvider = z.enum(['alipay', 'wechat', 'unionpay']);
export type WalletProvider = z.infer<typeof WalletProvider>;

/**
 * The documented shapes of the large Chinese wallets' payment codes (what a phone shows under
 * "pay"): all digits, with a provider prefix and length. Checked in order; the first match wins.
 * - Alipay: 16 to 24 digits starting 25 to 30.
 * - WeChat Pay: 18 digits starting 10 to 15.
 * - UnionPay QuickPass: 19 digits starting 62.
 */
const SHAPES: readonly { provider: WalletProvider; pattern: RegExp }[] = [
  { provider: 'wechat', pattern: /^1[0-5]\d{16}$/ },
  { provider: 'alipay', pattern: /^(2[5-9]|30)\d{14,22}$/ },
  { provider: 'unionpay', pattern: /^62\d{17}$/ },
];

export interface RecognizedWalletCode {
  provider: WalletProvider;
  /** The code as scanned (digits only). Hand it to `payment.startWallet` and drop it. */
  code: string;
  masked: string;
}

/** The wallet a scanned text is a payment code of, or null (not a payment code). */
export function recognizeWalletCode(text: string): RecognizedWalletCode | null {
  const code = text.trim();
  for (const s of SHAPES) {
    if (s.pattern.test(code)) return { provider: s.provider, code, masked: maskWalletCode(code) };
  }
  return null;
}

/**
 * What may be shown, stored or logged of a payment code: the provider's two-digit prefix and the
 * last 4 digits (less than a PAN mask shows: a payment code is a bearer token).
 */
export function maskWalletCode(code: string): string {
  if (code.length < 8) return '*'.repeat(code.length);
  return `${code.slice(0, 2)}${'*'.repeat(code.length - 6)}${code.slice(-4)}`;
}

export const MaskedWalletCode = z
  .string()
  .regex(/^\d{2}\*{2,20}\d{4}$/, 'a masked payment code: the first 2 and the last 4 digits');

const Id = z.string().min(1).max(64);
const IsoInstant = z.string().datetime({ offset: true });

// ---------- the gateway's wallet routes (docs/wallets.md) ----------

/** `POST /v1/wallet/payments`: charge a scanned payment code. Idempotent by `idempotencyKey`. */
export const WalletAuthorizeRequest = z.object({
  idempotencyKey: PaymentKey,
  terminalId: Id,
  saleId: Id,
  amount: Minor.refine((n) => n > 0, 'a positive amount in minor units'),
  currency: CurrencyCode,
  provider: WalletProvider,
  /** The payment code in full. Used for this one call to the provider and never kept. */
  code: z.string().regex(/^\d{16,24}$/, 'a payment code: 16 to 24 digits'),
});
export type WalletAuthorizeRequest = z.infer<typeof WalletAuthorizeRequest>;

/**
 * A wallet payment at the gateway.
 * - `pending`: another request for this key is with the provider right now; ask again.
 * - `awaiting_customer`: the provider asked the customer to confirm on the phone (a PIN, or a
 *   large amount); ask again (`GET`) until `confirmBy`, then cancel.
 * - `approved`: charged. `declined`: not charged (see `declineReason`).
 * - `failed`: the provider never received it; nothing was charged.
 * - `unknown`: the provider did not answer in time. Ask `GET` again; still unknown, cancel.
 *   Never retry with a new key.
 * - `cancelled`: cancelled before it was charged (or a key cancelled before any authorization:
 *   a late request with it is refused). `reversed`: charged, then released before settlement.
 */
export const WalletStatus = z.enum([
  'pending',
  'awaiting_customer',
  'approved',
  'declined',
  'failed',
  'unknown',
  'cancelled',
  'reversed',
]);
export type WalletStatus = z.infer<typeof WalletStatus>;

export const WalletDeclineReason = z.enum([
  'insufficient_funds',
  'do_not_honour',
  /** The code's minute is up, or the customer refreshed it: show the new one. */
  'code_expired',
  /** The code was used already (a payment code pays once). */
  'code_used',
  /** Not a payment code this provider knows. */
  'code_invalid',
  'customer_cancelled',
  /** The customer did not confirm on the phone before the deadline. */
  'customer_timeout',
  'provider_unavailable',
  'currency',
  'blocked',
]);
export type WalletDeclineReason = z.infer<typeof WalletDeclineReason>;

export const WalletPaymentReply = z.object({
  key: PaymentKey,
  status: WalletStatus,
  provider: WalletProvider,
  maskedCode: MaskedWalletCode,
  amount: Minor,
  currency: CurrencyCode,
  /** The provider's transaction reference (approved; needed for refunds). */
  providerRef: z.string().nullable(),
  declineReason: WalletDeclineReason.nullable(),
  /** While `awaiting_customer`: when the gateway gives up waiting (then it cancels). */
  confirmBy: IsoInstant.nullable(),
  merchantId: z.string(),
});
export type WalletPaymentReply = z.infer<typeof WalletPaymentReply>;

/** `POST /v1/wallet/payments/:key/cancel`: cancel (not yet charged) or reverse (charged). */
export const WalletCancelRequest = z
  .object({ reason: z.enum(['cashier', 'timeout', 'void', 'recovery']).optional() })
  .default({});
export type WalletCancelRequest = z.infer<typeof WalletCancelRequest>;

export const WalletCancelReply = z.object({
  key: PaymentKey,
  /** `cancelled` or `reversed`, or the final state that needed nothing (`declined`, `failed`). */
  status: WalletStatus,
  /** True when the key was unknown: a tombstone now refuses a late authorization with it. */
  tombstone: z.boolean(),
});
export type WalletCancelReply = z.infer<typeof WalletCancelReply>;

/** Wallet names for receipts, reports and the UI. */
export const WALLET_NAMES: Record<WalletProvider, { en: string; zh: string }> = {
  alipay: { en: 'Alipay', zh: '支付宝' },
  wechat: { en: 'WeChat Pay', zh: '微信支付' },
  unionpay: { en: 'UnionPay QuickPass', zh: '云闪付' },
};
