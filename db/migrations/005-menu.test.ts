// Migration 005: a version-4 database with a completed sale and an open cart gains the menu
// columns; old lines read as plain items without discounts, and frozen sales stay frozen.
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
  expect(migrate(db, terminalMigrations, 4)).toBe(4);
  run(
    "INSERT INTO categories (id, name_en, name_zh, color) VALUES ('food', 'Food', '食品', '#000')",
  );
  run("INSERT INTO tax_rates (id, name_en, name_zh, rate_bp, inclusive) VALUES ('vat', 'VAT', '税', 600, 1)");
  run(
    "INSERT INTO products (id, category_id, name_en, name_zh, price, tax_rate_id) VALUES ('hot-dog', 'food', 'Hot dog', '热狗', 1500, 'vat')",
  );
  for (const [sale, status] of [['s1', 'open'], ['s2', 'open']] as const) {
    run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES (?, ?, 'CNY', ?)", sale, 'open', AT);
    run(
      `INSERT INTO sale_lines (sale_id, line_id, position, product_id, category_id, name_en, name_zh, unit_price, quantity, amount, tax_rate_id, tax_rate_bp, tax_inclusive)
       VALUES (?, ?, 1, 'hot-dog', 'food', 'Hot dog', '热狗', 1500, 2, 3000, 'vat', 600, 1)`,
      sale,
      `${sale}-l1`,
    );
    if (status === 'open' && sale === 's1') {
      run(
        `UPDATE sales SET status = 'completed', completed_at = ?, business_date = '2026-11-22',
           receipt_no = 1, receipt_token = 'TOKEN1', subtotal = 3000, tax_total = 170, total = 3000,
           cash_rounding = 0, change_given = 0 WHERE sale_id = 's1'`,
        AT,
      );
    }
  }
  expect(migrate(db, terminalMigrations, 5)).toBe(5);
});
afterEach(() => db.close());

it('reads old lines as items without discount and old products as plain products', () => {
  expect(db.prepare('SELECT kind, discount, details, line_discount FROM sale_lines ORDER BY line_id').all()).toEqual([
    { kind: 'item', discount: 0, details: '{}', line_discount: null },
    { kind: 'item', discount: 0, details: '{}', line_discount: null },
  ]);
  expect(
    db.prepare('SELECT tags, min_age, deposit_id, variants, modifier_group_ids, combo FROM products').get(),
  ).toEqual({ tags: '[]', min_age: null, deposit_id: null, variants: '[]', modifier_group_ids: '[]', combo: null });
});

it('keeps completed sales frozen and lets the open cart take new kinds of lines', () => {
  expect(() => run("UPDATE sale_lines SET discount = 100 WHERE line_id = 's1-l1'")).toThrow(/cannot change/);
  run(
    `INSERT INTO sale_lines (sale_id, line_id, position, product_id, category_id, name_en, name_zh, unit_price, quantity, amount, tax_rate_id, tax_rate_bp, tax_inclusive, kind, parent_line_id)
     VALUES ('s2', 's2-d1', 2, 'cup', '', 'Cup deposit', '杯押金', 200, 2, 400, '', 0, 1, 'deposit', 's2-l1')`,
  );
  run(
    `INSERT INTO sale_lines (sale_id, line_id, position, product_id, category_id, name_en, name_zh, unit_price, quantity, amount, tax_rate_id, tax_rate_bp, tax_inclusive, kind)
     VALUES ('s2', 's2-r1', 3, 'cup', '', 'Cup return', '退杯', -200, 1, -200, '', 0, 1, 'deposit_return')`,
  );
  expect(() => run("UPDATE sale_lines SET kind = 'gift' WHERE line_id = 's2-l1'")).toThrow(/CHECK/);
  expect(() => run("UPDATE sale_lines SET discount = -1 WHERE line_id = 's2-l1'")).toThrow(/CHECK/);
  expect(() => run("UPDATE products SET min_age = 0")).toThrow(/CHECK/);
});

it('records counter sold-out marks once per product', () => {
  run("INSERT INTO sold_out (product_id, marked_at, marked_by) VALUES ('hot-dog', ?, 'counter')", AT);
  expect(() => run("INSERT INTO sold_out (product_id, marked_at, marked_by) VALUES ('hot-dog', ?, 'x')", AT)).toThrow(
    /UNIQUE/,
  );
});
