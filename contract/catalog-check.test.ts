import { describe, expect, it } from 'vitest';
import { CatalogBody } from './api';
import { checkCatalog } from './catalog-check';
import { demoCatalog } from './demo-venue';

const name = (en: string) => ({ en, zh: `${en}（中）` });

/** A small catalog with one of everything, valid. */
function base(): CatalogBody {
  return CatalogBody.parse({
    categories: [{ id: 'food', name: name('Food'), color: '#000', sort: 1 }],
    taxRates: [{ id: 'vat6', name: name('VAT 6%'), rateBp: 600, inclusive: true }],
    deposits: [{ id: 'cup', name: name('Cup'), amount: 200 }],
    modifierGroups: [
      {
        id: 'ice',
        name: name('Ice'),
        min: 0,
        max: 1,
        options: [{ id: 'no-ice', name: name('No ice') }],
      },
    ],
    reasons: [{ code: 'promo', name: name('Promo'), kind: 'discount' }],
    products: [
      {
        id: 'beer',
        categoryId: 'food',
        name: name('Beer'),
        price: 3500,
        taxRateId: 'vat6',
        barcode: '111',
        sort: 1,
        depositId: 'cup',
        variants: [
          { id: 'small', name: name('Small'), price: 3500, barcode: '112' },
          { id: 'large', name: name('Large'), price: 4800, barcode: null, depositId: 'cup' },
        ],
      },
      {
        id: 'cola',
        categoryId: 'food',
        name: name('Cola'),
        price: 1200,
        taxRateId: 'vat6',
        barcode: null,
        sort: 2,
        modifierGroupIds: ['ice'],
      },
      {
        id: 'meal',
        categoryId: 'food',
        name: name('Meal'),
        price: 5000,
        taxRateId: 'vat6',
        barcode: null,
        sort: 3,
        combo: {
          slots: [
            {
              id: 'drink',
              name: name('Drink'),
              choices: [
                { productId: 'cola', variantId: null },
                { productId: 'beer', variantId: 'large', priceDelta: 300 },
              ],
            },
          ],
        },
      },
    ],
    priceLevels: [
      {
        id: 'happy',
        name: name('Happy'),
        prices: [
          { productId: 'beer', variantId: 'small', price: 2800 },
          { productId: 'cola', variantId: null, price: 1000 },
        ],
      },
    ],
  });
}

/** The problems of the base catalog after `change`, as "path: message". */
function problemsAfter(change: (c: CatalogBody) => void): string[] {
  const c = base();
  change(c);
  const r = checkCatalog(c);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('checkCatalog', () => {
  it('passes a consistent catalog, and the demo venue', () => {
    expect(checkCatalog(base())).toEqual({ ok: true });
    const { currency: _currency, ...demo } = demoCatalog;
    expect(checkCatalog(demo)).toEqual({ ok: true });
  });

  it.each<[string, (c: CatalogBody) => void, RegExp]>([
    [
      'duplicate product',
      (c) => c.products.push({ ...c.products[1]!, barcode: null }),
      /^products\[3\]: product cola is also products\[1\]/,
    ],
    [
      'duplicate category',
      (c) => c.categories.push({ ...c.categories[0]! }),
      /^categories\[1\]: category food/,
    ],
    [
      'duplicate tax rate',
      (c) => c.taxRates.push({ ...c.taxRates[0]! }),
      /^taxRates\[1\]: tax rate vat6/,
    ],
    [
      'duplicate deposit',
      (c) => c.deposits.push({ ...c.deposits[0]! }),
      /^deposits\[1\]: deposit cup/,
    ],
    [
      'duplicate group',
      (c) => c.modifierGroups.push({ ...c.modifierGroups[0]! }),
      /^modifierGroups\[1\]: modifier group ice/,
    ],
    [
      'duplicate reason',
      (c) => c.reasons.push({ ...c.reasons[0]! }),
      /^reasons\[1\]: reason promo/,
    ],
    [
      'duplicate price level',
      (c) => c.priceLevels.push({ ...c.priceLevels[0]! }),
      /^priceLevels\[1\]: price level happy/,
    ],
    [
      'duplicate option',
      (c) => c.modifierGroups[0]!.options.push({ ...c.modifierGroups[0]!.options[0]! }),
      /^modifierGroups\[0\]\.options\[1\]: option of ice no-ice/,
    ],
    [
      'duplicate size',
      (c) => c.products[0]!.variants.push({ ...c.products[0]!.variants[1]! }),
      /^products\[0\]\.variants\[2\]: size of beer large/,
    ],
    [
      'unknown category',
      (c) => (c.products[1]!.categoryId = 'drinks'),
      /^products\[1\]\.categoryId: product cola: no category drinks/,
    ],
    [
      'unknown tax rate',
      (c) => (c.products[1]!.taxRateId = 'vat9'),
      /^products\[1\]\.taxRateId: .*no tax rate vat9/,
    ],
    [
      'unknown deposit',
      (c) => (c.products[1]!.depositId = 'glass'),
      /^products\[1\]\.depositId: .*no deposit glass/,
    ],
    [
      'unknown group',
      (c) => c.products[1]!.modifierGroupIds.push('sauce'),
      /^products\[1\]\.modifierGroupIds\[1\]: .*no modifier group sauce/,
    ],
    [
      'group twice',
      (c) => c.products[1]!.modifierGroupIds.push('ice'),
      /modifier group ice is listed twice/,
    ],
    [
      'unknown size deposit',
      (c) => (c.products[0]!.variants[1]!.depositId = 'glass'),
      /^products\[0\]\.variants\[1\]\.depositId: product beer size large: no deposit glass/,
    ],
    [
      'combo choice of an unknown product',
      (c) => (c.products[2]!.combo!.slots[0]!.choices[0]!.productId = 'fanta'),
      /^products\[2\]\.combo\.slots\[0\]\.choices\[0\]\.productId: combo meal slot drink: no product fanta/,
    ],
    [
      'combo in a combo',
      (c) => (c.products[2]!.combo!.slots[0]!.choices[0]!.productId = 'meal'),
      /meal is itself a combo/,
    ],
    [
      'combo choice without the size of a sized product',
      (c) => (c.products[2]!.combo!.slots[0]!.choices[1]!.variantId = null),
      /choices\[1\]\.variantId: combo meal slot drink: beer has sizes; name one/,
    ],
    [
      'combo choice with an unknown size',
      (c) => (c.products[2]!.combo!.slots[0]!.choices[1]!.variantId = 'pint'),
      /beer has no size pint/,
    ],
    [
      'combo choice with a size of an unsized product',
      (c) => (c.products[2]!.combo!.slots[0]!.choices[0]!.variantId = 'large'),
      /cola has no sizes, so no size large/,
    ],
    [
      'combo with sizes',
      (c) =>
        c.products[2]!.variants.push({ id: 'big', name: name('Big'), price: 6000, barcode: null }),
      /^products\[2\]\.variants: combo meal cannot have sizes/,
    ],
    [
      'combo with a deposit',
      (c) => (c.products[2]!.depositId = 'cup'),
      /combo meal cannot carry a deposit/,
    ],
    [
      'price level for an unknown product',
      (c) => c.priceLevels[0]!.prices.push({ productId: 'wine', variantId: null, price: 1 }),
      /^priceLevels\[0\]\.prices\[2\]\.productId: price level happy: no product wine/,
    ],
    [
      'price level for a sized product without size',
      (c) => c.priceLevels[0]!.prices.push({ productId: 'beer', variantId: null, price: 1 }),
      /beer is sold by size; price one of its sizes/,
    ],
    [
      'price level for an unknown size',
      (c) => c.priceLevels[0]!.prices.push({ productId: 'beer', variantId: 'pint', price: 1 }),
      /price level happy: beer has no size pint/,
    ],
    [
      'price level pricing twice',
      (c) => c.priceLevels[0]!.prices.push({ productId: 'beer', variantId: 'small', price: 1 }),
      /beer\/small is priced twice/,
    ],
    [
      'barcode of two products',
      (c) => (c.products[1]!.barcode = '111'),
      /^products\[1\]\.barcode: barcode 111 of cola also belongs to beer/,
    ],
    [
      'barcode of a product and a size',
      (c) => (c.products[1]!.barcode = '112'),
      /barcode 112 of cola also belongs to beer size small/,
    ],
  ])('finds %s', (_what, change, expected) => {
    const problems = problemsAfter(change);
    expect(problems).toContainEqual(expect.stringMatching(expected));
  });

  it('lists every problem, each with its path', () => {
    const problems = problemsAfter((c) => {
      c.products[0]!.categoryId = 'x';
      c.products[1]!.taxRateId = 'y';
      c.priceLevels[0]!.prices[0]!.productId = 'z';
    });
    expect(problems).toHaveLength(3);
  });
});
