// Migration 003: a version-2 database holding a completed cash sale gains the card tables, its
// rebuilt payments table keeps the cash tender and its frozen triggers, and takes card tenders.
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
  expect(migrate(db, terminalMigrations, 2)).toBe(2);
  run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES ('s1', 'open', 'CNY', '2026-11-21T12:00:00.000Z')");
  run(
    `INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at)
     VALUES ('p1', 's1', 'cash', 'captured', 2500, 3000, 500, 0, ?)`,
    AT,
  );
  run(
    `UPDATE sales SET status = 'completed', completed_at = ?, business_date = '2026-11-21',
       receipt_no = 1, receipt_token = 'TOKEN1', subtotal = 2500, tax_total = 142, total = 2500,
       cash_rounding = 0, change_given = 500 WHERE sale_id = 's1'`,
    AT,
  );
  run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES ('s2', 'open', 'CNY', ?)", AT);
  expect(migrate(db, terminalMigrations, 3)).toBe(3);
});
afterEach(() => db.close());

const cardTender = (id: string, status: string, change = 0): void =>
  run(
    `INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at)
     VALUES (?, 's2', 'card', ?, 1000, ?, ?, 0, ?)`,
    id,
    status,
    1000 + change,
    change,
    AT,
  );

it('upgrades a version-2 database with its cash payment intact and still frozen', () => {
  expect(schemaVersion(db)).toBe(3);
  expect(db.prepare('SELECT payment_id, kind, status, amount, tendered, change_given FROM payments').all()).toEqual([
    { payment_id: 'p1', kind: 'cash', status: 'captured', amount: 2500, tendered: 3000, change_given: 500 },
  ]);
  expect(() => run("UPDATE payments SET amount = 1 WHERE payment_id = 'p1'")).toThrow(/cannot change/);
  expect(() => run("DELETE FROM payments WHERE payment_id = 'p1'")).toThrow(/cannot change/);
  expect(() => run("INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at) VALUES ('x', 'nope', 'cash', 'captured', 1, 1, 0, 0, ?)", AT)).toThrow(/FOREIGN KEY/);
  for (const name of ['card_payments', 'card_payloads', 'card_reversals', 'payments']) {
    const sql = (db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').get(name) as { sql: string }).sql;
    expect(sql, name).toMatch(/STRICT/);
  }
  expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'payments_sale'").get()).toBeTruthy();
  expect(db.pragma('foreign_key_check')).toEqual([]);
});

it('takes card tenders (authorized or stored, no change, no rounding) and refuses wrong ones', () => {
  cardTender('c1', 'authorized');
  cardTender('c2', 'stored');
  expect(() => cardTender('c3', 'captured')).toThrow(/CHECK/);
  expect(() => cardTender('c4', 'authorized', 100)).toThrow(/CHECK/);
  expect(() =>
    run("INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at) VALUES ('c5', 's2', 'cash', 'stored', 1, 1, 0, 0, ?)", AT),
  ).toThrow(/CHECK/);
  expect(() =>
    run("INSERT INTO payments (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at) VALUES ('c6', 's2', 'wallet', 'captured', 1, 1, 0, 0, ?)", AT),
  ).toThrow(/CHECK/);
});

it('card_payments refuses unknown states, a full PAN, and a repeated ARQC', () => {
  const insert = (id: string, state: string, maskedPan: string | null, arqc: string | null): void =>
    run(
      `INSERT INTO card_payments (payment_id, sale_id, state, amount, currency, masked_pan, arqc_hash, created_at, updated_at)
       VALUES (?, 's2', ?, 1000, 'CNY', ?, ?, ?, ?)`,
      id,
      state,
      maskedPan,
      arqc,
      AT,
      AT,
    );
  insert('k1', 'created', null, null);
  insert('k2', 'approved', '424242******4242', 'h1');
  expect(() => insert('k3', 'lost', null, null)).toThrow(/CHECK/);
  expect(() => insert('k4', 'approved', '4242424242424242', null)).toThrow(/CHECK/);
  expect(() => insert('k5', 'approved', '424242******4242', 'h1')).toThrow(/UNIQUE/);
  expect(() => insert('k6', 'stored', null, null)).toThrow(/CHECK/);
});
