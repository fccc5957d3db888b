// Shifts and the business day (issue 7): cash counted by denomination, the cash a drawer should
// hold, and the X / shift / Z report. Pure: the terminal computes, tests and `pos report`
// recompute with the same code.
import { z } from 'zod';
import { Minor } from './money';

/** Notes and coins in circulation, largest first, in minor units. */
const DENOMINATIONS: Record<string, readonly number[]> = {
  // ¥100 50 20 10 5 1, 5 jiao, 1 jiao (the 2-yuan and fen coins are out of use at counters)
  CNY: [10000, 5000, 2000, 1000, 500, 100, 50, 10],
  EUR: [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  JPY: [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1],
  USD: [10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5, 1],
  GBP: [5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  HKD: [100000, 50000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10],
};

/** The venue's configured denominations, else the currency's usual ones (else none known). */
export function denominationsOf(currency: string, configured?: readonly number[] | null): readonly number[] {
  if (configured && configured.length > 0) return [...configured].sort((a, b) => b - a);
  return DENOMINATIONS[currency] ?? [];
}

export const DenominationCount = z.object({
  denomination: Minor.refine((n) => n > 0, 'must be positive'),
  count: z.number().int().min(0).max(100_000),
});
export type DenominationCount = z.infer<typeof DenominationCount>;

export const Counts = z.array(DenominationCount).max(40);

export class CountError extends Error {
  override readonly name = 'CountError';
}

/**
 * The total of a count. Every denomination must be one the venue uses, each at most once, so a
 * mistyped 20.00 never counts as 2.00.
 */
export function countTotal(counts: readonly DenominationCount[], denominations: readonly number[]): Minor {
  const seen = new Set<number>();
  let total = 0;
  for (const c of counts) {
    if (!denominations.includes(c.denomination)) {
      throw new CountError(`${c.denomination} is not a note or coin of this venue (${denominations.join(', ')})`);
    }
    if (seen.has(c.denomination)) throw new CountError(`${c.denomination} is counted twice`);
    seen.add(c.denomination);
    total += c.denomination * c.count;
  }
  if (!Number.isSafeInteger(total)) throw new CountError('count out of range');
  return total;
}

/** Cash the drawer should hold: float + cash taken − cash given back + paid in − paid out − drops. */
export interface CashFlows {
  openingFloat: Minor;
  /** Cash tenders of sales, net of change (payouts of returned deposits are negative). */
  cashSales: Minor;
  /** Cash paid out for refunds. */
  cashRefunds: Minor;
  paidIn: Minor;
  paidOut: Minor;
  drops: Minor;
}

export function expectedCash(f: CashFlows): Minor {
  return f.openingFloat + f.cashSales - f.cashRefunds + f.paidIn - f.paidOut - f.drops;
}

const CountAmount = z.object({ count: z.number().int().nonnegative(), amount: Minor });

/**
 * A report over a shift (X while open, the shift report when closed) or a business day (Z). The
 * top level has the gateway summary's shape (`currency`, `sales`, `refunds`, `deposits`,
 * `discounts`, `comps`, `byTender`, `byCategory`) plus the drawer's figures. Amounts in minor
 * units; `sales.amount` is revenue (gross of tax, without deposits).
 */
export const ReportDto = z.object({
  kind: z.enum(['x', 'shift', 'z']),
  currency: z.string(),
  terminalId: z.string(),
  /** The shift (x, shift) or the Z number (z). */
  shiftId: z.string().nullable(),
  zNumber: z.number().int().nullable(),
  businessDate: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  generatedAt: z.string(),
  cashier: z.string().nullable(),
  sales: CountAmount,
  refunds: CountAmount,
  deposits: CountAmount,
  discounts: CountAmount,
  comps: CountAmount,
  voids: CountAmount,
  noSaleOpens: z.number().int().nonnegative(),
  byTender: z.array(z.object({ tender: z.string(), count: z.number().int(), amount: Minor })),
  byCategory: z.array(z.object({ categoryId: z.string(), quantity: z.number().int(), amount: Minor })),
  byTaxRate: z.array(
    z.object({ taxRateId: z.string(), rateBp: z.number().int(), net: Minor, tax: Minor, gross: Minor }),
  ),
  cashMovements: z.object({ drops: CountAmount, paidIn: CountAmount, paidOut: CountAmount }),
  openingFloat: Minor,
  cashRounding: Minor,
  expectedCash: Minor,
  /** Null until the blind count (X reports, open shifts). */
  countedCash: Minor.nullable(),
  overShort: Minor.nullable(),
  offlineCards: z.object({ stored: CountAmount, forwarded: CountAmount, refused: CountAmount }),
  /** Payments refused after their shift closed: venue losses, listed on the next Z. */
  lateRefusals: z.array(z.object({ paymentId: z.string(), shiftId: z.string().nullable(), amount: Minor })),
  firstReceiptNo: z.number().int().nullable(),
  lastReceiptNo: z.number().int().nullable(),
  /** Z only: the perpetual total of sales less refunds, this Z included. */
  grandTotal: Minor.nullable(),
  /** Sales per 15 minutes (local time HH:MM), for the supervisor's chart. */
  byQuarterHour: z.array(z.object({ at: z.string(), count: z.number().int(), amount: Minor })),
  topProducts: z.array(z.object({ productId: z.string(), name: z.object({ en: z.string(), zh: z.string() }), quantity: z.number().int(), amount: Minor })),
  /** Outbox events not yet at the gateway, and offline card payments not yet forwarded, at report time. */
  unsyncedEvents: z.number().int().nonnegative(),
  unforwardedCards: z.number().int().nonnegative(),
});
export type ReportDto = z.infer<typeof ReportDto>;

/**
 * Notes and coins that make up `amount` exactly, largest first (greedy: exact for the usual
 * currency series); null when they cannot. For simulations and tests of a perfect count.
 */
export function countFor(amount: Minor, denominations: readonly number[]): DenominationCount[] | null {
  let left = amount;
  const out: DenominationCount[] = [];
  for (const d of [...denominations].sort((a, b) => b - a)) {
    const count = Math.floor(left / d);
    if (count > 0) out.push({ denomination: d, count });
    left -= count * d;
  }
  return left === 0 ? out : null;
}
