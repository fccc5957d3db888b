// The sale: cart edits, cash tender and completion. The open sale is kept in SQLite so a restart
// restores the cart; completion is ONE transaction writing the sale, its taxes, the payment, the
// journal entry and the outbox row. Nothing is shown as done before that commit returns.
import {
  PosError,
  type CardPaymentDto,
  type CardTenderDto,
  type CashTenderDto,
  type CompletedSaleDto,
  type PaymentDto,
  type SaleDto,
} from '../contract/api';
import type { CardPaymentRow } from '../db/card-payments';
import { computeTotals, lineAmount, settleCash, type TaxRate } from '../contract/pricing';
import { formatMajor, roundToIncrement } from '../contract/money';
import type { VenueConfig } from '../contract/venue';
import { businessDate, isoUtc, type Clock } from '../lib/clock';
import { newId, receiptToken } from '../lib/ids';
import { findProduct } from '../db/catalog';
import { appendJournal } from '../db/journal';
import { appendOutbox } from '../db/outbox';
import { enqueuePrintJob } from '../db/print-jobs';
import { enqueueDrawerKick } from './printing/print-worker';
import type { Db } from '../db/open';
import {
  deleteAllLines,
  deleteLine,
  getOpenSale,
  insertLine,
  insertOpenSale,
  lastReceiptNo,
  restartOpenSale,
  updateLineQuantity,
  writeCompletedSale,
  type OpenSaleRow,
  type StoredLine,
} from '../db/sales';

/** More lines than a counter sale ever has; guards the UI and the receipt against runaway input. */
export const MAX_LINES = 200;
export const MAX_QUANTITY = 999;

export interface SaleServiceDeps {
  db: Db;
  clock: Clock;
  terminalId: string;
  shortId: string;
  venue: () => VenueConfig;
  onUpdated: (sale: SaleDto) => void;
  onCompleted: (sale: CompletedSaleDto) => void;
  /** False when no printer is configured: the sale's jobs are recorded as cancelled. */
  printReceipts?: boolean;
  /** Card payments (terminal/payments/card-service): what pays the sale besides cash. */
  cards?: SaleCards;
}

export interface SaleCards {
  paying(saleId: string): CardPaymentRow[];
  active(): CardPaymentRow | undefined;
  toDto(row: CardPaymentRow): CardPaymentDto;
}

export interface SaleService {
  get(): SaleDto;
  addItem(productId: string, quantity?: number): SaleDto;
  setQuantity(lineId: string, quantity: number): SaleDto;
  removeLine(lineId: string): SaleDto;
  clear(): SaleDto;
  payCash(tendered: number): SaleDto;
  complete(): CompletedSaleDto;
}

function taxRatesOf(lines: readonly StoredLine[]): TaxRate[] {
  const rates = new Map<string, TaxRate>();
  for (const l of lines) rates.set(l.taxRateId, { id: l.taxRateId, rateBp: l.taxRateBp, inclusive: l.taxInclusive });
  return [...rates.values()];
}

export function receiptRef(shortId: string, receiptNo: number): string {
  return `${shortId}-${String(receiptNo).padStart(6, '0')}`;
}

export function createSaleService(deps: SaleServiceDeps): SaleService {
  const { db, clock } = deps;
  // The accepted cash tender of the open sale. Kept in memory: it is committed with the sale,
  // and any cart change discards it (the amount due changed).
  // `remaining` is what the tender was counted against: a card payment since then voids it.
  let tender: { saleId: string; remaining: number; value: CashTenderDto } | null = null;

  const now = (): string => isoUtc(clock.now());

  function openSale(): OpenSaleRow {
    const existing = getOpenSale(db);
    if (existing) return existing;
    const sale = { saleId: newId(), currency: deps.venue().currency, startedAt: now() };
    insertOpenSale(db, sale);
    return { ...sale, lines: [] };
  }

  function toDto(sale: OpenSaleRow): SaleDto {
    const totals = computeTotals(sale.lines, taxRatesOf(sale.lines));
    const cards = deps.cards?.paying(sale.saleId) ?? [];
    const cardPaid = cards.reduce((s, c) => s + c.amount, 0);
    const remaining = totals.total - cardPaid;
    const active = deps.cards?.active();
    return {
      saleId: sale.saleId,
      status: 'open',
      currency: sale.currency,
      startedAt: sale.startedAt,
      lines: sale.lines.map(({ position: _p, taxRateBp: _b, taxInclusive: _i, ...line }) => line),
      totals,
      cards: cards.map((c) => deps.cards!.toDto(c)),
      cardPaid,
      remaining,
      // Cash rounding applies to the cash part only (ARCHITECTURE §4).
      cashDue: Math.max(0, roundToIncrement(remaining, deps.venue().cashRounding)),
      tender: tender?.saleId === sale.saleId && tender.remaining === remaining ? tender.value : null,
      activeCard: active?.saleId === sale.saleId ? deps.cards!.toDto(active) : null,
    };
  }

  /** Runs a cart change in one transaction, then publishes the new state. */
  function mutate(change: (sale: OpenSaleRow) => void): SaleDto {
    const dto = db.transaction(() => {
      const sale = openSale();
      change(sale);
      return toDto(getOpenSale(db) ?? sale);
    })();
    tender = null;
    dto.tender = null;
    deps.onUpdated(dto);
    return dto;
  }

  function lineOf(sale: OpenSaleRow, lineId: string): StoredLine {
    const line = sale.lines.find((l) => l.lineId === lineId);
    if (!line) throw new PosError('sale.line_not_found', `line ${lineId} is not in the current sale`);
    return line;
  }

  return {
    get: () => toDto(db.transaction(openSale)()),

    addItem(productId, quantity = 1) {
      return mutate((sale) => {
        const product = findProduct(db, productId);
        if (!product) throw new PosError('catalog.product_not_found', `no product ${productId} in the catalog`);
        if (sale.lines.length === 0) restartOpenSale(db, sale.saleId, now());
        // The same product at the same price adds to its line, as a cashier expects.
        const same = sale.lines.find((l) => l.productId === product.id && l.unitPrice === product.price);
        if (same) {
          const q = Math.min(MAX_QUANTITY, same.quantity + quantity);
          updateLineQuantity(db, same.lineId, q, lineAmount({ unitPrice: same.unitPrice, quantity: q }));
          return;
        }
        if (sale.lines.length >= MAX_LINES) {
          throw new PosError('sale.too_many_lines', `a sale holds at most ${MAX_LINES} lines`);
        }
        insertLine(db, sale.saleId, {
          lineId: newId(),
          position: (sale.lines.at(-1)?.position ?? 0) + 1,
          productId: product.id,
          categoryId: product.categoryId,
          name: product.name,
          unitPrice: product.price,
          quantity,
          amount: lineAmount({ unitPrice: product.price, quantity }),
          taxRateId: product.tax.id,
          taxRateBp: product.tax.rateBp,
          taxInclusive: product.tax.inclusive,
        });
      });
    },

    setQuantity(lineId, quantity) {
      return mutate((sale) => {
        const line = lineOf(sale, lineId);
        updateLineQuantity(db, line.lineId, quantity, lineAmount({ unitPrice: line.unitPrice, quantity }));
      });
    },

    removeLine(lineId) {
      return mutate((sale) => deleteLine(db, lineOf(sale, lineId).lineId));
    },

    clear() {
      return mutate((sale) => deleteAllLines(db, sale.saleId));
    },

    payCash(tendered) {
      const sale = db.transaction(openSale)();
      if (sale.lines.length === 0) throw new PosError('sale.empty', 'the sale has no items');
      const dto = toDto(sale);
      if (dto.remaining <= 0) throw new PosError('payment.nothing_due', 'card payments already cover the sale');
      const settled = settleCash(dto.remaining, tendered, deps.venue().cashRounding);
      if (!settled) {
        throw new PosError(
          'payment.insufficient_tender',
          `tendered ${formatMajor(tendered, sale.currency)} is less than the ${formatMajor(dto.cashDue, sale.currency)} due`,
        );
      }
      tender = {
        saleId: sale.saleId,
        remaining: dto.remaining,
        value: { kind: 'cash', tendered, amount: settled.cashDue, rounding: settled.rounding, change: settled.change },
      };
      dto.tender = tender.value;
      deps.onUpdated(dto);
      return dto;
    },

    complete() {
      const { completed, next } = db.transaction(() => {
        const sale = openSale();
        if (sale.lines.length === 0) throw new PosError('sale.empty', 'the sale has no items');
        const dto = toDto(sale);
        if (deps.cards?.active()) {
          throw new PosError('payment.card_in_progress', 'a card payment is in progress: wait for it or cancel it');
        }
        if (dto.remaining < 0) {
          throw new PosError('payment.amount_too_large', 'card payments exceed the total: void one before completing');
        }
        const paid = dto.remaining === 0 ? null : dto.tender;
        if (dto.remaining > 0 && !paid) throw new PosError('sale.not_paid', 'take payment before completing the sale');
        const cardTenders: CardTenderDto[] = (deps.cards?.paying(sale.saleId) ?? []).map((c) => {
          const view = deps.cards!.toDto(c);
          if (!view.card) throw new Error(`card payment ${c.paymentId} has no card summary`);
          return {
            paymentId: c.paymentId,
            kind: 'card',
            amount: c.amount,
            tendered: c.amount,
            change: 0,
            rounding: 0,
            stored: c.state !== 'approved',
            card: view.card,
            authCode: c.authCode,
            merchantId: c.merchantId,
            terminalRef: c.terminalRef,
          };
        });
        const cashTenders: PaymentDto[] = paid
          ? [
              {
                paymentId: newId(),
                kind: 'cash',
                amount: paid.amount,
                tendered: paid.tendered,
                change: paid.change,
                rounding: paid.rounding,
              },
            ]
          : [];
        const at = clock.now();
        const venue = deps.venue();
        const receiptNo = (lastReceiptNo(db) ?? 0) + 1;
        const doc: CompletedSaleDto = {
          saleId: sale.saleId,
          status: 'completed',
          currency: sale.currency,
          receiptNo,
          receiptRef: receiptRef(deps.shortId, receiptNo),
          receiptToken: receiptToken(),
          startedAt: sale.startedAt,
          completedAt: isoUtc(at),
          businessDate: businessDate(at, venue.timeZone, venue.dayChange),
          lines: dto.lines,
          totals: dto.totals,
          payments: [...cardTenders, ...cashTenders],
          cashRounding: paid?.rounding ?? 0,
          change: paid?.change ?? 0,
        };
        writeCompletedSale(db, doc);
        const record = { terminalId: deps.terminalId, ...doc };
        appendJournal(db, doc.completedAt, 'sale.completed', record);
        appendOutbox(db, {
          terminalId: deps.terminalId,
          type: 'sale.completed',
          at: doc.completedAt,
          businessDate: doc.businessDate,
          data: record,
        });
        // The drawer kick and the receipt are rows of this same commit: a printer fault can
        // delay them but never lose them, and nothing prints for a sale that did not commit.
        const noPrinter = deps.printReceipts === false ? { cancelledReason: 'no printer configured' } : {};
        if (doc.payments.some((p) => p.kind === 'cash')) {
          enqueueDrawerKick(db, doc.completedAt, { saleId: doc.saleId, ...noPrinter });
        }
        enqueuePrintJob(db, { kind: 'receipt', saleId: doc.saleId, payload: { sale: doc }, at: doc.completedAt, ...noPrinter });
        // The next (empty) sale is born in the same commit: one fsync per sale, not two.
        const nextSale = { saleId: newId(), currency: venue.currency, startedAt: doc.completedAt };
        insertOpenSale(db, nextSale);
        return { completed: doc, next: { ...nextSale, lines: [] } };
      })();
      tender = null;
      deps.onCompleted(completed);
      deps.onUpdated(toDto(next));
      return completed;
    },
  };
}
