// The contract/ import rule is for shipped code; its tests may use the test tools.
import fc from 'fast-check';
import { NO_EXTRAS } from './api';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  computeTotals,
  discountOf,
  lineAmount,
  priceSale,
  settleCash,
  taxOf,
  type DiscountSpec,
  type PricedLine,
  type SaleLineInput,
  type TaxRate,
} from './pricing';

const vat6: TaxRate = { id: 'vat6', rateBp: 600, inclusive: true };
const vat13: TaxRate = { id: 'vat13', rateBp: 1300, inclusive: true };
const salesTax: TaxRate = { id: 'us', rateBp: 825, inclusive: false }; // 8.25 % added on top
const rates = [vat6, vat13, salesTax];

const line = (unitPrice: number, quantity: number, taxRateId: string): PricedLine => ({ unitPrice, quantity, taxRateId });

describe('taxOf', () => {
  it.each([
    // inclusive: tax = gross·bp / (10000 + bp)
    [11300, vat13, 1300], // 11300·1300/11300 = 1300 exactly
    [1000, vat6, 57], // 1000·600/10600 = 56.60 → 57
    [2500, vat6, 142], // 2500·600/10600 = 141.51 → 142
    [53, vat6, 3], // 53·600/10600 = 3.0 exactly
    [-1000, vat6, -57], // refunds: half away from zero, symmetric
    // exclusive: tax = net·bp / 10000
    [1999, salesTax, 165], // 1999·825/10000 = 164.92 → 165
    [2000, salesTax, 165], // 2000·825/10000 = 165 exactly
    [200, { id: 'x', rateBp: 825, inclusive: false }, 17], // 16.5 → 17 (half away)
    [-200, { id: 'x', rateBp: 825, inclusive: false }, -17], // -16.5 → -17
    [5, { id: 'x', rateBp: 1000, inclusive: false }, 1], // 0.5 → 1
    [1234, { id: 'z', rateBp: 0, inclusive: true }, 0],
    [1234, { id: 'z', rateBp: 0, inclusive: false }, 0],
  ])('tax of %i at %o is %i', (base, rate, tax) => {
    expect(taxOf(base, rate)).toBe(tax);
  });
});

describe('computeTotals', () => {
  it('is all zeros for an empty sale', () => {
    expect(computeTotals([], rates)).toEqual({ subtotal: 0, ...NO_EXTRAS, exclusiveTax: 0, taxTotal: 0, total: 0, taxes: [] });
  });

  it('takes inclusive tax out of the price, adding nothing to the total', () => {
    // 2 hot dogs at 25.00 (6 % incl.): gross 5000, tax 5000·600/10600 = 283.02 → 283, net 4717
    const t = computeTotals([line(2500, 2, 'vat6')], rates);
    expect(t).toEqual({
      ...NO_EXTRAS,
      subtotal: 5000,
      exclusiveTax: 0,
      taxTotal: 283,
      total: 5000,
      taxes: [{ taxRateId: 'vat6', rateBp: 600, inclusive: true, net: 4717, tax: 283, gross: 5000 }],
    });
  });

  it('adds exclusive tax on top of the net price', () => {
    // 3 × 19.99 at 8.25 % excl.: net 5997, tax 5997·825/10000 = 494.75 → 495, gross 6492
    const t = computeTotals([line(1999, 3, 'us')], rates);
    expect(t).toEqual({
      ...NO_EXTRAS,
      subtotal: 5997,
      exclusiveTax: 495,
      taxTotal: 495,
      total: 6492,
      taxes: [{ taxRateId: 'us', rateBp: 825, inclusive: false, net: 5997, tax: 495, gross: 6492 }],
    });
  });

  it('groups mixed rates in one sale, each group taxed on its own sum', () => {
    const t = computeTotals(
      [line(2500, 2, 'vat6'), line(49900, 1, 'vat13'), line(1000, 3, 'us'), line(0, 1, 'vat6')],
      rates,
    );
    // vat6:  gross 5000,  tax 5000·600/10600   = 283.02  → 283,  net 4717
    // vat13: gross 49900, tax 49900·1300/11300 = 5740.71 → 5741, net 44159
    // us:    net 3000,    tax 3000·825/10000   = 247.5   → 248,  gross 3248
    // subtotal 5000 + 49900 + 3000 = 57900; total 57900 + 248 = 58148; all tax 283 + 5741 + 248 = 6272
    expect(t.subtotal).toBe(57900);
    expect(t.exclusiveTax).toBe(248);
    expect(t.taxTotal).toBe(6272);
    expect(t.total).toBe(58148);
    expect(t.taxes).toEqual([
      { taxRateId: 'us', rateBp: 825, inclusive: false, net: 3000, tax: 248, gross: 3248 },
      { taxRateId: 'vat13', rateBp: 1300, inclusive: true, net: 44159, tax: 5741, gross: 49900 },
      { taxRateId: 'vat6', rateBp: 600, inclusive: true, net: 4717, tax: 283, gross: 5000 },
    ]);
  });

  it('rounds tax once per group on the unrounded sum, not per line', () => {
    // Three different 10.00 lines at 6 % incl.:
    //   per line: 1000·600/10600 = 56.60 → 57, three times = 171
    //   per group: 3000·600/10600 = 169.81 → 170   ← what ARCHITECTURE §4 asks for
    const lines = [line(1000, 1, 'vat6'), line(1000, 1, 'vat6'), line(1000, 1, 'vat6')];
    const perLine = lines.reduce((sum, l) => sum + taxOf(lineAmount(l), vat6), 0);
    expect(perLine).toBe(171);
    const t = computeTotals(lines, rates);
    expect(t.taxTotal).toBe(170);
    expect(t.taxes).toEqual([{ taxRateId: 'vat6', rateBp: 600, inclusive: true, net: 2830, tax: 170, gross: 3000 }]);

    // Exclusive too: 3 lines of 2.00 at 8.25 %: per line 16.5 → 17 each = 51; per group 600·0.0825 = 49.5 → 50
    const excl = computeTotals([line(200, 1, 'us'), line(200, 1, 'us'), line(200, 1, 'us')], rates);
    expect(excl.taxTotal).toBe(50);
    expect(excl.total).toBe(650);
  });

  it('is the same arithmetic for JPY (no decimals)', () => {
    const jpRates: TaxRate[] = [
      { id: 'jp8', rateBp: 800, inclusive: true }, // reduced rate, food
      { id: 'jp10', rateBp: 1000, inclusive: true },
    ];
    // ¥480 bento × 3 = ¥1440 at 8 %: 1440·800/10800 = 106.67 → ¥107, net ¥1333
    // ¥1250 towel at 10 %: 1250·1000/11000 = 113.64 → ¥114, net ¥1136
    const t = computeTotals([line(480, 3, 'jp8'), line(1250, 1, 'jp10')], jpRates);
    expect(t.total).toBe(2690);
    expect(t.taxTotal).toBe(221);
    expect(t.taxes).toEqual([
      { taxRateId: 'jp10', rateBp: 1000, inclusive: true, net: 1136, tax: 114, gross: 1250 },
      { taxRateId: 'jp8', rateBp: 800, inclusive: true, net: 1333, tax: 107, gross: 1440 },
    ]);
  });

  it('is the same arithmetic for BHD/KWD (three decimals)', () => {
    const bhVat: TaxRate = { id: 'bh10', rateBp: 1000, inclusive: false };
    // BHD 0.775 × 3 = 2.325 (2325 fils), VAT 10 % excl.: 232.5 → 233 fils; total 2.558
    const t = computeTotals([line(775, 3, 'bh10')], [bhVat]);
    expect(t).toEqual({
      ...NO_EXTRAS,
      subtotal: 2325,
      exclusiveTax: 233,
      taxTotal: 233,
      total: 2558,
      taxes: [{ taxRateId: 'bh10', rateBp: 1000, inclusive: false, net: 2325, tax: 233, gross: 2558 }],
    });
  });

  it('handles zero-rated goods', () => {
    const zero: TaxRate = { id: 'zero', rateBp: 0, inclusive: true };
    const t = computeTotals([line(1500, 2, 'zero')], [zero]);
    expect(t.taxes).toEqual([{ taxRateId: 'zero', rateBp: 0, inclusive: true, net: 3000, tax: 0, gross: 3000 }]);
    expect(t.total).toBe(3000);
    expect(t.taxTotal).toBe(0);
  });

  it('refuses a line whose tax rate is unknown', () => {
    expect(() => computeTotals([line(100, 1, 'vat6'), line(100, 1, 'gone')], rates)).toThrow(/unknown tax rate "gone"/);
  });

  it('refuses a line amount beyond safe integers', () => {
    expect(() => lineAmount({ unitPrice: Number.MAX_SAFE_INTEGER, quantity: 2 })).toThrow(RangeError);
  });

  it('keeps the group invariants for any sale (property)', () => {
    const rateArb = fc.record({ rateBp: fc.integer({ min: 0, max: 10_000 }), inclusive: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(rateArb, { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.record({
            unitPrice: fc.integer({ min: 0, max: 5_000_000 }),
            quantity: fc.integer({ min: 1, max: 999 }),
            rate: fc.nat(),
          }),
          { maxLength: 30 },
        ),
        (rawRates, rawLines) => {
          const taxRates: TaxRate[] = rawRates.map((r, i) => ({ id: `r${i}`, ...r }));
          const lines: PricedLine[] = rawLines.map((l) => ({
            unitPrice: l.unitPrice,
            quantity: l.quantity,
            taxRateId: `r${l.rate % taxRates.length}`,
          }));
          const t = computeTotals(lines, taxRates);

          expect(t.total).toBe(t.subtotal + t.exclusiveTax);
          expect(t.subtotal).toBe(lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0));
          expect(t.taxTotal).toBe(t.taxes.reduce((s, g) => s + g.tax, 0));
          expect(t.exclusiveTax).toBe(t.taxes.filter((g) => !g.inclusive).reduce((s, g) => s + g.tax, 0));
          expect(new Set(t.taxes.map((g) => g.taxRateId)).size).toBe(t.taxes.length);
          for (const g of t.taxes) {
            const rate = taxRates.find((r) => r.id === g.taxRateId);
            expect(rate).toBeDefined();
            const sum = lines.filter((l) => l.taxRateId === g.taxRateId).reduce((s, l) => s + l.unitPrice * l.quantity, 0);
            expect(g.gross).toBe(g.net + g.tax);
            expect(g.inclusive ? g.gross : g.net).toBe(sum);
            // Rounded to the nearest minor unit, checked with exact integers:
            //   inclusive: |tax·(10000+bp) − gross·bp| ≤ (10000+bp)/2
            //   exclusive: |tax·10000 − net·bp| ≤ 10000/2
            const bp = BigInt(g.rateBp);
            const den = g.inclusive ? 10_000n + bp : 10_000n;
            const err = BigInt(g.tax) * den - BigInt(sum) * bp;
            expect(2n * (err < 0n ? -err : err) <= den).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('settleCash', () => {
  it.each([
    // [remaining, tendered, increment, cashDue, rounding, change]
    [3743, 5000, 10, 3740, -3, 1260], // 37.43 → 37.40: the venue gives up 0.03
    [3745, 5000, 10, 3750, 5, 1250], // 37.45 → 37.50 (half away): the customer pays 0.05 more
    [3747, 3750, 10, 3750, 3, 0], // exact tender of the rounded amount
    [3743, 3740, 10, 3740, -3, 0], // tendering less than the unrounded due is fine once rounded down
    [102, 200, 5, 100, -2, 100], // 0.05 rounding, EUR-like
    [108, 110, 5, 110, 2, 0],
    [1235, 2000, 10, 1240, 5, 760], // JPY to ¥10
    [1003, 1005, 5, 1005, 2, 0], // KWD to 5 fils
    [3743, 5000, 1, 3743, 0, 1257], // no rounding: increment 1
  ])('remaining %i, tendered %i, increment %i → due %i, rounding %i, change %i', (rem, tend, inc, due, rounding, change) => {
    const s = settleCash(rem, tend, inc);
    expect(s).toEqual({ cashDue: due, rounding, change });
    // expected cash stays exact: what stays in the drawer = remaining + rounding
    expect(s && tend - s.change).toBe(rem + rounding);
  });

  it.each([
    [3743, 3739, 10], // rounded due 3740 > 3739
    [3747, 3745, 10], // rounded due 3750 > 3745
    [3747, 0, 10],
    [103, 104, 5], // rounded due 105
  ])('returns null when %i remaining is not covered by %i tendered (increment %i)', (rem, tend, inc) => {
    expect(settleCash(rem, tend, inc)).toBeNull();
  });

  it('never changes the tax of the sale it settles', () => {
    // 10.00 + 27.43 at 6 % incl.: total 3743; tax on 3743 = 3743·600/10600 = 211.87 → 212
    const totals = computeTotals([line(1000, 1, 'vat6'), line(2743, 1, 'vat6')], rates);
    const before = structuredClone(totals);
    const s = settleCash(totals.total, 5000, 10);
    expect(s).toEqual({ cashDue: 3740, rounding: -3, change: 1260 });
    expect(totals).toEqual(before);
    expect(totals.taxTotal).toBe(212);
    // The rounding is kept beside the total, never folded into it.
    expect(s?.cashDue).toBe(totals.total + (s?.rounding ?? Number.NaN));
  });

  it('refuses an invalid increment', () => {
    expect(() => settleCash(100, 100, 0)).toThrow(RangeError);
  });
});

// ---------- sales with combos, deposits and discounts ----------

const item = (lineId: string, amount: number, taxRateId: string, discount: DiscountSpec | null = null): SaleLineInput => ({
  lineId,
  kind: 'item',
  amount,
  taxParts: [{ taxRateId, weight: 1 }],
  discount,
});
const deposit = (lineId: string, amount: number): SaleLineInput => ({
  lineId,
  kind: amount < 0 ? 'deposit_return' : 'deposit',
  amount,
  taxParts: [],
  discount: null,
});
const pct = (bp: number, kind: DiscountSpec['kind'] = 'discount'): DiscountSpec => ({
  reasonCode: kind,
  kind,
  percentBp: bp,
  amount: null,
});
const off = (amount: number, kind: DiscountSpec['kind'] = 'discount'): DiscountSpec => ({
  reasonCode: kind,
  kind,
  percentBp: null,
  amount,
});

describe('allocate', () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [1000, [2500, 12800], [163, 837]],
    [-5, [1, 1], [-3, -2]],
    [7, [0, 0], [4, 3]],
    [0, [5, 5], [0, 0]],
    [10, [3, 0, 7], [3, 0, 7]],
  ])('%i over %o is %o', (total, weights, parts) => {
    expect(allocate(total, weights)).toEqual(parts);
  });

  it('always adds up, never goes negative for a positive total, and follows the weights', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }), (total, weights) => {
        const parts = allocate(total, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        const sum = weights.reduce((a, b) => a + b, 0);
        parts.forEach((p, i) => {
          expect(p).toBeGreaterThanOrEqual(0);
          if (sum > 0) expect(Math.abs(p - (total * weights[i]!) / sum)).toBeLessThan(1);
        });
      }),
    );
  });
});

describe('priceSale', () => {
  it.each([
    {
      name: 'a size with its deposit: the deposit is outside tax',
      lines: [item('beer', 4800, 'vat6'), deposit('cup', 300)],
      sale: null,
      want: { subtotal: 4800, deposits: 300, discounts: 0, comps: 0, taxTotal: 272, total: 5100 },
    },
    {
      name: 'a burger with options (unit price carries the deltas) and a cup return',
      lines: [item('burger', 5100, 'vat6'), deposit('ret', -200)],
      sale: null,
      want: { subtotal: 5100, deposits: -200, taxTotal: 289, total: 4900 },
    },
    {
      name: 'a line discount in percent, rounded half away from zero',
      lines: [item('a', 2995, 'vat6', pct(1000))],
      sale: null,
      want: { subtotal: 2995, discounts: 300, taxTotal: 153, total: 2695 },
    },
    {
      name: 'an amount discount never goes below zero',
      lines: [item('a', 500, 'vat6', off(800))],
      sale: null,
      want: { subtotal: 500, discounts: 500, taxTotal: 0, total: 0 },
    },
    {
      name: 'a staff meal on the sale: zero price, counted as comps, deposits still due',
      lines: [item('a', 3800, 'vat6'), item('b', 1800, 'vat6'), deposit('cup', 200)],
      sale: pct(10_000, 'staff_meal'),
      want: { subtotal: 5600, discounts: 0, comps: 5600, deposits: 200, taxTotal: 0, total: 200 },
    },
    {
      name: 'a line comp and a sale discount on what is left',
      lines: [item('a', 2000, 'vat6', pct(10_000, 'comp')), item('b', 3000, 'vat13')],
      sale: off(1000),
      want: { subtotal: 5000, comps: 2000, discounts: 1000, taxTotal: 230, total: 2000 },
    },
    {
      name: 'exclusive tax is added on the discounted amount',
      lines: [item('a', 10_000, 'us', pct(2000))],
      sale: null,
      want: { subtotal: 10_000, discounts: 2000, exclusiveTax: 660, taxTotal: 660, total: 8660 },
    },
  ])('$name', ({ lines, sale, want }) => {
    expect(priceSale(lines, sale, rates).totals).toMatchObject(want);
  });

  it('splits a combo set price over its components’ tax rates by their own prices', () => {
    // 58.00 meal of a burger (vat6, 38.00), a T-shirt (vat13, 159.00 — a promotion) at set price.
    const combo: SaleLineInput = {
      lineId: 'meal',
      kind: 'combo',
      amount: 5800,
      taxParts: [
        { taxRateId: 'vat6', weight: 3800 },
        { taxRateId: 'vat13', weight: 15900 },
      ],
      discount: null,
    };
    const { totals } = priceSale([combo], null, rates);
    // 5800 × 3800/19700 = 1118.78 → 1119 at 6 %; 4681 at 13 %
    expect(totals.taxes.map((t) => [t.taxRateId, t.gross, t.tax])).toEqual([
      ['vat13', 4681, taxOf(4681, vat13)],
      ['vat6', 1119, taxOf(1119, vat6)],
    ]);
    expect(totals.total).toBe(5800);
  });

  it('for random carts: total = lines (with modifiers) + deposits − discounts − comps + exclusive tax, to the cent', () => {
    const discount = fc.option(
      fc.oneof(
        fc.record({ kind: fc.constantFrom('discount', 'comp', 'staff_meal'), percentBp: fc.integer({ min: 1, max: 10_000 }) }).map(
          (d): DiscountSpec => ({ reasonCode: d.kind, kind: d.kind, percentBp: d.percentBp, amount: null }),
        ),
        fc.integer({ min: 1, max: 100_000 }).map((amount): DiscountSpec => off(amount)),
      ),
      { nil: null },
    );
    const cartLine = fc.record({
      base: fc.integer({ min: 0, max: 60_000 }),
      modifiers: fc.array(fc.integer({ min: -500, max: 1500 }), { maxLength: 4 }),
      quantity: fc.integer({ min: 1, max: 12 }),
      rate: fc.constantFrom('vat6', 'vat13', 'us'),
      deposit: fc.constantFrom(0, 200, 300),
      combo: fc.boolean(),
      discount,
    });
    fc.assert(
      fc.property(
        fc.array(cartLine, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
        discount,
        (cart, returns, saleDiscount) => {
          const lines: SaleLineInput[] = [];
          let linesAndModifiers = 0;
          let deposits = 0;
          cart.forEach((c, i) => {
            const unit = Math.max(0, c.base + c.modifiers.reduce((a, b) => a + b, 0));
            linesAndModifiers += unit * c.quantity;
            lines.push({
              lineId: `l${i}`,
              kind: c.combo ? 'combo' : 'item',
              amount: unit * c.quantity,
              taxParts: c.combo
                ? [
                    { taxRateId: 'vat6', weight: 1 + (c.base % 997) },
                    { taxRateId: c.rate, weight: 1 + (c.base % 389) },
                  ]
                : [{ taxRateId: c.rate, weight: 1 }],
              discount: c.discount,
            });
            if (c.deposit > 0) {
              lines.push(deposit(`d${i}`, c.deposit * c.quantity));
              deposits += c.deposit * c.quantity;
            }
          });
          returns.forEach((q, i) => {
            lines.push(deposit(`r${i}`, -200 * q));
            deposits -= 200 * q;
          });
          // The discounts, worked out independently of priceSale's allocation.
          let lineOff = 0;
          const left = lines.map((l) => {
            if (l.kind === 'deposit' || l.kind === 'deposit_return') return 0;
            const d = l.discount ? discountOf(l.amount, l.discount) : 0;
            lineOff += d;
            return l.amount - d;
          });
          const saleOff = saleDiscount ? discountOf(left.reduce((a, b) => a + b, 0), saleDiscount) : 0;

          const { totals, lines: priced } = priceSale(lines, saleDiscount, rates);
          expect(totals.discounts + totals.comps).toBe(lineOff + saleOff);
          expect(totals.subtotal).toBe(linesAndModifiers);
          expect(totals.deposits).toBe(deposits);
          expect(totals.total).toBe(linesAndModifiers + deposits - lineOff - saleOff + totals.exclusiveTax);
          expect(priced.reduce((a, l) => a + l.discount, 0)).toBe(lineOff + saleOff);
          // every line keeps a non-negative net; tax groups add up to the discounted items
          priced.forEach((p, i) => {
            if (lines[i]!.kind === 'item' || lines[i]!.kind === 'combo') expect(p.net).toBeGreaterThanOrEqual(0);
          });
          const gross = totals.taxes.reduce((a, t) => a + (t.inclusive ? t.gross : t.net), 0);
          expect(gross).toBe(linesAndModifiers - lineOff - saleOff);
        },
      ),
      { numRuns: 500 },
    );
  });
});
