// Schema 8: wallet payment codes (ARCHITECTURE §5, docs/wallets.md).
// - wallet_payments: one row per attempt, keyed by its idempotency key. A payment code is a bearer
//   token: only its mask (first 2, last 4 digits: a CHECK refuses any run of 5 digits) and a keyed
//   hash (to refuse a code used twice) are kept. Every state change is a committed UPDATE.
// - wallet_cancels: cancellations (or reversals) still owed to the gateway, retried until acked.
// - payments and refund_tenders take kind 'wallet'. SQLite cannot alter a CHECK, so both tables
//   are rebuilt with their indexes and triggers: the new refund tenders reference the new payments,
//   the old child goes before the old parent, and the renames carry the reference along.
import type { Migration } from '../migrate';
import { REFUND_TENDER_STATUSES } from './004-refunds';

export const WALLET_STATES = [
  'created',
  'authorizing',
  'awaiting_customer',
  'approved',
  'declined',
  'failed',
  'cancelled',
  'unknown',
  'cancelling',
  'reversed',
] as const;

export const WALLET_CANCEL_REASONS = ['cashier', 'timeout', 'void', 'recovery'] as const;

const q = (xs: readonly string[]): string => xs.map((s) => `'${s}'`).join(', ');

export const migration008: Migration = {
  version: 8,
  name: 'wallet-payments',
  up(db) {
    db.exec(`
      CREATE TABLE wallet_payments (
        payment_id       TEXT PRIMARY KEY,
        sale_id          TEXT NOT NULL REFERENCES sales (sale_id),
        state            TEXT NOT NULL CHECK (state IN (${q(WALLET_STATES)})),
        amount           INTEGER NOT NULL CHECK (amount > 0),
        currency         TEXT NOT NULL,
        provider         TEXT NOT NULL CHECK (provider IN ('alipay', 'wechat', 'unionpay')),
        masked_code      TEXT NOT NULL CHECK (masked_code NOT GLOB '*[0-9][0-9][0-9][0-9][0-9]*'),
        -- HMAC-SHA256 of the code with this terminal's secret: a code pays once.
        code_hash        TEXT NOT NULL UNIQUE,
        provider_ref     TEXT,
        reason           TEXT,
        confirm_by       TEXT,
        -- Recovery found it approved with its sale not completed: the cashier decides.
        needs_resolution INTEGER NOT NULL DEFAULT 0 CHECK (needs_resolution IN (0, 1)),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX wallet_payments_sale ON wallet_payments (sale_id);
      CREATE INDEX wallet_payments_open ON wallet_payments (state)
        WHERE state IN ('created', 'authorizing', 'awaiting_customer', 'unknown', 'cancelling');

      CREATE TABLE wallet_cancels (
        payment_id TEXT PRIMARY KEY REFERENCES wallet_payments (payment_id),
        reason     TEXT NOT NULL CHECK (reason IN (${q(WALLET_CANCEL_REASONS)})),
        created_at TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        acked_at   TEXT
      ) STRICT;
      CREATE INDEX wallet_cancels_pending ON wallet_cancels (created_at) WHERE acked_at IS NULL;

      DROP TRIGGER payments_frozen_update;
      DROP TRIGGER payments_frozen_delete;
      CREATE TABLE payments_v8 (
        payment_id   TEXT PRIMARY KEY,
        sale_id      TEXT NOT NULL REFERENCES sales (sale_id),
        kind         TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'wallet')),
        -- cash: captured; card: authorized (online) or stored (offline); wallet: authorized.
        status       TEXT NOT NULL CHECK (status IN ('captured', 'authorized', 'stored')),
        amount       INTEGER NOT NULL,
        tendered     INTEGER NOT NULL,
        change_given INTEGER NOT NULL CHECK (change_given >= 0),
        rounding     INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        CHECK (tendered = amount + change_given),
        CHECK (kind = 'cash' OR (change_given = 0 AND rounding = 0 AND status <> 'captured')),
        CHECK (kind <> 'cash' OR status = 'captured'),
        CHECK (kind <> 'wallet' OR status = 'authorized')
      ) STRICT;
      INSERT INTO payments_v8 SELECT payment_id, sale_id, kind, status, amount, tendered, change_given, rounding, created_at FROM payments;
      DROP TRIGGER refund_tenders_frozen_insert;
      DROP TRIGGER refund_tenders_frozen_update;
      DROP TRIGGER refund_tenders_no_delete;
      CREATE TABLE refund_tenders_v8 (
        tender_id    TEXT PRIMARY KEY,
        refund_id    TEXT NOT NULL REFERENCES refunds (refund_id),
        payment_id   TEXT NOT NULL REFERENCES payments_v8 (payment_id),
        kind         TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'wallet')),
        amount       INTEGER NOT NULL CHECK (amount > 0),
        status       TEXT NOT NULL CHECK (status IN (${q(REFUND_TENDER_STATUSES)})),
        acquirer_ref TEXT,
        reason       TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        CHECK (kind <> 'cash' OR status IN ('pending', 'paid')),
        CHECK (kind = 'cash' OR status <> 'paid')
      ) STRICT;
      INSERT INTO refund_tenders_v8 SELECT tender_id, refund_id, payment_id, kind, amount, status, acquirer_ref, reason, created_at, updated_at FROM refund_tenders;
      DROP TABLE refund_tenders;
      DROP TABLE payments;
      ALTER TABLE payments_v8 RENAME TO payments;
      ALTER TABLE refund_tenders_v8 RENAME TO refund_tenders;
      CREATE INDEX payments_sale ON payments (sale_id);
      CREATE TRIGGER payments_frozen_update BEFORE UPDATE ON payments
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;
      CREATE TRIGGER payments_frozen_delete BEFORE DELETE ON payments
      BEGIN
        SELECT RAISE(ABORT, 'a completed sale cannot change');
      END;

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
