// Sale totals and tax (ARCHITECTURE §4): tax per tax-rate group on the unrounded sum of the
// group's line amounts, rounded once, half away from zero. Pure: the terminal computes, the
// gateway and tests recompute with the same code.
import { divRoundHalfAway, roundToIncrement, type Minor } from './money';

export interface TaxRate {
  id: string;
  /** Rate in basis points: 1300 = 13 %. */
  rateBp: number;
  /** Inclusive: prices contain the tax. Exclusive: tax is added on top. */
  inclusive: boolean;
}

export interface PricedLine {
  unitPrice: Minor;
  quantity: number;
  taxRateId: string;
}

export interface TaxGroupTotal {
  taxRateId: string;
  rateBp: number;
  inclusive: boolean;
  net: Minor;
  tax: Minor;
  gross: Minor;
}

export interface SaleTotals {
  /**
   * Sum of the item lines' amounts as shown on the lines, before discounts (gross for inclusive
   * rates, net for exclusive). Deposits are not in it.
   */
  subtotal: Minor;
  /** Discounts given with a `discount` reason (line and sale), positive. */
  discounts: Minor;
  /** Comps and staff meals (reasons `comp`, `staff_meal`), positive: given away, not revenue. */
  comps: Minor;
  /** Deposits charged minus deposits paid back (negative when returns exceed them); no tax. */
  deposits: Minor;
  /** Tax added on top of exclusive prices (already inside `subtotal` for inclusive ones). */
  exclusiveTax: Minor;
  /** All tax, inclusive and exclusive. */
  taxTotal: Minor;
  /** What the customer owes before cash rounding: subtotal − discounts − comps + exclusiveTax + deposits. */
  total: Minor;
  taxes: TaxGroupTotal[];
}

export function lineAmount(line: Pick<PricedLine, 'unitPrice' | 'quantity'>): Minor {
  const amount = line.unitPrice * line.quantity;
  if (!Number.isSafeInteger(amount)) throw new RangeError('line amount out of range');
  return amount;
}

export function taxOf(base: Minor, rate: Pick<TaxRate, 'rateBp' | 'inclusive'>): Minor {
  const b = BigInt(base);
  const bp = BigInt(rate.rateBp);
  return Number(rate.inclusive ? divRoundHalfAway(b * bp, 10_000n + bp) : divRoundHalfAway(b * bp, 10_000n));
}

/** Tax groups from taxable bases per rate, sorted by rate id (ARCHITECTURE §4). */
export function taxGroups(bases: ReadonlyMap<string, Minor>, rates: readonly TaxRate[]): TaxGroupTotal[] {
  const byId = new Map(rates.map((r) => [r.id, r]));
  return [...bases]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([taxRateId, base]) => {
      const rate = byId.get(taxRateId);
      if (!rate) throw new RangeError(`unknown tax rate "${taxRateId}"`);
      const tax = taxOf(base, rate);
      const net = rate.inclusive ? base - tax : base;
      const gross = rate.inclusive ? base : base + tax;
      return { taxRateId, rateBp: rate.rateBp, inclusive: rate.inclusive, net, tax, gross };
    });
}

/** Totals of plain lines (no discounts, no deposits). */
export function computeTotals(lines: readonly PricedLine[], rates: readonly TaxRate[]): SaleTotals {
  return priceSale(
    lines.map((l, i) => ({
      lineId: String(i),
      kind: 'item',
      amount: lineAmount(l),
      taxParts: [{ taxRateId: l.taxRateId, weight: 1 }],
      discount: null,
    })),
    null,
    rates,
  ).totals;
}

// ---------- sales with combos, deposits and discounts ----------

export type SaleLineKind = 'item' | 'combo' | 'deposit' | 'deposit_return';
export type DiscountKind = 'discount' | 'comp' | 'staff_meal';

/** A discount as recorded: exactly one of percentBp (1…10 000) and amount (> 0). */
export interface DiscountSpec {
  reasonCode: string;
  kind: DiscountKind;
  percentBp: number | null;
  amount: number | null;
}

export interface SaleLineInput {
  lineId: string;
  kind: SaleLineKind;
  /** unitPrice × quantity (negative for a deposit return). */
  amount: Minor;
  /**
   * The tax rates the line's amount falls under: one for an item; for a combo, one per component
   * weighted by the component's own price, so a set price is taxed as its parts would be.
   * Deposits: none (outside tax).
   */
  taxParts: readonly { taxRateId: string; weight: number }[];
  discount: DiscountSpec | null;
}

export interface PricedSaleLine {
  lineId: string;
  /** Line discount plus this line's share of the sale discount. */
  discount: Minor;
  /** amount − discount. */
  net: Minor;
}

export interface PricedSale {
  lines: PricedSaleLine[];
  totals: SaleTotals;
  /** The sale discount's amount (before it was spread over the lines). */
  saleDiscount: Minor;
}

/** What a discount takes off `base` (≥ 0): a percentage rounded half away from zero, or at most the base. */
export function discountOf(base: Minor, d: Pick<DiscountSpec, 'percentBp' | 'amount'>): Minor {
  if (base <= 0) return 0;
  if (d.percentBp !== null) return Number(divRoundHalfAway(BigInt(base) * BigInt(d.percentBp), 10_000n));
  return Math.min(d.amount ?? 0, base);
}

/**
 * Splits `total` over `weights` in proportion (largest remainder), so the parts add up to the
 * total exactly. Zero weights everywhere: equal parts.
 */
export function allocate(total: Minor, weights: readonly number[]): Minor[] {
  if (weights.length === 0) return [];
  const w = weights.every((x) => x <= 0) ? weights.map(() => 1) : weights.map((x) => Math.max(0, x));
  const sum = BigInt(w.reduce((a, b) => a + b, 0));
  const sign = total < 0 ? -1n : 1n;
  const t = BigInt(Math.abs(total));
  const parts = w.map((x) => (t * BigInt(x)) / sum);
  const rest = w.map((x, i) => ({ i, r: (t * BigInt(x)) % sum }));
  let left = t - parts.reduce((a, b) => a + b, 0n);
  rest.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rest) {
    if (left === 0n) break;
    parts[i] = parts[i]! + 1n;
    left--;
  }
  return parts.map((p) => Number(p * sign));
}

const isDeposit = (kind: SaleLineKind): boolean => kind === 'deposit' || kind === 'deposit_return';

/**
 * Prices a sale: line discounts, then the sale discount spread over the item lines in proportion
 * to what is left of them, then tax per rate on the discounted amounts (a combo's amount split
 * over its components' rates). Deposits are added outside tax and are never discounted.
 */
export function priceSale(
  lines: readonly SaleLineInput[],
  saleDiscount: DiscountSpec | null,
  rates: readonly TaxRate[],
): PricedSale {
  const byKind = { discount: 0, comp: 0, staff_meal: 0 };
  const lineDiscount = lines.map((l) => {
    if (isDeposit(l.kind) || !l.discount) return 0;
    const d = discountOf(l.amount, l.discount);
    byKind[l.discount.kind] += d;
    return d;
  });
  const items = lines.map((l, i) => (isDeposit(l.kind) ? 0 : l.amount - lineDiscount[i]!));
  const itemsLeft = items.reduce((a, b) => a + b, 0);
  const saleAmount = saleDiscount ? discountOf(itemsLeft, saleDiscount) : 0;
  if (saleDiscount) byKind[saleDiscount.kind] += saleAmount;
  const shares = allocate(saleAmount, items);

  const bases = new Map<string, Minor>();
  let subtotal = 0;
  let deposits = 0;
  const priced = lines.map((l, i): PricedSaleLine => {
    const discount = lineDiscount[i]! + (shares[i] ?? 0);
    const net = l.amount - discount;
    if (isDeposit(l.kind)) {
      deposits += l.amount;
    } else {
      subtotal += l.amount;
      const split = allocate(
        net,
        l.taxParts.map((p) => p.weight),
      );
      l.taxParts.forEach((p, k) => bases.set(p.taxRateId, (bases.get(p.taxRateId) ?? 0) + split[k]!));
    }
    return { lineId: l.lineId, discount, net };
  });
  const taxes = taxGroups(bases, rates);
  const taxTotal = taxes.reduce((a, t) => a + t.tax, 0);
  const exclusiveTax = taxes.reduce((a, t) => a + (t.inclusive ? 0 : t.tax), 0);
  const discounts = byKind.discount;
  const comps = byKind.comp + byKind.staff_meal;
  return {
    lines: priced,
    saleDiscount: saleAmount,
    totals: {
      subtotal,
      discounts,
      comps,
      deposits,
      exclusiveTax,
      taxTotal,
      total: subtotal - discounts - comps + exclusiveTax + deposits,
      taxes,
    },
  };
}

export interface CashSettlement {
  /** What the customer must hand over in cash after rounding. */
  cashDue: Minor;
  /** cashDue − remaining: the recorded cash-rounding amount (may be negative). */
  rounding: Minor;
  change: Minor;
}

/**
 * Cash for the remaining amount of a sale (ARCHITECTURE §4): rounding happens once, on the cash
 * part only, and is kept as its own amount so expected cash stays exact.
 * Returns null when `tendered` does not cover the rounded amount.
 */
export function settleCash(remaining: Minor, tendered: Minor, increment: number): CashSettlement | null {
  const cashDue = roundToIncrement(remaining, increment);
  if (tendered < cashDue) return null;
  return { cashDue, rounding: cashDue - remaining, change: tendered - cashDue };
}
