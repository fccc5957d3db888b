// Schema 1: catalog, sales, payments, the journal and the outbox. docs/terminal-db.md explains
// every table. Money columns are INTEGER minor units; times are ISO-8601 UTC text.
import type { Migration } from '../migrate';

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE tax_rates (
        id        TEXT PRIMARY KEY,
        name_en   TEXT NOT NULL,
        name_zh   TEXT NOT NULL,
        rate_bp   INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
        inclusive INTEGER NOT NULL CHECK (inclusive IN (0, 1)),
        active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
      ) STRICT;

      CREATE TABLE categories (
        id      TEXT PRIMARY KEY,
        name_en TEXT NOT NULL,
        name_zh TEXT NOT NULL,
        color   TEXT NOT NULL,
        sort    INTEGER NOT NULL DEFAULT 0,
        active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
      ) STRICT;

      CREATE TABLE products (
        id          TEXT PRIMARY KEY,
        category_id TEXT NOT NULL REFERENCES categories (id),
        name_en     TEXT NOT NULL,
        name_zh     TEXT NOT NULL,
        price       INTEGER NOT NULL CHECK (price >= 0),
        tax_rate_id TEXT NOT NULL REFERENCES tax_rates (id),
        barcode     TEXT UNIQUE,
        active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        sort        INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX products_category ON products (category_id, sort);

      -- One row per sale. The open sale (the cart) lives here too, so a restart restores it;
      -- it gets its receipt number, token and totals only when completed.
      CREATE TABLE sales (
        sale_id       TEXT PRIMARY KEY,
        status        TEXT NOT NULL CHECK (status IN ('open', 'completed')),
        currency      TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        completed_at  TEXT,
        business_date TEXT,
        receipt_no    INTEGER UNIQUE,
        receipt_token TEXT UNIQUE,
        subtotal      INTEGER,
        tax_total     INTEGER,
        total         INTEGER,
        cash_rounding INTEGER,
        change_given  INTEGER,
        CHECK ((status = 'open') = (receipt_no IS NULL)),
        CHECK ((status = 'open') = (receipt_token IS NULL)),
        CHECK (status = 'open' OR (completed_at IS NOT NULL AND business_date IS NOT NULL
               AND total IS NOT NULL AND subtotal IS NOT NULL AND tax_total IS NOT NULL
               AND cash_rounding IS NOT NULL AND change_given IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX sales_one_open ON sales (status) WHERE status = 'open';

      -- Receipt numbers are gapless per terminal: the next one is always max + 1.
      CREATE TRIGGER sales_receipt_gapless
      BEFORE UPDATE OF receipt_no ON sales
      WHEN NEW.receipt_no IS NOT NULL
        AND NEW.receipt_no <> (SELECT COALESCE(MAX(receipt_no), 0) + 1 FROM sales)
      BEGIN
        SELECT RAISE(ABORT, 'receipt numbers must be gapless');
      END;
      CREATE TRIGGER sales_receipt_gapless_insert
      BEFORE INSERT ON sales
      WHEN NEW.receipt_no IS NOT NULL
        AND NEW.receipt_no <> (SELECT COALESCE(MAX(receipt_no), 0) + 1 FROM sales)
      BEGIN
        SELECT RAISE(ABORT, 'receipt numbers must be gapless');
      END;
      CREATE TRIGGER sales_completed_frozen
      BEFORE UPDATE ON sales WHEN OLD.status = 'completed'
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;
      CREATE TRIGGER sales_completed_no_delete
      BEFORE DELETE ON sales WHEN OLD.status = 'completed'
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot be deleted');
      END;

      -- Lines keep a copy of the name, price and tax rate at the time of sale.
      CREATE TABLE sale_lines (
        line_id       TEXT PRIMARY KEY,
        sale_id       TEXT NOT NULL REFERENCES sales (sale_id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        product_id    TEXT NOT NULL,
        category_id   TEXT NOT NULL,
        name_en       TEXT NOT NULL,
        name_zh       TEXT NOT NULL,
        unit_price    INTEGER NOT NULL,
        quantity      INTEGER NOT NULL CHECK (quantity > 0),
        amount        INTEGER NOT NULL,
        tax_rate_id   TEXT NOT NULL,
        tax_rate_bp   INTEGER NOT NULL,
        tax_inclusive INTEGER NOT NULL CHECK (tax_inclusive IN (0, 1)),
        CHECK (amount = unit_price * quantity),
        UNIQUE (sale_id, position)
      ) STRICT;

      -- A completed sale is frozen whole: its lines, taxes and payments too.
      CREATE TRIGGER sale_lines_frozen_insert BEFORE INSERT ON sale_lines
      WHEN (SELECT status FROM sales WHERE sale_id = NEW.sale_id) = 'completed'
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;
      CREATE TRIGGER sale_lines_frozen_update BEFORE UPDATE ON sale_lines
      WHEN (SELECT status FROM sales WHERE sale_id = OLD.sale_id) = 'completed'
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;
      CREATE TRIGGER sale_lines_frozen_delete BEFORE DELETE ON sale_lines
      WHEN (SELECT status FROM sales WHERE sale_id = OLD.sale_id) = 'completed'
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;

      CREATE TABLE sale_taxes (
        sale_id     TEXT NOT NULL REFERENCES sales (sale_id),
        tax_rate_id TEXT NOT NULL,
        rate_bp     INTEGER NOT NULL,
        inclusive   INTEGER NOT NULL CHECK (inclusive IN (0, 1)),
        net         INTEGER NOT NULL,
        tax         INTEGER NOT NULL,
        gross       INTEGER NOT NULL,
        CHECK (gross = net + tax),
        PRIMARY KEY (sale_id, tax_rate_id)
      ) STRICT;
      CREATE TRIGGER sale_taxes_frozen_update BEFORE UPDATE ON sale_taxes
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;
      CREATE TRIGGER sale_taxes_frozen_delete BEFORE DELETE ON sale_taxes
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;

      CREATE TABLE payments (
        payment_id   TEXT PRIMARY KEY,
        sale_id      TEXT NOT NULL REFERENCES sales (sale_id),
        kind         TEXT NOT NULL CHECK (kind IN ('cash')),
        status       TEXT NOT NULL CHECK (status IN ('captured')),
        amount       INTEGER NOT NULL,
        tendered     INTEGER NOT NULL,
        change_given INTEGER NOT NULL CHECK (change_given >= 0),
        rounding     INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        CHECK (tendered = amount + change_given)
      ) STRICT;
      CREATE INDEX payments_sale ON payments (sale_id);
      CREATE TRIGGER payments_frozen_update BEFORE UPDATE ON payments
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;
      CREATE TRIGGER payments_frozen_delete BEFORE DELETE ON payments
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;

      -- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical entry).
      CREATE TABLE journal (
        seq       INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        type      TEXT NOT NULL,
        payload   TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TRIGGER journal_gapless
      BEFORE INSERT ON journal
      WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal)
      BEGIN
        SELECT RAISE(ABORT, 'journal seq must be gapless');
      END;
      CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
      BEGIN
        SELECT RAISE(ABORT, 'journal is append-only');
      END;
      CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
      BEGIN
        SELECT RAISE(ABORT, 'journal is append-only');
      END;

      -- Events for the gateway, in gapless seq order; (terminal_id, seq) is the idempotency key.
      CREATE TABLE outbox (
        seq        INTEGER PRIMARY KEY,
        event_id   TEXT NOT NULL UNIQUE,
        type       TEXT NOT NULL,
        v          INTEGER NOT NULL,
        payload    TEXT NOT NULL,
        created_at TEXT NOT NULL,
        acked_at   TEXT
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_at IS NULL;
      CREATE TRIGGER outbox_gapless
      BEFORE INSERT ON outbox
      WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox)
      BEGIN
        SELECT RAISE(ABORT, 'outbox seq must be gapless');
      END;
      CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
      BEGIN
        SELECT RAISE(ABORT, 'outbox rows are kept; mark them acked');
      END;
    `);
  },
};
