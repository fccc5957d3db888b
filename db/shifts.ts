// Shifts, cash movements and Z reports (schema 6). The rules that must never break (one open shift
// per drawer, nothing into a closed shift, frozen closed shifts and Zs, gapless Z numbers) are
// triggers and constraints; this file only reads and writes rows.
import type { DenominationCount } from '../contract/shifts';
import type { Db } from './open';
import { prep } from './statements';

export interface ShiftRow {
  shiftId: string;
  drawerId: string;
  cashierId: string;
  cashierName: string;
  openedBy: string;
  openedAt: string;
  businessDate: string;
  openingFloat: number;
  floatCounts: DenominationCount[];
  status: 'open' | 'closed';
  counted: number | null;
  counts: DenominationCount[] | null;
  expected: number | null;
  overShort: number | null;
  closedAt: string | null;
  closedBy: string | null;
  approvedBy: string | null;
  note: string | null;
  zNo: number | null;
}

interface Row {
  shift_id: string;
  drawer_id: string;
  cashier_id: string;
  cashier_name: string;
  opened_by: string;
  opened_at: string;
  business_date: string;
  opening_float: number;
  float_counts: string;
  status: 'open' | 'closed';
  counted: number | null;
  counts: string | null;
  expected: number | null;
  over_short: number | null;
  closed_at: string | null;
  closed_by: string | null;
  approved_by: string | null;
  note: string | null;
  z_no: number | null;
}

const COLUMNS =
  'shift_id, drawer_id, cashier_id, cashier_name, opened_by, opened_at, business_date, opening_float, float_counts, status, counted, counts, expected, over_short, closed_at, closed_by, approved_by, note, z_no';

const toShift = (r: Row): ShiftRow => ({
  shiftId: r.shift_id,
  drawerId: r.drawer_id,
  cashierId: r.cashier_id,
  cashierName: r.cashier_name,
  openedBy: r.opened_by,
  openedAt: r.opened_at,
  businessDate: r.business_date,
  openingFloat: r.opening_float,
  floatCounts: JSON.parse(r.float_counts) as DenominationCount[],
  status: r.status,
  counted: r.counted,
  counts: r.counts === null ? null : (JSON.parse(r.counts) as DenominationCount[]),
  expected: r.expected,
  overShort: r.over_short,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  approvedBy: r.approved_by,
  note: r.note,
  zNo: r.z_no,
});

export function insertShift(
  db: Db,
  s: Pick<
    ShiftRow,
    'shiftId' | 'drawerId' | 'cashierId' | 'cashierName' | 'openedBy' | 'openedAt' | 'businessDate' | 'openingFloat' | 'floatCounts'
  >,
): void {
  prep(
    db,
    `INSERT INTO shifts (shift_id, drawer_id, cashier_id, cashier_name, opened_by, opened_at, business_date, opening_float, float_counts, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
  ).run(s.shiftId, s.drawerId, s.cashierId, s.cashierName, s.openedBy, s.openedAt, s.businessDate, s.openingFloat, JSON.stringify(s.floatCounts));
}

export function openShiftOf(db: Db, drawerId: string): ShiftRow | undefined {
  const r = prep(db, `SELECT ${COLUMNS} FROM shifts WHERE drawer_id = ? AND status = 'open'`).get(drawerId) as Row | undefined;
  return r && toShift(r);
}

export function getShift(db: Db, shiftId: string): ShiftRow | undefined {
  const r = prep(db, `SELECT ${COLUMNS} FROM shifts WHERE shift_id = ?`).get(shiftId) as Row | undefined;
  return r && toShift(r);
}

/** The blind count, recorded once while the shift is still open (awaiting approval when off). */
export function recordCount(db: Db, shiftId: string, counts: DenominationCount[], counted: number, expected: number): void {
  const changed = prep(
    db,
    "UPDATE shifts SET counts = ?, counted = ?, expected = ?, over_short = ? WHERE shift_id = ? AND status = 'open' AND counts IS NULL",
  ).run(JSON.stringify(counts), counted, expected, counted - expected, shiftId).changes;
  if (changed !== 1) throw new Error(`shift ${shiftId} is not open or already counted`);
}

export function closeShiftRow(
  db: Db,
  shiftId: string,
  c: { closedAt: string; closedBy: string; approvedBy: string | null; note: string | null; report: unknown },
): void {
  const changed = prep(
    db,
    `UPDATE shifts SET status = 'closed', closed_at = ?, closed_by = ?, approved_by = ?, note = ?, report = ?
      WHERE shift_id = ? AND status = 'open' AND counts IS NOT NULL`,
  ).run(c.closedAt, c.closedBy, c.approvedBy, c.note, JSON.stringify(c.report), shiftId).changes;
  if (changed !== 1) throw new Error(`shift ${shiftId} is not open and counted`);
}

/** Closed shifts not yet in a Z, oldest first. */
export function shiftsAwaitingZ(db: Db): ShiftRow[] {
  return (
    prep(db, `SELECT ${COLUMNS} FROM shifts WHERE status = 'closed' AND z_no IS NULL ORDER BY opened_at, shift_id`).all() as Row[]
  ).map(toShift);
}

export function openShifts(db: Db): ShiftRow[] {
  return (prep(db, `SELECT ${COLUMNS} FROM shifts WHERE status = 'open' ORDER BY opened_at`).all() as Row[]).map(toShift);
}

/** A closed shift's report (the last closed shift's when no id). */
export function shiftReport(db: Db, shiftId?: string): unknown {
  const r = (
    shiftId === undefined
      ? prep(db, "SELECT report FROM shifts WHERE status = 'closed' ORDER BY closed_at DESC, shift_id DESC LIMIT 1").get()
      : prep(db, 'SELECT report FROM shifts WHERE shift_id = ?').get(shiftId)
  ) as { report: string | null } | undefined;
  return r?.report ? (JSON.parse(r.report) as unknown) : undefined;
}

export function listShifts(db: Db): ShiftRow[] {
  return (prep(db, `SELECT ${COLUMNS} FROM shifts ORDER BY opened_at, shift_id`).all() as Row[]).map(toShift);
}

// ---------- cash movements ----------

export type CashMovementKind = 'drop' | 'paid_in' | 'paid_out' | 'no_sale';

export function insertCashMovement(
  db: Db,
  m: {
    movementId: string;
    shiftId: string;
    kind: CashMovementKind;
    amount: number;
    counts: DenominationCount[] | null;
    reason: string | null;
    staffId: string;
    approvedBy: string | null;
    at: string;
    businessDate: string;
  },
): void {
  prep(
    db,
    `INSERT INTO cash_movements (movement_id, shift_id, kind, amount, counts, reason, staff_id, approved_by, at, business_date)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    m.movementId,
    m.shiftId,
    m.kind,
    m.amount,
    m.counts === null ? null : JSON.stringify(m.counts),
    m.reason,
    m.staffId,
    m.approvedBy,
    m.at,
    m.businessDate,
  );
}

// ---------- Z ----------

export function lastZ(db: Db): { zNo: number; closedAt: string; grandTotal: number } | undefined {
  const r = prep(db, 'SELECT z_no, closed_at, grand_total FROM z_reports ORDER BY z_no DESC LIMIT 1').get() as
    | { z_no: number; closed_at: string; grand_total: number }
    | undefined;
  return r && { zNo: r.z_no, closedAt: r.closed_at, grandTotal: r.grand_total };
}

export function insertZ(
  db: Db,
  z: { zNo: number; businessDate: string; closedAt: string; closedBy: string; grandTotal: number; report: unknown; shiftIds: readonly string[] },
): void {
  prep(
    db,
    'INSERT INTO z_reports (z_no, business_date, closed_at, closed_by, grand_total, report) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(z.zNo, z.businessDate, z.closedAt, z.closedBy, z.grandTotal, JSON.stringify(z.report));
  const mark = prep(db, 'UPDATE shifts SET z_no = ? WHERE shift_id = ? AND z_no IS NULL');
  for (const id of z.shiftIds) mark.run(z.zNo, id);
}

export function zReport(db: Db, zNo?: number): unknown {
  const r = (
    zNo === undefined
      ? prep(db, 'SELECT report FROM z_reports ORDER BY z_no DESC LIMIT 1').get()
      : prep(db, 'SELECT report FROM z_reports WHERE z_no = ?').get(zNo)
  ) as { report: string } | undefined;
  return r ? (JSON.parse(r.report) as unknown) : undefined;
}

/** Card payments refused and not yet on any Z, with the shift they belong to. */
export function unreportedRefusals(db: Db): { paymentId: string; shiftId: string | null; amount: number }[] {
  return (
    prep(
      db,
      `SELECT payment_id, shift_id, amount FROM card_payments
        WHERE state = 'refused' AND reported_z IS NULL ORDER BY updated_at, payment_id`,
    ).all() as { payment_id: string; shift_id: string | null; amount: number }[]
  ).map((r) => ({ paymentId: r.payment_id, shiftId: r.shift_id, amount: r.amount }));
}

/** Marks refusals as reported on Z `zNo`. */
export function markRefusalsReported(db: Db, paymentIds: readonly string[], zNo: number): void {
  const mark = prep(db, 'UPDATE card_payments SET reported_z = ? WHERE payment_id = ? AND reported_z IS NULL');
  for (const id of paymentIds) mark.run(zNo, id);
}
