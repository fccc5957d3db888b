// Schema 3: card payments (ARCHITECTURE §4, §5). Three tables:
// - card_payments: one row per attempt, keyed by its idempotency key; only what §4 lets us keep
//   (masked PAN, brand, entry mode, AID and label, card key, and a hash of the ARQC for the
//   "same ARQC = same payment" rule). Every state change is a committed UPDATE of this row.
// - card_payloads: the reader's encrypted payload and KSN (plus the ARQC's counter, cryptogram and
//   the expiry), in its own table so it can be deleted (secure_delete, then a WAL checkpoint) once
//   the gateway has a final answer.
// - card_reversals: reversals still owed to the gateway, retried until acknowledged.
// And `payments` (a completed sale's tenders) now also holds card tenders: SQLite cannot alter a
// CHECK, so that table is rebuilt with its index and triggers.
import type { Migration } from '../migrate';

export const CARD_STATES = [
  'created',
  'reading',
  'authorizing',
  'approved',
  'declined',
  'cancelled',
  'failed',
  'stored',
  'forwarding',
  'refused',
  'refused_offline',
  'unknown',
  'reversing',
  'reversed',
] as const;

const states = CARD_STATES.map((s) => `'${s}'`).join(', ');

export const migration003: Migration = {
  version: 3,
  name: 'card-payments',
  up(db) {
    db.exec(`
      CREATE TABLE card_payloads (
        payload_id TEXT PRIMARY KEY,
        -- DUKPT key serial number and ciphertext, upper-case hex. Never copied anywhere else.
        ksn        TEXT NOT NULL,
        payload    TEXT NOT NULL,
        padding    INTEGER,
        -- The ARQC's counter and cryptogram and the card's expiry (YYMM): needed to send or forward
        -- the authorization and for the offline expiry check, and nothing after; deleted with it.
        atc        TEXT,
        cryptogram TEXT,
        expiry     TEXT,
        -- SHA-256 of ksn || payload: what journal and outbox may reference.
        hash       TEXT NOT NULL
      ) STRICT;

      CREATE TABLE card_payments (
        payment_id       TEXT PRIMARY KEY,
        sale_id          TEXT NOT NULL REFERENCES sales (sale_id),
        state            TEXT NOT NULL CHECK (state IN (${states})),
        amount           INTEGER NOT NULL CHECK (amount > 0),
        currency         TEXT NOT NULL,
        offline          INTEGER NOT NULL DEFAULT 0 CHECK (offline IN (0, 1)),
        masked_pan       TEXT,
        last4            TEXT,
        brand            TEXT,
        entry_mode       TEXT,
        aid              TEXT,
        label            TEXT,
        card_key         TEXT,
        -- SHA-256 of card key, ATC and cryptogram (else of the KSN): a repeated ARQC is the same payment.
        arqc_hash        TEXT UNIQUE,
        payload_id       TEXT REFERENCES card_payloads (payload_id) ON DELETE SET NULL,
        payload_hash     TEXT,
        auth_code        TEXT,
        acquirer_ref     TEXT,
        merchant_id      TEXT,
        terminal_ref     TEXT,
        reason           TEXT,
        -- Recovery found it approved at the gateway with its sale not completed: the cashier decides.
        needs_resolution INTEGER NOT NULL DEFAULT 0 CHECK (needs_resolution IN (0, 1)),
        stored_at        TEXT,
        forwarded_at     TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        CHECK (masked_pan IS NULL OR masked_pan NOT GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'),
        CHECK (state <> 'stored' OR stored_at IS NOT NULL)
      ) STRICT;
      CREATE INDEX card_payments_sale ON card_payments (sale_id);
      CREATE INDEX card_payments_open ON card_payments (state)
        WHERE state IN ('created', 'reading', 'authorizing', 'unknown', 'reversing', 'stored', 'forwarding');
      CREATE INDEX card_payments_card_key ON card_payments (card_key) WHERE offline = 1;

      CREATE TABLE card_reversals (
        payment_id TEXT PRIMARY KEY REFERENCES card_payments (payment_id),
        reason     TEXT NOT NULL CHECK (reason IN ('timeout', 'void', 'cancelled', 'recovery')),
        created_at TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        acked_at   TEXT
      ) STRICT;
      CREATE INDEX card_reversals_pending ON card_reversals (created_at) WHERE acked_at IS NULL;

      DROP TRIGGER payments_frozen_update;
      DROP TRIGGER payments_frozen_delete;
      CREATE TABLE payments_v3 (
        payment_id   TEXT PRIMARY KEY,
        sale_id      TEXT NOT NULL REFERENCES sales (sale_id),
        kind         TEXT NOT NULL CHECK (kind IN ('cash', 'card')),
        -- cash: captured; card: authorized (approved online) or stored (accepted offline).
        status       TEXT NOT NULL CHECK (status IN ('captured', 'authorized', 'stored')),
        amount       INTEGER NOT NULL,
        tendered     INTEGER NOT NULL,
        change_given INTEGER NOT NULL CHECK (change_given >= 0),
        rounding     INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        CHECK (tendered = amount + change_given),
        CHECK (kind = 'cash' OR (change_given = 0 AND rounding = 0 AND status <> 'captured')),
        CHECK (kind = 'card' OR status = 'captured')
      ) STRICT;
      INSERT INTO payments_v3 (payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at)
        SELECT payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at FROM payments;
      DROP TABLE payments;
      ALTER TABLE payments_v3 RENAME TO payments;
      CREATE INDEX payments_sale ON payments (sale_id);
      CREATE TRIGGER payments_frozen_update BEFORE UPDATE ON payments
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;
      CREATE TRIGGER payments_frozen_delete BEFORE DELETE ON payments
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;
    `);
  },
};
