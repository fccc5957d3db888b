// The gateway's repository layer: everything the routes need from storage, one interface over two
// dialects (SQLite embedded, PostgreSQL for production). Implemented with Kysely in
// gateway/storage/. Routes never see SQL.
import type { ReferenceKind, SummaryQuery, SummaryReport, TerminalInfo } from '../contract/gateway';

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
  lines: { position: number; productId: string; categoryId: string; nameEn: string; nameZh: string; quantity: number; amount: number }[];
  payments: { paymentId: string; tender: string; amount: number; rounding: number }[];
  /** The whole sale document (JSON) for the receipt page. */
  document: string;
}

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

export interface GatewayStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  // enrollment
  insertEnrollmentCode(code: Omit<EnrollmentCodeRecord, 'usedByTerminal' | 'usedWithKey' | 'reply'>): Promise<void>;
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
  ingest(terminalId: string, events: IngestEvent[], sales: DerivedSale[], receivedAt: string): Promise<IngestOutcome>;
  storeChainHead(terminalId: string, head: ChainHeadRecord): Promise<void>;
  getChainHead(terminalId: string): Promise<ChainHeadRecord | undefined>;
  /** Counts for tests and tools: events stored for a terminal (or all). */
  countEvents(terminalId?: string): Promise<number>;

  // reference data
  getReference(kind: ReferenceKind): Promise<{ version: number; body: string } | undefined>;
  /** Stores a new version (previous + 1) and returns it. */
  putReference(kind: ReferenceKind, body: string, updatedAt: string): Promise<number>;

  // reports
  summary(query: SummaryQuery & { currency: string }): Promise<SummaryReport>;
  saleByReceiptToken(token: string): Promise<{ terminalName: string; document: string } | undefined>;
  settlement(query: SummaryQuery): Promise<SettlementRow[]>;
}
