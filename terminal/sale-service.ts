// The sale: cart edits, cash tender and completion. The open sale is kept in SQLite so a restart
// restores the cart; completion is ONE transaction writing the sale, its taxes, the payment, the
// journal entry and the outbox row. Nothing is shown as done before that commit returns.
import {
  PosError,
  type CommandParsed,
  type LineDiscountDto,
  type SaleLineDto,
  type CardPaymentDto,
  type CardTenderDto,
  type CashTenderDto,
  type CompletedSaleDto,
  type PaymentDto,
  type SaleDto,
  type WalletPaymentDto,
  type WalletTenderDto,
} from '../contract/api';
import type { CardPaymentRow } from '../db/card-payments';
import { lineAmount, priceSale, settleCash, type SaleLineInput, type TaxRate } from '../contract/pricing';
import {
  discountNeedsOverride,
  levelInForce,
  unavailability,
  type AvailabilityDto,
  type PriceContext,
  type PriceLevelDto,
  type Role,
} from '../contract/menu';
import { formatMajor, roundToIncrement } from '../contract/money';
import type { VenueConfig } from '../contract/venue';
import { businessDate, isoUtc, type Clock } from '../lib/clock';
import { newId, receiptToken } from '../lib/ids';
import { catalogExtras, findProduct, type CatalogExtras } from '../db/catalog';
import { appendJournal } from '../db/journal';
import { appendOutbox } from '../db/outbox';
import { enqueuePrintJob } from '../db/print-jobs';
import { enqueueDrawerKick } from './printing/print-worker';
import { depositLine, pickItem } from './menu-lines';
import type { Db } from '../db/open';
import {
  deleteAllLines,
  deleteLine,
  getOpenSale,
  insertLine,
  insertOpenSale,
  lastReceiptNo,
  overrideLinePrice,
  restartOpenSale,
  setAgeCheck,
  setLineDiscount,
  setSaleDiscount,
  updateLineQuantity,
  writeCompletedSale,
  type Attribution,
  type OpenSaleRow,
  type StoredLine,
} from '../db/sales';

/** More lines than a counter sale ever has; guards the UI and the receipt against runaway input. */
export const MAX_LINES = 200;
export const MAX_QUANTITY = 999;

/** Who is at the till: recorded with ID checks and discounts; the role sets discount limits. */
export interface Actor {
  id: string | null;
  name: string;
  role: Role;
}

/** What needs a supervisor: the staff issue answers it with a supervisor's PIN. */
export interface OverrideRequest {
  action: 'discount';
  /** Why the actor alone may not (for the prompt and the journal). */
  reason: string;
  saleId: string;
  lineId: string | null;
  discount: Omit<LineDiscountDto, 'approvedBy'>;
}

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
  /** Wallet payments (terminal/payments/wallet-service): approved ones pay the sale too. */
  wallets?: SaleWallets;
  /** Who is selling (default: the counter, as a cashier). */
  actor?: () => Actor;
  /** Event, zone and local time for choosing a new sale's price level. */
  priceContext: () => PriceContext;
  /** What cannot be sold now (sold out here or venue-wide, stopped tags). */
  availability: () => Pick<AvailabilityDto, 'soldOut' | 'stoppedTags'>;
  /**
   * Asked when the actor may not give a discount alone: returns who approved it, or throws.
   * Default: refused with `discount.needs_supervisor`.
   */
  authorize?: (request: OverrideRequest) => { approvedBy: string };
  /** The shift and person the completed sale belongs to. */
  attribution?: () => Attribution;
  /** Throws unless someone may sell now (signed in, with an open shift). Default: anyone may. */
  guard?: () => void;
}

export interface SaleCards {
  paying(saleId: string): CardPaymentRow[];
  active(): CardPaymentRow | undefined;
  toDto(row: CardPaymentRow): CardPaymentDto;
}

export interface SaleWallets {
  /** Approved wallet payments of the sale, in order. */
  paying(saleId: string): WalletPaymentDto[];
  /** The wallet payment in progress (not final), if any. */
  active(): WalletPaymentDto | undefined;
}

export type AddItemInput = CommandParsed<'sale.addItem'>;
export type DiscountInput = CommandParsed<'sale.setDiscount'>;

export interface SaleService {
  get(): SaleDto;
  addItem(input: AddItemInput): SaleDto;
  returnDeposit(depositId: string, quantity?: number): SaleDto;
  /** `approvedBy`: the supervisor who approved it at the till (over the actor's limit). */
  setDiscount(input: Omit<DiscountInput, 'supervisorPin'>, approvedBy?: string | null): SaleDto;
  /** A supervisor's unit price for an item or combo line (`approvedBy`: who approved it). */
  overridePrice(lineId: string, unitPrice: number, reason: string, approvedBy: string): SaleDto;
  /** Fewer units (or none) once a card paid part of the sale is a line void: `approvedBy` needed. */
  setQuantity(lineId: string, quantity: number, approvedBy?: string | null): SaleDto;
  removeLine(lineId: string, approvedBy?: string | null): SaleDto;
  clear(approvedBy?: string | null): SaleDto;
  payCash(tendered: number): SaleDto;
  complete(): CompletedSaleDto;
}

export const COUNTER_ACTOR: Actor = { id: null, name: 'counter', role: 'cashier' };

/** Refuses payment while a line is stopped (stop-sale): the cashier removes it first. */
export function assertPayable(sale: Pick<SaleDto, 'lines'>): void {
  const stopped = sale.lines.find((l) => l.stoppedBy !== null);
  if (stopped) {
    throw new PosError(
      'sale.stopped_items',
      `${stopped.name.en} is stopped (the venue stopped selling "${stopped.stoppedBy}" items): remove it first`,
    );
  }
}

function taxRatesOf(lines: readonly StoredLine[]): TaxRate[] {
  const rates = new Map<string, TaxRate>();
  for (const l of lines) {
    if (l.kind === 'deposit' || l.kind === 'deposit_return') continue;
    if (l.kind === 'combo') {
      for (const c of l.components) rates.set(c.taxRateId, { id: c.taxRateId, rateBp: c.taxRateBp, inclusive: c.taxInclusive });
    } else {
      rates.set(l.taxRateId, { id: l.taxRateId, rateBp: l.taxRateBp, inclusive: l.taxInclusive });
    }
  }
  return [...rates.values()];
}

const discountSpec = (d: LineDiscountDto | null) =>
  d && { reasonCode: d.reasonCode, kind: d.kind, percentBp: d.percentBp, amount: d.amount };

function pricingInput(l: StoredLine): SaleLineInput {
  return {
    lineId: l.lineId,
    kind: l.kind,
    amount: l.amount,
    taxParts:
      l.kind === 'combo'
        ? l.components.map((c) => ({ taxRateId: c.taxRateId, weight: c.listPrice }))
        : [{ taxRateId: l.taxRateId, weight: 1 }],
    discount: discountSpec(l.lineDiscount),
  };
}

export function receiptRef(shortId: string, receiptNo: number): string {
  return `${shortId}-${String(receiptNo).padStart(6, '0')}`;
}

/** Same item, same size, same options, no discount: another unit of the same line. */
const sameKind = (a: Pick<StoredLine, 'productId' | 'variantId' | 'unitPrice' | 'modifiers'>, b: typeof a): boolean =>
  a.productId === b.productId &&
  a.variantId === b.variantId &&
  a.unitPrice === b.unitPrice &&
  JSON.stringify(a.modifiers.map((m) => [m.groupId, m.optionId])) ===
    JSON.stringify(b.modifiers.map((m) => [m.groupId, m.optionId]));

export function createSaleService(deps: SaleServiceDeps): SaleService {
  const { db, clock } = deps;
  const actor = deps.actor ?? (() => COUNTER_ACTOR);
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
    return { ...sale, priceLevelId: null, saleDiscount: null, ageCheck: null, lines: [] };
  }

  /** The stop-sale tag that stops a line (its product or a combo's component), or null. */
  function stoppedBy(line: StoredLine, stoppedTags: readonly string[]): string | null {
    if (stoppedTags.length === 0 || line.kind === 'deposit' || line.kind === 'deposit_return') return null;
    const ids = line.kind === 'combo' ? [line.productId, ...line.components.map((c) => c.productId)] : [line.productId];
    for (const id of ids) {
      const p = findProduct(db, id);
      const why = p && unavailability(p, { soldOut: [], stoppedTags });
      if (why?.kind === 'stopped') return why.tag;
    }
    return null;
  }

  function toDto(sale: OpenSaleRow): SaleDto {
    const priced = priceSale(sale.lines.map(pricingInput), discountSpec(sale.saleDiscount), taxRatesOf(sale.lines));
    const cards = deps.cards?.paying(sale.saleId) ?? [];
    const cardPaid = cards.reduce((s, c) => s + c.amount, 0);
    const wallets = deps.wallets?.paying(sale.saleId) ?? [];
    const walletPaid = wallets.reduce((s, w) => s + w.amount, 0);
    const remaining = priced.totals.total - cardPaid - walletPaid;
    const active = deps.cards?.active();
    const activeWallet = deps.wallets?.active();
    const { stoppedTags } = deps.availability();
    return {
      saleId: sale.saleId,
      status: 'open',
      currency: sale.currency,
      startedAt: sale.startedAt,
      lines: sale.lines.map(({ position: _p, taxRateBp: _b, taxInclusive: _i, ...line }, i): SaleLineDto => ({
        ...line,
        discount: priced.lines[i]!.discount,
        stoppedBy: stoppedBy(sale.lines[i]!, stoppedTags),
      })),
      totals: priced.totals,
      saleDiscount: sale.saleDiscount,
      priceLevelId: sale.priceLevelId,
      ageCheck: sale.ageCheck,
      cards: cards.map((c) => deps.cards!.toDto(c)),
      cardPaid,
      wallets,
      walletPaid,
      remaining,
      // Cash rounding applies to the cash part only (ARCHITECTURE §4); negative: paid out.
      cashDue: roundToIncrement(remaining, deps.venue().cashRounding),
      tender: tender?.saleId === sale.saleId && tender.remaining === remaining ? tender.value : null,
      activeCard: active?.saleId === sale.saleId ? deps.cards!.toDto(active) : null,
      activeWallet: activeWallet?.saleId === sale.saleId ? activeWallet : null,
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

  /** The first line of an empty sale restarts it under the price level in force now. */
  function levelFor(sale: OpenSaleRow, extras: CatalogExtras): PriceLevelDto | null {
    if (sale.lines.length === 0) {
      const level = levelInForce(extras.priceLevels, deps.priceContext());
      restartOpenSale(db, sale.saleId, now(), level?.id ?? null);
      sale.saleDiscount = null;
      sale.ageCheck = null;
      return level;
    }
    return extras.priceLevels.find((l) => l.id === sale.priceLevelId) ?? null;
  }

  /** Taking items off a sale a card already paid part of is a line void: a supervisor approves. */
  function assertVoidApproved(sale: OpenSaleRow, approvedBy: string | null): void {
    const paidElectronically = (deps.cards?.paying(sale.saleId).length ?? 0) + (deps.wallets?.paying(sale.saleId).length ?? 0);
    if (approvedBy !== null || paidElectronically === 0) return;
    throw new PosError('auth.supervisor_required', 'a card or wallet already paid part of this sale: a supervisor must approve the line void');
  }

  function nextPosition(sale: OpenSaleRow): number {
    return (sale.lines.at(-1)?.position ?? 0) + 1;
  }

  function insert(sale: OpenSaleRow, line: Omit<StoredLine, 'position'>): StoredLine {
    if (sale.lines.length >= MAX_LINES) {
      throw new PosError('sale.too_many_lines', `a sale holds at most ${MAX_LINES} lines`);
    }
    const stored = { ...line, position: nextPosition(sale) };
    insertLine(db, sale.saleId, stored);
    sale.lines.push(stored);
    return stored;
  }

  /** Sets a line's quantity and its attached deposits' (which follow their item). */
  function requantify(sale: OpenSaleRow, line: StoredLine, quantity: number): void {
    for (const d of sale.lines.filter((l) => l.parentLineId === line.lineId)) {
      const perUnit = d.quantity / line.quantity;
      updateLineQuantity(db, d.lineId, perUnit * quantity, lineAmount({ unitPrice: d.unitPrice, quantity: perUnit * quantity }));
    }
    updateLineQuantity(db, line.lineId, quantity, lineAmount({ unitPrice: line.unitPrice, quantity }));
  }

  /** Units of age-restricted items in the sale (items and combos with such a component). */
  function restrictedUnits(sale: OpenSaleRow): number {
    let n = 0;
    for (const l of sale.lines) {
      if (l.kind !== 'item' && l.kind !== 'combo') continue;
      const ids = l.kind === 'combo' ? l.components.map((c) => c.productId) : [l.productId];
      if (ids.some((id) => (findProduct(db, id)?.minAge ?? null) !== null)) n += l.quantity;
    }
    return n;
  }

  function checkAgeLimit(sale: OpenSaleRow, adding: number): void {
    const limit = deps.venue().ageRestrictedPerSale;
    if (restrictedUnits(sale) + adding > limit) {
      throw new PosError('sale.age_limit', `one sale may hold at most ${limit} age-restricted items`);
    }
  }

  function giveDiscount(
    sale: OpenSaleRow,
    input: Omit<DiscountInput, 'supervisorPin'>,
    extras: CatalogExtras,
    approvedBy: string | null,
  ): LineDiscountDto | null {
    if (input.reason === null) {
      if (input.percentBp !== undefined || input.amount !== undefined)
        throw new PosError('discount.invalid', 'a discount without a reason takes no value');
      return null;
    }
    const reason = extras.reasons.find((r) => r.code === input.reason);
    if (!reason) throw new PosError('discount.unknown_reason', `no discount reason ${input.reason} in the catalog`);
    let percentBp: number | null;
    let amount: number | null;
    if (reason.percentBp !== null) {
      if (input.percentBp !== undefined || input.amount !== undefined)
        throw new PosError('discount.invalid', `reason ${reason.code} is always ${reason.percentBp / 100} %: give no value`);
      percentBp = reason.percentBp;
      amount = null;
    } else {
      if (input.percentBp === undefined && input.amount === undefined)
        throw new PosError('discount.invalid', `reason ${reason.code} needs a percentage or an amount`);
      percentBp = input.percentBp ?? null;
      amount = input.amount ?? null;
    }
    const d = { reasonCode: reason.code, kind: reason.kind, name: reason.name, percentBp, amount };
    const who = actor();
    const why = discountNeedsOverride(who.role, { reason, percentBp, amount }, extras.discountLimits);
    if (why === null) return { ...d, approvedBy: null };
    if (approvedBy) return { ...d, approvedBy };
    const request: OverrideRequest = { action: 'discount', reason: why, saleId: sale.saleId, lineId: input.lineId ?? null, discount: d };
    if (!deps.authorize) throw new PosError('discount.needs_supervisor', `${why}: a supervisor must approve it`);
    return { ...d, approvedBy: deps.authorize(request).approvedBy };
  }

  return {
    get: () => toDto(db.transaction(openSale)()),

    addItem(input) {
      deps.guard?.();
      const quantity = input.quantity ?? 1;
      return mutate((sale) => {
        const extras = catalogExtras(db);
        // Checked before the sale restarts, so a refused item leaves an empty sale as it was.
        pickItem(db, extras, deps.availability(), null, input);
        const level = levelFor(sale, extras);
        const picked = pickItem(db, extras, deps.availability(), level, input);
        if (picked.minAge !== null) {
          checkAgeLimit(sale, quantity);
          if ((sale.ageCheck?.minAge ?? 0) < picked.minAge) {
            if (input.ageChecked !== true) {
              throw new PosError(
                'sale.age_check_required',
                `${input.productId} is for ${picked.minAge}+: check the customer's ID, then confirm`,
              );
            }
            const who = actor();
            const check = { minAge: picked.minAge, by: who.name, at: now() };
            setAgeCheck(db, sale.saleId, check);
            sale.ageCheck = check;
            appendJournal(db, check.at, 'age.checked', {
              terminalId: deps.terminalId,
              saleId: sale.saleId,
              productId: input.productId,
              minAge: picked.minAge,
              confirmedBy: { id: who.id, name: who.name, role: who.role },
            });
          }
        }
        // Another unit of the same plain line adds to it, as a cashier expects.
        const same =
          picked.line.kind === 'item'
            ? sale.lines.find((l) => l.kind === 'item' && l.lineDiscount === null && sameKind(l, picked.line))
            : undefined;
        if (same) {
          requantify(sale, same, Math.min(MAX_QUANTITY, same.quantity + quantity));
          return;
        }
        const line = insert(sale, {
          ...picked.line,
          lineId: newId(),
          quantity,
          amount: lineAmount({ unitPrice: picked.line.unitPrice, quantity }),
        });
        for (const { deposit, perUnit } of picked.deposits) {
          insert(sale, { ...depositLine(deposit, perUnit * quantity, 'deposit', line.lineId), lineId: newId() });
        }
      });
    },

    returnDeposit(depositId, quantity = 1) {
      deps.guard?.();
      return mutate((sale) => {
        const extras = catalogExtras(db);
        const deposit = extras.deposits.find((d) => d.id === depositId);
        if (!deposit) throw new PosError('deposit.not_found', `no deposit ${depositId} in the catalog`);
        levelFor(sale, extras);
        const same = sale.lines.find((l) => l.kind === 'deposit_return' && l.productId === depositId);
        if (same) {
          const q = Math.min(MAX_QUANTITY, same.quantity + quantity);
          updateLineQuantity(db, same.lineId, q, lineAmount({ unitPrice: same.unitPrice, quantity: q }));
          return;
        }
        insert(sale, { ...depositLine(deposit, quantity, 'deposit_return', null), lineId: newId() });
      });
    },

    setDiscount(input, approvedBy = null) {
      deps.guard?.();
      return mutate((sale) => {
        if (sale.lines.length === 0) throw new PosError('sale.empty', 'the sale has no items');
        const extras = catalogExtras(db);
        if (input.lineId === undefined) {
          setSaleDiscount(db, sale.saleId, giveDiscount(sale, input, extras, approvedBy));
          return;
        }
        const line = lineOf(sale, input.lineId);
        if (line.kind !== 'item' && line.kind !== 'combo') {
          throw new PosError('discount.invalid', 'deposits are not discounted');
        }
        if (input.amount !== undefined && input.amount > line.amount) {
          throw new PosError('discount.invalid', `the discount is more than the line's ${line.amount}`);
        }
        setLineDiscount(db, line.lineId, giveDiscount(sale, input, extras, approvedBy));
      });
    },

    overridePrice(lineId, unitPrice, reason, approvedBy) {
      deps.guard?.();
      return mutate((sale) => {
        const line = lineOf(sale, lineId);
        if (line.kind !== 'item' && line.kind !== 'combo') {
          throw new PosError('validation', 'only an item or a combo takes a price by hand');
        }
        if (!Number.isSafeInteger(unitPrice * line.quantity)) throw new PosError('validation', 'price out of range');
        // The first list price stays the reference, however often the price is set again.
        const listPrice = line.priceOverride?.listPrice ?? line.unitPrice;
        overrideLinePrice(db, line, unitPrice, { listPrice, reason, approvedBy });
      });
    },

    setQuantity(lineId, quantity, approvedBy = null) {
      deps.guard?.();
      return mutate((sale) => {
        const line = lineOf(sale, lineId);
        if (quantity < line.quantity) assertVoidApproved(sale, approvedBy);
        if (line.kind === 'deposit') {
          throw new PosError('validation', 'a deposit follows its item: change the item instead');
        }
        if (quantity > line.quantity && line.kind !== 'deposit_return') {
          const p = findProduct(db, line.productId);
          if (p) {
            const ids = line.kind === 'combo' ? line.components.map((c) => c.productId) : [line.productId];
            if (ids.some((id) => (findProduct(db, id)?.minAge ?? null) !== null)) checkAgeLimit(sale, quantity - line.quantity);
          }
        }
        requantify(sale, line, quantity);
      });
    },

    removeLine(lineId, approvedBy = null) {
      deps.guard?.();
      return mutate((sale) => {
        const line = lineOf(sale, lineId);
        assertVoidApproved(sale, approvedBy);
        if (line.kind === 'deposit') {
          throw new PosError('validation', 'a deposit follows its item: remove the item instead');
        }
        deleteLine(db, line.lineId);
      });
    },

    clear(approvedBy = null) {
      deps.guard?.();
      return mutate((sale) => {
        if (sale.lines.length > 0) assertVoidApproved(sale, approvedBy);
        deleteAllLines(db, sale.saleId);
      });
    },

    payCash(tendered) {
      deps.guard?.();
      const sale = db.transaction(openSale)();
      if (sale.lines.length === 0) throw new PosError('sale.empty', 'the sale has no items');
      const dto = toDto(sale);
      assertPayable(dto);
      if (dto.remaining < 0 && dto.cardPaid + dto.walletPaid === 0) {
        // Returns worth more than the items: the drawer pays the difference out (rounded like
        // any cash); what was "tendered" does not matter.
        const amount = roundToIncrement(dto.remaining, deps.venue().cashRounding);
        tender = {
          saleId: sale.saleId,
          remaining: dto.remaining,
          value: { kind: 'cash', tendered: amount, amount, rounding: amount - dto.remaining, change: 0 },
        };
        dto.tender = tender.value;
        deps.onUpdated(dto);
        return dto;
      }
      if (dto.remaining <= 0) throw new PosError('payment.nothing_due', 'card and wallet payments already cover the sale');
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
      deps.guard?.();
      const { completed, next } = db.transaction(() => {
        const sale = openSale();
        if (sale.lines.length === 0) throw new PosError('sale.empty', 'the sale has no items');
        const dto = toDto(sale);
        if (deps.cards?.active()) {
          throw new PosError('payment.card_in_progress', 'a card payment is in progress: wait for it or cancel it');
        }
        if (deps.wallets?.active()) {
          throw new PosError('payment.wallet_in_progress', 'a wallet payment is in progress: wait for it or cancel it');
        }
        assertPayable(dto);
        if (dto.remaining < 0 && dto.cardPaid + dto.walletPaid > 0) {
          throw new PosError('payment.amount_too_large', 'card payments exceed the total: void one before completing');
        }
        const paid = dto.remaining === 0 ? null : dto.tender;
        if (dto.remaining !== 0 && !paid) {
          throw new PosError(
            'sale.not_paid',
            dto.remaining > 0 ? 'take payment before completing the sale' : 'pay out the returned deposits first',
          );
        }
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
        const walletTenders: WalletTenderDto[] = dto.wallets.map((w) => ({
          paymentId: w.paymentId,
          kind: 'wallet',
          amount: w.amount,
          tendered: w.amount,
          change: 0,
          rounding: 0,
          provider: w.provider,
          maskedCode: w.maskedCode,
          providerRef: w.providerRef,
        }));
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
          saleDiscount: dto.saleDiscount,
          priceLevelId: dto.priceLevelId,
          ageCheck: dto.ageCheck,
          payments: [...cardTenders, ...walletTenders, ...cashTenders],
          cashRounding: paid?.rounding ?? 0,
          change: paid?.change ?? 0,
        };
        const by = deps.attribution?.() ?? { shiftId: null, staffId: null };
        writeCompletedSale(db, doc, by);
        // The journal and the gateway learn whose shift and which person the sale belongs to.
        const record = { terminalId: deps.terminalId, ...doc, shiftId: by.shiftId, staffId: by.staffId };
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
        return {
          completed: doc,
          next: { ...nextSale, priceLevelId: null, saleDiscount: null, ageCheck: null, lines: [] },
        };
      })();
      tender = null;
      deps.onCompleted(completed);
      deps.onUpdated(toDto(next));
      return completed;
    },
  };
}
