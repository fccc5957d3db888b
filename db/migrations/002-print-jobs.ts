// Schema 2: print jobs. A receipt is a row created in the same transaction as the sale it prints
// for, so a printer fault can never lose it; a worker sends jobs in order (ARCHITECTURE §8).
import type { Migration } from '../migrate';

export const migration002: Migration = {
  version: 2,
  name: 'print-jobs',
  up(db) {
    db.exec(`
      CREATE TABLE print_jobs (
        job_id     TEXT PRIMARY KEY,
        -- Print order: jobs go out in seq order, one at a time.
        seq        INTEGER NOT NULL UNIQUE,
        kind       TEXT NOT NULL CHECK (kind IN ('receipt', 'reprint', 'test', 'report', 'drawer')),
        sale_id    TEXT REFERENCES sales (sale_id),
        -- 1 when the paper must say COPY: reprints, and any job whose first attempt was cut off.
        copy       INTEGER NOT NULL DEFAULT 0 CHECK (copy IN (0, 1)),
        status     TEXT NOT NULL CHECK (status IN ('queued', 'printing', 'printed', 'cancelled')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        payload    TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        printed_at TEXT,
        last_error TEXT,
        CHECK ((status = 'printed') = (printed_at IS NOT NULL)),
        CHECK (kind NOT IN ('receipt', 'reprint') OR sale_id IS NOT NULL)
      ) STRICT;
      CREATE INDEX print_jobs_waiting ON print_jobs (seq) WHERE status IN ('queued', 'printing');
      -- An original receipt exists once per sale; copies are separate reprint jobs.
      CREATE UNIQUE INDEX print_jobs_one_original ON print_jobs (sale_id) WHERE kind = 'receipt';
    `);
  },
};
