// The gateway's wire: every route's input and output (ARCHITECTURE §6, §7). The gateway validates
// requests with these schemas and generates /openapi.json from them; the terminal's sync worker and
// the CLI parse replies with them.
import { z } from 'zod';
import { CatalogBody, LocalizedText } from './api';
import { CatalogId, StopSaleState, Tag } from './menu';
import { CurrencyCode, Minor } from './money';
import { StandInPolicy } from './payments';
import { VenueConfig } from './venue';
import { MaskedWalletCode, WalletProvider } from './wallet';

const Id = z.string().min(1).max(64);
const IsoInstant = z.string().datetime({ offset: true });
export const BusinessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** Current event schema version; the gateway also accepts the one before (ARCHITECTURE §4). */
/**
 * 2: sale lines carry kind, discounts, modifiers, combo components and deposits; totals carry
 * discounts, comps and deposits. Version 1 events read with those as zero / item lines.
 */
export const EVENT_VERSION = 2;
export const ACCEPTED_EVENT_VERSIONS = [1, EVENT_VERSION] as const;
export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 1024 * 1024;

export const ErrorReply = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** For `events.conflict`: the seqs whose content differs from what the gateway holds. */
    seqs: z.array(z.number().int()).optional(),
  }),
});
export type ErrorReply = z.infer<typeof ErrorReply>;

// ---------- enrollment ----------

/**
 * One-time enrollment code as typed by a technician: `XXXX-XXXX-XXXX` (Crockford base32, 60
 * random bits), and when the gateway runs TLS, `-` plus the first 128 bits of the SHA-256 of its
 * certificate (26 base32 characters) so the terminal can pin it.
 */
export const EnrollmentCode = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{26})?$/, 'an enrollment code such as 7K2M-Q9XD-4HTP');

/** Crockford base32 digits (no I, L, O, U). */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An enrollment code as typed by a person, normalised: trimmed, upper case, inner spaces dropped,
 * Crockford's look-alikes read as digits (O → 0, I and L → 1). Undefined when it is not a code.
 */
export function normaliseEnrollmentCode(text: string): string | undefined {
  const code = text
    .trim()
    .toUpperCase()
    .replace(/\s+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return EnrollmentCode.safeParse(code).success ? code : undefined;
}

/**
 * Splits a normalised code into the one-time secret (the first three groups, which the gateway
 * looks up by hash) and the certificate pin (the fourth group, when present).
 */
export function splitEnrollmentCode(code: string): { secret: string; pin: string | null } {
  const groups = code.split('-');
  return { secret: groups.slice(0, 3).join('-'), pin: groups[3] ?? null };
}

export const EnrollmentRequest = z.object({
  /** Case-insensitive; see normaliseEnrollmentCode. */
  code: z
    .string()
    .max(80)
    .refine((c) => normaliseEnrollmentCode(c) !== undefined, 'an enrollment code such as 7K2M-Q9XD-4HTP'),
  terminalId: Id,
  /** Ed25519 public key, SPKI DER, base64. */
  publicKey: z.string().min(40).max(200),
});
export type EnrollmentRequest = z.infer<typeof EnrollmentRequest>;

export const EnrollmentReply = z.object({
  terminalId: Id,
  name: z.string(),
  venue: VenueConfig,
  enrolledAt: IsoInstant,
});
export type EnrollmentReply = z.infer<typeof EnrollmentReply>;

// ---------- events ----------

export const EventEnvelope = z.object({
  v: z.number().int().positive(),
  eventId: Id,
  terminalId: Id,
  seq: z.number().int().positive(),
  type: z.string().min(1).max(64),
  at: IsoInstant,
  businessDate: BusinessDate,
  data: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** The terminal's journal chain head, signed with its key (ARCHITECTURE §4). */
export const ChainHead = z.object({
  seq: z.number().int().nonnegative(),
  hash: Sha256Hex,
  /** Ed25519 signature over `${terminalId}:${seq}:${hash}`, base64. */
  signature: z.string().min(1).max(200),
});
export type ChainHead = z.infer<typeof ChainHead>;

export const EventsBatch = z.object({
  terminalId: Id,
  events: z.array(EventEnvelope).min(1).max(MAX_BATCH_EVENTS),
  chainHead: ChainHead.optional(),
});
export type EventsBatch = z.infer<typeof EventsBatch>;

export const EventsReply = z.object({
  /** Highest seq up to which the gateway holds every event of this terminal. */
  ackedSeq: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  /** Seqs of this batch that the gateway already had with the same content. */
  duplicateSeqs: z.array(z.number().int()),
  /** Gaps below the highest seq received, as inclusive [from, to] ranges. */
  missing: z.array(z.tuple([z.number().int(), z.number().int()])),
});
export type EventsReply = z.infer<typeof EventsReply>;

/** The data of a `sale.completed` event as the gateway reads it (the terminal sends more). */
export const SaleCompletedData = z.object({
  terminalId: Id,
  saleId: Id,
  receiptNo: z.number().int().positive(),
  receiptRef: z.string(),
  receiptToken: z.string().min(16).max(64),
  currency: CurrencyCode,
  completedAt: IsoInstant,
  businessDate: BusinessDate,
  lines: z.array(
    z.object({
      lineId: Id,
      kind: z.enum(['item', 'combo', 'deposit', 'deposit_return']).default('item'),
      productId: Id,
      /** '' for deposit lines. */
      categoryId: z.string().max(64),
      name: LocalizedText,
      unitPrice: Minor,
      quantity: z.number().int(),
      amount: Minor,
      /** Line discount plus its share of a sale discount. */
      discount: Minor.default(0),
      taxRateId: z.string(),
    }),
  ),
  totals: z.object({
    subtotal: Minor,
    discounts: Minor.default(0),
    comps: Minor.default(0),
    deposits: Minor.default(0),
    exclusiveTax: Minor,
    taxTotal: Minor,
    total: Minor,
    taxes: z.array(
      z.object({ taxRateId: z.string(), rateBp: z.number().int(), inclusive: z.boolean(), net: Minor, tax: Minor, gross: Minor }),
    ),
  }),
  payments: z.array(
    z.object({
      paymentId: Id,
      kind: z.string(),
      amount: Minor,
      tendered: Minor,
      change: Minor,
      rounding: Minor,
      /** Wallet tenders: which wallet, the code's mask (never the code) and the provider's reference. */
      provider: WalletProvider.optional(),
      maskedCode: MaskedWalletCode.optional(),
      providerRef: z.string().max(128).nullable().optional(),
    }),
  ),
  cashRounding: Minor,
  change: Minor,
  /**
   * The shift the sale was taken in, when the terminal sends it. Without it the gateway places the
   * sale in the terminal's shift that was open when it completed (docs/gateway.md).
   */
  shiftId: Id.nullable().optional(),
});
export type SaleCompletedData = z.infer<typeof SaleCompletedData>;
/** As a terminal (or a version-1 terminal) sends it: the newer fields may be absent. */
export type SaleCompletedInput = z.input<typeof SaleCompletedData>;

// ---------- shift and day events (what the gateway reads of them) ----------

const ShiftCountAmount = z.object({ count: z.number().int().nonnegative(), amount: Minor });

/** `shift.opened`: a cashier's drawer session begins. */
export const ShiftOpenedData = z.object({
  shiftId: Id,
  cashier: z.object({ id: z.string(), name: z.string() }),
});
export type ShiftOpenedData = z.infer<typeof ShiftOpenedData>;

/** `shift.closed`: the stored shift report (contract/shifts.ts ReportDto); the gateway reads a few fields. */
export const ShiftClosedData = z.object({
  shiftId: Id,
  report: z.object({
    businessDate: BusinessDate,
    cashier: z.string().nullable(),
    from: z.string().nullable(),
    sales: ShiftCountAmount,
    overShort: z.number().int().nullable(),
  }),
});
export type ShiftClosedData = z.infer<typeof ShiftClosedData>;

/** `day.closed`: the Z report with its gapless number and perpetual grand total. */
export const DayClosedData = z.object({
  zNumber: z.number().int().positive(),
  report: z.object({
    businessDate: BusinessDate,
    grandTotal: z.number().int().nullable(),
    /** Card payments refused after their shift closed, each with that (original) shift. */
    lateRefusals: z
      .array(z.object({ paymentId: Id, shiftId: Id.nullable(), amount: Minor }))
      .default([]),
  }),
});
export type DayClosedData = z.infer<typeof DayClosedData>;

/** `refund.completed`: money given back on a sale (cash or card). */
export const RefundCompletedData = z.object({
  refundId: Id,
  saleId: Id,
  amount: Minor,
  currency: CurrencyCode,
  completedAt: IsoInstant.nullable().optional(),
  businessDate: BusinessDate.nullable().optional(),
  shiftId: Id.nullable().optional(),
});
export type RefundCompletedData = z.infer<typeof RefundCompletedData>;

// ---------- reference data ----------

export const ReferenceKind = z.enum(['catalog', 'staff', 'policy', 'blocked-cards', 'stop-sale', 'config']);
export type ReferenceKind = z.infer<typeof ReferenceKind>;

export const StaffMember = z.object({
  id: Id,
  name: z.string().min(1).max(100),
  role: z.enum(['cashier', 'supervisor', 'admin']),
  /** scrypt hash of the PIN (`scrypt$N$r$p$salt$hash`, base64 parts); never the PIN. */
  pinHash: z.string().min(1).max(300),
});
export type StaffMember = z.infer<typeof StaffMember>;
export const StaffList = z.object({ staff: z.array(StaffMember) });
export type StaffList = z.infer<typeof StaffList>;

/** Offline acceptance policy (ARCHITECTURE §5); amounts in minor units of the venue currency. */
export const RiskPolicy = z.object({
  offlinePerTransactionLimit: Minor,
  offlineTotalLimit: Minor,
  offlineCountPerCard: z.number().int().nonnegative(),
  contactlessCvmLimit: Minor,
  offlineWarnAfterHours: z.number().positive(),
  offlineStopAfterHours: z.number().positive(),
  walletsOnlineOnly: z.boolean(),
  /** The gateway's stand-in while the acquirer is unreachable; gateway defaults when absent. */
  standIn: StandInPolicy.optional(),
});
export type RiskPolicy = z.infer<typeof RiskPolicy>;

export const ReferenceBodies = {
  catalog: CatalogBody,
  staff: StaffList,
  policy: RiskPolicy,
  'blocked-cards': z.object({ cardKeys: z.array(z.string().max(128)) }),
  /** The venue's stop-sale tags and venue-wide sold-out products (applied at once, even mid-sale). */
  'stop-sale': StopSaleState.omit({ version: true }),
  config: VenueConfig,
} as const;

export const ReferenceReply = z.object({
  kind: ReferenceKind,
  version: z.number().int().nonnegative(),
  body: z.unknown(),
});
export type ReferenceReply = z.infer<typeof ReferenceReply>;

/** Reply to an admin's `PUT /v1/admin/reference/:kind`. */
export const ReferencePutReply = z.object({ kind: ReferenceKind, version: z.number().int().positive() });
export type ReferencePutReply = z.infer<typeof ReferencePutReply>;

// ---------- stop-sale (venue-wide, applied by every terminal at once) ----------

/** `POST /v1/admin/stop-sale`: stop selling every product with `tag`, or resume it. */
export const StopSaleRequest = z.object({ tag: Tag, resume: z.boolean().optional() });
export type StopSaleRequest = z.infer<typeof StopSaleRequest>;

/** `POST /v1/admin/sold-out`: a product sold out venue-wide, or back. */
export const SoldOutRequest = z.object({ productId: CatalogId, soldOut: z.boolean() });
export type SoldOutRequest = z.infer<typeof SoldOutRequest>;

/** `POST /v1/reference/stop-sale/ack` (signed): the stop-sale version this terminal applied. */
export const StopSaleAck = z.object({ version: z.number().int().nonnegative() });
export type StopSaleAck = z.infer<typeof StopSaleAck>;
export const StopSaleAckReply = z.object({
  version: z.number().int().nonnegative(),
  /** The gateway's current version: when it differs, the terminal's next poll fetches it. */
  current: z.number().int().nonnegative(),
});
export type StopSaleAckReply = z.infer<typeof StopSaleAckReply>;

/**
 * Per active terminal: `confirmed` acked the current version; `offline` not seen within the
 * gateway's offline window (default 30 s); `pending` otherwise (online, not yet confirmed).
 */
export const StopSaleTerminal = z.object({
  terminalId: Id,
  name: z.string(),
  state: z.enum(['confirmed', 'pending', 'offline']),
  confirmedVersion: z.number().int().nonnegative().nullable(),
  confirmedAt: IsoInstant.nullable(),
  lastSeenAt: IsoInstant.nullable(),
});
export type StopSaleTerminal = z.infer<typeof StopSaleTerminal>;

/** `GET /v1/admin/stop-sale`, and the reply to both stop-sale and sold-out changes. */
export const StopSaleStatus = z.object({
  /** 0: never set. */
  version: z.number().int().nonnegative(),
  tags: z.array(z.string()),
  soldOut: z.array(z.string()),
  changedAt: IsoInstant.nullable(),
  terminals: z.array(StopSaleTerminal),
});
export type StopSaleStatus = z.infer<typeof StopSaleStatus>;

// ---------- admin ----------

export const CreateCodeRequest = z.object({
  name: z.string().min(1).max(100),
  /** How long the code stays valid; default 24 h, at most 7 days. */
  ttlSeconds: z.number().int().min(60).max(7 * 24 * 3600).optional(),
});
export const CreateCodeReply = z.object({ code: EnrollmentCode, name: z.string(), expiresAt: IsoInstant });

export const TerminalInfo = z.object({
  terminalId: Id,
  name: z.string(),
  status: z.enum(['active', 'revoked']),
  enrolledAt: IsoInstant,
  lastSeenAt: IsoInstant.nullable(),
  ackedSeq: z.number().int().nonnegative(),
  chainHead: z.object({ seq: z.number().int(), hash: z.string(), receivedAt: IsoInstant }).nullable(),
});
export type TerminalInfo = z.infer<typeof TerminalInfo>;
export const TerminalList = z.object({ terminals: z.array(TerminalInfo) });
export type TerminalList = z.infer<typeof TerminalList>;

export const RevokeReply = z.object({ terminalId: Id, status: z.literal('revoked') });
export type RevokeReply = z.infer<typeof RevokeReply>;

export const HealthReply = z.object({
  ok: z.literal(true),
  dialect: z.enum(['sqlite', 'postgres']),
  version: z.string(),
});
export type HealthReply = z.infer<typeof HealthReply>;

// ---------- reports ----------

/** `from`/`to`: inclusive business dates `YYYY-MM-DD` or RFC 3339 instants. All optional. */
export const SummaryQuery = z.object({
  from: z.union([BusinessDate, IsoInstant]).optional(),
  to: z.union([BusinessDate, IsoInstant]).optional(),
  terminal: Id.optional(),
});
export type SummaryQuery = z.infer<typeof SummaryQuery>;

/** `GET /v1/admin/export`: settlement rows as CSV (the only format for now). */
export const ExportQuery = SummaryQuery.extend({ format: z.enum(['csv']).default('csv') });
export type ExportQuery = z.infer<typeof ExportQuery>;

const CountAmount = z.object({ count: z.number().int().nonnegative(), amount: Minor });

/**
 * Sales summary across terminals, in minor units of `currency`. Example (a beer with a 2.00 cup
 * deposit and a 10 % discount, a staff meal, a cola; event v2):
 * ```json
 * { "currency": "CNY", "from": "2026-11-21", "to": "2026-11-21",
 *   "sales": { "count": 2, "amount": 5700 }, "refunds": { "count": 0, "amount": 0 },
 *   "deposits": { "count": 1, "amount": 200 },
 *   "discounts": { "count": 1, "amount": 500 },
 *   "comps": { "count": 1, "amount": 3500 },
 *   "byTender": [{ "tender": "cash", "count": 2, "amount": 5900 }],
 *   "byTerminal": [{ "terminalId": "01K…", "name": "Gate B bar 3", "count": 2, "amount": 5700 }],
 *   "byCategory": [{ "categoryId": "beer", "quantity": 1, "amount": 4500 },
 *                  { "categoryId": "drinks", "quantity": 1, "amount": 1200 },
 *                  { "categoryId": "hot-food", "quantity": 1, "amount": 0 }],
 *   "byHour": [{ "hour": "2026-11-21T19", "count": 2, "amount": 5700 }] }
 * ```
 * `sales.amount` (and `byTerminal`, `byHour`) is revenue: what the sales took minus deposits
 * (`total − deposits`), so discounts and comps are already off it. `deposits` is the deposit
 * liability taken (charged minus paid back), `discounts` and `comps` what was given away; each
 * `count` is the number of sales with a non-zero amount of that kind. `byCategory` sums item and
 * combo lines net of their discounts (deposit lines are in no category). `byTender` is what each
 * tender took, deposits included. `byHour` uses the venue's local time; `sales.count` counts
 * completed sales (voids excluded). Version-1 events count as item lines with no discount.
 */
export const SummaryReport = z.object({
  currency: CurrencyCode,
  from: z.string().nullable(),
  to: z.string().nullable(),
  sales: CountAmount,
  refunds: CountAmount,
  deposits: CountAmount,
  discounts: CountAmount,
  comps: CountAmount,
  byTender: z.array(z.object({ tender: z.string(), count: z.number().int(), amount: Minor })),
  byTerminal: z.array(z.object({ terminalId: Id, name: z.string(), count: z.number().int(), amount: Minor })),
  byCategory: z.array(z.object({ categoryId: z.string(), quantity: z.number().int(), amount: Minor })),
  byHour: z.array(z.object({ hour: z.string(), count: z.number().int(), amount: Minor })),
});
export type SummaryReport = z.infer<typeof SummaryReport>;

/** `GET /v1/reports/shifts`: business dates (inclusive) and one terminal, each optional. */
export const ShiftsQuery = z.object({
  from: BusinessDate.optional(),
  to: BusinessDate.optional(),
  terminal: Id.optional(),
});
export type ShiftsQuery = z.infer<typeof ShiftsQuery>;

/**
 * Every terminal's shifts, oldest first. `sales` is what the shift report says (revenue, as in the
 * summary) once closed, and what the gateway holds of it while open. `overShort` = counted −
 * expected (null while open); `zNumber` is the Z that closed the shift's day (null before it).
 * `lateRefusals`: card payments of this shift's sales refused after it closed (a venue loss of
 * this shift, never of another cashier's drawer), in minor units.
 */
export const ShiftSummary = z.object({
  terminalId: Id,
  shiftId: Id,
  businessDate: BusinessDate,
  status: z.enum(['open', 'closed']),
  sales: CountAmount,
  overShort: z.number().int().nullable(),
  zNumber: z.number().int().nullable(),
  lateRefusals: Minor,
});
export type ShiftSummary = z.infer<typeof ShiftSummary>;
export const ShiftsReport = z.object({ shifts: z.array(ShiftSummary) });
export type ShiftsReport = z.infer<typeof ShiftsReport>;

/** One stored Z report of a terminal (for the shifts page). */
export const ZReportSummary = z.object({
  terminalId: Id,
  zNumber: z.number().int(),
  businessDate: BusinessDate,
  closedAt: z.string(),
  grandTotal: z.number().int(),
  /** The report as the terminal sent it (contract/shifts.ts ReportDto), JSON. */
  report: z.string(),
});
export type ZReportSummary = z.infer<typeof ZReportSummary>;

/** One settlement row per payment (CSV export columns, in this order). */
export const SETTLEMENT_COLUMNS = [
  'business_date',
  'terminal_id',
  'terminal_name',
  'receipt_ref',
  'sale_id',
  'completed_at',
  'tender',
  'currency',
  'amount',
  'rounding',
] as const;
