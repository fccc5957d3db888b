// The gateway's repository layer: everything the routes need from storage, one interface over two
// dialects (SQLite embedded, PostgreSQL for production). Implemented with Kysely in
// gateway/storage/. Routes never see SQL.
import type {
  ReferenceKind,
  ShiftsQuery,
  ShiftSummary,
  SummaryQuery,
  SummaryReport,
  TerminalInfo,
  ZReportSummary,
} from '../contract/gateway';
import type { DeclineReason, PaymentStatus, RefundStatus } from '../contract/payments';
import type { WalletStore } from './storage/wallet-store';

export interface EnrollmentCodeRecord {
  /** SHA-256 hex of the normalised code: the code itself is never stored. */
  codeHash: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  /** Set once used: who used it and the exact reply, so a lost reply can be retried. */
  usedByTerminal: string | null;
  usedWithKey: string | null;
  reply: string | null;
}

export interface TerminalRecord {
  terminalId: string;
  name: string;
  /** Ed25519 public key, SPKI DER base64. */
  publicKey: string;
  status: 'active' | 'revoked';
  enrolledAt: string;
}

/** One event ready for storage: validated, with its content hash. */
export interface IngestEvent {
  seq: number;
  eventId: string;
  type: string;
  v: number;
  at: string;
  businessDate: string;
  /** Canonical JSON of the whole envelope. */
  payload: string;
  /** SHA-256 hex of `payload`. */
  payloadHash: string;
}

/** Rows derived from a `sale.completed` event, written in the same transaction as the event. */
export interface DerivedSale {
  terminalId: string;
  seq: number;
  saleId: string;
  receiptNo: number;
  receiptRef: string;
  receiptToken: string;
  currency: string;
  completedAt: string;
  businessDate: string;
  /** Venue-local hour `YYYY-MM-DDTHH`, computed at ingest. */
  localHour: string;
  total: number;
  taxTotal: number;
  /** Deposits charged minus paid back (inside `total`, outside revenue); 0 before event v2. */
  deposits: number;
  discounts: number;
  comps: number;
  lines: {
    position: number;
    kind: 'item' | 'combo' | 'deposit' | 'deposit_return';
    productId: string;
    categoryId: string;
    nameEn: string;
    nameZh: string;
    quantity: number;
    /** unitPrice × quantity, before `discount`. */
    amount: number;
    discount: number;
  }[];
  payments: { paymentId: string; tender: string; amount: number; rounding: number }[];
  /** The whole sale document (JSON) for the receipt page. */
  document: string;
  /** The shift the terminal says the sale belongs to; else the gateway finds it by time. */
  shiftId?: string | null;
}

/** A shift as the reports show it: the route's summary plus who and when, for the page. */
export interface ShiftRecord extends ShiftSummary {
  cashier: string;
  openedAt: string;
  closedAt: string | null;
}

/**
 * Rows derived from the shift and day events (`shift.opened`, `shift.closed`, `day.closed`) and
 * from `refund.completed`, written with their events and only for newly stored ones.
 */
export type DerivedRecord =
  | {
      kind: 'shift.opened';
      seq: number;
      terminalId: string;
      shiftId: string;
      businessDate: string;
      cashier: string;
      openedAt: string;
    }
  | {
      kind: 'shift.closed';
      seq: number;
      terminalId: string;
      shiftId: string;
      businessDate: string;
      cashier: string | null;
      openedAt: string | null;
      closedAt: string;
      sales: { count: number; amount: number };
      overShort: number | null;
    }
  | {
      kind: 'day.closed';
      seq: number;
      terminalId: string;
      zNumber: number;
      businessDate: string;
      closedAt: string;
      grandTotal: number;
      /** The Z report as sent (JSON). */
      report: string;
      /** The refusals this Z reported, with the shift the terminal says they belong to. */
      lateRefusals: { paymentId: string; shiftId: string | null; amount: number }[];
    }
  | {
      kind: 'refund.completed';
      seq: number;
      terminalId: string;
      refundId: string;
      saleId: string;
      amount: number;
      currency: string;
      completedAt: string;
      businessDate: string;
      shiftId: string | null;
    };

export type IngestOutcome =
  | {
      ok: true;
      /** Seqs newly stored by this call. */
      inserted: number[];
      /** Seqs already stored with the same payload hash. */
      duplicates: number[];
      ackedSeq: number;
      missing: [number, number][];
    }
  | { ok: false; conflicts: number[] };

export interface ChainHeadRecord {
  seq: number;
  hash: string;
  signature: string;
  receivedAt: string;
}

export interface SettlementRow {
  business_date: string;
  terminal_id: string;
  terminal_name: string;
  receipt_ref: string;
  sale_id: string;
  completed_at: string;
  tender: string;
  currency: string;
  amount: number;
  rounding: number;
}

/** A card payment as stored (gateway/storage/schema.ts `payments`). No PAN, no payload. */
export interface PaymentRecord {
  key: string;
  terminalId: string;
  saleId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  /** null for a tombstone (a key reversed before any authorization). */
  requestHash: string | null;
  arqcHash: string | null;
  maskedPan: string | null;
  brand: string | null;
  aid: string | null;
  label: string | null;
  entryMode: string | null;
  cardKey: string | null;
  atc: string | null;
  authCode: string | null;
  acquirerRef: string | null;
  declineReason: DeclineReason | null;
  standIn: boolean;
  forwardedAt: string | null;
  offlineStoredAt: string | null;
  businessDate: string;
  createdAt: string;
  updatedAt: string;
  capturedAt: string | null;
  captureDate: string | null;
  reversedAt: string | null;
  refundedAmount: number;
}

/** What may change on a payment after it is inserted. */
export type PaymentPatch = Partial<
  Pick<
    PaymentRecord,
    | 'status'
    | 'authCode'
    | 'acquirerRef'
    | 'declineReason'
    | 'standIn'
    | 'forwardedAt'
    | 'capturedAt'
    | 'captureDate'
    | 'reversedAt'
  >
> & { updatedAt: string };

export interface StandInLimits {
  exposureCap: number;
  perTransactionLimit: number;
  countPerCard: number;
}

export type StandInDecision = 'approved' | 'stand_in_cap' | 'stand_in_limit' | 'velocity';

export interface RefundRecord {
  key: string;
  originalKey: string;
  terminalId: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  requestHash: string;
  lines: string | null;
  acquirerRef: string | null;
  declineReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export type RefundReservation =
  | { kind: 'reserved'; refund: RefundRecord; remaining: number }
  | { kind: 'exists'; refund: RefundRecord; remaining: number }
  | { kind: 'exceeds'; remaining: number }
  /** A line would be refunded beyond its sold quantity (across refunds of the sale's payments). */
  | { kind: 'lines_exceed'; lineId: string; left: number }
  | { kind: 'no_payment' };

export interface CaptureBatchRecord {
  businessDate: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  count: number;
  amount: number;
  currency: string;
  acquirerBatchRef: string | null;
}

export interface StandInTotals {
  outstanding: { count: number; amount: number };
  byCard: { cardKey: string; count: number; amount: number }[];
  forwarded: { count: number; amount: number };
  refused: { count: number; amount: number };
  declined: Record<'stand_in_cap' | 'velocity' | 'stand_in_limit', number>;
}

export interface GatewayStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Wallet payments and their refunds (migration 6, storage/wallet-store.ts). */
  readonly wallet: WalletStore;
  /** Creates or upgrades the schema (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // enrollment
  insertEnrollmentCode(
    code: Omit<EnrollmentCodeRecord, 'usedByTerminal' | 'usedWithKey' | 'reply'>,
  ): Promise<void>;
  getEnrollmentCode(codeHash: string): Promise<EnrollmentCodeRecord | undefined>;
  /**
   * Atomically: mark the code used by (terminalId, publicKey) with `reply`, and insert the
   * terminal. Returns 'used' when another terminal or key already used it (nothing changes).
   */
  completeEnrollment(args: {
    codeHash: string;
    terminal: TerminalRecord;
    reply: string;
  }): Promise<'ok' | 'used'>;

  // terminals
  getTerminal(terminalId: string): Promise<TerminalRecord | undefined>;
  listTerminals(): Promise<TerminalInfo[]>;
  /** Returns false when no such terminal exists. */
  revokeTerminal(terminalId: string): Promise<boolean>;
  touchTerminal(terminalId: string, lastSeenAt: string): Promise<void>;

  /** Records a request nonce; false when the terminal already used it (a replay). */
  recordNonce(terminalId: string, nonce: string, expiresAt: string): Promise<boolean>;
  purgeNonces(before: string): Promise<number>;

  // ingest
  /**
   * Stores a batch in ONE transaction with multi-row INSERT … ON CONFLICT DO NOTHING. An event
   * whose (terminal, seq) exists with another payload hash is a conflict: nothing of the batch
   * is stored. Derived sale rows are written only for newly inserted events. Advances the
   * terminal's contiguous acked seq.
   */
  ingest(
    terminalId: string,
    events: IngestEvent[],
    sales: DerivedSale[],
    receivedAt: string,
    /** Shift, day and refund rows (applied in seq order, only for newly stored events). */
    derived?: DerivedRecord[],
  ): Promise<IngestOutcome>;
  storeChainHead(terminalId: string, head: ChainHeadRecord): Promise<void>;
  getChainHead(terminalId: string): Promise<ChainHeadRecord | undefined>;
  /** Counts for tests and tools: events stored for a terminal (or all). */
  countEvents(terminalId?: string): Promise<number>;

  // reference data
  getReference(
    kind: ReferenceKind,
  ): Promise<{ version: number; body: string; updatedAt: string } | undefined>;
  /** Stores a new version (previous + 1) and returns it. */
  putReference(kind: ReferenceKind, body: string, updatedAt: string): Promise<number>;
  /**
   * Read-modify-write of one reference document, atomic across gateway instances: `change` gets
   * the stored body (undefined when none) and returns the new one. A different body is stored as
   * the next version; the same body changes nothing (`changed: false`).
   */
  updateReference(
    kind: ReferenceKind,
    change: (body: string | undefined) => string,
    updatedAt: string,
  ): Promise<{ version: number; body: string; updatedAt: string; changed: boolean }>;

  // stop-sale confirmations
  /** Records the stop-sale version a terminal says it applied (replacing what it said before). */
  ackStopSale(terminalId: string, version: number, at: string): Promise<void>;
  /** Every terminal's last confirmation. */
  stopSaleAcks(): Promise<{ terminalId: string; version: number; ackedAt: string }[]>;

  // reports
  summary(query: SummaryQuery & { currency: string }): Promise<SummaryReport>;
  saleByReceiptToken(
    token: string,
  ): Promise<{ terminalName: string; document: string } | undefined>;
  settlement(query: SummaryQuery): Promise<SettlementRow[]>;
  /** Every terminal's shifts in the range (business dates), oldest first. */
  shifts(query: ShiftsQuery): Promise<ShiftRecord[]>;
  /** Every terminal's Z reports in the range (business dates), by terminal and number. */
  zReports(query: ShiftsQuery): Promise<ZReportSummary[]>;

  // card payments (ARCHITECTURE §5)
  /**
   * Inserts a new payment; false when its key, or its ARQC hash, is already stored (nothing
   * changes). The insert is the claim: of concurrent identical requests exactly one wins.
   */
  insertPayment(payment: PaymentRecord): Promise<boolean>;
  getPayment(key: string): Promise<PaymentRecord | undefined>;
  getPaymentByArqc(arqcHash: string): Promise<PaymentRecord | undefined>;
  /** Updates when the payment is in one of `from` (any state when omitted); false otherwise. */
  updatePayment(
    key: string,
    patch: PaymentPatch,
    from?: readonly PaymentStatus[],
  ): Promise<boolean>;
  /**
   * The stand-in decision for a `pending` payment, atomically across all terminals and gateway
   * instances: approves it (status `stand_in_approved`) when its amount, the venue's outstanding
   * stand-in exposure and the card key's outstanding count stay within `limits`, else declines it
   * with the reason. Returns the decision.
   */
  standIn(key: string, limits: StandInLimits, at: string): Promise<StandInDecision>;
  /** Stand-in approvals not yet forwarded to the acquirer, oldest first. */
  standInsToForward(limit: number): Promise<PaymentRecord[]>;
  standInTotals(): Promise<StandInTotals>;

  /**
   * Reserves `refund.amount` on the original payment and inserts the refund (status pending), in
   * one transaction; a refund whose key exists is returned as is. Never lets the payment's
   * refunded amount exceed its amount.
   */
  reserveRefund(
    refund: RefundRecord,
    /** Sold quantity per line id of the payment's sale, when the gateway holds the sale. */
    lineLimits?: ReadonlyMap<string, number>,
  ): Promise<RefundReservation>;
  /** Quantity per line id of a completed sale, from its stored document; undefined if unknown. */
  saleLineQuantities(saleId: string): Promise<Map<string, number> | undefined>;
  getRefund(key: string): Promise<RefundRecord | undefined>;
  /** Marks a pending refund approved, or declined (its reserved amount released). */
  settleRefund(
    key: string,
    outcome: { status: 'approved'; acquirerRef: string } | { status: 'declined'; reason: string },
    at: string,
  ): Promise<void>;

  /**
   * Starts the batch of a business date, or returns the existing one (`created: false`). A failed
   * batch, or one still `running` that started before `staleBefore` (its gateway died), is taken
   * over and run again (`created: true`).
   */
  beginCaptureBatch(
    batch: CaptureBatchRecord,
    staleBefore: string,
  ): Promise<{ created: boolean; batch: CaptureBatchRecord }>;
  getCaptureBatch(businessDate: string): Promise<CaptureBatchRecord | undefined>;
  /** Approved, uncaptured, unreversed payments of `businessDate` and earlier. */
  capturablePayments(businessDate: string): Promise<PaymentRecord[]>;
  /** Marks the keys captured in the batch and finishes it with its totals, in one transaction. */
  finishCaptureBatch(
    businessDate: string,
    keys: string[],
    result: { status: 'done' | 'failed'; finishedAt: string; acquirerBatchRef: string | null },
  ): Promise<CaptureBatchRecord>;
  /** The payments a batch captured, in key order. */
  capturedIn(businessDate: string): Promise<PaymentRecord[]>;
}
