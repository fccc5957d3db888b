import { describe, expect, it } from 'vitest';
import {
  NO_EXTRAS,
  PLAIN_LINE,
  type CompletedSaleDto,
  type LineComponentDto,
  type LineDiscountDto,
  type LocalizedText,
  type SaleLineDto,
} from '../../contract/api';
import { priceSale } from '../../contract/pricing';
import { renderReceipt } from '../../drivers/escpos/render';
import { displayWidth } from '../../drivers/escpos/text';
import { resolveProfile } from '../../drivers/printer/profiles';
import { decodeEscPos } from '../../drivers/sim/document';
import { renderText } from '../../drivers/sim/render';
import { discountLabel, receiptDocument, receiptQrContent, type ReceiptContext } from './receipt-layout';

export const fixtureSale: CompletedSaleDto = {
  saleId: 'S1',
  status: 'completed',
  currency: 'CNY',
  receiptNo: 7,
  receiptRef: 'ABC123-000007',
  receiptToken: 'TOKENTOKENTOKENTOKENTOKE',
  startedAt: '2026-07-01T11:29:00.000Z',
  completedAt: '2026-07-01T11:30:00.000Z',
  businessDate: '2026-07-01',
  lines: [
    { lineId: 'l1', productId: 'hot-dog', categoryId: 'food', name: { en: 'Hot dog', zh: '热狗' }, unitPrice: 2500, quantity: 2, amount: 5000, taxRateId: 'vat6', ...PLAIN_LINE },
    { lineId: 'l2', productId: 'scarf', categoryId: 'merch', name: { en: 'Team scarf (home colours, long)', zh: '主队围巾（主场配色，长款）' }, unitPrice: 12800, quantity: 1, amount: 12800, taxRateId: 'vat13', ...PLAIN_LINE },
  ],
  totals: {
    ...NO_EXTRAS,
    subtotal: 17800,
    exclusiveTax: 0,
    taxTotal: 1756,
    total: 17800,
    taxes: [
      { taxRateId: 'vat13', rateBp: 1300, inclusive: true, net: 11327, tax: 1473, gross: 12800 },
      { taxRateId: 'vat6', rateBp: 600, inclusive: true, net: 4717, tax: 283, gross: 5000 },
    ],
  },
  saleDiscount: null,
  priceLevelId: null,
  ageCheck: null,
  payments: [{ paymentId: 'p', kind: 'cash', amount: 17790, tendered: 20000, change: 2210, rounding: -10 }],
  cashRounding: -10,
  change: 2210,
};

const ctx: ReceiptContext = {
  venue: { name: { en: 'Workers Stadium', zh: '工人体育场' }, timeZone: 'Asia/Shanghai' },
  terminalShortId: 'ABC123',
  gatewayUrl: 'https://gw.example/',
  language: 'both',
  copy: false,
};

function printed(sale: CompletedSaleDto, c: ReceiptContext, profile: '80mm' | '58mm'): string[] {
  const bytes = renderReceipt(receiptDocument(sale, c), resolveProfile(profile));
  const d = decodeEscPos(bytes, { hanziByDefault: true });
  const page = d.pages[0] ?? d.current;
  return renderText(page, { columns: profile === '80mm' ? 48 : 32 }).split('\n');
}

describe('receipt layout', () => {
  it('prints header, items, taxes, tender, rounding, change, reference, time in the venue zone and the QR (80 mm, bilingual)', () => {
    const lines = printed(fixtureSale, ctx, '80mm');
    const text = lines.join('\n');
    expect(text).toContain('工人体育场');
    expect(text).toContain('Workers Stadium');
    expect(lines).toContainEqual(expect.stringMatching(/^收据 Receipt +ABC123-000007$/));
    expect(lines).toContainEqual(expect.stringMatching(/^终端 Terminal +ABC123$/));
    // 11:30 UTC is 19:30 in Shanghai
    expect(lines).toContainEqual(expect.stringMatching(/^时间 Time +2026-07-01 19:30:00$/));
    expect(lines).toContainEqual(expect.stringMatching(/^热狗 Hot dog +50\.00$/));
    expect(lines).toContain('  2 × 25.00');
    expect(lines).toContainEqual(expect.stringMatching(/^税 Tax 13% \(含 incl\.\) +14\.73$/));
    expect(lines).toContainEqual(expect.stringMatching(/^合计 TOTAL +CNY 178\.00$/));
    expect(lines).toContainEqual(expect.stringMatching(/^现金 Cash +200\.00$/));
    expect(lines).toContainEqual(expect.stringMatching(/^现金舍入 Cash rounding +-0\.10$/));
    expect(lines).toContainEqual(expect.stringMatching(/^找零 Change +22\.10$/));
    expect(text).toContain('[QR M: https://gw.example/r/TOKENTOKENTOKENTOKENTOKE]');
    expect(text).not.toMatch(/COPY|副本/);
  });

  it('aligns amounts to the right edge counting Chinese characters as two cells, on 80 and 58 mm', () => {
    for (const [profile, width] of [['80mm', 48], ['58mm', 32]] as const) {
      const lines = printed(fixtureSale, ctx, profile);
      const amountLines = lines.filter((l) => /\d+\.\d\d$/.test(l) && /[\u4e00-\u9fff]/.test(l));
      expect(amountLines.length).toBeGreaterThan(4);
      for (const l of amountLines) expect(displayWidth(l), `${profile}: "${l}"`).toBe(width);
    }
  });

  it('marks a copy at the top and the bottom', () => {
    const lines = printed(fixtureSale, { ...ctx, copy: true }, '80mm');
    expect(lines[0]).toMatch(/副\s*本\s+C\s*O\s*P\s*Y/);
    expect(lines.filter((l) => /COPY/.test(l.replace(/ /g, '')))).toHaveLength(2);
  });

  it('prints one language when configured', () => {
    const en = printed(fixtureSale, { ...ctx, language: 'en' }, '80mm').join('\n');
    expect(en).not.toMatch(/[\u4e00-\u9fff]/);
    expect(en).toMatch(/TOTAL +CNY 178\.00/);
    const zh = printed(fixtureSale, { ...ctx, language: 'zh' }, '80mm').join('\n');
    expect(zh).toMatch(/合计 +CNY 178\.00/);
    expect(zh).not.toContain('Workers Stadium');
  });

  it('puts the token alone in the QR while no gateway is known', () => {
    expect(receiptQrContent('TOK', null)).toBe('TOK');
    expect(receiptQrContent('TOK', 'https://gw.example//')).toBe('https://gw.example/r/TOK');
    const text = printed(fixtureSale, { ...ctx, gatewayUrl: null }, '80mm').join('\n');
    expect(text).toContain('[QR M: TOKENTOKENTOKENTOKENTOKE]');
  });

  it('encodes the receipt in under 2 KB', () => {
    expect(renderReceipt(receiptDocument(fixtureSale, ctx), resolveProfile('80mm')).length).toBeLessThan(2048);
  });

  it('prints card tenders: brand and last 4 only, contactless, AID and label, auth code, ids; STORED when offline', () => {
    const card = {
      kind: 'card' as const,
      amount: 10000,
      tendered: 10000,
      change: 0,
      rounding: 0,
      card: { brand: 'visa' as const, last4: '4242', entryMode: 'contactless_emv' as const, aid: 'A0000000031010', label: 'VISA CREDIT' },
      merchantId: 'M-TEST-001',
      terminalRef: 'T0001',
    };
    const sale: CompletedSaleDto = {
      ...fixtureSale,
      payments: [
        { ...card, paymentId: 'c1', stored: false, authCode: 'A1B2C3' },
        { ...card, paymentId: 'c2', stored: true, authCode: null },
      ],
    };
    const text = printed(sale, { ...ctx, language: 'en' }, '80mm').join('\n');
    expect(text).toMatch(/VISA \*{4} 4242/);
    expect(text).toContain('AID A0000000031010 VISA CREDIT');
    expect(text).toContain('A1B2C3');
    expect(text).toContain('M-TEST-001');
    expect(text).toContain('T0001');
    expect(text).toContain('APPROVED');
    expect(text).toContain('STORED');
    expect(text).not.toMatch(/424242/);
  });
});

// ---------- menu depth: options, combos, deposits, discounts, comps ----------

const names = {
  lager: { en: 'Draft lager 500 ml · Large 750 ml', zh: '生啤 500毫升 · 大杯 750毫升' },
  burger: { en: 'Cheeseburger', zh: '芝士汉堡' },
  meal: { en: 'Burger meal', zh: '汉堡套餐' },
  dog: { en: 'Hot dog', zh: '热狗' },
  cup: { en: 'Cup deposit', zh: '杯押金' },
  bigCup: { en: 'Large cup deposit', zh: '大杯押金' },
};
const reason = (code: string, kind: LineDiscountDto['kind'], en: string, zh: string, percentBp: number | null, amount: number | null): LineDiscountDto => ({
  reasonCode: code,
  kind,
  name: { en, zh },
  percentBp,
  amount,
  approvedBy: null,
});
const component = (slotId: string, productId: string, name: LocalizedText, listPrice: number): LineComponentDto => ({
  slotId,
  productId,
  variantId: null,
  name,
  categoryId: 'hot-food',
  taxRateId: 'vat6',
  taxRateBp: 600,
  taxInclusive: true,
  listPrice,
});
type DraftLine = Pick<SaleLineDto, 'lineId' | 'kind' | 'productId' | 'name' | 'unitPrice' | 'quantity'> & Partial<SaleLineDto>;

/** A sale from the demo menu, priced with priceSale so every total is what the terminal would print. */
function menuSale(saleDiscount: LineDiscountDto | null): CompletedSaleDto {
  const drafts: DraftLine[] = [
    { lineId: 'l1', kind: 'item', productId: 'draft-lager', variantId: 'large', name: names.lager, unitPrice: 4800, quantity: 1 },
    { lineId: 'l2', kind: 'deposit', productId: 'cup-large', name: names.bigCup, unitPrice: 300, quantity: 1, parentLineId: 'l1' },
    {
      lineId: 'l3',
      kind: 'item',
      productId: 'cheeseburger',
      name: names.burger,
      unitPrice: 5100,
      quantity: 2,
      modifiers: [
        { groupId: 'burger-cook', optionId: 'medium', name: { en: 'Medium', zh: '五分熟' }, priceDelta: 0 },
        { groupId: 'burger-extras', optionId: 'extra-cheese', name: { en: 'Extra cheese', zh: '加芝士' }, priceDelta: 500 },
        { groupId: 'burger-extras', optionId: 'bacon', name: { en: 'Bacon', zh: '加培根' }, priceDelta: 800 },
      ],
      lineDiscount: reason('promo', 'discount', 'Promotion', '促销', null, 1000),
    },
    {
      lineId: 'l4',
      kind: 'combo',
      productId: 'burger-meal',
      name: names.meal,
      unitPrice: 5800,
      quantity: 1,
      components: [
        component('main', 'cheeseburger', names.burger, 3800),
        component('side', 'fries', { en: 'French fries', zh: '薯条' }, 1800),
        component('drink', 'cola-m', { en: 'Cola, medium', zh: '可乐（中杯）' }, 1200),
      ],
    },
    { lineId: 'l5', kind: 'deposit', productId: 'cup', name: names.cup, unitPrice: 200, quantity: 1, parentLineId: 'l4' },
    {
      lineId: 'l6',
      kind: 'item',
      productId: 'hot-dog',
      name: names.dog,
      unitPrice: 2500,
      quantity: 1,
      lineDiscount: reason('staff-meal', 'staff_meal', 'Staff meal', '员工餐', 10_000, null),
    },
    { lineId: 'l7', kind: 'deposit_return', productId: 'cup', name: names.cup, unitPrice: -200, quantity: 2 },
  ];
  const deposit = (k: string) => k === 'deposit' || k === 'deposit_return';
  const priced = priceSale(
    drafts.map((l) => ({
      lineId: l.lineId,
      kind: l.kind,
      amount: l.unitPrice * l.quantity,
      taxParts: deposit(l.kind) ? [] : [{ taxRateId: 'vat6', weight: 1 }],
      discount: l.lineDiscount ?? null,
    })),
    saleDiscount,
    [{ id: 'vat6', rateBp: 600, inclusive: true }],
  );
  const lines: SaleLineDto[] = drafts.map((l, i) => ({
    ...PLAIN_LINE,
    categoryId: deposit(l.kind) ? '' : 'hot-food',
    taxRateId: deposit(l.kind) ? '' : 'vat6',
    ...l,
    amount: l.unitPrice * l.quantity,
    discount: priced.lines[i]!.discount,
  }));
  const total = priced.totals.total;
  return {
    ...fixtureSale,
    lines,
    totals: priced.totals,
    saleDiscount,
    payments: [{ paymentId: 'p', kind: 'cash', amount: total, tendered: total, change: 0, rounding: 0 }],
    cashRounding: 0,
    change: 0,
  };
}

const seasonTicket = reason('season-ticket', 'discount', 'Season ticket 10%', '季票九折', 1000, null);

describe('receipt layout: modifiers, combos, deposits, discounts and comps', () => {
  it('puts options and combo components under their item, deposits in their own section, discounts and comps with reason and amount', () => {
    const sale = menuSale(seasonTicket);
    const lines = printed(sale, ctx, '80mm');
    const at = (re: RegExp): number => {
      const i = lines.findIndex((l) => re.test(l));
      expect(i, `${re} in\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    // options: indented under the burger, per-unit price deltas; a free option has no amount
    const burger = at(/^芝士汉堡 Cheeseburger +102\.00$/);
    expect(lines[burger + 1]).toBe('  2 × 51.00');
    expect(lines[burger + 2]).toBe('  + 五分熟 Medium');
    expect(lines[burger + 3]).toMatch(/^ {2}\+ 加芝士 Extra cheese +\+5\.00$/);
    expect(lines[burger + 4]).toMatch(/^ {2}\+ 加培根 Bacon +\+8\.00$/);
    expect(lines[burger + 5]).toMatch(/^ {2}折扣：促销 Discount: Promotion +-10\.00$/);
    // the combo's components under the combo
    const meal = at(/^汉堡套餐 Burger meal +58\.00$/);
    expect(lines.slice(meal + 1, meal + 4)).toEqual([
      '  - 芝士汉堡 Cheeseburger',
      '  - 薯条 French fries',
      '  - 可乐（中杯） Cola, medium',
    ]);
    // the staff meal is marked, with its value
    const dog = at(/^热狗 Hot dog +25\.00$/);
    expect(lines[dog + 1]).toMatch(/^ {2}员工餐 STAFF MEAL +-25\.00$/);
    // the sale discount, after the items: 10 % of what is left of them (48 + 92 + 58 + 0 = 198)
    // (bilingual, its name wraps onto the next line; the amount stays on the first)
    const saleLine = at(/^整单折扣：季票九折 10% Sale discount: +-19\.80$/);
    expect(lines[saleLine + 1]).toBe('Season ticket 10%');
    expect(saleLine).toBeGreaterThan(dog);
    // deposits: their own section, after the items, outside tax; a cup return is negative
    const section = at(/^押金 Deposits$/);
    expect(section).toBeGreaterThan(saleLine);
    expect(lines[section + 1]).toMatch(/^大杯押金 Large cup deposit +3\.00$/);
    expect(lines[section + 2]).toMatch(/^杯押金 Cup deposit +2\.00$/);
    expect(lines[section + 3]).toMatch(/^退还杯押金 Returned: Cup deposit +-4\.00$/);
    expect(lines[section + 4]).toBe('  2 × -2.00');
    expect(lines.slice(0, section).join('\n')).not.toMatch(/押金|deposit/i);
    // totals: subtotal of the items, then discounts, comps and deposits apart
    const subtotal = at(/^小计 Subtotal +233\.00$/);
    expect(subtotal).toBeGreaterThan(section);
    expect(lines[subtotal + 1]).toMatch(/^折扣合计 Discounts +-29\.80$/);
    expect(lines[subtotal + 2]).toMatch(/^招待及员工餐 Comps & staff meals +-25\.00$/);
    expect(lines[subtotal + 3]).toMatch(/^押金 Deposits +1\.00$/);
    // 233.00 − 29.80 − 25.00 + 1.00
    expect(sale.totals.total).toBe(17920);
    at(/^合计 TOTAL +CNY 179\.20$/);
  });

  it('aligns every amount line to the right edge on 80 and 58 mm, and stays a small job', () => {
    const sale = menuSale(seasonTicket);
    for (const [profile, width] of [['80mm', 48], ['58mm', 32]] as const) {
      const lines = printed(sale, ctx, profile);
      const amountLines = lines.filter((l) => /-?\d+\.\d\d$/.test(l) && /[\u4e00-\u9fff]/.test(l));
      expect(amountLines.length).toBeGreaterThan(15);
      // Hanzi mode: "·" (in the size names) prints two cells wide, as the renderer counts it
      for (const l of amountLines) expect(displayWidth(l, true), `${profile}: "${l}"`).toBe(width);
    }
    expect(renderReceipt(receiptDocument(sale, ctx), resolveProfile('80mm')).length).toBeLessThan(4096);
  });

  it('marks a comp given to the whole sale, and prints one language when configured', () => {
    const comp = reason('comp', 'comp', 'Complimentary', '招待', 10_000, null);
    const en = printed(menuSale(comp), { ...ctx, language: 'en' }, '80mm');
    expect(en).toContainEqual(expect.stringMatching(/^COMP: Complimentary +-198\.00$/));
    expect(en).toContainEqual(expect.stringMatching(/^ {2}STAFF MEAL +-25\.00$/));
    expect(en).toContainEqual(expect.stringMatching(/^Deposits$/));
    expect(en.join('\n')).not.toMatch(/[\u4e00-\u9fff]/);
    const zh = printed(menuSale(comp), { ...ctx, language: 'zh' }, '80mm');
    expect(zh).toContainEqual(expect.stringMatching(/^招待 +-198\.00$/));
    expect(zh).toContainEqual(expect.stringMatching(/^招待及员工餐 +-223\.00$/));
  });

  it('names discounts: comps and staff meals marked, the percentage once', () => {
    expect(discountLabel(reason('comp', 'comp', 'Complimentary', '招待', 10_000, null))).toEqual({ en: 'COMP: Complimentary', zh: '招待' });
    expect(discountLabel(reason('s', 'staff_meal', 'Staff meal', '员工餐', 10_000, null))).toEqual({ en: 'STAFF MEAL', zh: '员工餐' });
    expect(discountLabel(reason('p', 'discount', 'Promotion', '促销', 1500, null))).toEqual({ en: 'Discount: Promotion 15%', zh: '折扣：促销 15%' });
    expect(discountLabel(seasonTicket, true)).toEqual({ en: 'Sale discount: Season ticket 10%', zh: '整单折扣：季票九折 10%' });
  });
});
