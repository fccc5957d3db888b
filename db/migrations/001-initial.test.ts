// Migration 001 (Signal style): migrate an empty database to N-1 (here 0: nothing to seed), then
// to N, and check the schema does what the design promises: STRICT tables, and triggers and
// checks that refuse the writes ARCHITECTURE §4 forbids.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../migrate';
import { openDatabase, type Db } from '../open';
import { terminalMigrations } from './index';

const TABLES = [
  'categories',
  'journal',
  'outbox',
  'payments',
  'products',
  'sale_lines',
  'sale_taxes',
  'sales',
  'settings',
  'tax_rates',
];

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
  expect(migrate(db, terminalMigrations, 0)).toBe(0);
  expect(migrate(db, terminalMigrations, 1)).toBe(1);
});
afterEach(() => db.close());

const run = (sql: string, ...params: unknown[]): void => {
  db.prepare(sql).run(...params);
};

function seedCatalog(): void {
  run("INSERT INTO tax_rates (id, name_en, name_zh, rate_bp, inclusive) VALUES ('vat6', 'VAT 6%', '增值税 6%', 600, 1)");
  run("INSERT INTO categories (id, name_en, name_zh, color, sort) VALUES ('food', 'Food', '食品', '#fff', 1)");
  run("INSERT INTO products (id, category_id, name_en, name_zh, price, tax_rate_id, barcode) VALUES ('hot-dog', 'food', 'Hot dog', '热狗', 2500, 'vat6', '6901234000017')");
}

function openSale(id: string): void {
  run("INSERT INTO sales (sale_id, status, currency, started_at) VALUES (?, 'open', 'CNY', '2026-11-21T12:00:00.000Z')", id);
}

function addLine(saleId: string, lineId: string, position: number, unitPrice = 2500, quantity = 2): void {
  run(
    `INSERT INTO sale_lines (line_id, sale_id, position, product_id, category_id, name_en, name_zh, unit_price, quantity,
       amount, tax_rate_id, tax_rate_bp, tax_inclusive) VALUES (?, ?, ?, 'hot-dog', 'food', 'Hot dog', '热狗', ?, ?, ?, 'vat6', 600, 1)`,
    lineId,
    saleId,
    position,
    unitPrice,
    quantity,
    unitPrice * quantity,
  );
}

function complete(saleId: string, receiptNo: number): void {
  run(
    `UPDATE sales SET status = 'completed', completed_at = '2026-11-21T12:05:00.000Z', business_date = '2026-11-21',
       receipt_no = ?, receipt_token = ?, subtotal = 5000, tax_total = 283, total = 5000, cash_rounding = 0,
       change_given = 0 WHERE sale_id = ?`,
    receiptNo,
    `TOKEN${receiptNo}`,
    saleId,
  );
}

/** A completed sale with one line, its tax row and its cash payment. */
function completedSale(saleId: string, receiptNo: number): void {
  openSale(saleId);
  addLine(saleId, `${saleId}-l1`, 1);
  complete(saleId, receiptNo);
  run("INSERT INTO sale_taxes VALUES (?, 'vat6', 600, 1, 4717, 283, 5000)", saleId);
  run(
    "INSERT INTO payments VALUES (?, ?, 'cash', 'captured', 5000, 10000, 5000, 0, '2026-11-21T12:05:00.000Z')",
    `${saleId}-p1`,
    saleId,
  );
}

function journalRow(seq: number): void {
  run("INSERT INTO journal VALUES (?, '2026-11-21T12:00:00.000Z', 't', '{}', 'prev', ?)", seq, `hash${seq}`);
}

function outboxRow(seq: number): void {
  run("INSERT INTO outbox (seq, event_id, type, v, payload, created_at) VALUES (?, ?, 't', 1, '{}', 'now')", seq, `e${seq}`);
}

describe('migration 001: schema', () => {
  it('brings an empty database to version 1', () => {
    expect(schemaVersion(db)).toBe(1);
  });

  it('creates every table STRICT', () => {
    const rows = db
      .prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string; strict: number }[];
    expect(rows.map((r) => r.name)).toEqual(TABLES);
    for (const r of rows) expect({ table: r.name, strict: r.strict }).toEqual({ table: r.name, strict: 1 });
    const sql = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as { name: string; sql: string }[];
    for (const t of sql) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
  });

  it('creates the triggers', () => {
    const triggers = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name").all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(triggers).toEqual(
      expect.arrayContaining([
        'journal_gapless',
        'journal_no_delete',
        'journal_no_update',
        'outbox_gapless',
        'outbox_no_delete',
        'sales_completed_frozen',
        'sales_completed_no_delete',
        'sales_receipt_gapless',
      ]),
    );
  });

  it('refuses values of the wrong type (STRICT) and dangling references (foreign keys)', () => {
    run("INSERT INTO tax_rates (id, name_en, name_zh, rate_bp, inclusive) VALUES ('vat6', 'VAT 6%', '增值税 6%', 600, 1)");
    run("INSERT INTO categories (id, name_en, name_zh, color, sort) VALUES ('food', 'Food', '食品', '#fff', 1)");
    expect(() =>
      run("INSERT INTO products (id, category_id, name_en, name_zh, price, tax_rate_id) VALUES ('p', 'food', 'P', 'P', 'cheap', 'vat6')"),
    ).toThrow(/cannot store TEXT value in INTEGER column products.price/);
    expect(() =>
      run("INSERT INTO products (id, category_id, name_en, name_zh, price, tax_rate_id) VALUES ('p', 'food', 'P', 'P', 12.5, 'vat6')"),
    ).toThrow(/cannot store REAL value/);
    expect(() =>
      run("INSERT INTO products (id, category_id, name_en, name_zh, price, tax_rate_id) VALUES ('p', 'nope', 'P', 'P', 100, 'vat6')"),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      run("INSERT INTO products (id, category_id, name_en, name_zh, price, tax_rate_id) VALUES ('p', 'food', 'P', 'P', -1, 'vat6')"),
    ).toThrow(/CHECK/);
    expect(() => run("INSERT INTO tax_rates (id, name_en, name_zh, rate_bp, inclusive) VALUES ('bad', 'x', 'x', 10001, 1)")).toThrow(/CHECK/);
  });
});

describe('migration 001: journal', () => {
  it('accepts gapless seq and refuses a gap or a repeat', () => {
    journalRow(1);
    journalRow(2);
    expect(() => journalRow(4)).toThrow(/journal seq must be gapless/);
    expect(() => journalRow(2)).toThrow(/gapless|UNIQUE|PRIMARY/);
    expect(() => journalRow(0)).toThrow(/journal seq must be gapless/);
    journalRow(3);
    expect((db.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n).toBe(3);
  });

  it('refuses the first entry unless it is seq 1', () => {
    expect(() => journalRow(2)).toThrow(/journal seq must be gapless/);
  });

  it('rejects UPDATE and DELETE of any column or row', () => {
    journalRow(1);
    journalRow(2);
    for (const sql of [
      "UPDATE journal SET payload = '{\"x\":1}' WHERE seq = 1",
      "UPDATE journal SET at = 'later' WHERE seq = 2",
      "UPDATE journal SET hash = 'forged' WHERE seq = 2",
      'DELETE FROM journal WHERE seq = 2',
      'DELETE FROM journal',
    ]) {
      expect(() => run(sql), sql).toThrow(/journal is append-only/);
    }
    expect(db.prepare('SELECT seq, payload, hash FROM journal ORDER BY seq').all()).toEqual([
      { seq: 1, payload: '{}', hash: 'hash1' },
      { seq: 2, payload: '{}', hash: 'hash2' },
    ]);
  });
});

describe('migration 001: outbox', () => {
  it('accepts gapless seq only, keeps rows, and lets them be marked acked', () => {
    outboxRow(1);
    expect(() => outboxRow(3)).toThrow(/outbox seq must be gapless/);
    outboxRow(2);
    expect(() => run('DELETE FROM outbox WHERE seq = 1')).toThrow(/outbox rows are kept/);
    run("UPDATE outbox SET acked_at = '2026-11-21T13:00:00.000Z' WHERE seq = 1");
    expect(db.prepare('SELECT seq, acked_at FROM outbox ORDER BY seq').all()).toEqual([
      { seq: 1, acked_at: '2026-11-21T13:00:00.000Z' },
      { seq: 2, acked_at: null },
    ]);
  });
});

describe('migration 001: sales', () => {
  beforeEach(seedCatalog);

  it('allows only one open sale', () => {
    openSale('s1');
    expect(() => openSale('s2')).toThrow(/UNIQUE/);
    complete('s1', 1);
    openSale('s2');
  });

  it('keeps receipt numbers gapless: the next is always max + 1', () => {
    openSale('s1');
    expect(() => complete('s1', 2)).toThrow(/receipt numbers must be gapless/);
    complete('s1', 1);
    openSale('s2');
    expect(() => complete('s2', 3)).toThrow(/receipt numbers must be gapless/);
    expect(() => complete('s2', 1)).toThrow(/receipt numbers must be gapless/);
    complete('s2', 2);
    expect(db.prepare('SELECT sale_id, receipt_no FROM sales ORDER BY receipt_no').all()).toEqual([
      { sale_id: 's1', receipt_no: 1 },
      { sale_id: 's2', receipt_no: 2 },
    ]);
  });

  it('refuses a completed sale without its receipt, token or totals', () => {
    openSale('s1');
    expect(() => run("UPDATE sales SET status = 'completed' WHERE sale_id = 's1'")).toThrow(/CHECK/);
    expect(() => run("UPDATE sales SET receipt_no = 1 WHERE sale_id = 's1'")).toThrow(/CHECK/);
  });

  it('freezes a completed sale: no update, no delete', () => {
    completedSale('s1', 1);
    for (const sql of [
      "UPDATE sales SET total = 1 WHERE sale_id = 's1'",
      "UPDATE sales SET status = 'open', receipt_no = NULL, receipt_token = NULL WHERE sale_id = 's1'",
      "UPDATE sales SET business_date = '2026-11-22' WHERE sale_id = 's1'",
    ]) {
      expect(() => run(sql), sql).toThrow(/a completed sale cannot change/);
    }
    expect(() => run("DELETE FROM sales WHERE sale_id = 's1'")).toThrow(/a completed sale cannot be deleted/);
    expect(db.prepare("SELECT status, total FROM sales WHERE sale_id = 's1'").get()).toEqual({ status: 'completed', total: 5000 });
  });

  it('lets an open sale be deleted, with its lines', () => {
    openSale('s1');
    addLine('s1', 'l1', 1);
    run("DELETE FROM sales WHERE sale_id = 's1'");
    expect(db.prepare('SELECT COUNT(*) AS n FROM sale_lines').get()).toEqual({ n: 0 });
  });

  it('freezes the lines of a completed sale too', () => {
    completedSale('s1', 1);
    expect(() => run("UPDATE sale_lines SET quantity = 1, amount = 2500 WHERE sale_id = 's1'")).toThrow();
    expect(() => run("DELETE FROM sale_lines WHERE sale_id = 's1'")).toThrow();
    expect(() => addLine('s1', 'sneaked-in', 2)).toThrow();
    expect(db.prepare("SELECT quantity, amount FROM sale_lines WHERE sale_id = 's1'").all()).toEqual([
      { quantity: 2, amount: 5000 },
    ]);
  });

  it('freezes the payments and taxes of a completed sale', () => {
    completedSale('s1', 1);
    expect(() => run("UPDATE payments SET amount = 4000, change_given = 6000 WHERE sale_id = 's1'")).toThrow();
    expect(() => run("DELETE FROM payments WHERE sale_id = 's1'")).toThrow();
    expect(() => run("UPDATE sale_taxes SET tax = 0, net = 5000 WHERE sale_id = 's1'")).toThrow();
    expect(() => run("DELETE FROM sale_taxes WHERE sale_id = 's1'")).toThrow();
  });

  it('keeps receipt numbers gapless for a sale inserted already completed', () => {
    completedSale('s1', 1);
    expect(() =>
      run(
        `INSERT INTO sales VALUES ('s9', 'completed', 'CNY', 'a', 'b', '2026-11-21', 9, 'TOKEN9', 0, 0, 0, 0, 0)`,
      ),
    ).toThrow(/gapless/);
  });

  it('checks line amount = unit price × quantity, and quantity > 0', () => {
    openSale('s1');
    addLine('s1', 'l1', 1, 2500, 3); // 7500
    const insert = (amount: number, quantity: number): void =>
      run(
        `INSERT INTO sale_lines (line_id, sale_id, position, product_id, category_id, name_en, name_zh, unit_price, quantity,
           amount, tax_rate_id, tax_rate_bp, tax_inclusive) VALUES ('l2', 's1', 2, 'p', 'food', 'P', 'P', 2500, ?, ?, 'vat6', 600, 1)`,
        quantity,
        amount,
      );
    expect(() => insert(7499, 3)).toThrow(/CHECK/);
    expect(() => insert(0, 0)).toThrow(/CHECK/);
    expect(() => insert(-2500, -1)).toThrow(/CHECK/);
    expect(() => run("UPDATE sale_lines SET quantity = 4 WHERE line_id = 'l1'")).toThrow(/CHECK/);
    run("UPDATE sale_lines SET quantity = 4, amount = 10000 WHERE line_id = 'l1'");
    expect(() => addLine('s1', 'l3', 1)).toThrow(/UNIQUE/); // position 1 taken
  });

  it('checks payment tendered = amount + change, change never negative', () => {
    openSale('s1');
    const pay = (id: string, amount: number, tendered: number, change: number): void =>
      run("INSERT INTO payments VALUES (?, 's1', 'cash', 'captured', ?, ?, ?, 0, 'now')", id, amount, tendered, change);
    pay('p1', 3740, 5000, 1260);
    expect(() => pay('p2', 3740, 5000, 1200)).toThrow(/CHECK/);
    expect(() => pay('p3', 5000, 3740, -1260)).toThrow(/CHECK/);
    expect(() => run("INSERT INTO payments VALUES ('p4', 's1', 'card', 'captured', 1, 1, 0, 0, 'now')")).toThrow(/CHECK/);
    pay('p5', 100, 100, 0);
    expect(db.prepare('SELECT payment_id FROM payments ORDER BY payment_id').all()).toEqual([
      { payment_id: 'p1' },
      { payment_id: 'p5' },
    ]);
  });

  it('checks each tax group: gross = net + tax', () => {
    openSale('s1');
    expect(() => run("INSERT INTO sale_taxes VALUES ('s1', 'vat6', 600, 1, 4717, 283, 5001)")).toThrow(/CHECK/);
    run("INSERT INTO sale_taxes VALUES ('s1', 'vat6', 600, 1, 4717, 283, 5000)");
  });
});
