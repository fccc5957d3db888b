// Migration 006: a version-5 database with a sale gains staff lockouts, shifts, cash movements
// and Z reports; shifts and Z numbers keep their rules in the schema itself.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { openDatabase, type Db } from '../open';
import { terminalMigrations } from './index';

let db: Db;
const run = (sql: string, ...params: unknown[]): void => {
  db.prepare(sql).run(...params);
};
const AT = '2026-11-22T12:00:00.000Z';

beforeEach(() => {
  db = openDatabase(':memory:');
  expect(migrate(db, terminalMigrations, 5)).toBe(5);
  run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES ('s1', 'open', 'CNY', ?)", AT);
  expect(migrate(db, terminalMigrations, 6)).toBe(6);
});
afterEach(() => db.close());

const openShift = (id: string, drawer = 'main'): void =>
  run(
    `INSERT INTO shifts (shift_id, drawer_id, cashier_id, cashier_name, opened_by, opened_at, business_date, opening_float, float_counts, status)
     VALUES (?, ?, 'c1', 'Li Na', 'sup1', ?, '2026-11-22', 20000, '[]', 'open')`,
    id,
    drawer,
    AT,
  );
const closeShift = (id: string, counted: number, expected: number): void =>
  run(
    `UPDATE shifts SET status = 'closed', counted = ?, counts = '[]', expected = ?, over_short = ?, closed_at = ?, closed_by = 'sup1'
     WHERE shift_id = ?`,
    counted,
    expected,
    counted - expected,
    AT,
    id,
  );

it('keeps one open shift per drawer and reads old sales without a shift', () => {
  expect(db.prepare("SELECT shift_id, staff_id FROM sales WHERE sale_id = 's1'").get()).toEqual({ shift_id: null, staff_id: null });
  openShift('sh1');
  expect(() => openShift('sh2')).toThrow(/UNIQUE/);
  openShift('sh2', 'bar-2');
});

it('freezes a closed shift but for the Z number, once', () => {
  openShift('sh1');
  expect(() => run("UPDATE shifts SET status = 'closed' WHERE shift_id = 'sh1'")).toThrow(/CHECK/);
  expect(() =>
    run(
      `UPDATE shifts SET status = 'closed', counted = 100, counts = '[]', expected = 150, over_short = 0, closed_at = ?, closed_by = 's'
       WHERE shift_id = 'sh1'`,
      AT,
    ),
  ).toThrow(/CHECK/);
  closeShift('sh1', 19_500, 20_000);
  expect(() => run("UPDATE shifts SET counted = 20000 WHERE shift_id = 'sh1'")).toThrow(/closed shift/);
  run("UPDATE shifts SET z_no = 1 WHERE shift_id = 'sh1'");
  expect(() => run("UPDATE shifts SET z_no = 2 WHERE shift_id = 'sh1'")).toThrow(/closed shift/);
  expect(() => run("DELETE FROM shifts WHERE shift_id = 'sh1'")).toThrow(/cannot be deleted/);
});

it('takes cash movements only into an open shift, append-only', () => {
  openShift('sh1');
  const move = (id: string, kind: string, amount: number, reason: string | null): void =>
    run(
      `INSERT INTO cash_movements (movement_id, shift_id, kind, amount, reason, staff_id, at, business_date)
       VALUES (?, 'sh1', ?, ?, ?, 'c1', ?, '2026-11-22')`,
      id,
      kind,
      amount,
      reason,
      AT,
    );
  move('m1', 'drop', 10_000, null);
  move('m2', 'paid_out', 500, 'ice delivery');
  expect(() => move('m3', 'paid_in', 500, null)).toThrow(/CHECK/);
  expect(() => move('m4', 'no_sale', 5, null)).toThrow(/CHECK/);
  expect(() => run("UPDATE cash_movements SET amount = 1 WHERE movement_id = 'm1'")).toThrow(/append-only/);
  closeShift('sh1', 9_500, 9_500);
  expect(() => move('m5', 'drop', 100, null)).toThrow(/not open/);
});

it('numbers Z reports gaplessly, frozen', () => {
  const z = (no: number, date: string): void =>
    run(
      "INSERT INTO z_reports (z_no, business_date, closed_at, closed_by, grand_total, report) VALUES (?, ?, ?, 'sup1', 0, '{}')",
      no,
      date,
      AT,
    );
  z(1, '2026-11-21');
  expect(() => z(3, '2026-11-22')).toThrow(/gapless/);
  z(2, '2026-11-21');
  z(3, '2026-11-22');
  expect(() => run('UPDATE z_reports SET grand_total = 5 WHERE z_no = 1')).toThrow(/cannot change/);
});
