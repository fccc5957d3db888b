// Refunds storage (ARCHITECTURE §5): refunds of completed sales as new rows (migration 004), and
// the reads a refund is checked against: the sale, its tenders, and what is already refunded.
// A refund counts against the sale while pending (its money may be on its way back) and once
// completed; a failed one never does.
import type { RefundDto, RefundTenderStatus } from '../contract/api';
import type { Db } from './open';
import { prep } from './statements';

export interface CompletedSaleRow {
  saleId: string;
  receiptNo: number;
  receiptToken: string;
  currency: string;
  completedAt: string;
  subtotal: number;
  total: number;
}

interface SaleRaw {
  sale_id: string;
  receipt_no: number;
  receipt_token: string;
  currency: string;
  completed_at: string;
  subtotal: number;
  total: number;
}

const SALE_SQL =
  "SELECT sale_id, receipt_no, receipt_token, currency, completed_at, subtotal, total FROM sales WHERE status = 'completed'";

const toSale = (r: SaleRaw | undefined): CompletedSaleRow | undefined =>
  r && {
    saleId: r.sale_id,
    receiptNo: r.receipt_no,
    receiptToken: r.receipt_token,
    currency: r.currency,
    completedAt: r.completed_at,
    subtotal: r.subtotal,
    total: r.total,
  };

export function completedSaleById(db: Db, saleId: string): CompletedSaleRow | undefined {
  return toSale(prep(db, `${SALE_SQL} AND sale_id = ?`).get(saleId) as SaleRaw | undefined);
}

export function completedSaleByReceiptNo(db: Db, receiptNo: number): CompletedSaleRow | undefined {
  return toSale(prep(db, `${SALE_SQL} AND receipt_no = ?`).get(receiptNo) as SaleRaw | undefined);
}

export function completedSaleByToken(db: Db, token: string): CompletedSaleRow | undefined {
  return toSale(prep(db, `${SALE_SQL} AND receipt_token = ?`).get(token) as SaleRaw | undefined);
}

/** How a completed sale was paid: cash from the drawer, a card or a wallet payment code. */
export type TenderKind = 'cash' | 'card' | 'wallet';

export interface SaleTender {
  paymentId: string;
  kind: TenderKind;
  amount: number;
}

/** A completed sale's tenders, card tenders first (card money goes back to the card first). */
export function saleTenders(db: Db, saleId: string): SaleTender[] {
  return (
    prep(
      db,
      "SELECT payment_id, kind, amount FROM payments WHERE sale_id = ? ORDER BY kind = 'cash', created_at, payment_id",
    ).all(saleId) as { payment_id: string; kind: TenderKind; amount: number }[]
  ).map((r) => ({ paymentId: r.payment_id, kind: r.kind, amount: r.amount }));
}

/** Quantities refunded (or being refunded) per line of the sale. */
export function refundedQuantities(db: Db, saleId: string): Map<string, number> {
  const rows = prep(
    db,
    `SELECT l.line_id, SUM(l.quantity) AS q FROM refund_lines l JOIN refunds r USING (refund_id)
      WHERE r.sale_id = ? AND r.status <> 'failed' GROUP BY l.line_id`,
  ).all(saleId) as { line_id: string; q: number }[];
  return new Map(rows.map((r) => [r.line_id, r.q]));
}

/** Money refunded (or being refunded) per original tender of the sale. */
export function refundedPerTender(db: Db, saleId: string): Map<string, number> {
  const rows = prep(
    db,
    `SELECT t.payment_id, SUM(t.amount) AS a FROM refund_tenders t JOIN refunds r USING (refund_id)
      WHERE r.sale_id = ? AND r.status <> 'failed' AND t.status NOT IN ('declined', 'not_sent')
      GROUP BY t.payment_id`,
  ).all(saleId) as { payment_id: string; a: number }[];
  return new Map(rows.map((r) => [r.payment_id, r.a]));
}

export interface NewRefund {
  refundId: string;
  saleId: string;
  amount: number;
  currency: string;
  basis: 'lines' | 'amount';
  approvedBy: string | null;
  reason: string | null;
  shiftId: string | null;
  at: string;
  lines: { lineId: string; quantity: number; amount: number }[];
  tenders: {
    tenderId: string;
    paymentId: string;
    kind: TenderKind;
    amount: number;
    status: RefundTenderStatus;
    reason: string | null;
  }[];
}

/** Inserts a pending refund with its lines and tenders. Call inside the refund's transaction. */
export function insertRefund(db: Db, r: NewRefund): void {
  prep(
    db,
    `INSERT INTO refunds (refund_id, sale_id, status, amount, currency, basis, approved_by, reason, shift_id, created_at, updated_at)
     VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(r.refundId, r.saleId, r.amount, r.currency, r.basis, r.approvedBy, r.reason, r.shiftId, r.at, r.at);
  const line = prep(
    db,
    'INSERT INTO refund_lines (refund_id, line_id, quantity, amount) VALUES (?, ?, ?, ?)',
  );
  for (const l of r.lines) line.run(r.refundId, l.lineId, l.quantity, l.amount);
  const tender = prep(
    db,
    `INSERT INTO refund_tenders (tender_id, refund_id, payment_id, kind, amount, status, reason, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const t of r.tenders) {
    tender.run(
      t.tenderId,
      r.refundId,
      t.paymentId,
      t.kind,
      t.amount,
      t.status,
      t.reason,
      r.at,
      r.at,
    );
  }
}

/** Records a pending tender's outcome; only a pending tender of a pending refund moves. */
export function settleRefundTender(
  db: Db,
  tenderId: string,
  status: RefundTenderStatus,
  at: string,
  patch: { acquirerRef?: string | null; reason?: string | null } = {},
): boolean {
  return (
    prep(
      db,
      `UPDATE refund_tenders SET status = ?, acquirer_ref = COALESCE(?, acquirer_ref), reason = COALESCE(?, reason), updated_at = ?
        WHERE tender_id = ? AND status = 'pending'`,
    ).run(status, patch.acquirerRef ?? null, patch.reason ?? null, at, tenderId).changes === 1
  );
}

/** Completes (or fails) a pending refund. After this its rows are frozen by triggers. */
export function finishRefund(
  db: Db,
  refundId: string,
  outcome:
    | { status: 'completed'; at: string; businessDate: string; amount: number }
    | { status: 'failed'; at: string; reason: string },
): void {
  const changed =
    outcome.status === 'completed'
      ? prep(
          db,
          `UPDATE refunds SET status = 'completed', amount = ?, completed_at = ?, business_date = ?, updated_at = ?
            WHERE refund_id = ? AND status = 'pending'`,
        ).run(outcome.amount, outcome.at, outcome.businessDate, outcome.at, refundId).changes
      : prep(
          db,
          "UPDATE refunds SET status = 'failed', reason = ?, updated_at = ? WHERE refund_id = ? AND status = 'pending'",
        ).run(outcome.reason, outcome.at, refundId).changes;
  if (changed !== 1) throw new Error(`refund ${refundId} is not pending`);
}

export interface RefundRecord extends Omit<RefundDto, 'receiptRef' | 'tenders'> {
  basis: 'lines' | 'amount';
  approvedBy: string | null;
  reason: string | null;
  businessDate: string | null;
  /** The shift the refund's cash left from (null before shifts). */
  shiftId: string | null;
  tenders: (RefundDto['tenders'][number] & { tenderId: string; acquirerRef: string | null })[];
}

interface RefundRaw {
  refund_id: string;
  sale_id: string;
  status: 'pending' | 'completed' | 'failed';
  amount: number;
  currency: string;
  basis: 'lines' | 'amount';
  approved_by: string | null;
  reason: string | null;
  shift_id: string | null;
  created_at: string;
  completed_at: string | null;
  business_date: string | null;
}

function toRecord(db: Db, r: RefundRaw): RefundRecord {
  const lines = prep(
    db,
    'SELECT line_id, quantity, amount FROM refund_lines WHERE refund_id = ? ORDER BY rowid',
  ).all(r.refund_id) as { line_id: string; quantity: number; amount: number }[];
  const tenders = prep(
    db,
    'SELECT tender_id, payment_id, kind, amount, status, acquirer_ref, reason FROM refund_tenders WHERE refund_id = ? ORDER BY rowid',
  ).all(r.refund_id) as {
    tender_id: string;
    payment_id: string;
    kind: TenderKind;
    amount: number;
    status: RefundTenderStatus;
    acquirer_ref: string | null;
    reason: string | null;
  }[];
  return {
    refundId: r.refund_id,
    saleId: r.sale_id,
    status: r.status,
    amount: r.amount,
    currency: r.currency,
    basis: r.basis,
    approvedBy: r.approved_by,
    reason: r.reason,
    createdAt: r.created_at,
    completedAt: r.completed_at,
    businessDate: r.business_date,
    shiftId: r.shift_id,
    lines: lines.map((l) => ({ lineId: l.line_id, quantity: l.quantity, amount: l.amount })),
    tenders: tenders.map((t) => ({
      tenderId: t.tender_id,
      paymentId: t.payment_id,
      kind: t.kind,
      amount: t.amount,
      status: t.status,
      acquirerRef: t.acquirer_ref,
      reason: t.reason,
    })),
  };
}

export function getRefund(db: Db, refundId: string): RefundRecord | undefined {
  const r = prep(db, 'SELECT * FROM refunds WHERE refund_id = ?').get(refundId) as
    RefundRaw | undefined;
  return r && toRecord(db, r);
}

export function refundsOfSale(db: Db, saleId: string): RefundRecord[] {
  return (
    prep(db, 'SELECT * FROM refunds WHERE sale_id = ? ORDER BY created_at, refund_id').all(
      saleId,
    ) as RefundRaw[]
  ).map((r) => toRecord(db, r));
}
