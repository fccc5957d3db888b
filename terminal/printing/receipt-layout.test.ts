import { describe, expect, it } from 'vitest';
import { NO_EXTRAS, PLAIN_LINE, type CompletedSaleDto } from '../../contract/api';
import { renderReceipt } from '../../drivers/escpos/render';
import { displayWidth } from '../../drivers/escpos/text';
import { resolveProfile } from '../../drivers/printer/profiles';
import { decodeEscPos } from '../../drivers/sim/document';
import { renderText } from '../../drivers/sim/render';
import { receiptDocument, receiptQrContent, type ReceiptContext } from './receipt-layout';

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
