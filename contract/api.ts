// The PosApi: every command the UI may send to the terminal, and every event it may receive.
// Both hosts (Electron IPC and the browser-mode WebSocket) validate each input with these schemas
// before a service sees it, and answer with a Reply.
import { z } from 'zod';
import { CurrencyCode, Minor } from './money';
import { DeclineReason } from './payments';
import { WalletDeclineReason, WalletProvider } from './wallet';
import { Counts, type ReportDto } from './shifts';
import {
  AvailabilityDto,
  CatalogId,
  ComboDto,
  DepositDto,
  DiscountLimits,
  DiscountReasonDto,
  ModifierGroupDto,
  PriceLevelDto,
  ReasonKind,
  Role,
  Tag,
  VariantDto,
  defaultDiscountLimits,
} from './menu';

// ---------- value types ----------

export const LocalizedText = z.object({ en: z.string(), zh: z.string() });
export type LocalizedText = z.infer<typeof LocalizedText>;

export const Locale = z.enum(['en', 'zh']);
export type Locale = z.infer<typeof Locale>;

export const TaxRateDto = z.object({
  id: z.string(),
  name: LocalizedText,
  rateBp: z.number().int().min(0).max(10_000),
  inclusive: z.boolean(),
});
export type TaxRateDto = z.infer<typeof TaxRateDto>;

export const CategoryDto = z.object({
  id: z.string(),
  name: LocalizedText,
  color: z.string(),
  sort: z.number().int(),
});
export type CategoryDto = z.infer<typeof CategoryDto>;

export const ProductDto = z.object({
  id: z.string(),
  categoryId: z.string(),
  name: LocalizedText,
  price: Minor,
  taxRateId: z.string(),
  barcode: z.string().nullable(),
  sort: z.number().int(),
  /** `alcohol`, …: what a venue-wide stop-sale names. */
  tags: z.array(Tag).max(20).default([]),
  /** Selling it asks the cashier to check the customer's ID for this age. */
  minAge: z.number().int().min(1).max(99).nullable().default(null),
  /** Deposit charged with each unit (a cup), unless its variant says otherwise. */
  depositId: CatalogId.nullable().default(null),
  /** Sizes; when there are any, the cashier picks one and its price applies. */
  variants: z.array(VariantDto).max(20).default([]),
  /** Modifier groups offered after picking the item, in this order. */
  modifierGroupIds: z.array(CatalogId).max(20).default([]),
  /** A combo: `price` is the set price of the combo's slots. */
  combo: ComboDto.nullable().default(null),
});
export type ProductDto = z.infer<typeof ProductDto>;

/** The catalog as reference data (what the gateway sends and the importer reads). */
export const CatalogBody = z.object({
  categories: z.array(CategoryDto),
  products: z.array(ProductDto),
  taxRates: z.array(TaxRateDto),
  modifierGroups: z.array(ModifierGroupDto).default([]),
  deposits: z.array(DepositDto).default([]),
  reasons: z.array(DiscountReasonDto).default([]),
  discountLimits: DiscountLimits.default(defaultDiscountLimits),
  priceLevels: z.array(PriceLevelDto).default([]),
});
export type CatalogBody = z.infer<typeof CatalogBody>;

export const CatalogDto = CatalogBody.extend({
  currency: CurrencyCode,
  /** What cannot be sold right now (sold out, stopped), for the UI to grey out. */
  availability: AvailabilityDto,
  /** The price level a sale started now would use (null: list prices). */
  priceLevelId: z.string().nullable(),
});
export type CatalogDto = z.infer<typeof CatalogDto>;

export const TaxGroupDto = z.object({
  taxRateId: z.string(),
  rateBp: z.number().int(),
  inclusive: z.boolean(),
  net: Minor,
  tax: Minor,
  gross: Minor,
});

export const TotalsDto = z.object({
  /** Item lines before discounts (deposits not included). */
  subtotal: Minor,
  discounts: Minor,
  /** Comps and staff meals. */
  comps: Minor,
  /** Deposits charged minus returned (outside tax). */
  deposits: Minor,
  exclusiveTax: Minor,
  taxTotal: Minor,
  total: Minor,
  taxes: z.array(TaxGroupDto),
});
export type TotalsDto = z.infer<typeof TotalsDto>;

export const LineKind = z.enum(['item', 'combo', 'deposit', 'deposit_return']);

export const LineModifierDto = z.object({
  groupId: z.string(),
  optionId: z.string(),
  name: LocalizedText,
  priceDelta: Minor,
});
export type LineModifierDto = z.infer<typeof LineModifierDto>;

/** A combo's component: what the customer chose for one slot. */
export const LineComponentDto = z.object({
  slotId: z.string(),
  productId: z.string(),
  variantId: z.string().nullable(),
  name: LocalizedText,
  categoryId: z.string(),
  taxRateId: z.string(),
  taxRateBp: z.number().int(),
  taxInclusive: z.boolean(),
  /** The component's own price, the weight for splitting the set price over tax rates. */
  listPrice: Minor,
});
export type LineComponentDto = z.infer<typeof LineComponentDto>;

export const LineDiscountDto = z.object({
  reasonCode: z.string(),
  kind: ReasonKind,
  name: LocalizedText,
  percentBp: z.number().int().nullable(),
  amount: Minor.nullable(),
  /** Who approved it when it was over the cashier's limit (the supervisor issue fills this in). */
  approvedBy: z.string().nullable(),
});
export type LineDiscountDto = z.infer<typeof LineDiscountDto>;

export const SaleLineDto = z.object({
  lineId: z.string(),
  /** item; combo (components below); deposit (attached to parentLineId); deposit_return (negative). */
  kind: LineKind,
  /** Product id; for deposit lines the deposit's id. */
  productId: z.string(),
  variantId: z.string().nullable(),
  /** The product's category at the time of sale, for reports by category ('' for deposits). */
  categoryId: z.string(),
  /** The product's name with the variant's (`Draft lager · Large`). */
  name: LocalizedText,
  /** Unit price including modifiers (negative for a deposit return). */
  unitPrice: Minor,
  quantity: z.number().int(),
  /** unitPrice × quantity, before discounts. */
  amount: Minor,
  /** The line's discount plus its share of a sale discount (0 for deposits). */
  discount: Minor,
  taxRateId: z.string(),
  parentLineId: z.string().nullable(),
  modifiers: z.array(LineModifierDto),
  components: z.array(LineComponentDto),
  /** The line's own discount (a sale discount is on the sale). */
  lineDiscount: LineDiscountDto.nullable(),
  /** A supervisor set this unit price instead of the catalog's (`listPrice`, with options). */
  priceOverride: z.object({ listPrice: Minor, reason: z.string(), approvedBy: z.string() }).nullable().default(null),
  /** Why it cannot be paid for now (a stop-sale tag), on an open sale; null when fine. */
  stoppedBy: z.string().nullable(),
});
export type SaleLineDto = z.infer<typeof SaleLineDto>;

/** The fields of a plain item line beyond product, price and quantity (also: version-1 events). */
export const PLAIN_LINE = {
  kind: 'item',
  variantId: null,
  discount: 0,
  parentLineId: null,
  modifiers: [],
  components: [],
  lineDiscount: null,
  priceOverride: null,
  stoppedBy: null,
} as const satisfies Partial<SaleLineDto>;

/** Totals of a sale without discounts, comps or deposits. */
export const NO_EXTRAS = { discounts: 0, comps: 0, deposits: 0 } as const;

/** A cash tender accepted for the open sale but not yet committed (sale.complete commits it). */
export const CashTenderDto = z.object({
  kind: z.literal('cash'),
  tendered: Minor,
  /** The rounded amount the cash pays. */
  amount: Minor,
  rounding: Minor,
  change: Minor,
});
export type CashTenderDto = z.infer<typeof CashTenderDto>;

export const DeviceState = z.enum(['not_configured', 'ok', 'warning', 'error']);
export type DeviceState = z.infer<typeof DeviceState>;

// ---------- card payments (ARCHITECTURE §4, §5) ----------

/**
 * A card payment's state on the terminal. Online: created → reading → authorizing → approved |
 * declined | cancelled | failed. Offline: reading → stored → forwarding → approved | refused;
 * refused_offline = the risk policy would not take it offline (take another tender). Recovery:
 * unknown → approved | reversing → reversed.
 */
export const CardPaymentState = z.enum([
  'created',
  'reading',
  'authorizing',
  'approved',
  'declined',
  'cancelled',
  'failed',
  'stored',
  'forwarding',
  'refused',
  'refused_offline',
  'unknown',
  'reversing',
  'reversed',
]);
export type CardPaymentState = z.infer<typeof CardPaymentState>;

/**
 * Why a card payment did not go through (declined, failed, refused, refused_offline, cancelled),
 * for the UI to translate. Issuer and gateway: the gateway's DeclineReason values. Offline policy:
 * offline_*; reader: reader_* and card_removed.
 */
export const CardReason = z.enum([
  // issuer / acquirer / gateway: the gateway's own decline reasons
  ...DeclineReason.options,
  // offline risk policy (refused_offline)
  'offline_transaction_limit',
  'offline_total_limit',
  'offline_card_count',
  'offline_cvm_limit',
  'offline_too_long',
  'offline_not_allowed',
  // reader and cashier
  'reader_timeout',
  'card_removed',
  'reader_error',
  'reader_not_configured',
  'cancelled_by_cashier',
  'voided',
  'gateway_error',
]);
export type CardReason = z.infer<typeof CardReason>;

export const CardBrandDto = z.enum(['visa', 'mastercard', 'amex', 'discover', 'jcb', 'unionpay', 'interac', 'unknown']);

/** What the UI and receipts may show of a card (ARCHITECTURE §4): last 4 only, never the expiry. */
export const CardSummaryDto = z.object({
  brand: CardBrandDto,
  last4: z.string().regex(/^\d{4}$/),
  entryMode: z.enum(['contactless_emv', 'contactless_msd']),
  aid: z.string().nullable(),
  label: z.string().nullable(),
});
export type CardSummaryDto = z.infer<typeof CardSummaryDto>;

/** One card payment attempt as the terminal tracks it; `paymentId` is its idempotency key (ULID). */
export const CardPaymentDto = z.object({
  paymentId: z.string(),
  kind: z.literal('card'),
  saleId: z.string(),
  state: CardPaymentState,
  amount: Minor,
  currency: CurrencyCode,
  /** True when accepted offline (store and forward): receipts say STORED, not APPROVED. */
  offline: z.boolean(),
  card: CardSummaryDto.nullable(),
  authCode: z.string().nullable(),
  merchantId: z.string().nullable(),
  terminalRef: z.string().nullable(),
  reason: CardReason.nullable(),
  /** 'offline_long': offline for longer than the policy's warning time (still accepted). */
  warning: z.enum(['offline_long']).nullable(),
  /**
   * Recovery found it approved at the gateway but its sale was never completed: the cashier
   * completes the sale or voids the payment (`payment.resolveRecovered`).
   */
  needsResolution: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CardPaymentDto = z.infer<typeof CardPaymentDto>;

/** The reader as the till sees it. */
export const ReaderStatusDto = z.object({
  state: DeviceState,
  address: z.string().nullable(),
  connected: z.boolean(),
  /** A simulated reader: `reader.selectTestCard` works, `testCards` lists the choices. */
  simulated: z.boolean(),
  testCard: z.string().nullable(),
  testCards: z.array(z.object({ name: z.string(), description: z.string() })),
  /** For a technician; null when fine. */
  detail: z.string().nullable(),
});
export type ReaderStatusDto = z.infer<typeof ReaderStatusDto>;

// ---------- wallet payment codes (ARCHITECTURE §5, docs/wallets.md) ----------

/**
 * A wallet payment's state on the terminal: created → authorizing → awaiting_customer (the
 * customer confirms on the phone) → approved | declined | failed | cancelled. No answer: unknown
 * → (status query) approved | cancelling → cancelled. A void or recovery of an approved one:
 * cancelling → reversed. Online only: offline, `payment.startWallet` refuses at once.
 */
export const WalletPaymentState = z.enum([
  'created',
  'authorizing',
  'awaiting_customer',
  'approved',
  'declined',
  'failed',
  'cancelled',
  'unknown',
  'cancelling',
  'reversed',
]);
export type WalletPaymentState = z.infer<typeof WalletPaymentState>;

/** Why a wallet payment did not go through: the provider's reasons, the cashier's, the gateway's. */
export const WalletReason = z.enum([
  ...WalletDeclineReason.options,
  'cancelled_by_cashier',
  'voided',
  'gateway_error',
  /** No answer, and the status query could not settle it: cancelled to be safe. */
  'no_answer',
]);
export type WalletReason = z.infer<typeof WalletReason>;

/** One wallet payment attempt; `paymentId` is its idempotency key (ULID). Never the full code. */
export const WalletPaymentDto = z.object({
  paymentId: z.string(),
  kind: z.literal('wallet'),
  saleId: z.string(),
  state: WalletPaymentState,
  amount: Minor,
  currency: CurrencyCode,
  provider: WalletProvider,
  /** First 2 and last 4 digits of the payment code. */
  maskedCode: z.string(),
  providerRef: z.string().nullable(),
  reason: WalletReason.nullable(),
  /** While awaiting_customer: when the wait ends (then it is cancelled). */
  confirmBy: z.string().nullable(),
  /** Recovery found it approved with its sale not completed: the cashier completes or voids. */
  needsResolution: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WalletPaymentDto = z.infer<typeof WalletPaymentDto>;

export const Symbology = z.enum([
  'ean13',
  'ean8',
  'upca',
  'upce',
  'code128',
  'code39',
  'qr',
  'datamatrix',
  'pdf417',
  'unknown',
]);
export type Symbology = z.infer<typeof Symbology>;

/**
 * One scan from a scanner the terminal drives (HID POS or serial). Keyboard-wedge scans never
 * come this way: the renderer recognises them itself. `text` may be a wallet payment code: a
 * bearer token, never logged.
 */
export const ScanDto = z.object({
  symbology: Symbology,
  text: z.string(),
  at: z.string(),
});
export type ScanDto = z.infer<typeof ScanDto>;

/** The scanner the terminal drives, as the till sees it. */
export const ScannerStatusDto = z.object({
  state: DeviceState,
  address: z.string().nullable(),
  connected: z.boolean(),
  /** A simulated scanner: `scanner.simulateScan` works. */
  simulated: z.boolean(),
  /** For a technician; null when fine. */
  detail: z.string().nullable(),
});
export type ScannerStatusDto = z.infer<typeof ScannerStatusDto>;

export const SaleDto = z.object({
  saleId: z.string(),
  status: z.literal('open'),
  currency: CurrencyCode,
  startedAt: z.string(),
  lines: z.array(SaleLineDto),
  totals: TotalsDto,
  /** A discount on the whole sale (spread over the item lines' `discount`). */
  saleDiscount: LineDiscountDto.nullable(),
  /** The price level the sale uses (chosen when its first item was added). */
  priceLevelId: z.string().nullable(),
  /** The ID check confirmed for this sale: the age checked, by whom, when. */
  ageCheck: z.object({ minAge: z.number().int(), by: z.string(), at: z.string() }).nullable(),
  /** Card payments of this sale that count (approved or stored), in order. */
  cards: z.array(CardPaymentDto),
  /** What card payments already cover. */
  cardPaid: Minor,
  /** Approved wallet payments of this sale, in order. */
  wallets: z.array(WalletPaymentDto),
  /** What wallet payments already cover. */
  walletPaid: Minor,
  /**
   * Total − cardPaid − walletPaid: what is left to pay (the default amount of `payment.startCard`
   * and `payment.startWallet`).
   */
  remaining: Minor,
  /** Amount due in cash after cash rounding (of `remaining`: rounding applies to cash only). */
  cashDue: Minor,
  tender: CashTenderDto.nullable(),
  /** The card payment in progress (not yet final), if any. */
  activeCard: CardPaymentDto.nullable(),
  /** The wallet payment in progress (not yet final), if any. */
  activeWallet: WalletPaymentDto.nullable(),
});
export type SaleDto = z.infer<typeof SaleDto>;

export const CashPaymentDto = z.object({
  paymentId: z.string(),
  kind: z.literal('cash'),
  amount: Minor,
  tendered: Minor,
  change: Minor,
  rounding: Minor,
});
export type CashPaymentDto = z.infer<typeof CashPaymentDto>;

/** A card tender of a completed sale (tendered = amount, no change, no rounding). */
export const CardTenderDto = z.object({
  paymentId: z.string(),
  kind: z.literal('card'),
  amount: Minor,
  tendered: Minor,
  change: Minor,
  rounding: Minor,
  /** Accepted offline and not yet forwarded when the sale completed: the receipt says STORED. */
  stored: z.boolean(),
  card: CardSummaryDto,
  authCode: z.string().nullable(),
  merchantId: z.string().nullable(),
  terminalRef: z.string().nullable(),
});
export type CardTenderDto = z.infer<typeof CardTenderDto>;

/** A wallet tender of a completed sale (tendered = amount, no change, no rounding). */
export const WalletTenderDto = z.object({
  paymentId: z.string(),
  kind: z.literal('wallet'),
  amount: Minor,
  tendered: Minor,
  change: Minor,
  rounding: Minor,
  provider: WalletProvider,
  maskedCode: z.string(),
  providerRef: z.string().nullable(),
});
export type WalletTenderDto = z.infer<typeof WalletTenderDto>;

export const PaymentDto = z.discriminatedUnion('kind', [CashPaymentDto, CardTenderDto, WalletTenderDto]);
export type PaymentDto = z.infer<typeof PaymentDto>;

export const CompletedSaleDto = z.object({
  saleId: z.string(),
  status: z.literal('completed'),
  currency: CurrencyCode,
  receiptNo: z.number().int().positive(),
  /** Short printed reference: `<terminal short id>-<receipt no>`. */
  receiptRef: z.string(),
  /** Unguessable token for the receipt QR (ARCHITECTURE §4). */
  receiptToken: z.string(),
  startedAt: z.string(),
  completedAt: z.string(),
  businessDate: z.string(),
  lines: z.array(SaleLineDto),
  totals: TotalsDto,
  saleDiscount: LineDiscountDto.nullable(),
  priceLevelId: z.string().nullable(),
  ageCheck: z.object({ minAge: z.number().int(), by: z.string(), at: z.string() }).nullable(),
  payments: z.array(PaymentDto),
  cashRounding: Minor,
  change: Minor,
});
export type CompletedSaleDto = z.infer<typeof CompletedSaleDto>;

// ---------- staff and sessions (issue 7) ----------

export const StaffRef = z.object({ id: z.string(), name: z.string(), role: Role });
export type StaffRef = z.infer<typeof StaffRef>;

/**
 * Who is at the till. signed_out: nobody; active: `staff` is signed in; locked: `staff` was
 * signed in and the till locked itself after `idleLockSeconds` without a touch (or on request):
 * their PIN unlocks it, another person's PIN signs them out and signs in.
 */
export const SessionDto = z.object({
  state: z.enum(['signed_out', 'active', 'locked']),
  staff: StaffRef.nullable(),
  since: z.string().nullable(),
  /** 0: the till never locks itself. */
  idleLockSeconds: z.number().int().nonnegative(),
});
export type SessionDto = z.infer<typeof SessionDto>;

/**
 * A cashier's drawer session. `counted`: the blind count is in and the over/short is beyond the
 * tolerance, waiting for a supervisor to close it. Expected cash is not shown before the count.
 */
export const ShiftDto = z.object({
  shiftId: z.string(),
  drawerId: z.string(),
  cashier: z.object({ id: z.string(), name: z.string() }),
  openedBy: z.string(),
  openedAt: z.string(),
  businessDate: z.string(),
  openingFloat: Minor,
  status: z.enum(['open', 'counted', 'closed']),
  counted: Minor.nullable(),
  expected: Minor.nullable(),
  overShort: Minor.nullable(),
  /** The venue's notes and coins, largest first, for the count screens. */
  denominations: z.array(Minor),
});
export type ShiftDto = z.infer<typeof ShiftDto>;

/** A supervisor's approval at the till, as journaled. */
export const OverrideDto = z.object({
  seq: z.number().int(),
  at: z.string(),
  action: z.string(),
  reason: z.string().nullable(),
  by: StaffRef,
  approvedBy: StaffRef,
});
export type OverrideDto = z.infer<typeof OverrideDto>;

export const NetworkState = z.enum(['standalone', 'online', 'offline']);
export type NetworkState = z.infer<typeof NetworkState>;

/**
 * The terminal's link to its gateway. `standalone`: not enrolled (sells, keeps every event).
 * `online`/`offline`: from real request outcomes; `forcedOffline`: a supervisor's drill (the
 * terminal sends nothing and shows offline). Times are ISO-8601 UTC.
 */
export const NetworkStatusDto = z.object({
  state: NetworkState,
  forcedOffline: z.boolean(),
  pendingEvents: z.number().int(),
  oldestPendingAt: z.string().nullable(),
  offlineSince: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  gatewayUrl: z.string().nullable(),
  /** What stops sync, for a technician (a refused batch, a revoked terminal, …); null when fine. */
  problem: z.string().nullable(),
});
export type NetworkStatusDto = z.infer<typeof NetworkStatusDto>;

/** Why the receipt printer cannot print; the UI translates each into what to do. */
export const PrinterProblem = z.enum(['paper_out', 'cover_open', 'offline', 'error']);
export type PrinterProblem = z.infer<typeof PrinterProblem>;

/**
 * The receipt printer as the till sees it. `state`: 'error' while it cannot print, 'warning' for
 * a near-empty roll, 'ok', or 'not_configured'. `queued`: jobs waiting (receipts are never lost,
 * they print once the problem is fixed).
 */
export const PrinterStatusDto = z.object({
  state: DeviceState,
  address: z.string().nullable(),
  profile: z.string().nullable(),
  problem: PrinterProblem.nullable(),
  paperNearEnd: z.boolean(),
  drawerOpen: z.boolean().nullable(),
  queued: z.number().int(),
  /** For a technician (e.g. "no reply to DLE EOT 1 within 1000 ms"). */
  detail: z.string().nullable(),
  lastPrintedAt: z.string().nullable(),
});
export type PrinterStatusDto = z.infer<typeof PrinterStatusDto>;

/** The last printed receipt as the printer received it, rendered by the ESC/POS decoder. */
export const ReceiptPreviewDto = z.object({
  receiptRef: z.string().nullable(),
  copy: z.boolean(),
  printedAt: z.string().nullable(),
  svg: z.string().nullable(),
});
export type ReceiptPreviewDto = z.infer<typeof ReceiptPreviewDto>;

export const PrintJobAcceptedDto = z.object({ jobId: z.string(), printer: PrinterStatusDto });
export type PrintJobAcceptedDto = z.infer<typeof PrintJobAcceptedDto>;

export const TerminalStatusDto = z.object({
  terminalId: z.string(),
  shortId: z.string(),
  venueName: LocalizedText,
  currency: CurrencyCode,
  /** Cash rounding increment in minor units (1 = none). */
  cashRounding: z.number().int().positive(),
  /** Banknotes in minor units, for quick cash amounts. */
  cashNotes: z.array(Minor),
  /** At most this many age-restricted items per sale. */
  ageRestrictedPerSale: z.number().int(),
  defaultLocale: Locale,
  businessDate: z.string(),
  cashier: z.object({ id: z.string(), name: z.string() }).nullable(),
  devices: z.object({ printer: DeviceState, reader: DeviceState, scanner: DeviceState }),
  /** The scanner the terminal drives (devices.scanner is its state). */
  scanner: ScannerStatusDto,
  /** The card reader in detail (devices.reader is its state). */
  reader: ReaderStatusDto,
  /** The receipt printer in detail (devices.printer is its state). */
  printer: PrinterStatusDto,
  network: NetworkStatusDto,
  lastReceiptNo: z.number().int().nullable(),
  version: z.string(),
});
export type TerminalStatusDto = z.infer<typeof TerminalStatusDto>;

// ---------- refunds (ARCHITECTURE §5) ----------

export const RefundTenderStatus = z.enum([
  'pending',
  'approved',
  'declined',
  'cancelled',
  'paid',
  'not_sent',
]);
export type RefundTenderStatus = z.infer<typeof RefundTenderStatus>;

/**
 * What goes back per original tender: `card` approved (refunded to the original card at the
 * gateway) or `cancelled` (an offline payment never forwarded: cancelled, never charged); `cash`
 * paid out of the drawer. `pending`: the gateway has not answered yet (retry keeps the same key).
 */
export const RefundTenderDto = z.object({
  paymentId: z.string(),
  kind: z.enum(['card', 'cash', 'wallet']),
  amount: Minor,
  status: RefundTenderStatus,
  reason: z.string().nullable(),
});
export type RefundTenderDto = z.infer<typeof RefundTenderDto>;

export const RefundDto = z.object({
  refundId: z.string(),
  saleId: z.string(),
  status: z.enum(['pending', 'completed', 'failed']),
  amount: Minor,
  currency: CurrencyCode,
  lines: z.array(z.object({ lineId: z.string(), quantity: z.number().int(), amount: Minor })),
  tenders: z.array(RefundTenderDto),
  /** The original sale's printed reference. */
  receiptRef: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type RefundDto = z.infer<typeof RefundDto>;

/** A completed sale as the refund screen shows it: what was sold, paid, and is already refunded. */
export const RefundableSaleDto = z.object({
  saleId: z.string(),
  receiptNo: z.number().int(),
  receiptRef: z.string(),
  currency: CurrencyCode,
  completedAt: z.string(),
  total: Minor,
  /** What the tenders paid (after cash rounding). */
  paid: Minor,
  /** Money already refunded (or being refunded). */
  refunded: Minor,
  refundable: Minor,
  lines: z.array(
    z.object({
      lineId: z.string(),
      name: LocalizedText,
      unitPrice: Minor,
      quantity: z.number().int(),
      refundedQuantity: z.number().int(),
    }),
  ),
  tenders: z.array(
    z.object({
      paymentId: z.string(),
      kind: z.enum(['card', 'cash', 'wallet']),
      amount: Minor,
      refunded: Minor,
      /** Card: its state now (stored = offline, not yet forwarded). */
      state: z.string().nullable(),
      last4: z.string().nullable(),
      brand: z.string().nullable(),
    }),
  ),
  refunds: z.array(RefundDto),
  /** A refund whose card outcome is not known yet: refund.create with the same lines retries it. */
  pending: RefundDto.nullable(),
});
export type RefundableSaleDto = z.infer<typeof RefundableSaleDto>;

// ---------- commands ----------

const Id = z.string().min(1).max(64);
/** Quantities a counter can really sell in one line. */
export const Quantity = z.number().int().min(1).max(999);
const NoInput = z.object({}).strict();

const Pin = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');

export const commands = {
  /** Who may sign in at this till (no PIN hashes). */
  'staff.list': { input: NoInput },
  /** Signs in (or unlocks) with a PIN; 5 wrong PINs lock the person out for a growing delay. */
  'staff.login': { input: z.object({ staffId: Id, pin: Pin }).strict() },
  'staff.logout': { input: NoInput },
  /** Locks the till now (the same PIN unlocks it). */
  'staff.lock': { input: NoInput },
  'staff.session': { input: NoInput },
  /**
   * Someone is using the till (a tap, a key) without sending a command: restarts the idle lock's
   * clock. The UI sends it at most every few seconds while a person works on one screen.
   */
  'staff.touch': { input: NoInput },
  'catalog.list': { input: NoInput },
  /** This drawer's shift that is not closed yet, or null. */
  'shift.current': { input: NoInput },
  /**
   * Opens a shift for a cashier with a float counted by denomination. Needs a supervisor: signed
   * in, or approving with `supervisorPin`.
   */
  'shift.open': {
    input: z.object({ cashierId: Id, float: Counts, supervisorPin: Pin.optional() }).strict(),
  },
  /**
   * Cash into or out of the drawer during the shift: a drop to the safe (counted or as an
   * amount), paid-in or paid-out with a reason. Drops and paid-outs need a supervisor.
   */
  'shift.cashMovement': {
    input: z
      .object({
        kind: z.enum(['drop', 'paid_in', 'paid_out']),
        amount: Minor.refine((n) => n > 0, 'must be positive').optional(),
        counts: Counts.optional(),
        reason: z.string().trim().min(1).max(200).optional(),
        supervisorPin: Pin.optional(),
      })
      .strict()
      .refine((v) => (v.amount === undefined) !== (v.counts === undefined), 'give amount or counts'),
  },
  /** Opens the drawer without a sale: a supervisor approves, the reason is journaled. */
  'drawer.noSale': {
    input: z.object({ reason: z.string().trim().min(1).max(200), supervisorPin: Pin.optional() }).strict(),
  },
  /** The X report of the open shift: prints, changes nothing. */
  'report.x': { input: NoInput },
  /** The blind count at close, by denomination. Within tolerance the shift closes at once. */
  'shift.count': { input: z.object({ counts: Counts }).strict() },
  /** Closes a counted shift whose over/short is beyond tolerance: a supervisor approves with a note. */
  'shift.close': {
    input: z.object({ note: z.string().trim().min(1).max(500), supervisorPin: Pin.optional() }).strict(),
  },
  /** Closes the business day (Z) once every shift is closed; a supervisor approves. */
  'day.close': { input: z.object({ supervisorPin: Pin.optional() }).strict() },
  /** A stored report: a closed shift's (by id, else the last) or a Z (by number, else the last). */
  'report.get': {
    input: z
      .object({ kind: z.enum(['shift', 'z']), shiftId: Id.optional(), number: z.number().int().positive().optional() })
      .strict(),
  },
  /** Supervisor approvals journaled at this till, newest first (at most `limit`, default 100). */
  'report.overrides': { input: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict() },
  'sale.get': { input: NoInput },
  /**
   * Adds an item. Products with sizes need `variantId`; modifier groups their choices (`options`,
   * option ids per group); combos one choice per slot. Age-restricted items need `ageChecked`
   * once per sale (the cashier confirmed the customer's ID).
   */
  'sale.addItem': {
    input: z
      .object({
        productId: Id,
        quantity: Quantity.optional(),
        variantId: Id.optional(),
        options: z
          .array(z.object({ groupId: Id, optionIds: z.array(Id).max(20) }).strict())
          .max(20)
          .optional(),
        combo: z
          .array(z.object({ slotId: Id, productId: Id, variantId: Id.nullable().optional() }).strict())
          .max(8)
          .optional(),
        ageChecked: z.boolean().optional(),
      })
      .strict(),
  },
  /** A returned container: a negative deposit line (paid back in cash or set against the sale). */
  'sale.returnDeposit': { input: z.object({ depositId: Id, quantity: Quantity.optional() }).strict() },
  /**
   * Gives (or with `reason: null` removes) a discount on a line, or on the whole sale when no
   * `lineId`. Reasons with a fixed percentage (comps, staff meals) take no value; others take
   * `percentBp` or `amount`. Over the role's limit: `discount.needs_supervisor`, unless a
   * supervisor's `supervisorPin` comes with it.
   */
  'sale.setDiscount': {
    input: z
      .object({
        lineId: Id.optional(),
        reason: Id.nullable(),
        percentBp: z.number().int().min(1).max(10_000).optional(),
        amount: Minor.refine((n) => n > 0, 'must be positive').optional(),
        supervisorPin: Pin.optional(),
      })
      .strict()
      .refine((v) => v.percentBp === undefined || v.amount === undefined, 'give percentBp or amount, not both'),
  },
  /**
   * Sets a line's unit price by hand (a damaged item, a price the shelf shows wrong): a supervisor
   * approves, signed in or by `supervisorPin`; journaled with both people and the reason.
   */
  'sale.overridePrice': {
    input: z
      .object({
        lineId: Id,
        unitPrice: Minor.refine((n) => n >= 0, 'must not be negative'),
        reason: z.string().trim().min(1).max(200),
        supervisorPin: Pin.optional(),
      })
      .strict(),
  },
  /** Marks a product sold out (or back in stock) at this counter. */
  'catalog.setSoldOut': { input: z.object({ productId: Id, soldOut: z.boolean() }).strict() },
  /** Fewer units once a card paid part of the sale is a line void: `supervisorPin` (or a supervisor signed in). */
  'sale.setQuantity': { input: z.object({ lineId: Id, quantity: Quantity, supervisorPin: Pin.optional() }).strict() },
  'sale.removeLine': { input: z.object({ lineId: Id, supervisorPin: Pin.optional() }).strict() },
  'sale.clear': { input: z.object({ supervisorPin: Pin.optional() }).strict() },
  'payment.payCash': {
    input: z.object({ tendered: Minor.refine((n) => n >= 0, 'must not be negative') }).strict(),
  },
  'sale.complete': { input: NoInput },
  'terminal.getStatus': { input: NoInput },
  'sync.setForcedOffline': { input: z.object({ offline: z.boolean() }).strict() },
  'printer.getStatus': { input: NoInput },
  /** Queues a copy of the last completed sale's receipt, marked COPY. */
  'printer.reprintLast': { input: NoInput },
  'printer.testPrint': { input: NoInput },
  'printer.lastReceipt': { input: NoInput },
  /**
   * Starts a card payment for `amount` (default: what is left to pay). Answers at once with the
   * payment (state created/reading, or refused_offline); later states come as `payment.updated`.
   */
  'payment.startCard': {
    input: z.object({ amount: Minor.refine((n) => n > 0, 'must be positive').optional() }).strict(),
  },
  /** Cancels the card payment in progress (before approval): the reader stops, state cancelled. */
  'payment.cancelCard': { input: NoInput },
  /** The card payment in progress or the last one of the open sale; null when none. */
  'payment.getCard': { input: NoInput },
  /**
   * An "approved, not completed" payment found by recovery: `complete` keeps it as a tender of the
   * open sale (complete the sale next), `void` reverses it.
   */
  'payment.resolveRecovered': {
    input: z.object({ paymentId: z.string().min(1).max(64), action: z.enum(['complete', 'void']) }).strict(),
  },
  /** Payments recovery flagged "approved, not completed" that wait for the cashier. */
  'payment.listRecovered': { input: NoInput },
  /**
   * Charges a scanned wallet payment code for `amount` (default: what is left to pay). Answers at
   * once with the payment (created/authorizing); later states come as `wallet.updated`. Offline
   * (or the gateway unreachable) it refuses at once with `wallet.offline`: take a card or cash.
   */
  'payment.startWallet': {
    input: z
      .object({
        code: z.string().trim().min(1).max(64),
        amount: Minor.refine((n) => n > 0, 'must be positive').optional(),
      })
      .strict(),
  },
  /** Cancels the wallet payment in progress (e.g. the customer gave up confirming on the phone). */
  'payment.cancelWallet': { input: NoInput },
  /** Wallet payments recovery flagged "approved, not completed". */
  'payment.listRecoveredWallets': { input: NoInput },
  /** `complete` keeps a recovered wallet payment as a tender of the open sale, `void` reverses it. */
  'payment.resolveRecoveredWallet': {
    input: z.object({ paymentId: z.string().min(1).max(64), action: z.enum(['complete', 'void']) }).strict(),
  },
  'scanner.getStatus': { input: NoInput },
  /** Demo only (simulated scanners): the scanner reads `text` as if it were scanned. */
  'scanner.simulateScan': {
    input: z.object({ text: z.string().min(1).max(2000), symbology: Symbology.optional() }).strict(),
  },
  /** Demo only (simulated readers): the card the next tap uses. */
  'reader.selectTestCard': { input: z.object({ name: z.string().min(1).max(64) }).strict() },
  'reader.getStatus': { input: NoInput },
  /**
   * A completed sale of this terminal by its printed reference (`<short id>-<no>`), its receipt
   * number, its receipt token or the QR's URL.
   */
  'sale.findByReceipt': {
    input: z.object({ receipt: z.string().trim().min(1).max(300) }).strict(),
  },
  /**
   * Refunds lines (quantities) of a completed sale, or `amount` of it (money only). Cards go back
   * to the original card at the gateway; a stored offline card payment is cancelled instead.
   */
  'refund.create': {
    input: z
      .object({
        saleId: Id,
        lines: z
          .array(z.object({ lineId: Id, quantity: Quantity }))
          .min(1)
          .max(200)
          .optional(),
        amount: Minor.refine((n) => n > 0, 'must be positive').optional(),
        /** A supervisor approves every refund: signed in, or by this PIN. */
        supervisorPin: Pin.optional(),
      })
      .strict()
      .refine(
        (v) => (v.lines === undefined) !== (v.amount === undefined),
        'give either lines or amount',
      ),
  },
  /**
   * Voids a completed sale: everything left of it goes back to its tenders, recorded as a void
   * (reported apart from refunds). A supervisor approves.
   */
  'sale.void': {
    input: z.object({ saleId: Id, reason: z.string().trim().min(1).max(200), supervisorPin: Pin.optional() }).strict(),
  },
} as const;

export type CommandName = keyof typeof commands;
export const commandNames = Object.keys(commands) as CommandName[];

/** What each command answers with (not validated at run time: the terminal produces it). */
export interface CommandOutputs {
  'staff.list': StaffRef[];
  'staff.login': SessionDto;
  'staff.logout': SessionDto;
  'staff.lock': SessionDto;
  'staff.session': SessionDto;
  'staff.touch': SessionDto;
  'catalog.list': CatalogDto;
  'shift.current': ShiftDto | null;
  'shift.open': ShiftDto;
  'shift.cashMovement': ShiftDto;
  'drawer.noSale': ShiftDto;
  'report.x': ReportDto;
  'shift.count': ShiftDto;
  'shift.close': ReportDto;
  'day.close': ReportDto;
  'report.get': ReportDto | null;
  'report.overrides': OverrideDto[];
  'sale.get': SaleDto;
  'sale.addItem': SaleDto;
  'sale.returnDeposit': SaleDto;
  'sale.setDiscount': SaleDto;
  'sale.overridePrice': SaleDto;
  'catalog.setSoldOut': CatalogDto;
  'sale.setQuantity': SaleDto;
  'sale.removeLine': SaleDto;
  'sale.clear': SaleDto;
  'payment.payCash': SaleDto;
  'sale.complete': CompletedSaleDto;
  'terminal.getStatus': TerminalStatusDto;
  'sync.setForcedOffline': TerminalStatusDto;
  'printer.getStatus': PrinterStatusDto;
  'printer.reprintLast': PrintJobAcceptedDto;
  'printer.testPrint': PrintJobAcceptedDto;
  'printer.lastReceipt': ReceiptPreviewDto;
  'payment.startCard': CardPaymentDto;
  'payment.cancelCard': CardPaymentDto;
  'payment.getCard': CardPaymentDto | null;
  'payment.resolveRecovered': CardPaymentDto;
  'payment.listRecovered': CardPaymentDto[];
  'payment.startWallet': WalletPaymentDto;
  'payment.cancelWallet': WalletPaymentDto;
  'payment.listRecoveredWallets': WalletPaymentDto[];
  'payment.resolveRecoveredWallet': WalletPaymentDto;
  'scanner.getStatus': ScannerStatusDto;
  'scanner.simulateScan': ScannerStatusDto;
  'reader.selectTestCard': ReaderStatusDto;
  'reader.getStatus': ReaderStatusDto;
  'sale.findByReceipt': RefundableSaleDto;
  'refund.create': RefundDto;
  'sale.void': RefundDto;
}

export type CommandInput<K extends CommandName> = z.input<(typeof commands)[K]['input']>;
export type CommandParsed<K extends CommandName> = z.output<(typeof commands)[K]['input']>;
export type CommandOutput<K extends CommandName> = CommandOutputs[K];

// ---------- events ----------

export interface EventPayloads {
  /** The drawer's shift opened, moved cash, was counted or closed (null: none open). */
  'shift.updated': ShiftDto | null;
  /** Someone signed in or out, or the till locked itself. */
  'staff.session': SessionDto;
  'sale.updated': SaleDto;
  'sale.completed': CompletedSaleDto;
  'terminal.status': TerminalStatusDto;
  /** The catalog or its availability changed (a gateway pull, a stop-sale, a sold-out mark). */
  'catalog.updated': CatalogDto;
  /** The printer's status or queue changed. */
  'printer.status': PrinterStatusDto;
  /** A card payment changed state (every committed transition). */
  'payment.updated': CardPaymentDto;
  /** The reader connected, went away, or asks the customer something ('present card'). */
  'reader.status': ReaderStatusDto;
  /** A wallet payment changed state (every committed transition). */
  'wallet.updated': WalletPaymentDto;
  /** A scanner the terminal drives read a code. */
  'scanner.scan': ScanDto;
  'scanner.status': ScannerStatusDto;
}
export type EventName = keyof EventPayloads;
export const eventNames: readonly EventName[] = [
  'shift.updated',
  'staff.session',
  'sale.updated',
  'sale.completed',
  'terminal.status',
  'catalog.updated',
  'printer.status',
  'payment.updated',
  'reader.status',
  'wallet.updated',
  'scanner.scan',
  'scanner.status',
];

// ---------- replies and errors ----------

/** Stable error codes the UI translates; messages are for a technician. */
export const ErrorCode = z.enum([
  'validation',
  'unknown_command',
  'not_found',
  'sale.empty',
  'sale.line_not_found',
  'sale.not_paid',
  'sale.too_many_lines',
  'catalog.product_not_found',
  /** Sold out at this counter or venue-wide. */
  'catalog.sold_out',
  /** The venue stopped selling items with one of the product's tags (the message names it). */
  'catalog.stopped',
  /** The size, options or combo choices are missing or not offered for this product. */
  'sale.options_invalid',
  /** An age-restricted item: confirm the customer's ID, then add it again with ageChecked. */
  'sale.age_check_required',
  /** More age-restricted items than one sale may hold. */
  'sale.age_limit',
  /** A line is stopped (stop-sale): remove it before taking payment. */
  'sale.stopped_items',
  'deposit.not_found',
  'discount.unknown_reason',
  'discount.invalid',
  /** Over the role's limit (or the reason needs a higher role): a supervisor must approve. */
  'discount.needs_supervisor',
  'payment.insufficient_tender',
  'payment.already_tendered',
  'printer.not_configured',
  'printer.nothing_to_reprint',
  /** A card payment is in progress: finish or cancel it first. */
  'payment.card_in_progress',
  /** No card payment to cancel, or it is past approval (void it instead). */
  'payment.not_cancellable',
  /** The amount is more than what is left to pay. */
  'payment.amount_too_large',
  /** The sale is already paid in full. */
  'payment.nothing_due',
  'payment.not_found',
  /** No card reader is configured, or it is not connected. */
  'reader.not_configured',
  'reader.unavailable',
  /** reader.selectTestCard on a real reader, or an unknown test card. */
  'reader.not_simulated',
  'reader.unknown_card',
  /** Not a wallet payment code (wrong length or prefix). */
  'wallet.code_invalid',
  /** This payment code was used already: the customer refreshes it on the phone. */
  'wallet.code_used',
  /** Wallets need the gateway, which is not reachable: take a card (offline) or cash. */
  'wallet.offline',
  /** A wallet payment is in progress: wait for it or cancel it first. */
  'payment.wallet_in_progress',
  'scanner.not_configured',
  /** scanner.simulateScan on a real scanner. */
  'scanner.not_simulated',
  /** No completed sale of this terminal has that receipt. */
  'refund.sale_not_found',
  /** More than is left to refund (money, or a line's quantity); nothing is left. */
  'refund.exceeds',
  /** A card refund needs the gateway, which is not reachable (offline: cash refunds only). */
  'refund.card_offline',
  /** A wallet refund needs the gateway, which is not reachable. */
  'refund.wallet_offline',
  /** The gateway has not answered a card refund: retry (same key). */
  'refund.pending',
  /** Another refund of this sale waits for the gateway's answer: finish that one first. */
  'refund.other_pending',
  'refund.declined',
  /** The gateway refused the card refund (its message says why). */
  'refund.refused',
  /** A stored offline card payment can only be cancelled in full, or a card payment is busy. */
  'refund.card_not_refundable',
  /** Wrong PIN (the message says how many tries are left before a lockout). */
  'auth.bad_pin',
  /** Too many wrong PINs: locked out until the time in the message. */
  'auth.locked_out',
  /** Nobody is signed in, or the till is locked: sign in first. */
  'auth.signed_out',
  /** The signed-in person's role may not do this. */
  'auth.forbidden',
  /** A supervisor must approve: sign in as one, or give supervisorPin. */
  'auth.supervisor_required',
  /** No open shift on this drawer (or it is counted and waits to be closed). */
  'shift.not_open',
  /** This drawer already has a shift that is not closed. */
  'shift.already_open',
  /** The denominations do not add up or are not this venue's notes and coins. */
  'shift.bad_count',
  /** The shift is counted and over the tolerance: a supervisor closes it with a note. */
  'shift.needs_approval',
  /** The day cannot close yet (open shifts, a card payment in progress). */
  'day.not_ready',
  'host.unauthorized',
  'host.disconnected',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** The object the renderer sees as `window.pos`, identical in Electron and browser mode. */
export type PosApi = {
  [K in CommandName]: (input: CommandInput<K>) => Promise<Reply<CommandOutput<K>>>;
} & {
  /** Subscribe to a terminal event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
};

/** Services throw this; hosts turn it into `{ ok: false, error }`. */
export class PosError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'PosError';
    this.code = code;
  }
}
