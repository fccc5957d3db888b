// Migration 002: a database at version 1 holding a completed sale gains print jobs, keeps its
// data, and the new table refuses what a print queue must never hold.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../migrate';
import { openDatabase, type Db } from '../open';
import { terminalMigrations } from './index';

let db: Db;
const run = (sql: string, ...params: unknown[]): void => {
  db.prepare(sql).run(...params);
};

beforeEach(() => {
  db = openDatabase(':memory:');
  expect(migrate(db, terminalMigrations, 1)).toBe(1);
  // Seed at version 1: one completed sale.
  run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES ('s1', 'open', 'CNY', '2026-11-21T12:00:00.000Z')");
  run(
    `UPDATE sales SET status = 'completed', completed_at = '2026-11-21T12:01:00.000Z', business_date = '2026-11-21',
       receipt_no = 1, receipt_token = 'TOKEN1', subtotal = 2500, tax_total = 142, total = 2500,
       cash_rounding = 0, change_given = 0 WHERE sale_id = 's1'`,
  );
  expect(migrate(db, terminalMigrations, 2)).toBe(2);
});
afterEach(() => db.close());

const job = (id: string, seq: number, kind: string, saleId: string | null, status = 'queued'): void =>
  run(
    "INSERT INTO print_jobs (job_id, seq, kind, sale_id, status, created_at) VALUES (?, ?, ?, ?, ?, '2026-11-21T12:01:00.000Z')",
    id,
    seq,
    kind,
    saleId,
    status,
  );

it('upgrades a version-1 database with its sales intact', () => {
  expect(schemaVersion(db)).toBe(2);
  expect(db.prepare('SELECT receipt_no FROM sales').all()).toEqual([{ receipt_no: 1 }]);
  const sql = (db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'print_jobs'").get() as { sql: string }).sql;
  expect(sql).toMatch(/STRICT/);
});

it('queues a receipt for a sale, once as original, and any number of reprints', () => {
  job('j1', 1, 'receipt', 's1');
  expect(() => job('j2', 2, 'receipt', 's1')).toThrow(/UNIQUE/);
  job('j3', 3, 'reprint', 's1');
  job('j4', 4, 'reprint', 's1');
  expect(db.prepare('SELECT COUNT(*) AS n FROM print_jobs').get()).toEqual({ n: 3 });
});

it('refuses receipts without a sale, unknown sales, unknown kinds and states, and printed without a time', () => {
  expect(() => job('a', 1, 'receipt', null)).toThrow(/CHECK/);
  expect(() => job('b', 2, 'receipt', 'nope')).toThrow(/FOREIGN KEY/);
  expect(() => job('c', 3, 'poster', null)).toThrow(/CHECK/);
  expect(() => job('d', 4, 'test', null, 'lost')).toThrow(/CHECK/);
  expect(() => job('e', 5, 'test', null, 'printed')).toThrow(/CHECK/);
  job('f', 6, 'test', null);
  expect(() => job('g', 6, 'test', null)).toThrow(/UNIQUE/);
});
