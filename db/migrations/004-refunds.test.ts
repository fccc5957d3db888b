// Migration 004: a version-3 database holding a completed card + cash sale gains the refund
// tables; a refund is new rows (the sale stays frozen), and a finished refund is frozen too.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../migrate';
import { openDatabase, type Db } from '../open';
import { terminalMigrations } from './index';

let db: Db;
const run = (sql: string, ...params: unknown[]): void => {
  db.prepare(sql).run(...params);
};
const AT = '2026-11-21T12:01:00.000Z';

beforeEach(() => {
  db = openDatabase(':memory:');
  expect(migrate(db, terminalMigrations, 3)).toBe(3);
  run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES ('s1', 'open', 'CNY', ?)", AT);
  run(
    `INSERT INTO sale_lines (sale_id, line_id, position, product_id, category_id, name_en, name_zh, unit_price, quantity, amount, tax_rate_id, tax_rate_bp, tax_inclusive)
     VALUES ('s1', 'l1', 1, 'hot-dog', 'food', 'Hot dog', '热狗', 1500, 2, 3000, 'vat', 600, 1)`,
  );
  run(
    `INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at)
     VALUES ('c1', 's1', 'card', 'authorized', 2000, 2000, 0, 0, ?), ('p1', 's1', 'cash', 'captured', 1000, 1000, 0, 0, ?)`,
    AT,
    AT,
  );
  run(
    `UPDATE sales SET status = 'completed', completed_at = ?, business_date = '2026-11-21',
       receipt_no = 1, receipt_token = 'TOKEN1', subtotal = 3000, tax_total = 170, total = 3000,
       cash_rounding = 0, change_given = 0 WHERE sale_id = 's1'`,
    AT,
  );
  expect(migrate(db, terminalMigrations, 4)).toBe(4);
});
afterEach(() => db.close());

const refund = (id: string, status = 'pending'): void =>
  run(
    `INSERT INTO refunds (refund_id, sale_id, status, amount, currency, basis, created_at, updated_at)
     VALUES (?, 's1', ?, 1500, 'CNY', 'lines', ?, ?)`,
    id,
    status,
    AT,
    AT,
  );
const tender = (id: string, refundId: string, paymentId: string, kind: string, status: string): void =>
  run(
    `INSERT INTO refund_tenders (tender_id, refund_id, payment_id, kind, amount, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 1500, ?, ?, ?)`,
    id,
    refundId,
    paymentId,
    kind,
    status,
    AT,
    AT,
  );
const complete = (id: string): void =>
  run("UPDATE refunds SET status = 'completed', completed_at = ?, business_date = '2026-11-21' WHERE refund_id = ?", AT, id);

it('upgrades a version-3 database: the sale is intact and still frozen, the new tables are STRICT', () => {
  expect(schemaVersion(db)).toBe(4);
  expect(db.prepare('SELECT payment_id, kind FROM payments ORDER BY payment_id').all()).toEqual([
    { payment_id: 'c1', kind: 'card' },
    { payment_id: 'p1', kind: 'cash' },
  ]);
  expect(() => run("UPDATE payments SET amount = 1 WHERE payment_id = 'c1'")).toThrow(/cannot change/);
  for (const name of ['refunds', 'refund_lines', 'refund_tenders']) {
    const sql = (db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').get(name) as { sql: string }).sql;
    expect(sql, name).toMatch(/STRICT/);
  }
  expect(db.pragma('foreign_key_check')).toEqual([]);
});

it('a refund is new rows; once completed nothing of it changes and nothing is added', () => {
  refund('r1');
  run("INSERT INTO refund_lines (refund_id, line_id, quantity, amount) VALUES ('r1', 'l1', 1, 1500)");
  tender('k1', 'r1', 'c1', 'card', 'pending');
  run("UPDATE refund_tenders SET status = 'approved', acquirer_ref = 'ACQ1' WHERE tender_id = 'k1'");
  complete('r1');
  expect(() => run("UPDATE refunds SET amount = 1 WHERE refund_id = 'r1'")).toThrow(/cannot change/);
  expect(() => run("DELETE FROM refunds WHERE refund_id = 'r1'")).toThrow(/cannot be deleted/);
  expect(() => run("UPDATE refund_tenders SET status = 'declined' WHERE tender_id = 'k1'")).toThrow(/cannot change/);
  expect(() => tender('k2', 'r1', 'p1', 'cash', 'paid')).toThrow(/cannot change/);
  expect(() => run("INSERT INTO refund_lines (refund_id, line_id, quantity, amount) VALUES ('r1', 'l1', 1, 0)")).toThrow(
    /cannot change|UNIQUE/,
  );
  expect(() => run("UPDATE refund_lines SET quantity = 2 WHERE refund_id = 'r1'")).toThrow(/cannot change/);
});

it('one pending refund per sale; wrong kinds, states and references are refused', () => {
  refund('r1');
  expect(() => refund('r2')).toThrow(/UNIQUE/);
  expect(() => tender('k1', 'r1', 'p1', 'cash', 'approved')).toThrow(/CHECK/);
  expect(() => tender('k2', 'r1', 'c1', 'card', 'paid')).toThrow(/CHECK/);
  expect(() => tender('k3', 'r1', 'nope', 'card', 'pending')).toThrow(/FOREIGN KEY/);
  expect(() => run("INSERT INTO refund_lines (refund_id, line_id, quantity, amount) VALUES ('r1', 'nope', 1, 1)")).toThrow(
    /FOREIGN KEY/,
  );
  expect(() => complete('r1')).not.toThrow();
  expect(() => run("UPDATE refunds SET status = 'completed', completed_at = NULL WHERE refund_id = 'r1'")).toThrow(/cannot change/);
  expect(() =>
    run("INSERT INTO refunds (refund_id, sale_id, status, amount, currency, basis, created_at, updated_at) VALUES ('r3', 's1', 'completed', 1, 'CNY', 'lines', ?, ?)", AT, AT),
  ).toThrow(/CHECK/);
});
