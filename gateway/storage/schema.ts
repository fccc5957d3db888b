// The gateway's tables, written once with Kysely's schema builder for both dialects, and the tiny
// migration runner that applies them. Timestamps are ISO 8601 UTC text in both dialects (what the
// terminal writes), money is integer minor units (INTEGER in SQLite, BIGINT in PostgreSQL).
import { sql, type Generated, type Kysely, type Transaction } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export interface EnrollmentCodesTable {
  code_hash: string;
  name: string;
  created_at: string;
  expires_at: string;
  used_by_terminal: string | null;
  used_with_key: string | null;
  reply: string | null;
}

export interface TerminalsTable {
  terminal_id: string;
  name: string;
  public_key: string;
  status: 'active' | 'revoked';
  enrolled_at: string;
  last_seen_at: string | null;
  acked_seq: Generated<number>;
}

export interface ChainHeadsTable {
  terminal_id: string;
  seq: number;
  hash: string;
  signature: string;
  received_at: string;
}

export interface NoncesTable {
  terminal_id: string;
  nonce: string;
  expires_at: string;
}

export interface EventsTable {
  terminal_id: string;
  seq: number;
  event_id: string;
  type: string;
  v: number;
  at: string;
  business_date: string;
  payload: string;
  payload_hash: string;
  received_at: string;
}

export interface SalesTable {
  sale_id: string;
  terminal_id: string;
  seq: number;
  receipt_no: number;
  receipt_ref: string;
  receipt_token: string;
  currency: string;
  /** UTC, `YYYY-MM-DDTHH:mm:ss.sssZ` (normalised at ingest so text order is time order). */
  completed_at: string;
  business_date: string;
  local_hour: string;
  total: number;
  tax_total: number;
  document: string;
  /** Migration 3: deposits charged minus paid back, discounts, comps (0 for version-1 events). */
  deposits: Generated<number>;
  discounts: Generated<number>;
  comps: Generated<number>;
  /** Migration 4: the shift the sale was taken in (sent by the terminal, else found by time). */
  shift_id: string | null;
}

export interface SaleLinesTable {
  sale_id: string;
  position: number;
  product_id: string;
  category_id: string;
  name_en: string;
  name_zh: string;
  quantity: number;
  amount: number;
  /** Migration 3: 'item' | 'combo' | 'deposit' | 'deposit_return'. */
  kind: Generated<string>;
  /** Migration 3: line discount plus its share of a sale discount. */
  discount: Generated<number>;
}

export interface SalePaymentsTable {
  payment_id: string;
  sale_id: string;
  tender: string;
  amount: number;
  rounding: number;
}

export interface ReferenceTable {
  kind: string;
  version: number;
  body: string;
  updated_at: string;
}

/** Card payments by the terminal's idempotency key (migration 2). No PAN, no payload, ever. */
export interface PaymentsTable {
  key: string;
  terminal_id: string;
  sale_id: string;
  amount: number;
  currency: string;
  status: string;
  /** SHA-256 of the request's canonical content (the encrypted part left out); null: tombstone. */
  request_hash: string | null;
  /** SHA-256 of (card key, ATC, cryptogram): a repeated ARQC is the same payment. */
  arqc_hash: string | null;
  masked_pan: string | null;
  brand: string | null;
  aid: string | null;
  label: string | null;
  entry_mode: string | null;
  card_key: string | null;
  atc: string | null;
  auth_code: string | null;
  acquirer_ref: string | null;
  decline_reason: string | null;
  /** 1 when the gateway stood in for the acquirer. */
  stand_in: number;
  forwarded_at: string | null;
  offline_stored_at: string | null;
  business_date: string;
  created_at: string;
  updated_at: string;
  captured_at: string | null;
  capture_date: string | null;
  reversed_at: string | null;
  refunded_amount: number;
}

export interface RefundsTable {
  key: string;
  original_key: string;
  terminal_id: string;
  amount: number;
  currency: string;
  status: string;
  request_hash: string;
  /** JSON array of { lineId, quantity, amount }, or null. */
  lines: string | null;
  acquirer_ref: string | null;
  decline_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface CaptureBatchesTable {
  business_date: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  count: number;
  amount: number;
  currency: string;
  acquirer_batch_ref: string | null;
}

/** Migration 3: the stop-sale version each terminal last confirmed applying. */
export interface StopSaleAcksTable {
  terminal_id: string;
  version: number;
  acked_at: string;
}

/** Migration 4: a terminal's shift (a cashier's drawer session), from its shift events. */
export interface ShiftsTable {
  terminal_id: string;
  shift_id: string;
  business_date: string;
  status: 'open' | 'closed';
  cashier: string;
  /** UTC, normalised as `sales.completed_at`, so sales are placed in shifts by text comparison. */
  opened_at: string;
  closed_at: string | null;
  /** From the shift report once closed (revenue, as in the summary). */
  sales_count: number;
  sales_amount: number;
  over_short: number | null;
  z_number: number | null;
}

/** Migration 4: a terminal's Z reports (business day closes), with the report as sent. */
export interface ZReportsTable {
  terminal_id: string;
  z_number: number;
  business_date: string;
  closed_at: string;
  grand_total: number;
  report: string;
}

/** Migration 4: completed refunds of sales (`refund.completed` events), for reports. */
export interface SaleRefundsTable {
  refund_id: string;
  terminal_id: string;
  sale_id: string;
  amount: number;
  currency: string;
  completed_at: string;
  business_date: string;
  shift_id: string | null;
}

/**
 * Migration 5: card payments a terminal's Z reported as refused after their shift closed, with the
 * shift the terminal attributes them to (its own record of the sale's shift).
 */
export interface LateRefusalsTable {
  terminal_id: string;
  payment_id: string;
  shift_id: string | null;
  amount: number;
  z_number: number;
}

/**
 * Migration 6: wallet payments (docs/wallets.md) by the terminal's idempotency key. Never the
 * payment code: its mask and a keyed hash (HMAC-SHA256 with the gateway's wallet secret), unique,
 * so a code pays once across all terminals.
 */
export interface WalletPaymentsTable {
  key: string;
  terminal_id: string;
  sale_id: string;
  amount: number;
  currency: string;
  /** null for a tombstone (no request ever came). */
  provider: string | null;
  status: string;
  /** Keyed hash of the request's content (the code included); null: a tombstone. */
  request_hash: string | null;
  /** Keyed hash of the payment code; null for tombstones and refused reuses. */
  code_hash: string | null;
  masked_code: string | null;
  provider_ref: string | null;
  decline_reason: string | null;
  confirm_by: string | null;
  merchant_id: string;
  business_date: string;
  created_at: string;
  updated_at: string;
  refunded_amount: number;
}

/** Migration 6: refunds of wallet payments, through the wallet provider. */
export interface WalletRefundsTable {
  key: string;
  original_key: string;
  terminal_id: string;
  amount: number;
  currency: string;
  status: string;
  request_hash: string;
  provider_ref: string | null;
  decline_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** Migration 6: the gateway's secret for keyed hashes of wallet codes (one row, made once). */
export interface WalletSecretTable {
  id: number;
  secret: string;
}

export interface SchemaVersionTable {
  version: number;
  applied_at: string;
}

export interface GatewayDatabase {
  enrollment_codes: EnrollmentCodesTable;
  terminals: TerminalsTable;
  chain_heads: ChainHeadsTable;
  nonces: NoncesTable;
  events: EventsTable;
  sales: SalesTable;
  sale_lines: SaleLinesTable;
  sale_payments: SalePaymentsTable;
  reference: ReferenceTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  capture_batches: CaptureBatchesTable;
  stop_sale_acks: StopSaleAcksTable;
  shifts: ShiftsTable;
  z_reports: ZReportsTable;
  sale_refunds: SaleRefundsTable;
  late_refusals: LateRefusalsTable;
  wallet_payments: WalletPaymentsTable;
  wallet_refunds: WalletRefundsTable;
  wallet_secret: WalletSecretTable;
  gateway_schema: SchemaVersionTable;
}

interface Migration {
  version: number;
  up(db: Transaction<GatewayDatabase>, dialect: Dialect): Promise<void>;
}

/** Ordered; never edit an applied one, add the next number. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    async up(db, dialect) {
      // SQLite STRICT tables accept only INTEGER/TEXT/...; PostgreSQL needs BIGINT for money and seq.
      const int = dialect === 'sqlite' ? 'integer' : 'bigint';
      const small = 'integer';
      const strict = (d: Dialect) => (d === 'sqlite' ? sql`strict` : sql``);

      await db.schema
        .createTable('enrollment_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_by_terminal', 'text')
        .addColumn('used_with_key', 'text')
        .addColumn('reply', 'text')
        .modifyEnd(strict(dialect))
        .execute();

      await db.schema
        .createTable('terminals')
        .addColumn('terminal_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'revoked')`))
        .addColumn('enrolled_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text')
        .addColumn('acked_seq', int, (c) => c.notNull().defaultTo(0))
        .modifyEnd(strict(dialect))
        .execute();

      await db.schema
        .createTable('chain_heads')
        .addColumn('terminal_id', 'text', (c) => c.primaryKey().references('terminals.terminal_id'))
        .addColumn('seq', int, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .modifyEnd(strict(dialect))
        .execute();

      await db.schema
        .createTable('nonces')
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('nonces_pk', ['terminal_id', 'nonce'])
        .modifyEnd(strict(dialect))
        .execute();
      await db.schema.createIndex('nonces_expires_at').on('nonces').column('expires_at').execute();

      // No foreign keys on events and the derived sale tables: they cost a third of the insert time
      // on PostgreSQL, and ingest is their only writer: it checks the terminal row under lock and
      // writes an event with its sale rows in one transaction.
      await db.schema
        .createTable('events')
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('seq', int, (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('v', small, (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('business_date', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('payload_hash', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['terminal_id', 'seq'])
        .modifyEnd(strict(dialect))
        .execute();

      await db.schema
        .createTable('sales')
        .addColumn('sale_id', 'text', (c) => c.primaryKey())
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('seq', int, (c) => c.notNull())
        .addColumn('receipt_no', int, (c) => c.notNull())
        .addColumn('receipt_ref', 'text', (c) => c.notNull())
        .addColumn('receipt_token', 'text', (c) => c.notNull().unique())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text', (c) => c.notNull())
        .addColumn('business_date', 'text', (c) => c.notNull())
        .addColumn('local_hour', 'text', (c) => c.notNull())
        .addColumn('total', int, (c) => c.notNull())
        .addColumn('tax_total', int, (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .modifyEnd(strict(dialect))
        .execute();
      await db.schema
        .createIndex('sales_business_date')
        .on('sales')
        .columns(['business_date', 'terminal_id'])
        .execute();
      await db.schema
        .createIndex('sales_completed_at')
        .on('sales')
        .column('completed_at')
        .execute();
      await db.schema
        .createIndex('sales_terminal')
        .on('sales')
        .columns(['terminal_id', 'business_date'])
        .execute();

      await db.schema
        .createTable('sale_lines')
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('position', small, (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull())
        .addColumn('category_id', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('name_zh', 'text', (c) => c.notNull())
        .addColumn('quantity', int, (c) => c.notNull())
        .addColumn('amount', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('sale_lines_pk', ['sale_id', 'position'])
        .modifyEnd(strict(dialect))
        .execute();

      await db.schema
        .createTable('sale_payments')
        .addColumn('payment_id', 'text', (c) => c.primaryKey())
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('tender', 'text', (c) => c.notNull())
        .addColumn('amount', int, (c) => c.notNull())
        .addColumn('rounding', int, (c) => c.notNull())
        .modifyEnd(strict(dialect))
        .execute();
      await db.schema
        .createIndex('sale_payments_sale')
        .on('sale_payments')
        .column('sale_id')
        .execute();

      await db.schema
        .createTable('reference')
        .addColumn('kind', 'text', (c) => c.primaryKey())
        .addColumn('version', int, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .modifyEnd(strict(dialect))
        .execute();
    },
  },
  {
    // Card payments (ARCHITECTURE §4, §5). Only what §4 allows: masked PAN, brand, AID, label,
    // entry mode, card key, ATC and a hash of the ARQC. Never the encrypted payload, its KSN or
    // anything decrypted.
    version: 2,
    async up(db, dialect) {
      const int = dialect === 'sqlite' ? 'integer' : 'bigint';
      const strict = dialect === 'sqlite' ? sql`strict` : sql``;
      await db.schema
        .createTable('payments')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('amount', int, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .check(
              sql`status in ('pending', 'approved', 'stand_in_approved', 'declined', 'failed', 'unknown', 'reversed', 'refused')`,
            ),
        )
        .addColumn('request_hash', 'text')
        .addColumn('arqc_hash', 'text', (c) => c.unique())
        .addColumn('masked_pan', 'text')
        .addColumn('brand', 'text')
        .addColumn('aid', 'text')
        .addColumn('label', 'text')
        .addColumn('entry_mode', 'text')
        .addColumn('card_key', 'text')
        .addColumn('atc', 'text')
        .addColumn('auth_code', 'text')
        .addColumn('acquirer_ref', 'text')
        .addColumn('decline_reason', 'text')
        .addColumn('stand_in', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('forwarded_at', 'text')
        .addColumn('offline_stored_at', 'text')
        .addColumn('business_date', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('captured_at', 'text')
        .addColumn('capture_date', 'text')
        .addColumn('reversed_at', 'text')
        .addColumn('refunded_amount', int, (c) => c.notNull().defaultTo(0))
        .addCheckConstraint('payments_refund_limit', sql`refunded_amount >= 0 and refunded_amount <= amount`)
        .modifyEnd(strict)
        .execute();
      await db.schema
        .createIndex('payments_stand_in')
        .on('payments')
        .columns(['stand_in', 'status', 'card_key'])
        .execute();
      await db.schema
        .createIndex('payments_capture')
        .on('payments')
        .columns(['status', 'captured_at', 'business_date'])
        .execute();
      await db.schema
        .createIndex('payments_capture_date')
        .on('payments')
        .column('capture_date')
        .execute();

      await db.schema
        .createTable('refunds')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('original_key', 'text', (c) => c.notNull().references('payments.key'))
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('amount', int, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('pending', 'approved', 'declined')`),
        )
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('lines', 'text')
        .addColumn('acquirer_ref', 'text')
        .addColumn('decline_reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .modifyEnd(strict)
        .execute();
      await db.schema.createIndex('refunds_original').on('refunds').column('original_key').execute();

      await db.schema
        .createTable('capture_batches')
        .addColumn('business_date', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('running', 'done', 'failed')`),
        )
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('count', int, (c) => c.notNull().defaultTo(0))
        .addColumn('amount', int, (c) => c.notNull().defaultTo(0))
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('acquirer_batch_ref', 'text')
        .modifyEnd(strict)
        .execute();
    },
  },
  {
    // Event version 2 (menus): what reports need per sale (deposits, discounts, comps) and per
    // line (kind, discount); version-1 sales read as item lines without discounts (the defaults).
    // And each terminal's confirmation of the venue's stop-sale list.
    version: 3,
    async up(db, dialect) {
      const int = dialect === 'sqlite' ? 'integer' : 'bigint';
      const strict = dialect === 'sqlite' ? sql`strict` : sql``;
      for (const column of ['deposits', 'discounts', 'comps']) {
        await db.schema
          .alterTable('sales')
          .addColumn(column, int, (c) => c.notNull().defaultTo(0))
          .execute();
      }
      await db.schema
        .alterTable('sale_lines')
        .addColumn('kind', 'text', (c) =>
          c
            .notNull()
            .defaultTo('item')
            .check(sql`kind in ('item', 'combo', 'deposit', 'deposit_return')`),
        )
        .execute();
      await db.schema
        .alterTable('sale_lines')
        .addColumn('discount', int, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('stop_sale_acks')
        .addColumn('terminal_id', 'text', (c) => c.primaryKey().references('terminals.terminal_id'))
        .addColumn('version', int, (c) => c.notNull())
        .addColumn('acked_at', 'text', (c) => c.notNull())
        .modifyEnd(strict)
        .execute();
    },
  },
  {
    // Shifts and business days (issue 7): each terminal's shifts and Z reports, the shift of each
    // sale, and completed refunds, all derived at ingest from the terminal's events.
    version: 4,
    async up(db, dialect) {
      const int = dialect === 'sqlite' ? 'integer' : 'bigint';
      const strict = dialect === 'sqlite' ? sql`strict` : sql``;
      await db.schema.alterTable('sales').addColumn('shift_id', 'text').execute();
      await db.schema
        .createTable('shifts')
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('shift_id', 'text', (c) => c.notNull())
        .addColumn('business_date', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
        .addColumn('cashier', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .addColumn('sales_count', int, (c) => c.notNull().defaultTo(0))
        .addColumn('sales_amount', int, (c) => c.notNull().defaultTo(0))
        .addColumn('over_short', int)
        .addColumn('z_number', int)
        .addPrimaryKeyConstraint('shifts_pk', ['terminal_id', 'shift_id'])
        .modifyEnd(strict)
        .execute();
      await db.schema
        .createIndex('shifts_business_date')
        .on('shifts')
        .columns(['business_date', 'terminal_id'])
        .execute();
      await db.schema
        .createTable('z_reports')
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('z_number', int, (c) => c.notNull())
        .addColumn('business_date', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text', (c) => c.notNull())
        .addColumn('grand_total', int, (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('z_reports_pk', ['terminal_id', 'z_number'])
        .modifyEnd(strict)
        .execute();
      await db.schema
        .createTable('sale_refunds')
        .addColumn('refund_id', 'text', (c) => c.primaryKey())
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('amount', int, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text', (c) => c.notNull())
        .addColumn('business_date', 'text', (c) => c.notNull())
        .addColumn('shift_id', 'text')
        .modifyEnd(strict)
        .execute();
      await db.schema
        .createIndex('sale_refunds_business_date')
        .on('sale_refunds')
        .columns(['business_date', 'terminal_id'])
        .execute();
      await db.schema.createIndex('sales_shift').on('sales').columns(['shift_id']).execute();
    },
  },
  {
    // The late refusals each Z reports, so the shifts report follows the terminal's attribution
    // (the sale's own shift) and knows refusals the gateway did not decide itself.
    version: 5,
    async up(db, dialect) {
      const int = dialect === 'sqlite' ? 'integer' : 'bigint';
      const strict = dialect === 'sqlite' ? sql`strict` : sql``;
      await db.schema
        .createTable('late_refusals')
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('shift_id', 'text')
        .addColumn('amount', int, (c) => c.notNull())
        .addColumn('z_number', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('late_refusals_pk', ['terminal_id', 'payment_id'])
        .modifyEnd(strict)
        .execute();
    },
  },
  {
    // Wallet payment codes (issue 8, docs/wallets.md): their own tables, as wallets have their own
    // states (awaiting_customer, cancelled) and are settled by the provider, not captured by the
    // card batch. Never the code: a mask and a keyed hash.
    version: 6,
    async up(db, dialect) {
      const int = dialect === 'sqlite' ? 'integer' : 'bigint';
      const strict = dialect === 'sqlite' ? sql`strict` : sql``;
      await db.schema
        .createTable('wallet_payments')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('amount', int, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('provider', 'text')
        .addColumn('status', 'text', (c) =>
          c
            .notNull()
            .check(
              sql`status in ('pending', 'awaiting_customer', 'approved', 'declined', 'failed', 'unknown', 'cancelled', 'reversed')`,
            ),
        )
        .addColumn('request_hash', 'text')
        .addColumn('code_hash', 'text', (c) => c.unique())
        .addColumn('masked_code', 'text')
        .addColumn('provider_ref', 'text')
        .addColumn('decline_reason', 'text')
        .addColumn('confirm_by', 'text')
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('business_date', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('refunded_amount', int, (c) => c.notNull().defaultTo(0))
        .addCheckConstraint(
          'wallet_payments_refund_limit',
          sql`refunded_amount >= 0 and refunded_amount <= amount`,
        )
        .modifyEnd(strict)
        .execute();
      await db.schema
        .createIndex('wallet_payments_business_date')
        .on('wallet_payments')
        .columns(['business_date', 'status'])
        .execute();
      await db.schema
        .createTable('wallet_refunds')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('original_key', 'text', (c) => c.notNull().references('wallet_payments.key'))
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('amount', int, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('pending', 'approved', 'declined')`),
        )
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('provider_ref', 'text')
        .addColumn('decline_reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .modifyEnd(strict)
        .execute();
      await db.schema
        .createIndex('wallet_refunds_original')
        .on('wallet_refunds')
        .column('original_key')
        .execute();
      await db.schema
        .createTable('wallet_secret')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('secret', 'text', (c) => c.notNull())
        .modifyEnd(strict)
        .execute();
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export class SchemaTooNewError extends Error {
  readonly code = 'db.newer_version';
  constructor(found: number) {
    super(
      `the gateway database has schema version ${found}, but this program knows only up to ${SCHEMA_VERSION}. ` +
        'It was written by a newer release and was left untouched: run that release.',
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Applies pending migrations, each in its own transaction. On PostgreSQL an advisory lock makes
 * gateways starting together on one database take turns, so each migration runs exactly once.
 */
export async function migrate(db: Kysely<GatewayDatabase>, dialect: Dialect): Promise<void> {
  const applied = async (trx: Transaction<GatewayDatabase>): Promise<number> => {
    if (dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(hashtext('venue-pos-gateway-migrate'))`.execute(trx);
    }
    await trx.schema
      .createTable('gateway_schema')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const row = await trx
      .selectFrom('gateway_schema')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    return Number(row?.version ?? 0);
  };

  const current = await db.transaction().execute(applied);
  if (current > SCHEMA_VERSION) throw new SchemaTooNewError(current);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await db.transaction().execute(async (trx) => {
      // Re-read under the lock: another gateway may have applied it meanwhile.
      if ((await applied(trx)) >= m.version) return;
      await m.up(trx, dialect);
      await trx
        .insertInto('gateway_schema')
        .values({ version: m.version, applied_at: new Date().toISOString() })
        .execute();
    });
  }
}

/**
 * Builds the schema as it was at `version` (the bookkeeping table and migrations 1..version),
 * in the given transaction: upgrade tests seed an old database this way, then migrate.
 */
export async function migrateUpTo(trx: Transaction<GatewayDatabase>, dialect: Dialect, version: number): Promise<void> {
  await trx.schema
    .createTable('gateway_schema')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  for (const m of MIGRATIONS.filter((m) => m.version <= version)) {
    await m.up(trx, dialect);
    await trx.insertInto('gateway_schema').values({ version: m.version, applied_at: 'then' }).execute();
  }
}
