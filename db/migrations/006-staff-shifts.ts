// Schema 6: staff, shifts and the business day (issue 7; docs/terminal-db.md).
// - staff_lockouts: failed PIN attempts per person, so a lockout survives a restart.
// - shifts: a cashier's drawer session, from the opening float (counted by denomination) to the
//   blind count; one shift not closed per drawer. Closed shifts are frozen but for the Z number
//   that closes their day.
// - cash_movements: drops to the safe, paid-in, paid-out, and drawer opens with no sale.
// - z_reports: the terminal's business days, numbered gaplessly, with a perpetual grand total
//   and the report as printed and synced (a day may be closed more than once: a Z per close).
// Sales, refunds and card payments gain the shift (and sales the person) they belong to, so a
// late-refused offline payment is charged to its own shift, never to another cashier.
import type { Migration } from '../migrate';

export const SHIFT_STATUSES = ['open', 'closed'] as const;
export const CASH_MOVEMENT_KINDS = ['drop', 'paid_in', 'paid_out', 'no_sale'] as const;

const q = (xs: readonly string[]): string => xs.map((s) => `'${s}'`).join(', ');

export const migration006: Migration = {
  version: 6,
  name: 'staff-shifts',
  up(db) {
    db.exec(`
      CREATE TABLE staff_lockouts (
        staff_id     TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL CHECK (failures >= 0),
        locked_until TEXT,
        updated_at   TEXT NOT NULL
      ) STRICT;

      CREATE TABLE shifts (
        shift_id      TEXT PRIMARY KEY,
        drawer_id     TEXT NOT NULL,
        cashier_id    TEXT NOT NULL,
        cashier_name  TEXT NOT NULL,
        opened_by     TEXT NOT NULL,
        opened_at     TEXT NOT NULL,
        business_date TEXT NOT NULL,
        -- the opening float: its total and the count per denomination (JSON)
        opening_float INTEGER NOT NULL CHECK (opening_float >= 0),
        float_counts  TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN (${q(SHIFT_STATUSES)})),
        counted       INTEGER,
        counts        TEXT,
        expected      INTEGER,
        over_short    INTEGER,
        closed_at     TEXT,
        closed_by     TEXT,
        approved_by   TEXT,
        note          TEXT,
        -- the shift report as printed and synced (JSON), written when it closes
        report        TEXT,
        z_no          INTEGER,
        CHECK ((status = 'closed') = (closed_at IS NOT NULL AND counted IS NOT NULL AND counts IS NOT NULL
               AND expected IS NOT NULL AND over_short IS NOT NULL AND closed_by IS NOT NULL)),
        CHECK (over_short IS NULL OR over_short = counted - expected)
      ) STRICT;
      CREATE UNIQUE INDEX shifts_one_open_per_drawer ON shifts (drawer_id) WHERE status = 'open';
      CREATE INDEX shifts_day ON shifts (business_date);
      CREATE TRIGGER shifts_closed_frozen BEFORE UPDATE ON shifts
        WHEN OLD.status = 'closed' AND NOT (OLD.z_no IS NULL AND NEW.z_no IS NOT NULL
          AND NEW.shift_id = OLD.shift_id AND NEW.status = OLD.status AND NEW.counted = OLD.counted
          AND NEW.expected = OLD.expected AND NEW.over_short = OLD.over_short AND NEW.closed_at = OLD.closed_at
          AND NEW.report IS OLD.report)
      BEGIN
        SELECT RAISE(ABORT, 'a closed shift cannot change');
      END;
      CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
      BEGIN
        SELECT RAISE(ABORT, 'a shift cannot be deleted');
      END;

      CREATE TABLE cash_movements (
        movement_id   TEXT PRIMARY KEY,
        shift_id      TEXT NOT NULL REFERENCES shifts (shift_id),
        kind          TEXT NOT NULL CHECK (kind IN (${q(CASH_MOVEMENT_KINDS)})),
        amount        INTEGER NOT NULL CHECK (amount >= 0),
        counts        TEXT,
        reason        TEXT,
        staff_id      TEXT NOT NULL,
        approved_by   TEXT,
        at            TEXT NOT NULL,
        business_date TEXT NOT NULL,
        CHECK (kind <> 'no_sale' OR amount = 0),
        CHECK (kind = 'no_sale' OR kind = 'drop' OR reason IS NOT NULL)
      ) STRICT;
      CREATE INDEX cash_movements_shift ON cash_movements (shift_id);
      CREATE TRIGGER cash_movements_no_update BEFORE UPDATE ON cash_movements
      BEGIN
        SELECT RAISE(ABORT, 'cash movements are append-only');
      END;
      CREATE TRIGGER cash_movements_no_delete BEFORE DELETE ON cash_movements
      BEGIN
        SELECT RAISE(ABORT, 'cash movements are append-only');
      END;
      -- Nothing enters a closed shift.
      CREATE TRIGGER cash_movements_open_shift BEFORE INSERT ON cash_movements
        WHEN (SELECT status FROM shifts WHERE shift_id = NEW.shift_id) IS NOT 'open'
      BEGIN
        SELECT RAISE(ABORT, 'the shift is not open');
      END;

      CREATE TABLE z_reports (
        z_no          INTEGER PRIMARY KEY,
        business_date TEXT NOT NULL,
        closed_at     TEXT NOT NULL,
        closed_by     TEXT NOT NULL,
        grand_total   INTEGER NOT NULL,
        report        TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER z_reports_gapless BEFORE INSERT ON z_reports
        WHEN NEW.z_no <> (SELECT COALESCE(MAX(z_no), 0) + 1 FROM z_reports)
      BEGIN
        SELECT RAISE(ABORT, 'Z numbers must be gapless');
      END;
      CREATE TRIGGER z_reports_no_update BEFORE UPDATE ON z_reports
      BEGIN
        SELECT RAISE(ABORT, 'a Z report cannot change');
      END;
      CREATE TRIGGER z_reports_no_delete BEFORE DELETE ON z_reports
      BEGIN
        SELECT RAISE(ABORT, 'a Z report cannot change');
      END;

      ALTER TABLE sales ADD COLUMN shift_id TEXT REFERENCES shifts (shift_id);
      ALTER TABLE sales ADD COLUMN staff_id TEXT;
      ALTER TABLE refunds ADD COLUMN shift_id TEXT REFERENCES shifts (shift_id);
      ALTER TABLE card_payments ADD COLUMN shift_id TEXT REFERENCES shifts (shift_id);
    `);
  },
};
