// The e-receipt page of a sale from the menu: options, combo parts, discounts with reasons, comps
// and staff meals marked, deposits apart, totals for each; every name escaped.
import { describe, expect, it } from 'vitest';
import { demoVenueConfig } from '../contract/demo-venue';
import { SaleCompletedData } from '../contract/gateway';
import { receiptDetails, renderReceiptPage, type ReceiptDetails } from './receipt-page';

const line = (
  lineId: string,
  kind: 'item' | 'combo' | 'deposit' | 'deposit_return',
  en: string,
  zh: string,
  unitPrice: number,
  quantity: number,
  discount = 0,
) => ({
  lineId,
  kind,
  productId: lineId,
  categoryId: kind === 'deposit' || kind === 'deposit_return' ? '' : 'hot-food',
  name: { en, zh },
  unitPrice,
  quantity,
  amount: unitPrice * quantity,
  discount,
  taxRateId: kind === 'deposit' || kind === 'deposit_return' ? '' : 'vat6',
});

// A burger with two options and a 10.00 promotion, a combo, a beer with its cup, a staff-meal hot
// dog, two cups returned, and 10 % off the sale (6.90 + 5.80 + 4.80 + 0 = 17.50 of it on the lines).
const document = {
  terminalId: 'T1',
  saleId: 'S1',
  receiptNo: 9,
  receiptRef: 'ABC123-000009',
  receiptToken: 'TOKENTOKENTOKENTOKENTOKE',
  currency: 'CNY',
  completedAt: '2026-11-21T12:00:00.000Z',
  businessDate: '2026-11-21',
  lines: [
    {
      ...line('l1', 'item', 'Cheeseburger', '芝士汉堡', 7900, 1, 1000 + 690),
      modifiers: [
        {
          groupId: 'burger-cook',
          optionId: 'medium',
          name: { en: 'Medium', zh: '五分熟' },
          priceDelta: 0,
        },
        {
          groupId: 'burger-extras',
          optionId: 'x',
          name: { en: 'Cheese <extra>', zh: '加芝士' },
          priceDelta: 500,
        },
      ],
      components: [],
      lineDiscount: {
        reasonCode: 'promo',
        kind: 'discount',
        name: { en: 'Promotion', zh: '促销' },
        percentBp: null,
        amount: 1000,
        approvedBy: null,
      },
    },
    {
      ...line('l2', 'combo', 'Burger meal', '汉堡套餐', 5800, 1, 580),
      modifiers: [],
      lineDiscount: null,
      components: [
        {
          slotId: 'main',
          productId: 'cheeseburger',
          variantId: null,
          name: { en: 'Cheeseburger', zh: '芝士汉堡' },
        },
        {
          slotId: 'side',
          productId: 'fries',
          variantId: null,
          name: { en: 'French fries', zh: '薯条' },
        },
      ],
    },
    {
      ...line('l3', 'item', 'Draft lager · Large', '生啤 · 大杯', 4800, 1, 480),
      parentLineId: null,
    },
    { ...line('l4', 'deposit', 'Large cup deposit', '大杯押金', 300, 1), parentLineId: 'l3' },
    {
      ...line('l5', 'item', 'Hot dog', '热狗', 2500, 1, 2500),
      lineDiscount: {
        reasonCode: 'staff-meal',
        kind: 'staff_meal',
        name: { en: 'Staff meal', zh: '员工餐' },
        percentBp: 10000,
        amount: null,
        approvedBy: null,
      },
    },
    { ...line('l6', 'deposit_return', 'Cup deposit', '杯押金', -200, 2) },
  ],
  saleDiscount: {
    reasonCode: 'season',
    kind: 'discount',
    name: { en: 'Season ticket', zh: '季票' },
    percentBp: 1000,
    amount: null,
    approvedBy: null,
  },
  totals: {
    subtotal: 21000,
    discounts: 1000 + 1750,
    comps: 2500,
    deposits: 300 - 400,
    exclusiveTax: 0,
    taxTotal: 889,
    total: 21000 - 2750 - 2500 - 100,
    taxes: [
      { taxRateId: 'vat6', rateBp: 600, inclusive: true, net: 14761, tax: 889, gross: 15650 },
    ],
  },
  payments: [
    { paymentId: 'p', kind: 'cash', amount: 15650, tendered: 20000, change: 4350, rounding: 0 },
  ],
  cashRounding: 0,
  change: 4350,
};

function page(details: ReceiptDetails | undefined): string {
  return renderReceiptPage({
    sale: SaleCompletedData.parse(document),
    venue: demoVenueConfig,
    terminalName: 'Bar 3',
    taxNames: new Map(),
    ...(details ? { details } : {}),
  });
}

/** The page as text, one table row or heading a line, tags dropped. */
function rows(html: string): string[] {
  return html
    .split(/<\/tr>|<\/h2>/)
    .map((r) =>
      r
        .replace(/<[^>]+>/g, ' ')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((r) => r !== '');
}

describe('e-receipt page of a menu sale', () => {
  it('shows options, combo parts and discounts under their item, comps marked, deposits apart, totals for each', () => {
    const html = page(receiptDetails(document));
    const r = rows(html);
    const at = (text: string): number => {
      const i = r.findIndex((x) => x.endsWith(text) || x.includes(text));
      expect(i, `"${text}" in\n${r.join('\n')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const burger = at('芝士汉堡 Cheeseburger ¥79.00');
    expect(r.slice(burger + 1, burger + 4)).toEqual([
      '+ 五分熟 Medium',
      '+ 加芝士 Cheese <extra> +¥5.00',
      '折扣 Discount · 促销 Promotion -¥10.00',
    ]);
    const meal = at('汉堡套餐 Burger meal ¥58.00');
    expect(r.slice(meal + 1, meal + 3)).toEqual(['– 芝士汉堡 Cheeseburger', '– 薯条 French fries']);
    const dog = at('热狗 Hot dog ¥25.00');
    expect(r[dog + 1]).toBe('员工餐 STAFF MEAL -¥25.00');
    expect(html).toContain('<span class="mark">员工餐 <span class="en">STAFF MEAL</span></span>');
    const sale = at('整单折扣 Sale discount · 季票 Season ticket 10% -¥17.50');
    const deposits = at('押金 Deposits');
    expect(deposits).toBeGreaterThan(sale);
    expect(r[deposits + 1]).toBe('大杯押金 Large cup deposit ¥3.00');
    expect(r[deposits + 2]).toBe('退还 Returned · 杯押金 Cup deposit 2 × -¥2.00 -¥4.00');
    expect(r.slice(0, deposits).join('\n')).not.toMatch(/押金/);
    const subtotal = at('小计 Subtotal ¥210.00');
    expect(r.slice(subtotal + 1, subtotal + 5)).toEqual([
      '折扣合计 Discounts -¥27.50',
      '招待及员工餐 Comps & staff meals -¥25.00',
      '押金 Deposits -¥1.00',
      '合计 Total ¥156.50',
    ]);
    // names from terminals are escaped
    expect(html).toContain('Cheese &lt;extra&gt;');
    expect(html).not.toContain('<extra>');
  });

  it('without the details (a version-1 sale, or a document it cannot read) still shows deposits apart and the totals', () => {
    expect(receiptDetails({ lines: 'nonsense' })).toEqual({ lines: [], saleDiscount: null });
    expect(receiptDetails(null)).toEqual({ lines: [], saleDiscount: null });
    // one unreadable part leaves the others
    const partly = receiptDetails({ ...document, saleDiscount: { kind: 'bribe' } });
    expect(partly.saleDiscount).toBeNull();
    expect(partly.lines[0]?.modifiers).toHaveLength(2);

    const r = rows(page(undefined));
    expect(r).not.toContainEqual(expect.stringMatching(/五分熟|STAFF MEAL|Sale discount/));
    expect(r).toContain('押金 Deposits');
    expect(r).toContain('折扣合计 Discounts -¥27.50');
    expect(r).toContain('合计 Total ¥156.50');
  });

  it('keeps a plain sale as it was: no subtotal, no deposit section', () => {
    const plain = SaleCompletedData.parse({
      ...document,
      lines: [line('l1', 'item', 'Hot dog', '热狗', 2500, 2)],
      totals: { subtotal: 5000, exclusiveTax: 0, taxTotal: 283, total: 5000, taxes: [] },
    });
    const html = renderReceiptPage({
      sale: plain,
      venue: demoVenueConfig,
      terminalName: 'Bar 3',
      taxNames: new Map(),
    });
    const r = rows(html);
    expect(r.some((x) => x.endsWith('热狗 Hot dog 2 × ¥25.00 ¥50.00'))).toBe(true);
    expect(r.join('\n')).not.toMatch(/小计|押金|折扣/);
  });
});
