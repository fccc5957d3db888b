// Schema 4: refunds (ARCHITECTURE §5). A refund is NEW rows, never an edit of the frozen sale:
// - refunds: one per refund of a completed sale; `pending` while a card refund's outcome is not
//   known (its key is committed before the gateway call), then `completed` or `failed` and frozen.
// - refund_lines: the sale lines and quantities it gives back (none for a refund by amount).
// - refund_tenders: per original tender what goes back and how: a card refund at the gateway
//   under its own idempotency key (`tender_id`), a stored offline card payment cancelled, or cash
//   out of the drawer.
// `approved_by` is the hook for the supervisor approval (a later issue); null until then.
import type { Migration } from '../migrate';

export const REFUND_STATUSES = ['pending', 'completed', 'failed'] as const;
export const REFUND_TENDER_STATUSES = ['pending', 'approved', 'declined', 'cancelled', 'paid', 'not_sent'] as const;

const q = (xs: readonly string[]): string => xs.map((s) => `'${s}'`).join(', ');

export const migration004: Migration = {
  version: 4,
  name: 'refunds',
  up(db) {
    db.exec(`
      CREATE TABLE refunds (
        refund_id     TEXT PRIMARY KEY,
        sale_id       TEXT NOT NULL REFERENCES sales (sale_id),
        status        TEXT NOT NULL CHECK (status IN (${q(REFUND_STATUSES)})),
        amount        INTEGER NOT NULL CHECK (amount > 0),
        currency      TEXT NOT NULL,
        -- 'lines' (quantities of sale lines) or 'amount' (money only, no quantities).
        basis         TEXT NOT NULL CHECK (basis IN ('lines', 'amount')),
        approved_by   TEXT,
        reason        TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        completed_at  TEXT,
        business_date TEXT,
        CHECK ((status = 'completed') = (completed_at IS NOT NULL AND business_date IS NOT NULL))
      ) STRICT;
      CREATE INDEX refunds_sale ON refunds (sale_id);
      CREATE UNIQUE INDEX refunds_one_pending ON refunds (sale_id) WHERE status = 'pending';
      CREATE TRIGGER refunds_frozen_update BEFORE UPDATE ON refunds
        WHEN OLD.status <> 'pending'
      BEGIN
        SELECT RAISE(ABORT, 'a finished refund cannot change');
      END;
      CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds
      BEGIN
        SELECT RAISE(ABORT, 'a refund cannot be deleted');
      END;

      CREATE TABLE refund_lines (
        refund_id TEXT NOT NULL REFERENCES refunds (refund_id),
        line_id   TEXT NOT NULL REFERENCES sale_lines (line_id),
        quantity  INTEGER NOT NULL CHECK (quantity > 0),
        amount    INTEGER NOT NULL CHECK (amount >= 0),
        PRIMARY KEY (refund_id, line_id)
      ) STRICT;
      CREATE INDEX refund_lines_line ON refund_lines (line_id);
      CREATE TRIGGER refund_lines_frozen_insert BEFORE INSERT ON refund_lines
        WHEN (SELECT status FROM refunds WHERE refund_id = NEW.refund_id) IS NOT 'pending'
      BEGIN
        SELECT RAISE(ABORT, 'a finished refund cannot change');
      END;
      CREATE TRIGGER refund_lines_no_update BEFORE UPDATE ON refund_lines
      BEGIN
        SELECT RAISE(ABORT, 'a refund line cannot change');
      END;
      CREATE TRIGGER refund_lines_no_delete BEFORE DELETE ON refund_lines
      BEGIN
        SELECT RAISE(ABORT, 'a refund line cannot change');
      END;

      CREATE TABLE refund_tenders (
        -- For a card refund: the idempotency key sent to the gateway (a ULID), committed before
        -- the call and reused for every retry of this refund.
        tender_id    TEXT PRIMARY KEY,
        refund_id    TEXT NOT NULL REFERENCES refunds (refund_id),
        payment_id   TEXT NOT NULL REFERENCES payments (payment_id),
        kind         TEXT NOT NULL CHECK (kind IN ('cash', 'card')),
        amount       INTEGER NOT NULL CHECK (amount > 0),
        status       TEXT NOT NULL CHECK (status IN (${q(REFUND_TENDER_STATUSES)})),
        acquirer_ref TEXT,
        reason       TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        CHECK (kind = 'card' OR status IN ('pending', 'paid')),
        CHECK (kind = 'cash' OR status <> 'paid')
      ) STRICT;
      CREATE INDEX refund_tenders_refund ON refund_tenders (refund_id);
      CREATE INDEX refund_tenders_payment ON refund_tenders (payment_id);
      CREATE TRIGGER refund_tenders_frozen_insert BEFORE INSERT ON refund_tenders
        WHEN (SELECT status FROM refunds WHERE refund_id = NEW.refund_id) IS NOT 'pending'
      BEGIN
        SELECT RAISE(ABORT, 'a finished refund cannot change');
      END;
      CREATE TRIGGER refund_tenders_frozen_update BEFORE UPDATE ON refund_tenders
        WHEN (SELECT status FROM refunds WHERE refund_id = OLD.refund_id) IS NOT 'pending'
      BEGIN
        SELECT RAISE(ABORT, 'a finished refund cannot change');
      END;
      CREATE TRIGGER refund_tenders_no_delete BEFORE DELETE ON refund_tenders
      BEGIN
        SELECT RAISE(ABORT, 'a refund tender cannot be deleted');
      END;
    `);
  },
};
