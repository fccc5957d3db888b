// A PosApi double for store and keyboard tests: canned replies per command, a call log, and a
// way to fire events. Not a mock of the terminal's rules: each test says what the terminal answers.
import type {
  CardPaymentDto,
  CatalogDto,
  CommandInput,
  CommandName,
  CommandOutput,
  CompletedSaleDto,
  EventName,
  EventPayloads,
  PosApi,
  ReaderStatusDto,
  Reply,
  SaleDto,
  SaleLineDto,
  TerminalStatusDto,
  WalletPaymentDto,
} from '../../contract/api';
import { CatalogBody, NO_EXTRAS, PLAIN_LINE, ProductDto, commandNames } from '../../contract/api';
import { demoCatalog } from '../../contract/demo-venue';

type Handler<K extends CommandName> = (input: CommandInput<K>) => Reply<CommandOutput<K>> | Promise<Reply<CommandOutput<K>>>;

export interface FakePos {
  api: PosApi;
  calls: { method: CommandName; input: unknown }[];
  reply<K extends CommandName>(method: K, handler: Handler<K>): void;
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void;
}

export function createFakePos(): FakePos {
  const handlers = new Map<CommandName, (input: unknown) => unknown>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: FakePos['calls'] = [];
  const api = {
    on(event: EventName, listener: (p: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as Record<string, unknown>;
  for (const name of commandNames) {
    api[name] = (input: unknown) => {
      calls.push({ method: name, input });
      const h = handlers.get(name);
      if (!h) return Promise.resolve({ ok: false, error: { code: 'internal', message: `fake: no reply for ${name}` } });
      return Promise.resolve(h(input));
    };
  }
  return {
    api: api as unknown as PosApi,
    calls,
    reply(method, handler) {
      handlers.set(method, handler as (input: unknown) => unknown);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

export const ok = <T>(value: T): Reply<T> => ({ ok: true, value });

export function line(overrides: Partial<SaleLineDto> = {}): SaleLineDto {
  return {
    lineId: 'L1',
    productId: 'hot-dog',
    categoryId: 'hot-food',
    name: { en: 'Hot dog', zh: '热狗' },
    unitPrice: 2500,
    quantity: 1,
    amount: 2500,
    taxRateId: 'vat6',
    ...PLAIN_LINE,
    ...overrides,
  };
}

export function sale(lines: SaleLineDto[] = [], overrides: Partial<SaleDto> = {}): SaleDto {
  const total = lines.reduce((s, l) => s + l.amount, 0);
  return {
    saleId: 'S1',
    status: 'open',
    currency: 'CNY',
    startedAt: '2026-05-01T12:00:00.000Z',
    lines,
    totals: { subtotal: total, ...NO_EXTRAS, exclusiveTax: 0, taxTotal: 0, total, taxes: [] },
    saleDiscount: null,
    priceLevelId: null,
    ageCheck: null,
    cards: [],
    cardPaid: 0,
    wallets: [],
    walletPaid: 0,
    remaining: total,
    cashDue: total,
    tender: null,
    activeCard: null,
    activeWallet: null,
    ...overrides,
  };
}

export function completed(from: SaleDto, tendered: number): CompletedSaleDto {
  return {
    saleId: from.saleId,
    status: 'completed',
    currency: from.currency,
    receiptNo: 1,
    receiptRef: 'ABC123-1',
    receiptToken: 'TOKEN',
    startedAt: from.startedAt,
    completedAt: '2026-05-01T12:01:00.000Z',
    businessDate: '2026-05-01',
    lines: from.lines,
    totals: from.totals,
    saleDiscount: from.saleDiscount,
    priceLevelId: from.priceLevelId,
    ageCheck: from.ageCheck,
    payments: [
      { paymentId: 'P1', kind: 'cash', amount: from.cashDue, tendered, change: tendered - from.cashDue, rounding: 0 },
    ],
    cashRounding: 0,
    change: tendered - from.cashDue,
  };
}

export const catalog: CatalogDto = {
  ...CatalogBody.parse({ categories: [], products: [], taxRates: [] }),
  currency: 'CNY',
  availability: { soldOut: [], stoppedTags: [], stopSaleVersion: 0, stopSaleAppliedAt: null },
  priceLevelId: null,
  categories: [
    { id: 'drinks', name: { en: 'Drinks', zh: '饮料' }, color: '#00f', sort: 2 },
    { id: 'food', name: { en: 'Food', zh: '食品' }, color: '#f00', sort: 1 },
  ],
  products: [
    ProductDto.parse({ id: 'cola', categoryId: 'drinks', name: { en: 'Cola', zh: '可乐' }, price: 800, taxRateId: 'vat6', barcode: null, sort: 1 }),
    ProductDto.parse({ id: 'hot-dog', categoryId: 'food', name: { en: 'Hot dog', zh: '热狗' }, price: 2500, taxRateId: 'vat6', barcode: null, sort: 1 }),
  ],
  taxRates: [{ id: 'vat6', name: { en: 'VAT 6%', zh: '增值税 6%' }, rateBp: 600, inclusive: true }],
};

export const status: TerminalStatusDto = {
  terminalId: '01HXYZ',
  shortId: 'ABC123',
  venueName: { en: 'Test Arena', zh: '测试体育馆' },
  currency: 'CNY',
  cashRounding: 1,
  cashNotes: [1000, 2000, 5000, 10000],
  ageRestrictedPerSale: 4,
  defaultLocale: 'zh',
  businessDate: '2026-05-01',
  cashier: null,
  devices: { printer: 'ok', reader: 'not_configured', scanner: 'not_configured' },
  scanner: { state: 'not_configured', address: null, connected: false, simulated: false, detail: null },
  reader: {
    state: 'not_configured',
    address: null,
    connected: false,
    simulated: false,
    testCard: null,
    testCards: [],
    detail: null,
  },
  printer: {
    state: 'ok',
    address: 'sim:printer',
    profile: '80mm',
    problem: null,
    paperNearEnd: false,
    drawerOpen: false,
    queued: 0,
    detail: null,
    lastPrintedAt: null,
  },
  network: {
    state: 'standalone',
    forcedOffline: false,
    pendingEvents: 0,
    oldestPendingAt: null,
    offlineSince: null,
    lastSyncAt: null,
    gatewayUrl: null,
    problem: null,
  },
  lastReceiptNo: null,
  version: '0.1.0',
};

export function cardPayment(overrides: Partial<CardPaymentDto> = {}): CardPaymentDto {
  return {
    paymentId: 'CP1',
    kind: 'card',
    saleId: 'S1',
    state: 'reading',
    amount: 2500,
    currency: 'CNY',
    offline: false,
    card: null,
    authCode: null,
    merchantId: null,
    terminalRef: null,
    reason: null,
    warning: null,
    needsResolution: false,
    createdAt: '2026-05-01T12:00:10.000Z',
    updatedAt: '2026-05-01T12:00:10.000Z',
    ...overrides,
  };
}

export const simulatedReader: ReaderStatusDto = {
  state: 'ok',
  address: 'sim:reader',
  connected: true,
  simulated: true,
  testCard: 'visa-approve',
  testCards: [
    { name: 'visa-approve', description: 'Visa, approved' },
    { name: 'visa-decline', description: 'Visa, declined' },
  ],
  detail: null,
};

/** The demo venue's menu (sizes, options, a combo, deposits, reasons) as the terminal lists it. */
export const menuCatalog: CatalogDto = {
  ...demoCatalog,
  currency: 'CNY',
  availability: { soldOut: [], stoppedTags: [], stopSaleVersion: 0, stopSaleAppliedAt: null },
  priceLevelId: null,
};

export function walletPayment(overrides: Partial<WalletPaymentDto> = {}): WalletPaymentDto {
  return {
    paymentId: 'WP1',
    kind: 'wallet',
    saleId: 'S1',
    state: 'authorizing',
    amount: 2500,
    currency: 'CNY',
    provider: 'wechat',
    maskedCode: '13************5678',
    providerRef: null,
    reason: null,
    confirmBy: null,
    needsResolution: false,
    createdAt: '2026-05-01T12:00:10.000Z',
    updatedAt: '2026-05-01T12:00:10.000Z',
    ...overrides,
  };
}
