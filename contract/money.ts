// Money is always an integer count of the currency's minor unit plus an ISO 4217 code.
// Never a float: 0.1 + 0.2 is not a price.
import { z } from 'zod';

/** Minor-unit exponents (ISO 4217). Currencies not listed fall back to Intl, then to 2. */
const EXPONENTS: Record<string, number> = {
  BHD: 3,
  CLP: 0,
  CNY: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  MOP: 2,
  OMR: 3,
  TND: 3,
  TWD: 2,
  USD: 2,
  VND: 0,
  CHF: 2,
  SGD: 2,
  AUD: 2,
};

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY');
export type CurrencyCode = z.infer<typeof CurrencyCode>;

/** An amount in minor units. Safe integers only; a venue never sells 90 trillion of anything. */
export const Minor = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
export type Minor = number;

export function currencyExponent(currency: string): number {
  const known = EXPONENTS[currency];
  if (known !== undefined) return known;
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    if (digits !== undefined) return digits;
  } catch {
    // unknown code: fall through
  }
  return 2;
}

/** Divide and round half away from zero, exactly (BigInt), for tax and percentages. */
export function divRoundHalfAway(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

/**
 * Round an amount to a multiple of `increment` minor units (cash rounding, e.g. 5 for 0.05),
 * half away from zero.
 */
export function roundToIncrement(amount: Minor, increment: number): Minor {
  if (!Number.isInteger(increment) || increment <= 0) {
    throw new RangeError(`cash rounding increment must be a positive integer, got ${increment}`);
  }
  return Number(divRoundHalfAway(BigInt(amount), BigInt(increment))) * increment;
}

/** Parse a decimal string in major units ("12.5") into minor units, refusing excess precision. */
export function parseMajor(text: string, currency: string): Minor {
  const exponent = currencyExponent(currency);
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not an amount: "${text}"`);
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new RangeError(`"${text}" has more decimals than ${currency} allows (${exponent})`);
  }
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount too large: "${text}"`);
  return sign ? -minor : minor;
}

/** Plain decimal text in major units ("12.50"), for logs, CSV and receipts. Not localized. */
export function formatMajor(amount: Minor, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Minor units to a JS number of major units, for Intl.NumberFormat display only. */
export function toMajorNumber(amount: Minor, currency: string): number {
  return amount / 10 ** currencyExponent(currency);
}

/**
 * Quick cash amounts for a due amount: the exact amount, then the smallest amounts payable with
 * the next banknotes up (e.g. due 37.40 with notes 10/20/50/100 → 37.40, 40, 50, 100).
 */
export function quickCashAmounts(due: Minor, notes: readonly Minor[], max = 4): Minor[] {
  const amounts = [due];
  const sorted = [...notes].filter((n) => n > 0).sort((a, b) => a - b);
  for (const note of sorted) {
    const next = Math.ceil(due / note) * note;
    if (next > due && !amounts.includes(next)) amounts.push(next);
  }
  return amounts.sort((a, b) => a - b).slice(0, max);
}
