// The contract/ import rule is for shipped code; its tests may use the test tools.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  divRoundHalfAway,
  formatMajor,
  parseMajor,
  quickCashAmounts,
  roundToIncrement,
  toMajorNumber,
} from './money';

describe('currencyExponent', () => {
  it.each([
    ['CNY', 2],
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
  ])('%s has %i decimals', (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
  });

  it('falls back to Intl for codes not in the table, then to 2', () => {
    // UGX is a zero-decimal currency that the table does not list: Intl knows it.
    expect(currencyExponent('UGX')).toBe(0);
    expect(currencyExponent('XYZ')).toBe(2);
    expect(currencyExponent('not a code')).toBe(2);
  });
});

describe('divRoundHalfAway', () => {
  it.each([
    // [numerator, denominator, expected]
    [5n, 2n, 3n], // 2.5 → 3
    [-5n, 2n, -3n], // -2.5 → -3 (away from zero, not towards +∞)
    [5n, -2n, -3n],
    [-5n, -2n, 3n],
    [7n, 2n, 4n], // 3.5 → 4
    [-7n, 2n, -4n],
    [3n, 2n, 2n], // 1.5 → 2
    [1n, 2n, 1n], // 0.5 → 1
    [-1n, 2n, -1n],
    [1n, 3n, 0n], // 0.333 → 0
    [2n, 3n, 1n], // 0.667 → 1
    [-1n, 3n, 0n],
    [-2n, 3n, -1n],
    [13n, 4n, 3n], // 3.25 → 3
    [14n, 4n, 4n], // 3.5 → 4
    [15n, 4n, 4n], // 3.75 → 4
    [10n, 5n, 2n], // exact
    [0n, 7n, 0n],
    // far beyond 2^53: 10^30 / 3 = 333…333.33 → 333…333
    [10n ** 30n, 3n, 333333333333333333333333333333n],
    [10n ** 30n + 1n, 2n, 500000000000000000000000000001n], // …0.5 → up
  ])('%s / %s = %s', (n, d, q) => {
    expect(divRoundHalfAway(n, d)).toBe(q);
  });

  it('refuses division by zero', () => {
    expect(() => divRoundHalfAway(1n, 0n)).toThrow(RangeError);
  });

  it('is within half a unit of the exact quotient and symmetric in sign', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (n, d) => {
        const q = divRoundHalfAway(n, d);
        // |q·d − n| ≤ d/2, i.e. 2|q·d − n| ≤ d
        const diff = q * d - n;
        expect(2n * (diff < 0n ? -diff : diff) <= d).toBe(true);
        expect(divRoundHalfAway(-n, d)).toBe(-q);
        expect(divRoundHalfAway(n, -d)).toBe(-q);
      }),
    );
  });
});

describe('roundToIncrement', () => {
  it.each([
    // cash rounding to 0.05 in cents (EUR/CHF-like): increment 5
    [102, 5, 100], // 1.02 → 1.00
    [103, 5, 105], // 1.03 → 1.05
    [107, 5, 105], // 1.07 → 1.05
    [108, 5, 110], // 1.08 → 1.10
    [100, 5, 100],
    [105, 5, 105],
    [0, 5, 0],
    [1, 5, 0], // 0.01 → 0.00
    [3, 5, 5],
    [-102, 5, -100], // refunds round symmetrically
    [-103, 5, -105],
    [-107, 5, -105],
    [-108, 5, -110],
    // 0.10 (CNY jiao): an exact half exists, and goes away from zero
    [3745, 10, 3750],
    [3744, 10, 3740],
    [-3745, 10, -3750],
    // JPY to ¥10
    [1234, 10, 1230],
    [1235, 10, 1240],
    [1236, 10, 1240],
    [-1235, 10, -1240],
    // KWD to 0.005 (5 fils)
    [1002, 5, 1000], // 1.002 → 1.000
    [1003, 5, 1005], // 1.003 → 1.005
    [1007, 5, 1005], // 1.007 → 1.005
    [1008, 5, 1010], // 1.008 → 1.010
    // increment 1 = no rounding
    [3743, 1, 3743],
    [-1, 1, -1],
  ])('%i to a multiple of %i is %i', (amount, increment, expected) => {
    expect(roundToIncrement(amount, increment)).toBe(expected);
  });

  it.each([0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses increment %s', (increment) => {
    expect(() => roundToIncrement(100, increment)).toThrow(RangeError);
  });

  it('always lands on a multiple within half an increment', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 10_000 }), (amount, inc) => {
        const r = roundToIncrement(amount, inc);
        expect(r % inc === 0).toBe(true);
        expect(2 * Math.abs(r - amount)).toBeLessThanOrEqual(inc);
      }),
    );
  });
});

describe('parseMajor / formatMajor', () => {
  it.each([
    ['12.5', 'EUR', 1250],
    ['12.50', 'EUR', 1250],
    ['12', 'CNY', 1200],
    ['0.05', 'CNY', 5],
    ['-0.05', 'CNY', -5],
    [' 37.40 ', 'CNY', 3740],
    ['007.10', 'EUR', 710],
    ['1200', 'JPY', 1200],
    ['-1200', 'JPY', -1200],
    ['1.005', 'KWD', 1005],
    ['0.5', 'KWD', 500],
    ['12.345', 'BHD', 12345],
    ['90071992547409.91', 'EUR', Number.MAX_SAFE_INTEGER],
  ])('parses "%s" %s as %i minor units', (text, currency, minor) => {
    expect(parseMajor(text, currency)).toBe(minor);
  });

  it.each([
    ['1.234', 'EUR'],
    ['0.001', 'CNY'],
    ['1.5', 'JPY'],
    ['1.0', 'KRW'],
    ['1.0005', 'KWD'],
  ])('refuses "%s" in %s: more decimals than the currency has', (text, currency) => {
    expect(() => parseMajor(text, currency)).toThrow(/more decimals/);
  });

  it.each(['', ' ', 'abc', '1,50', '1.2.3', '+1', '1e3', '.5', '--1', '0x10', 'Infinity', 'NaN', '1 000', '¥12', '12元'])(
    'refuses garbage "%s"',
    (text) => {
      expect(() => parseMajor(text, 'CNY')).toThrow(/not an amount/);
    },
  );

  it('refuses amounts beyond safe integers', () => {
    // 90071992547409.92 EUR = 9007199254740992 cents = 2^53
    expect(() => parseMajor('90071992547409.92', 'EUR')).toThrow(/too large/);
    expect(() => parseMajor('99999999999999999999', 'JPY')).toThrow(/too large/);
  });

  it.each([
    [0, 'EUR', '0.00'],
    [5, 'EUR', '0.05'],
    [-5, 'EUR', '-0.05'],
    [1250, 'CNY', '12.50'],
    [-123456, 'CNY', '-1234.56'],
    [0, 'JPY', '0'],
    [12345, 'JPY', '12345'],
    [-7, 'KRW', '-7'],
    [1005, 'KWD', '1.005'],
    [1, 'KWD', '0.001'],
    [-1, 'BHD', '-0.001'],
    [123456789, 'BHD', '123456.789'],
  ])('formats %i %s as "%s"', (minor, currency, text) => {
    expect(formatMajor(minor, currency)).toBe(text);
  });

  it.each(['JPY', 'CNY', 'KWD'])('round-trips any safe amount in %s', (currency) => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (minor) => {
        // `+ 0` folds a -0 from parseMajor("-0…") into 0; the amount itself must match.
        expect(parseMajor(formatMajor(minor, currency), currency) + 0).toBe(minor);
      }),
    );
  });

  it('converts to a major-unit number for display only', () => {
    expect(toMajorNumber(3740, 'CNY')).toBe(37.4);
    expect(toMajorNumber(3740, 'JPY')).toBe(3740);
    expect(toMajorNumber(1005, 'KWD')).toBe(1.005);
  });
});

describe('quickCashAmounts', () => {
  const cnyNotes = [1000, 2000, 5000, 10000];

  it('offers the exact amount, then the next amounts payable with bigger notes', () => {
    // due 37.40: 4×10 = 40 (and 2×20 = 40, not repeated), 1×50, 1×100
    expect(quickCashAmounts(3740, cnyNotes)).toEqual([3740, 4000, 5000, 10000]);
  });

  it('does not repeat the due amount when it falls exactly on a note', () => {
    // due 50.00: 10s and 50s pay it exactly; 3×20 = 60; 1×100
    expect(quickCashAmounts(5000, cnyNotes)).toEqual([5000, 6000, 10000]);
    expect(quickCashAmounts(10000, cnyNotes)).toEqual([10000]);
  });

  it('keeps at most `max` amounts, smallest first', () => {
    expect(quickCashAmounts(3740, cnyNotes, 2)).toEqual([3740, 4000]);
    expect(quickCashAmounts(3740, cnyNotes, 1)).toEqual([3740]);
    // due 12.30: 20 (10s and 20s), 50, 100
    expect(quickCashAmounts(1230, [10000, 5000, 2000, 1000], 4)).toEqual([1230, 2000, 5000, 10000]);
  });

  it('sorts notes given in any order and ignores non-positive ones', () => {
    expect(quickCashAmounts(3740, [10000, 0, 5000, -1000, 1000, 2000])).toEqual([3740, 4000, 5000, 10000]);
  });

  it('works for zero-decimal currencies', () => {
    // JPY ¥3,740 with ¥1,000 / ¥5,000 / ¥10,000 notes
    expect(quickCashAmounts(3740, [1000, 5000, 10000])).toEqual([3740, 4000, 5000, 10000]);
  });
});
