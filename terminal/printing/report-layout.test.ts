// X / shift / Z reports on paper: bilingual labels, amounts right-aligned in the venue currency,
// every line within the printer's width (42 and 48 columns), nothing cut off.
import { describe, expect, it } from 'vitest';
import type { ReportDto } from '../../contract/shifts';
import { renderReceipt } from '../../drivers/escpos/render';
import { displayWidth } from '../../drivers/escpos/text';
import { resolveProfile } from '../../drivers/printer/profiles';
import { decodeEscPos } from '../../drivers/sim/document';
import { renderText } from '../../drivers/sim/render';
import { reportDocument, type ReportContext } from './report-layout';

const ca = (count: number, amount: number) => ({ count, amount });

export const fixtureReport: ReportDto = {
  kind: 'shift',
  currency: 'CNY',
  terminalId: '01JTERMINAL0000000000ABC123',
  shiftId: '01JSHIFT000000000000SHIFT01',
  zNumber: null,
  businessDate: '2026-11-21',
  from: '2026-11-21T10:00:00.000Z',
  to: '2026-11-21T14:30:00.000Z',
  generatedAt: '2026-11-21T14:30:00.000Z',
  cashier: 'Li Na 李娜',
  sales: ca(42, 1234550),
  refunds: ca(2, 5000),
  deposits: ca(10, 2000),
  discounts: ca(3, 1500),
  comps: ca(1, 3500),
  voids: ca(1, 2500),
  noSaleOpens: 1,
  byTender: [
    { tender: 'cash', count: 30, amount: 800000 },
    { tender: 'card', count: 12, amount: 436550 },
  ],
  byCategory: [{ categoryId: 'hot-food', quantity: 50, amount: 1234550 }],
  byTaxRate: [{ taxRateId: 'vat6', rateBp: 600, net: 1164670, tax: 69880, gross: 1234550 }],
  cashMovements: { drops: ca(2, 500000), paidIn: ca(0, 0), paidOut: ca(1, 1000) },
  openingFloat: 20000,
  cashRounding: -3,
  expectedCash: 309000,
  countedCash: 308500,
  overShort: -500,
  offlineCards: { stored: ca(2, 9000), forwarded: ca(1, 4500), refused: ca(1, 4500) },
  lateRefusals: [],
  firstReceiptNo: 1,
  lastReceiptNo: 44,
  grandTotal: null,
  byQuarterHour: [],
  topProducts: [],
  unsyncedEvents: 3,
  unforwardedCards: 1,
};

const ctx: ReportContext = {
  venue: { name: { en: 'Riverside Stadium', zh: '滨江体育场' }, timeZone: 'Asia/Shanghai' },
  terminalShortId: 'ABC123',
  language: 'both',
  copy: false,
};

function printed(report: ReportDto, c: ReportContext, columns: 42 | 48): string[] {
  const profile = columns === 48 ? resolveProfile('80mm') : resolveProfile('58mm', { charsPerLine: { A: 42 } });
  const d = decodeEscPos(renderReceipt(reportDocument(report, c), profile), { hanziByDefault: true });
  return renderText(d.pages[0] ?? d.current, { columns }).split('\n');
}

describe('report layout', () => {
  for (const columns of [42, 48] as const) {
    it(`prints a shift report in sections, bilingual, amounts right-aligned within ${columns} columns`, () => {
      const lines = printed(fixtureReport, ctx, columns);
      const text = lines.join('\n');
      for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(columns);
      expect(text).toContain('班次报表 SHIFT REPORT');
      expect(text).toContain('滨江体育场');
      expect(text).toContain('Riverside Stadium');
      // Amounts end at the right margin, whole.
      const row = (label: RegExp): string => lines.find((l) => label.test(l)) ?? '';
      expect(row(/营业额 Revenue \(42\)/)).toMatch(/12345\.50$/);
      expect(displayWidth(row(/营业额 Revenue/))).toBe(columns);
      expect(row(/应有现金 Expected cash/)).toMatch(/3090\.00$/);
      expect(row(/实点现金 Counted cash/)).toMatch(/3085\.00$/);
      expect(row(/长短款 Over\/short/)).toMatch(/-5\.00$/);
      expect(row(/备用金 Opening float/)).toMatch(/200\.00$/);
      expect(row(/现金 Cash \(30\)/)).toMatch(/8000\.00$/);
      expect(row(/vat6 6%/)).toMatch(/12345\.50$/);
      expect(row(/收银员 Cashier/)).toMatch(/Li Na 李娜$/);
      // 10:00 UTC is 18:00 in Shanghai.
      expect(row(/开始 From/)).toMatch(/2026-11-21 18:00$/);
      expect(row(/收据号 Receipts/)).toMatch(/1–44$/);
      expect(row(/被拒 Refused \(1\)/)).toMatch(/45\.00$/);
      expect(row(/未同步事件/)).toMatch(/3$/);
      expect(text).not.toMatch(/X 报表|Z 日结报表|累计总额/);
    });
  }

  it('an X says it closed nothing and shows no count; a Z shows its number, late refusals and the grand total', () => {
    const x = printed({ ...fixtureReport, kind: 'x', countedCash: null, overShort: null }, ctx, 48).join('\n');
    expect(x).toContain('X 报表 X REPORT');
    expect(x).toContain('中间报表：未结班 Interim: nothing was closed');
    expect(x).toMatch(/实点现金 Counted cash +未清点 not counted/);
    expect(x).not.toContain('长短款');

    const z = printed(
      {
        ...fixtureReport,
        kind: 'z',
        shiftId: null,
        cashier: null,
        zNumber: 7,
        grandTotal: 98765432,
        lateRefusals: [{ paymentId: 'P1', shiftId: '01JSHIFT000000000000OLDSHIFT', amount: 4500 }],
      },
      ctx,
      48,
    );
    const zText = z.join('\n');
    expect(zText).toContain('Z 日结报表 Z REPORT');
    expect(z.find((l) => l.startsWith('日结号 Z number'))).toMatch(/7$/);
    expect(z.find((l) => l.includes('事后拒付'))).toMatch(/-45\.00$/);
    expect(zText).toContain('OLDSHIFT');
    expect(z.find((l) => l.includes('累计总额 Grand total'))).toMatch(/CNY 987654\.32$/);
    expect(zText).not.toContain('收银员');
  });

  it('prints one language when configured, in the currency of the report (JPY has no decimals), and COPY on a reprint', () => {
    const en = printed({ ...fixtureReport, cashier: 'Li Na', currency: 'JPY', sales: ca(1, 1500) }, { ...ctx, language: 'en', copy: true }, 48);
    const text = en.join('\n');
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
    expect(en.find((l) => l.startsWith('Revenue (1)'))).toMatch(/ 1500$/);
    expect(text.match(/\*\*\* COPY \*\*\*|C O P Y/g)?.length).toBe(2);
  });
});
