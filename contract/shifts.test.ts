import { describe, expect, it } from 'vitest';
import { CountError, countTotal, denominationsOf, expectedCash } from './shifts';

describe('counting cash by denomination', () => {
  it.each([
    // CNY: 2 × ¥100, 3 × ¥20, 4 × ¥1, 7 × 1 jiao
    ['CNY', [[10000, 2], [2000, 3], [100, 4], [10, 7]], 26470],
    // EUR: 1 × €50, 2 × €2, 3 × 5 cent, 4 × 1 cent
    ['EUR', [[5000, 1], [200, 2], [5, 3], [1, 4]], 5419],
    // JPY (no minor unit): 3 × ¥1000, 1 × ¥500, 6 × ¥10
    ['JPY', [[1000, 3], [500, 1], [10, 6]], 3560],
  ] as const)('%s', (currency, counts, total) => {
    const d = denominationsOf(currency);
    expect(countTotal(counts.map(([denomination, count]) => ({ denomination, count })), d)).toBe(total);
  });

  it('refuses a note the venue does not use, and a denomination counted twice', () => {
    const cny = denominationsOf('CNY');
    expect(() => countTotal([{ denomination: 300, count: 1 }], cny)).toThrow(CountError);
    expect(() => countTotal([{ denomination: 100, count: 1 }, { denomination: 100, count: 2 }], cny)).toThrow(/twice/);
    expect(countTotal([], cny)).toBe(0);
  });

  it('uses the venue’s own list when it has one, largest first', () => {
    expect(denominationsOf('CNY', [100, 10000, 500])).toEqual([10000, 500, 100]);
    expect(denominationsOf('XXX')).toEqual([]);
  });

  it('expects float + cash sales − cash refunds + paid in − paid out − drops', () => {
    expect(expectedCash({ openingFloat: 20000, cashSales: 15430, cashRefunds: 1200, paidIn: 500, paidOut: 800, drops: 10000 })).toBe(23930);
  });
});
