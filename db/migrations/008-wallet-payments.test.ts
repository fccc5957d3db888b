// Migration 008: a version-7 database holding a completed card + cash sale and a finished refund of
// it gains the wallet tables; payments and refund tenders keep every row, their references, their
// frozen triggers, and now take kind 'wallet'. A payment code never fits into a masked column.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { openDatabase, type Db } from '../open';
import { terminalMigrations } from './index';

let db: Db;
const run = (sql: string, ...params: unknown[]): void => {
  db.prepare(sql).run(...params);
};
const AT = '2026-11-22T12:01:00.000Z';

beforeEach(() => {
  db = openDatabase(':memory:');
  expect(migrate(db, terminalMigrations, 7)).toBe(7);
  run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES ('s1', 'open', 'CNY', ?)", AT);
  run(
    `INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at)
     VALUES ('c1', 's1', 'card', 'authorized', 2000, 2000, 0, 0, ?), ('p1', 's1', 'cash', 'captured', 1000, 1000, 0, 0, ?)`,
    AT,
    AT,
  );
  run(
    `UPDATE sales SET status = 'completed', completed_at = ?, business_date = '2026-11-22',
       receipt_no = 1, receipt_token = 'TOKEN1', subtotal = 3000, tax_total = 170, total = 3000,
       cash_rounding = 0, change_given = 0 WHERE sale_id = 's1'`,
    AT,
  );
  run(
    `INSERT INTO refunds (refund_id, sale_id, status, amount, currency, basis, created_at, updated_at)
     VALUES ('r1', 's1', 'pending', 1500, 'CNY', 'amount', ?, ?)`,
    AT,
    AT,
  );
  run(
    `INSERT INTO refund_tenders (tender_id, refund_id, payment_id, kind, amount, status, created_at, updated_at)
     VALUES ('t1', 'r1', 'c1', 'card', 1500, 'approved', ?, ?)`,
    AT,
    AT,
  );
  run("UPDATE refunds SET status = 'completed', completed_at = ?, business_date = '2026-11-22' WHERE refund_id = 'r1'", AT);
  expect(migrate(db, terminalMigrations, 8)).toBe(8);
});
afterEach(() => db.close());

it('keeps every payment and refund tender, with their references intact', () => {
  expect(db.prepare('SELECT payment_id, kind, amount FROM payments ORDER BY payment_id').all()).toEqual([
    { payment_id: 'c1', kind: 'card', amount: 2000 },
    { payment_id: 'p1', kind: 'cash', amount: 1000 },
  ]);
  expect(db.prepare('SELECT tender_id, payment_id, status FROM refund_tenders').all()).toEqual([
    { tender_id: 't1', payment_id: 'c1', status: 'approved' },
  ]);
  expect(db.pragma('foreign_key_check')).toEqual([]);
  const fks = db.prepare("SELECT \"table\" FROM pragma_foreign_key_list('refund_tenders')").all();
  expect(fks).toEqual(expect.arrayContaining([{ table: 'payments' }, { table: 'refunds' }]));
});

it('keeps completed sales and finished refunds frozen', () => {
  expect(() => run("UPDATE payments SET amount = 1 WHERE payment_id = 'c1'")).toThrow(/cannot change/);
  expect(() => run("DELETE FROM payments WHERE payment_id = 'p1'")).toThrow(/cannot change/);
  expect(() => run("UPDATE refund_tenders SET amount = 1 WHERE tender_id = 't1'")).toThrow(/cannot change/);
  expect(() => run("DELETE FROM refund_tenders WHERE tender_id = 't1'")).toThrow(/cannot be deleted/);
});

it('takes wallet tenders (authorized, no change) and refuses a wallet that pays change', () => {
  run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES ('s2', 'open', 'CNY', ?)", AT);
  run(
    `INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at)
     VALUES ('w1', 's2', 'wallet', 'authorized', 500, 500, 0, 0, ?)`,
    AT,
  );
  expect(() =>
    run(
      `INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at)
       VALUES ('w2', 's2', 'wallet', 'captured', 500, 600, 100, 0, ?)`,
      AT,
    ),
  ).toThrow(/CHECK/);
});

it('stores a wallet payment by its mask only: a run of five digits is refused', () => {
  const insert = (id: string, masked: string, hash: string): void =>
    run(
      `INSERT INTO wallet_payments (payment_id, sale_id, state, amount, currency, provider, masked_code, code_hash, created_at, updated_at)
       VALUES (?, 's1', 'created', 500, 'CNY', 'wechat', ?, ?, ?, ?)`,
      id,
      masked,
      hash,
      AT,
      AT,
    );
  insert('w1', '13************4321', 'h1');
  expect(() => insert('w2', '134567890123454321', 'h2')).toThrow(/CHECK/);
  expect(() => insert('w3', '13************4321', 'h1')).toThrow(/UNIQUE/);
});
