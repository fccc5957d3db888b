// Service tests on a real SQLite file: what a cashier does, and what must be on disk after.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompletedSaleDto, SaleDto } from '../contract/api';
import { manualClock } from '../lib/clock';
import { verifyJournal } from '../db/journal';
import { createTerminalSync } from './create-terminal';
import type { Terminal } from './terminal';
import { must, openTill, refused } from './testing';

let dataDir: string;
let terminal: Terminal;
const clock = manualClock(Date.UTC(2026, 6, 1, 11, 30)); // 19:30 in Shanghai

const call = <T,>(method: string, input: unknown = {}): Promise<T> => must<T>(terminal, method, input);
const fail = async (method: string, input: unknown = {}): Promise<string> => (await refused(terminal, method, input)).code;

function readDb(): Database.Database {
  return new Database(join(dataDir, 'terminal.db'), { readonly: true });
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pos-sale-'));
  terminal = createTerminalSync({ dataDir, demo: true, clock });
  await openTill(terminal);
});

afterEach(() => {
  terminal.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cart', () => {
  it('adds items, merges the same product into one line, and totals with tax', async () => {
    await call('sale.addItem', { productId: 'hot-dog' }); // 25.00, VAT 6 % incl.
    await call('sale.addItem', { productId: 'hot-dog' });
    const sale = await call<SaleDto>('sale.addItem', { productId: 'scarf', quantity: 1 }); // 128.00, VAT 13 % incl.
    expect(sale.lines.map((l) => [l.productId, l.quantity, l.amount])).toEqual([
      ['hot-dog', 2, 5000],
      ['scarf', 1, 12800],
    ]);
    expect(sale.totals.total).toBe(17800);
    // 5000 × 600 / 10600 = 283.02 → 283; 12800 × 1300 / 11300 = 1472.57 → 1473
    expect(sale.totals.taxes.map((t) => [t.taxRateId, t.tax, t.net])).toEqual([
      ['vat13', 1473, 11327],
      ['vat6', 283, 4717],
    ]);
    expect(sale.totals.taxTotal).toBe(1756);
  });

  it('changes quantity, removes a line and clears, refusing lines of other sales', async () => {
    const a = await call<SaleDto>('sale.addItem', { productId: 'water' });
    const lineId = a.lines[0]!.lineId;
    expect((await call<SaleDto>('sale.setQuantity', { lineId, quantity: 6 })).totals.total).toBe(3000);
    await call('sale.addItem', { productId: 'cap' });
    const removed = await call<SaleDto>('sale.removeLine', { lineId });
    expect(removed.lines.map((l) => l.productId)).toEqual(['cap']);
    expect(await fail('sale.setQuantity', { lineId, quantity: 2 })).toBe('sale.line_not_found');
    expect((await call<SaleDto>('sale.clear')).lines).toEqual([]);
  });

  it('restores the open cart after a restart', async () => {
    await call('sale.addItem', { productId: 'orange-juice', quantity: 3 });
    terminal.close();
    terminal = createTerminalSync({ dataDir, demo: true, clock });
    // A restart signs everyone out; the shift and the cart stay.
    expect((await call<SaleDto>('sale.get')).lines).toHaveLength(1);
    await openTill(terminal);
    const sale = await call<SaleDto>('sale.get');
    expect(sale.lines.map((l) => [l.productId, l.quantity])).toEqual([['orange-juice', 3]]);
  });

  it('publishes sale.updated on every change', async () => {
    const seen: SaleDto[] = [];
    terminal.on('sale.updated', (s) => seen.push(s));
    await call('sale.addItem', { productId: 'fries' });
    await call('sale.clear');
    expect(seen.map((s) => s.lines.length)).toEqual([1, 0]);
  });
});

describe('cash payment and completion', () => {
  it('rounds cash to the jiao, records the rounding and gives change', async () => {
    // 3 × 15.00 + 1 × 8.00 = 53.00: no rounding needed
    await call('sale.addItem', { productId: 'pork-buns', quantity: 3 });
    await call('sale.addItem', { productId: 'sunflower-seeds' });
    const paid = await call<SaleDto>('payment.payCash', { tendered: 10000 });
    expect(paid.tender).toEqual({ kind: 'cash', tendered: 10000, amount: 5300, rounding: 0, change: 4700 });
    const done = await call<CompletedSaleDto>('sale.complete');
    expect(done.change).toBe(4700);
    expect(done.receiptNo).toBe(1);
    expect(done.receiptRef).toMatch(/^[0-9A-Z]{6}-000001$/);
    expect(done.receiptToken).toMatch(/^[A-Z2-7]{24}$/);
    expect(done.businessDate).toBe('2026-07-01');
  });

  it('records a non-zero cash rounding as its own amount without changing tax', async () => {
    // No demo price ends in fen, so give one product an odd price.
    terminal.close();
    const db = new Database(join(dataDir, 'terminal.db'));
    db.prepare("UPDATE products SET price = 1234 WHERE id = 'peanuts'").run(); // 12.34
    db.close();
    terminal = createTerminalSync({ dataDir, demo: true, clock });
    await openTill(terminal);
    const sale = await call<SaleDto>('sale.addItem', { productId: 'peanuts' });
    expect(sale.cashDue).toBe(1230); // 12.34 → 12.30
    const taxBefore = sale.totals.taxTotal;
    const paid = await call<SaleDto>('payment.payCash', { tendered: 2000 });
    expect(paid.tender).toMatchObject({ amount: 1230, rounding: -4, change: 770 });
    const done = await call<CompletedSaleDto>('sale.complete');
    expect(done.totals.taxTotal).toBe(taxBefore);
    expect(done.cashRounding).toBe(-4);
    const db2 = readDb();
    expect(db2.prepare('SELECT total, cash_rounding, change_given FROM sales WHERE sale_id = ?').get(done.saleId)).toEqual({
      total: 1234,
      cash_rounding: -4,
      change_given: 770,
    });
    db2.close();
  });

  it('refuses too little cash, an empty sale, and completing before payment', async () => {
    expect(await fail('payment.payCash', { tendered: 100 })).toBe('sale.empty');
    await call('sale.addItem', { productId: 'jersey-home' });
    expect(await fail('payment.payCash', { tendered: 49000 })).toBe('payment.insufficient_tender');
    expect(await fail('sale.complete')).toBe('sale.not_paid');
  });

  it('discards the tender when the cart changes after payment was entered', async () => {
    await call('sale.addItem', { productId: 'water' });
    await call('payment.payCash', { tendered: 500 });
    await call('sale.addItem', { productId: 'water' });
    expect(await fail('sale.complete')).toBe('sale.not_paid');
  });

  it('commits sale, lines, taxes, payment, journal entry and outbox row together', async () => {
    await call('sale.addItem', { productId: 'chicken-wings', quantity: 2 });
    await call('sale.addItem', { productId: 'programme' });
    await call('payment.payCash', { tendered: 10000 });
    const done = await call<CompletedSaleDto>('sale.complete');
    const db = readDb();
    expect(db.prepare('SELECT status, receipt_no, total FROM sales WHERE sale_id = ?').get(done.saleId)).toEqual({
      status: 'completed',
      receipt_no: 1,
      total: 10000,
    });
    expect(db.prepare('SELECT SUM(quantity) AS q FROM sale_lines WHERE sale_id = ?').get(done.saleId)).toEqual({ q: 3 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM sale_taxes WHERE sale_id = ?').get(done.saleId)).toEqual({ n: 2 });
    expect(db.prepare('SELECT kind, amount, tendered, change_given FROM payments WHERE sale_id = ?').all(done.saleId)).toEqual([
      { kind: 'cash', amount: 10000, tendered: 10000, change_given: 0 },
    ]);
    const journal = db.prepare('SELECT seq, type, payload FROM journal').all() as { seq: number; type: string; payload: string }[];
    // Before it: the sign-in and the shift's opening (openTill).
    expect(journal.map((j) => j.type)).toEqual(['staff.signed_in', 'shift.opened', 'sale.completed']);
    expect((JSON.parse(journal[2]!.payload) as CompletedSaleDto).saleId).toBe(done.saleId);
    const outbox = db.prepare('SELECT seq, type, payload FROM outbox').all() as { seq: number; type: string; payload: string }[];
    expect(outbox.map((o) => [o.seq, o.type])).toEqual([
      [1, 'shift.opened'],
      [2, 'sale.completed'],
    ]);
    const event = JSON.parse(outbox[1]!.payload) as { v: number; terminalId: string; seq: number; data: { saleId: string } };
    expect(event).toMatchObject({ v: 2, terminalId: terminal.terminalId, seq: 2, data: { saleId: done.saleId } });
    expect(verifyJournal(db)).toMatchObject({ ok: true, entries: 3 });
    db.close();
  });

  it('numbers receipts gaplessly and starts an empty next sale', async () => {
    const refs: number[] = [];
    for (let i = 0; i < 5; i++) {
      await call('sale.addItem', { productId: 'coffee' });
      await call('payment.payCash', { tendered: 2000 });
      refs.push((await call<CompletedSaleDto>('sale.complete')).receiptNo);
    }
    expect(refs).toEqual([1, 2, 3, 4, 5]);
    expect((await call<SaleDto>('sale.get')).lines).toEqual([]);
    const status = await call<{ lastReceiptNo: number; network: { pendingEvents: number } }>('terminal.getStatus');
    expect(status.lastReceiptNo).toBe(5);
    expect(status.network.pendingEvents).toBe(6); // the shift's opening and 5 sales
  });
});
