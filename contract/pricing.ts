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
  /** Sum of line amounts as shown on the lines (gross for inclusive rates, net for exclusive). */
  subtotal: Minor;
  /** Tax added on top of exclusive prices (already inside `subtotal` for inclusive ones). */
  exclusiveTax: Minor;
  /** All tax, inclusive and exclusive. */
  taxTotal: Minor;
  /** What the customer owes before cash rounding. */
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

export function computeTotals(lines: readonly PricedLine[], rates: readonly TaxRate[]): SaleTotals {
  const byId = new Map(rates.map((r) => [r.id, r]));
  const bases = new Map<string, Minor>();
  for (const line of lines) {
    bases.set(line.taxRateId, (bases.get(line.taxRateId) ?? 0) + lineAmount(line));
  }
  const taxes: TaxGroupTotal[] = [];
  let subtotal = 0;
  let exclusiveTax = 0;
  let taxTotal = 0;
  for (const [taxRateId, base] of [...bases].sort(([a], [b]) => a.localeCompare(b))) {
    const rate = byId.get(taxRateId);
    if (!rate) throw new RangeError(`unknown tax rate "${taxRateId}"`);
    const tax = taxOf(base, rate);
    const net = rate.inclusive ? base - tax : base;
    const gross = rate.inclusive ? base : base + tax;
    taxes.push({ taxRateId, rateBp: rate.rateBp, inclusive: rate.inclusive, net, tax, gross });
    subtotal += base;
    taxTotal += tax;
    if (!rate.inclusive) exclusiveTax += tax;
  }
  return { subtotal, exclusiveTax, taxTotal, total: subtotal + exclusiveTax, taxes };
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
