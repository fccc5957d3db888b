// The gateway's card-payment wire (ARCHITECTURE §4, §5, §7): authorization by idempotency key,
// status, reversal, refunds, stand-in policy and report, capture batches. Money is integer minor
// units of `currency`. Nothing here is a full PAN, track data or anything decrypted: the only card
// secret is `encrypted`, which only the gateway's acquirer can open and which it drops at once.
import { z } from 'zod';
import { CurrencyCode, Minor } from './money';

/** The terminal's idempotency key of a payment: a ULID it made before the first attempt. */
export const PaymentKey = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ULID (26 Crockford base32 characters)');
export type PaymentKey = z.infer<typeof PaymentKey>;

const Id = z.string().min(1).max(64);
const IsoInstant = z.string().datetime({ offset: true });
const BusinessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const PositiveMinor = Minor.refine((n) => n > 0, 'a positive amount in minor units');
const Hex = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[0-9A-Fa-f]*$/, 'hex digits');

/** First 6 and last 4 at most, the rest `*` (ARCHITECTURE §4), e.g. `424242******4242`. */
export const MaskedPan = z
  .string()
  .regex(/^\d{0,6}\*{2,13}\d{4}$/, 'a masked PAN: at most the first 6 and the last 4 digits');

export const CardBrand = z.enum([
  'visa',
  'mastercard',
  'amex',
  'discover',
  'jcb',
  'unionpay',
  'interac',
  'unknown',
]);
export type CardBrand = z.infer<typeof CardBrand>;

export const EntryMode = z.enum(['contactless_emv', 'contactless_msd']);
export type EntryMode = z.infer<typeof EntryMode>;

/** What the terminal may keep of a card (ARCHITECTURE §4), plus the ARQC's counter and cryptogram. */
export const CardInfo = z.object({
  maskedPan: MaskedPan,
  brand: CardBrand,
  /** Application identifier, hex. */
  aid: Hex(10, 32),
  /** Application label as the card gives it. */
  label: z.string().max(32).optional(),
  entryMode: EntryMode,
  /** Payment Account Reference (EMV 9F24), when the card gives one. */
  par: z.string().min(1).max(35).optional(),
  /** Application transaction counter (9F36), 4 hex digits. */
  atc: Hex(4, 4),
  /** Application cryptogram (9F26), 16 hex digits. */
  cryptogram: Hex(16, 16),
  /** Expiry month YYMM for the offline expiry check only; the gateway never stores it. */
  expiryMonth: z
    .string()
    .regex(/^\d{2}(0[1-9]|1[0-2])$/, 'YYMM')
    .optional(),
});
export type CardInfo = z.infer<typeof CardInfo>;

/** The reader's DUKPT-encrypted card data, as hex (or base64) text, and its key serial number. */
export const EncryptedCardData = z.object({
  /** 10-byte DUKPT key serial number, 20 hex digits. */
  ksn: Hex(20, 20),
  /** Ciphertext, hex or base64 (told apart by its alphabet); at most 4 KiB of bytes. */
  payload: z
    .string()
    .min(16)
    .max(8192)
    .regex(/^[0-9A-Za-z+/=]+$/, 'hex or base64'),
  /** Zero bytes the reader padded the plaintext with (MMS DFDF58), when it says. */
  padding: z.number().int().min(0).max(7).optional(),
});
export type EncryptedCardData = z.infer<typeof EncryptedCardData>;

export const AuthorizeRequest = z.object({
  idempotencyKey: PaymentKey,
  terminalId: Id,
  saleId: Id,
  amount: PositiveMinor,
  currency: CurrencyCode,
  card: CardInfo,
  encrypted: EncryptedCardData,
  /**
   * The velocity key: the PAR when the card gives one, else the terminal's venue-keyed hash of
   * what the reader exposes (weaker: see docs/payments.md).
   */
  cardKey: z.string().min(8).max(128),
  /** Present when the terminal accepted this payment offline and now forwards it. */
  offline: z.object({ storedAt: IsoInstant }).optional(),
});
export type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;

/**
 * A payment's state at the gateway.
 * - `approved`: the acquirer authorized it. `stand_in_approved`: the gateway approved it while
 *   the acquirer was unreachable and forwards it later (then `approved`, or `refused`).
 * - `declined`: not authorized (see `declineReason`); nothing to reverse.
 * - `failed`: not authorized, the acquirer never received it (stand-in off); nothing to reverse.
 * - `unknown`: the acquirer did not answer in time. The terminal asks `GET /v1/payments/:key`
 *   and, still unknown, reverses (ARCHITECTURE §5). Never retry with a new key.
 * - `pending`: another request for this key is being authorized right now; ask again.
 * - `reversed`: released before capture (or a key reversed before it was ever authorized).
 * - `refused`: a forwarded offline or stand-in payment the acquirer declined: a venue loss.
 */
export const PaymentStatus = z.enum([
  'pending',
  'approved',
  'stand_in_approved',
  'declined',
  'failed',
  'unknown',
  'reversed',
  'refused',
]);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const DeclineReason = z.enum([
  'insufficient_funds',
  'expired',
  'do_not_honour',
  'pin_required',
  'blocked',
  'invalid_card',
  'unreadable',
  'currency',
  'stand_in_cap',
  'stand_in_limit',
  'velocity',
  'acquirer_unavailable',
]);
export type DeclineReason = z.infer<typeof DeclineReason>;

export const AuthorizeReply = z.object({
  /** The payment's key: the request's, or the original's when this ARQC was already authorized. */
  key: PaymentKey,
  status: PaymentStatus,
  amount: Minor,
  currency: CurrencyCode,
  authCode: z.string().optional(),
  acquirerRef: z.string().optional(),
  declineReason: DeclineReason.optional(),
  /** True when the gateway stood in for the acquirer. */
  standIn: z.boolean(),
  /** The acquirer's merchant id and the terminal reference it knows this terminal by. */
  merchantId: z.string(),
  terminalRef: z.string(),
});
export type AuthorizeReply = z.infer<typeof AuthorizeReply>;

export const PaymentStatusReply = AuthorizeReply.extend({
  saleId: Id,
  terminalId: Id,
  maskedPan: z.string().nullable(),
  brand: z.string().nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
  capturedAt: IsoInstant.nullable(),
  reversedAt: IsoInstant.nullable(),
  refundedAmount: Minor,
  /** Set for offline payments the terminal forwarded. */
  offlineStoredAt: IsoInstant.nullable(),
  /**
   * When a stand-in approval was forwarded to the acquirer. Until then the terminal keeps the
   * encrypted payload: after a gateway restart, resending the same authorization supplies it.
   */
  forwardedAt: IsoInstant.nullable(),
});
export type PaymentStatusReply = z.infer<typeof PaymentStatusReply>;

/** POST /v1/payments/:key/reverse takes an optional reason (for the audit trail only). */
export const ReverseRequest = z
  .object({ reason: z.enum(['timeout', 'void', 'cancelled', 'recovery']).optional() })
  .default({});
export type ReverseRequest = z.infer<typeof ReverseRequest>;

export const ReverseReply = z.object({
  key: PaymentKey,
  /** `reversed`, or the final state that needed no reversal (`declined`, `failed`, `refused`). */
  status: PaymentStatus,
  /** True when the key was unknown: a tombstone now refuses a late authorization with it. */
  tombstone: z.boolean(),
});
export type ReverseReply = z.infer<typeof ReverseReply>;

export const RefundLine = z.object({
  lineId: Id,
  quantity: z.number().int().positive(),
  amount: PositiveMinor,
});
export type RefundLine = z.infer<typeof RefundLine>;

export const RefundRequest = z.object({
  idempotencyKey: PaymentKey,
  /** The key of the card (or wallet) payment to refund. */
  originalKey: PaymentKey,
  amount: PositiveMinor,
  currency: CurrencyCode.optional(),
  lines: z.array(RefundLine).max(500).optional(),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

export const RefundStatus = z.enum(['pending', 'approved', 'declined']);
export type RefundStatus = z.infer<typeof RefundStatus>;

export const RefundReply = z.object({
  key: PaymentKey,
  originalKey: PaymentKey,
  status: RefundStatus,
  amount: Minor,
  currency: CurrencyCode,
  acquirerRef: z.string().optional(),
  /** What is left to refund on the original payment after this refund. */
  remaining: Minor,
});
export type RefundReply = z.infer<typeof RefundReply>;

// ---------- stand-in ----------

/**
 * How the gateway stands in for an unreachable acquirer (reference data `policy`, field
 * `standIn`). Amounts in minor units of the venue currency. Exposure and per-card counts are of
 * stand-in approvals not yet forwarded to the acquirer, across all terminals.
 */
export const StandInPolicy = z.object({
  enabled: z.boolean(),
  /** Venue-wide: the sum of outstanding stand-in approvals never exceeds this (inclusive). */
  exposureCap: Minor,
  /** One stand-in payment at most this much (inclusive). */
  perTransactionLimit: Minor,
  /** Outstanding stand-in approvals per card key, across all terminals (inclusive). */
  countPerCard: z.number().int().nonnegative(),
  /** Venue-local HH:MM of the daily capture batch; default the venue's day change. */
  captureCutoff: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .optional(),
});
export type StandInPolicy = z.infer<typeof StandInPolicy>;

export const StandInReport = z.object({
  currency: CurrencyCode,
  policy: StandInPolicy,
  /** True while the gateway treats the acquirer as down (it stands in without asking it). */
  acquirerDown: z.boolean(),
  outstanding: z.object({ count: z.number().int(), amount: Minor }),
  /** exposureCap − outstanding amount. */
  headroom: Minor,
  byCard: z.array(z.object({ cardKey: z.string(), count: z.number().int(), amount: Minor })),
  forwarded: z.object({ count: z.number().int(), amount: Minor }),
  refused: z.object({ count: z.number().int(), amount: Minor }),
  declined: z.object({
    stand_in_cap: z.number().int(),
    velocity: z.number().int(),
    stand_in_limit: z.number().int(),
  }),
});
export type StandInReport = z.infer<typeof StandInReport>;

export const ForwardReply = z.object({
  forwarded: z.number().int(),
  approved: z.number().int(),
  refused: z.number().int(),
  /** Still outstanding (the acquirer did not answer). */
  left: z.number().int(),
});
export type ForwardReply = z.infer<typeof ForwardReply>;

// ---------- capture and settlement ----------

export const CaptureRequest = z.object({
  /** The business date to capture (payments of that date and earlier); default the one just closed. */
  businessDate: BusinessDate.optional(),
});
export type CaptureRequest = z.infer<typeof CaptureRequest>;

export const CaptureRow = z.object({
  key: PaymentKey,
  terminalId: Id,
  saleId: Id,
  businessDate: BusinessDate,
  amount: Minor,
  refundedAmount: Minor,
  currency: CurrencyCode,
  brand: z.string().nullable(),
  /** Last 4 only. */
  last4: z.string().nullable(),
  authCode: z.string().nullable(),
  acquirerRef: z.string().nullable(),
  standIn: z.boolean(),
  offline: z.boolean(),
});
export type CaptureRow = z.infer<typeof CaptureRow>;

export const CaptureBatchReply = z.object({
  businessDate: BusinessDate,
  status: z.enum(['running', 'done', 'failed']),
  startedAt: IsoInstant,
  finishedAt: IsoInstant.nullable(),
  count: z.number().int(),
  amount: Minor,
  currency: CurrencyCode,
  acquirerBatchRef: z.string().nullable(),
  /** True when this call found the batch already run (the run is idempotent per business date). */
  alreadyRun: z.boolean(),
  rows: z.array(CaptureRow),
});
export type CaptureBatchReply = z.infer<typeof CaptureBatchReply>;

/** Card settlement export columns (one row per captured payment), in this order. */
export const CARD_SETTLEMENT_COLUMNS = [
  'business_date',
  'key',
  'terminal_id',
  'sale_id',
  'brand',
  'last4',
  'auth_code',
  'acquirer_ref',
  'currency',
  'amount',
  'refunded_amount',
  'stand_in',
  'offline',
] as const;
