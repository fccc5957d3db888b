// A day at one till: float, sales, a drop, paid-in/out, a no-sale, X, a blind count, the
// supervisor's approval, Z — through the real terminal (demo staff: cashier 1111, supervisor 2222).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompletedSaleDto, SaleDto, ShiftDto } from '../../contract/api';
import type { ReportDto } from '../../contract/shifts';
import { openDatabase } from '../../db/open';
import { manualClock } from '../../lib/clock';
import { createTerminalSync } from '../create-terminal';
import type { Terminal } from '../terminal';
import { DEMO_FLOAT, must, refused } from '../testing';

let dataDir: string;
let terminal: Terminal;
const clock = manualClock(Date.UTC(2026, 10, 22, 10, 0)); // 18:00 in Shanghai

const call = <T,>(method: string, input: unknown = {}): Promise<T> => must<T>(terminal, method, input);const fail = async (method: string, input: unknown = {}): Promise<string> => (await refused(terminal, method, input)).code;

const FLOAT = DEMO_FLOAT; // ¥250.00

async function sellCash(productId: string, tendered: number): Promise<CompletedSaleDto> {
  await call<SaleDto>('sale.addItem', { productId });
  await call('payment.payCash', { tendered });
  return call<CompletedSaleDto>('sale.complete');
}

function journal(type: string): unknown[] {
  const db = openDatabase(join(dataDir, 'terminal.db'), { readonly: true });
  try {
    return (db.prepare('SELECT payload FROM journal WHERE type = ? ORDER BY seq').all(type) as { payload: string }[]).map(
      (r) => JSON.parse(r.payload) as unknown,
    );
  } finally {
    db.close();
  }
}

beforeEach(() => {
  clock.set(Date.UTC(2026, 10, 22, 10, 0));
  dataDir = mkdtempSync(join(tmpdir(), 'pos-shift-'));
  terminal = createTerminalSync({ dataDir, demo: true, clock });
});
afterEach(() => {
  terminal.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a shift from float to close', () => {
  it('needs a supervisor to open, and journals who approved for whom', async () => {
    expect(await fail('shift.open', { cashierId: 'demo-cashier', float: FLOAT })).toBe('auth.signed_out');
    await call('staff.login', { staffId: 'demo-cashier', pin: '1111' });
    expect(await fail('shift.open', { cashierId: 'demo-cashier', float: FLOAT })).toBe('auth.supervisor_required');
    expect(await fail('shift.open', { cashierId: 'demo-cashier', float: FLOAT, supervisorPin: '1111' })).toBe('auth.bad_pin');
    expect(await fail('shift.open', { cashierId: 'demo-cashier', float: [{ denomination: 300, count: 1 }], supervisorPin: '2222' })).toBe(
      'shift.bad_count',
    );
    const shift = await call<ShiftDto>('shift.open', { cashierId: 'demo-cashier', float: FLOAT, supervisorPin: '2222' });
    expect(shift).toMatchObject({
      status: 'open',
      cashier: { id: 'demo-cashier', name: 'Li Na' },
      openedBy: 'demo-supervisor',
      openingFloat: 25000,
      counted: null,
      expected: null,
    });
    expect(shift.denominations).toEqual([10000, 5000, 2000, 1000, 500, 100, 50, 10]);
    expect(await fail('shift.open', { cashierId: 'demo-cashier', float: FLOAT, supervisorPin: '2222' })).toBe('shift.already_open');
    expect(journal('override')).toEqual([
      expect.objectContaining({
        action: 'shift.open',
        by: { id: 'demo-cashier', name: 'Li Na', role: 'cashier' },
        approvedBy: { id: 'demo-supervisor', name: 'Wang Wei', role: 'supervisor' },
      }),
    ]);
  });

  it('reconciles the drawer to the cent: X, blind count over tolerance, approval, Z', async () => {
    await call('staff.login', { staffId: 'demo-cashier', pin: '1111' });
    await call('shift.open', { cashierId: 'demo-cashier', float: FLOAT, supervisorPin: '2222' });
    const a = await sellCash('hot-dog', 5000); // 25.00 cash
    await sellCash('coffee', 2000); // 20.00
    expect(a.payments[0]).toMatchObject({ kind: 'cash', amount: 2500, change: 2500 });
    expect(await fail('shift.cashMovement', { kind: 'drop', amount: 10000 })).toBe('auth.supervisor_required');
    await call('shift.cashMovement', { kind: 'drop', counts: [{ denomination: 10000, count: 1 }], supervisorPin: '2222' });
    await call('shift.cashMovement', { kind: 'paid_in', amount: 1000, reason: 'change from the safe' });
    await call('shift.cashMovement', { kind: 'paid_out', amount: 800, reason: 'ice delivery', supervisorPin: '2222' });
    await call('drawer.noSale', { reason: 'customer needed change', supervisorPin: '2222' });

    const x = await call<ReportDto>('report.x');
    // 250 float + 45 sales − 100 drop + 10 in − 8 out = 197.00
    expect(x).toMatchObject({
      kind: 'x',
      sales: { count: 2, amount: 4500 },
      byTender: [{ tender: 'cash', count: 2, amount: 4500 }],
      cashMovements: { drops: { count: 1, amount: 10000 }, paidIn: { count: 1, amount: 1000 }, paidOut: { count: 1, amount: 800 } },
      noSaleOpens: 1,
      openingFloat: 25000,
      expectedCash: 19700,
      countedCash: null,
      overShort: null,
      firstReceiptNo: 1,
      lastReceiptNo: 2,
    });
    // The X changed nothing: still open, still selling.
    expect((await call<ShiftDto>('shift.current')).status).toBe('open');

    // Blind count: 10.00 short, beyond the 5.00 tolerance.
    const counted = await call<ShiftDto>('shift.count', {
      counts: [
        { denomination: 5000, count: 3 },
        { denomination: 1000, count: 3 },
        { denomination: 100, count: 7 },
      ],
    });
    expect(counted).toMatchObject({ status: 'counted', counted: 18700, expected: 19700, overShort: -1000 });
    expect(await fail('shift.count', { counts: [] })).toBe('shift.not_open');
    expect(await fail('shift.close', { note: 'recounted twice' })).toBe('auth.supervisor_required');
    expect(await fail('day.close', { supervisorPin: '2222' })).toBe('day.not_ready');
    const report = await call<ReportDto>('shift.close', { note: 'recounted twice', supervisorPin: '2222' });
    expect(report).toMatchObject({ kind: 'shift', countedCash: 18700, expectedCash: 19700, overShort: -1000, cashier: 'Li Na' });
    expect(await call('shift.current')).toBeNull();

    const z = await call<ReportDto>('day.close', { supervisorPin: '2222' });
    expect(z).toMatchObject({
      kind: 'z',
      zNumber: 1,
      sales: { count: 2, amount: 4500 },
      countedCash: 18700,
      overShort: -1000,
      grandTotal: 4500,
    });
    // The next day's Z numbers on and carries the grand total.
    clock.advance(24 * 3600_000);
    // (the till locked itself overnight)
    await call('staff.login', { staffId: 'demo-cashier', pin: '1111' });
    await call('shift.open', { cashierId: 'demo-cashier', float: FLOAT, supervisorPin: '2222' });
    await sellCash('water', 500);
    const exact = await call<ShiftDto>('shift.count', {
      counts: [
        { denomination: 10000, count: 1 },
        { denomination: 2000, count: 4 },
        { denomination: 1000, count: 5 },
        { denomination: 100, count: 25 },
      ],
    });
    expect(exact).toMatchObject({ status: 'closed', overShort: 0 });
    expect(await call<ReportDto>('day.close', { supervisorPin: '2222' })).toMatchObject({ zNumber: 2, grandTotal: 5000 });
    expect(journal('day.closed')).toHaveLength(2);
    // Stored reports and the overrides list, for the supervisor's views.
    expect(await call<ReportDto>('report.get', { kind: 'z', number: 1 })).toMatchObject({ zNumber: 1, overShort: -1000 });
    expect(await call<ReportDto>('report.get', { kind: 'z' })).toMatchObject({ zNumber: 2 });
    expect(await call<ReportDto>('report.get', { kind: 'shift' })).toMatchObject({ kind: 'shift', overShort: 0 });
    expect(await call('report.get', { kind: 'z', number: 9 })).toBeNull();
    expect(await fail('report.overrides', {})).toBe('auth.forbidden');
    await call('staff.login', { staffId: 'demo-supervisor', pin: '2222' });
    const overrides = await call<{ action: string; by: { id: string }; approvedBy: { id: string } }[]>('report.overrides', {});
    expect(overrides.map((o) => o.action)).toEqual([
      'day.close',
      'shift.open',
      'day.close',
      'shift.close',
      'drawer.no_sale',
      'cash.paid_out',
      'cash.drop',
      'shift.open',
    ]);
    expect(overrides.every((o) => o.by.id === 'demo-cashier' && o.approvedBy.id === 'demo-supervisor')).toBe(true);
  });

  it('voids a completed sale with a supervisor: the cash goes back, reported as a void', async () => {
    await call('staff.login', { staffId: 'demo-cashier', pin: '1111' });
    await call('shift.open', { cashierId: 'demo-cashier', float: FLOAT, supervisorPin: '2222' });
    const sale = await sellCash('hot-dog', 5000);
    expect(await fail('sale.void', { saleId: sale.saleId, reason: 'rang up twice' })).toBe('auth.supervisor_required');
    const voided = await call<{ amount: number; status: string }>('sale.void', {
      saleId: sale.saleId,
      reason: 'rang up twice',
      supervisorPin: '2222',
    });
    expect(voided).toMatchObject({ amount: 2500, status: 'completed' });
    expect(await fail('sale.void', { saleId: sale.saleId, reason: 'again', supervisorPin: '2222' })).toBe('refund.exceeds');
    const x = await call<ReportDto>('report.x');
    expect(x).toMatchObject({ voids: { count: 1, amount: 2500 }, refunds: { count: 1, amount: 2500 }, expectedCash: 25000 });
    expect(journal('override')).toContainEqual(expect.objectContaining({ action: 'sale.void', reason: 'void: rang up twice' }));
  });

  it('expects the rounded cash: over/short is exact when sales were rounded to the jiao', async () => {
    terminal.close();
    const db = openDatabase(join(dataDir, 'terminal.db'));
    db.prepare("UPDATE products SET price = 1234 WHERE id = 'peanuts'").run(); // 12.34 → 12.30 in cash
    db.prepare("UPDATE products SET price = 2006 WHERE id = 'pretzel'").run(); // 20.06 → 20.10 in cash
    db.close();
    terminal = createTerminalSync({ dataDir, demo: true, clock });
    await call('staff.login', { staffId: 'demo-supervisor', pin: '2222' });
    await call('shift.open', { cashierId: 'demo-cashier', float: FLOAT });
    expect((await sellCash('peanuts', 2000)).cashRounding).toBe(-4);
    expect((await sellCash('pretzel', 5000)).cashRounding).toBe(4);
    const x = await call<ReportDto>('report.x');
    // 250.00 + 12.30 + 20.10: the drawer holds what the cash tenders took, rounding included.
    expect(x).toMatchObject({ expectedCash: 28240, cashRounding: 0, sales: { amount: 3240 } });
    const counted = await call<ShiftDto>('shift.count', {
      counts: [
        { denomination: 10000, count: 2 },
        { denomination: 5000, count: 1 },
        { denomination: 2000, count: 1 },
        { denomination: 1000, count: 1 },
        { denomination: 100, count: 2 },
        { denomination: 50, count: 0 },
        { denomination: 10, count: 3 },
      ],
    });
    // ¥282.30 counted against ¥282.40 expected: ten fen short, within the tolerance.
    expect(counted).toMatchObject({ status: 'closed', counted: 28230, expected: 28240, overShort: -10 });
  });

  it('closes at once when the count is within tolerance (5.00 short)', async () => {
    await call('staff.login', { staffId: 'demo-supervisor', pin: '2222' });
    await call('shift.open', { cashierId: 'demo-cashier', float: FLOAT });
    const closed = await call<ShiftDto>('shift.count', {
      counts: [
        { denomination: 10000, count: 1 },
        { denomination: 2000, count: 4 },
        { denomination: 1000, count: 5 },
        { denomination: 100, count: 15 },
      ],
    });
    expect(closed).toMatchObject({ status: 'closed', counted: 24500, expected: 25000, overShort: -500 });
  });
});
