// The PosApi: every command the UI may send to the terminal, and every event it may receive.
// Both hosts (Electron IPC and the browser-mode WebSocket) validate each input with these schemas
// before a service sees it, and answer with a Reply.
import { z } from 'zod';
import { CurrencyCode, Minor } from './money';

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
});
export type ProductDto = z.infer<typeof ProductDto>;

export const CatalogDto = z.object({
  currency: CurrencyCode,
  categories: z.array(CategoryDto),
  products: z.array(ProductDto),
  taxRates: z.array(TaxRateDto),
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
  subtotal: Minor,
  exclusiveTax: Minor,
  taxTotal: Minor,
  total: Minor,
  taxes: z.array(TaxGroupDto),
});
export type TotalsDto = z.infer<typeof TotalsDto>;

export const SaleLineDto = z.object({
  lineId: z.string(),
  productId: z.string(),
  /** The product's category at the time of sale, for reports by category. */
  categoryId: z.string(),
  name: LocalizedText,
  unitPrice: Minor,
  quantity: z.number().int(),
  amount: Minor,
  taxRateId: z.string(),
});
export type SaleLineDto = z.infer<typeof SaleLineDto>;

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

export const SaleDto = z.object({
  saleId: z.string(),
  status: z.literal('open'),
  currency: CurrencyCode,
  startedAt: z.string(),
  lines: z.array(SaleLineDto),
  totals: TotalsDto,
  /** Amount due in cash after cash rounding. */
  cashDue: Minor,
  tender: CashTenderDto.nullable(),
});
export type SaleDto = z.infer<typeof SaleDto>;

export const PaymentDto = z.object({
  paymentId: z.string(),
  kind: z.literal('cash'),
  amount: Minor,
  tendered: Minor,
  change: Minor,
  rounding: Minor,
});
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
  payments: z.array(PaymentDto),
  cashRounding: Minor,
  change: Minor,
});
export type CompletedSaleDto = z.infer<typeof CompletedSaleDto>;

export const DeviceState = z.enum(['not_configured', 'ok', 'warning', 'error']);
export type DeviceState = z.infer<typeof DeviceState>;

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
  defaultLocale: Locale,
  businessDate: z.string(),
  cashier: z.object({ id: z.string(), name: z.string() }).nullable(),
  devices: z.object({ printer: DeviceState, reader: DeviceState, scanner: DeviceState }),
  /** The receipt printer in detail (devices.printer is its state). */
  printer: PrinterStatusDto,
  network: NetworkStatusDto,
  lastReceiptNo: z.number().int().nullable(),
  version: z.string(),
});
export type TerminalStatusDto = z.infer<typeof TerminalStatusDto>;

// ---------- commands ----------

const Id = z.string().min(1).max(64);
/** Quantities a counter can really sell in one line. */
export const Quantity = z.number().int().min(1).max(999);
const NoInput = z.object({}).strict();

export const commands = {
  'catalog.list': { input: NoInput },
  'sale.get': { input: NoInput },
  'sale.addItem': {
    input: z.object({ productId: Id, quantity: Quantity.optional() }).strict(),
  },
  'sale.setQuantity': { input: z.object({ lineId: Id, quantity: Quantity }).strict() },
  'sale.removeLine': { input: z.object({ lineId: Id }).strict() },
  'sale.clear': { input: NoInput },
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
} as const;

export type CommandName = keyof typeof commands;
export const commandNames = Object.keys(commands) as CommandName[];

/** What each command answers with (not validated at run time: the terminal produces it). */
export interface CommandOutputs {
  'catalog.list': CatalogDto;
  'sale.get': SaleDto;
  'sale.addItem': SaleDto;
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
}

export type CommandInput<K extends CommandName> = z.input<(typeof commands)[K]['input']>;
export type CommandParsed<K extends CommandName> = z.output<(typeof commands)[K]['input']>;
export type CommandOutput<K extends CommandName> = CommandOutputs[K];

// ---------- events ----------

export interface EventPayloads {
  'sale.updated': SaleDto;
  'sale.completed': CompletedSaleDto;
  'terminal.status': TerminalStatusDto;
  /** The catalog changed (a gateway pull applied between sales). */
  'catalog.updated': CatalogDto;
  /** The printer's status or queue changed. */
  'printer.status': PrinterStatusDto;
}
export type EventName = keyof EventPayloads;
export const eventNames: readonly EventName[] = [
  'sale.updated',
  'sale.completed',
  'terminal.status',
  'catalog.updated',
  'printer.status',
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
  'payment.insufficient_tender',
  'payment.already_tendered',
  'printer.not_configured',
  'printer.nothing_to_reprint',
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
