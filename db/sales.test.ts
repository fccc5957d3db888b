import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLAIN_LINE, type CompletedSaleDto } from '../contract/api';
import { computeTotals } from '../contract/pricing';
import { migrate } from './migrate';
import { terminalMigrations } from './migrations/index';
import { openDatabase, type Db } from './open';
import {
  completedSaleCount,
  deleteAllLines,
  deleteLine,
  getOpenSale,
  insertLine,
  insertOpenSale,
  lastReceiptNo,
  paymentsOf,
  restartOpenSale,
  saleLines,
  updateLineQuantity,
  writeCompletedSale,
  type StoredLine,
} from './sales';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
  migrate(db, terminalMigrations);
});
afterEach(() => db.close());

const T0 = '2026-11-21T12:00:00.000Z';
const { stoppedBy: _stopped, ...STORED_PLAIN } = PLAIN_LINE;

function line(
  lineId: string,
  position: number,
  unitPrice: number,
  quantity: number,
  rate: 'vat6' | 'vat13' = 'vat6',
): StoredLine {
  return {
    lineId,
    position,
    productId: `p-${lineId}`,
    categoryId: rate === 'vat6' ? 'food' : 'merch',
    name: { en: `Item ${lineId}`, zh: `商品 ${lineId}` },
    unitPrice,
    quantity,
    amount: unitPrice * quantity,
    taxRateId: rate,
    taxRateBp: rate === 'vat6' ? 600 : 1300,
    taxInclusive: true,
    ...STORED_PLAIN,
  };
}

function completedDoc(
  saleId: string,
  lines: StoredLine[],
  receiptNo: number,
  tendered: number,
): CompletedSaleDto {
  const totals = computeTotals(lines, [
    ...new Map(
      lines.map((l) => [
        l.taxRateId,
        { id: l.taxRateId, rateBp: l.taxRateBp, inclusive: l.taxInclusive },
      ]),
    ).values(),
  ]);
  // cash rounded to 0.10 (CNY jiao)
  const amount = Math.round(totals.total / 10) * 10;
  return {
    saleId,
    status: 'completed',
    currency: 'CNY',
    receiptNo,
    receiptRef: `ABCDEF-${String(receiptNo).padStart(6, '0')}`,
    receiptToken: `TOKEN${receiptNo}`,
    startedAt: T0,
    completedAt: '2026-11-21T12:05:00.000Z',
    businessDate: '2026-11-21',
    lines: lines.map(({ position: _p, taxRateBp: _b, taxInclusive: _i, ...l }) => ({ ...l, stoppedBy: null })),
    totals,
    saleDiscount: null,
    priceLevelId: null,
    ageCheck: null,
    payments: [
      {
        paymentId: `pay-${saleId}`,
        kind: 'cash',
        amount,
        tendered,
        change: tendered - amount,
        rounding: amount - totals.total,
      },
    ],
    cashRounding: amount - totals.total,
    change: tendered - amount,
  };
}

describe('open sale', () => {
  it('is absent until inserted, then starts empty', () => {
    expect(getOpenSale(db)).toBeUndefined();
    insertOpenSale(db, { saleId: 's1', currency: 'CNY', startedAt: T0 });
    expect(getOpenSale(db)).toEqual({
      saleId: 's1',
      currency: 'CNY',
      startedAt: T0,
      priceLevelId: null,
      saleDiscount: null,
      ageCheck: null,
      lines: [],
    });
  });

  it('allows only one open sale', () => {
    insertOpenSale(db, { saleId: 's1', currency: 'CNY', startedAt: T0 });
    expect(() => insertOpenSale(db, { saleId: 's2', currency: 'CNY', startedAt: T0 })).toThrow(
      /UNIQUE/,
    );
  });

  it('adds, reads (in position order), changes and removes lines', () => {
    insertOpenSale(db, { saleId: 's1', currency: 'CNY', startedAt: T0 });
    insertLine(db, 's1', line('b', 2, 1200, 1));
    insertLine(db, 's1', line('a', 1, 2500, 2));
    insertLine(db, 's1', line('c', 3, 49900, 1, 'vat13'));
    expect(getOpenSale(db)?.lines).toEqual([
      line('a', 1, 2500, 2),
      line('b', 2, 1200, 1),
      line('c', 3, 49900, 1, 'vat13'),
    ]);

    updateLineQuantity(db, 'a', 5, 12500);
    expect(saleLines(db, 's1')[0]).toMatchObject({ lineId: 'a', quantity: 5, amount: 12500 });

    deleteLine(db, 'b');
    expect(saleLines(db, 's1').map((l) => l.lineId)).toEqual(['a', 'c']);

    deleteAllLines(db, 's1');
    expect(saleLines(db, 's1')).toEqual([]);
    expect(getOpenSale(db)?.saleId).toBe('s1');
  });

  it('refuses a line whose amount is not unit price × quantity', () => {
    insertOpenSale(db, { saleId: 's1', currency: 'CNY', startedAt: T0 });
    insertLine(db, 's1', line('a', 1, 2500, 2));
    expect(() => updateLineQuantity(db, 'a', 3, 5000)).toThrow(/CHECK/);
    expect(() => insertLine(db, 's1', { ...line('b', 2, 2500, 2), amount: 4999 })).toThrow(/CHECK/);
    expect(saleLines(db, 's1')).toEqual([line('a', 1, 2500, 2)]);
  });

  it('restarts the clock of the open sale only', () => {
    insertOpenSale(db, { saleId: 's1', currency: 'CNY', startedAt: T0 });
    restartOpenSale(db, 's1', '2026-11-21T13:00:00.000Z', 'happy-hour');
    expect(getOpenSale(db)).toMatchObject({ startedAt: '2026-11-21T13:00:00.000Z', priceLevelId: 'happy-hour' });
  });
});

describe('writeCompletedSale', () => {
  it('completes the open sale with its totals, taxes and payment', () => {
    insertOpenSale(db, { saleId: 's1', currency: 'CNY', startedAt: T0 });
    const lines = [line('a', 1, 2500, 2), line('b', 2, 49900, 1, 'vat13')];
    for (const l of lines) insertLine(db, 's1', l);
    const doc = completedDoc('s1', lines, 1, 60000);
    // vat6: 5000·600/10600 = 283.02 → 283; vat13: 49900·1300/11300 = 5740.71 → 5741
    // total 54900, already a multiple of 0.10: rounding 0, change 60000 − 54900 = 5100
    expect(doc.totals.taxTotal).toBe(6024);
    expect(doc.change).toBe(5100);

    expect(lastReceiptNo(db)).toBeNull();
    writeCompletedSale(db, doc);

    expect(db.prepare("SELECT * FROM sales WHERE sale_id = 's1'").get()).toEqual({
      sale_id: 's1',
      status: 'completed',
      currency: 'CNY',
      started_at: T0,
      completed_at: '2026-11-21T12:05:00.000Z',
      business_date: '2026-11-21',
      receipt_no: 1,
      receipt_token: 'TOKEN1',
      subtotal: 54900,
      tax_total: 6024,
      total: 54900,
      cash_rounding: 0,
      change_given: 5100,
      price_level_id: null,
      sale_discount: null,
      age_check: null,
      discounts: 0,
      comps: 0,
      deposits: 0,
      shift_id: null,
      staff_id: null,
    });
    expect(
      db
        .prepare(
          "SELECT tax_rate_id, rate_bp, inclusive, net, tax, gross FROM sale_taxes WHERE sale_id = 's1' ORDER BY tax_rate_id",
        )
        .all(),
    ).toEqual([
      { tax_rate_id: 'vat13', rate_bp: 1300, inclusive: 1, net: 44159, tax: 5741, gross: 49900 },
      { tax_rate_id: 'vat6', rate_bp: 600, inclusive: 1, net: 4717, tax: 283, gross: 5000 },
    ]);
    expect(paymentsOf(db, 's1')).toEqual([
      {
        paymentId: 'pay-s1',
        kind: 'cash',
        amount: 54900,
        tendered: 60000,
        change: 5100,
        rounding: 0,
      },
    ]);
    expect(
      db.prepare("SELECT status, created_at FROM payments WHERE sale_id = 's1'").get(),
    ).toEqual({
      status: 'captured',
      created_at: '2026-11-21T12:05:00.000Z',
    });
    expect(getOpenSale(db)).toBeUndefined();
    expect(completedSaleCount(db)).toBe(1);
    expect(lastReceiptNo(db)).toBe(1);
    // the lines stay with the sale
    expect(saleLines(db, 's1')).toEqual(lines);
  });

  it('records cash rounding as its own amount', () => {
    insertOpenSale(db, { saleId: 's1', currency: 'CNY', startedAt: T0 });
    const lines = [line('a', 1, 1243, 3)]; // 3 × 12.43 = 37.29 → cash 37.30, rounding +0.01
    insertLine(db, 's1', lines[0]!);
    writeCompletedSale(db, completedDoc('s1', lines, 1, 5000));
    expect(
      db.prepare("SELECT total, cash_rounding, change_given FROM sales WHERE sale_id = 's1'").get(),
    ).toEqual({
      total: 3729,
      cash_rounding: 1,
      change_given: 1270,
    });
    expect(paymentsOf(db, 's1')).toEqual([
      {
        paymentId: 'pay-s1',
        kind: 'cash',
        amount: 3730,
        tendered: 5000,
        change: 1270,
        rounding: 1,
      },
    ]);
  });

  it('numbers receipts 1, 2, 3… and refuses a gap', () => {
    for (const [i, id] of ['s1', 's2'].entries()) {
      insertOpenSale(db, { saleId: id, currency: 'CNY', startedAt: T0 });
      insertLine(db, id, line(`${id}-a`, 1, 500, 1));
      writeCompletedSale(db, completedDoc(id, [line(`${id}-a`, 1, 500, 1)], i + 1, 500));
    }
    expect(lastReceiptNo(db)).toBe(2);
    insertOpenSale(db, { saleId: 's3', currency: 'CNY', startedAt: T0 });
    insertLine(db, 's3', line('s3-a', 1, 500, 1));
    expect(() =>
      writeCompletedSale(db, completedDoc('s3', [line('s3-a', 1, 500, 1)], 4, 500)),
    ).toThrow(/gapless/);
    expect(getOpenSale(db)?.saleId).toBe('s3');
  });

  it('refuses a sale that is not open, and rolls back with the surrounding transaction', () => {
    insertOpenSale(db, { saleId: 's1', currency: 'CNY', startedAt: T0 });
    insertLine(db, 's1', line('a', 1, 500, 1));
    const doc = completedDoc('s1', [line('a', 1, 500, 1)], 1, 500);
    expect(() => writeCompletedSale(db, { ...doc, saleId: 'nope' })).toThrow(/not open/);

    // a payment that breaks tendered = amount + change fails after the sales row was updated:
    // inside a transaction, nothing of it stays
    const bad: CompletedSaleDto = { ...doc, payments: [{ ...doc.payments[0]!, change: 1 }] };
    expect(() => db.transaction(() => writeCompletedSale(db, bad))()).toThrow(/CHECK/);
    expect(getOpenSale(db)?.saleId).toBe('s1');
    expect(db.prepare('SELECT COUNT(*) AS n FROM sale_taxes').get()).toEqual({ n: 0 });
    expect(completedSaleCount(db)).toBe(0);

    writeCompletedSale(db, doc);
    expect(() => writeCompletedSale(db, { ...doc, receiptNo: 2 })).toThrow(/not open/);
    expect(completedSaleCount(db)).toBe(1);
  });
});
