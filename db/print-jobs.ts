// Print jobs (schema 002): a receipt is a row written in the same transaction as its sale, and a
// worker sends rows in seq order. The states make the paper honest:
//   queued → printing (committed BEFORE the first byte leaves) → printed
//   printing → queued with copy = 1 when the attempt was cut off, or found after a crash,
// so a job interrupted mid-way is reprinted whole and says COPY: never lost, never two originals.
import { newId } from '../lib/ids';
import type { Db } from './open';
import { prep } from './statements';

export type PrintJobKind = 'receipt' | 'reprint' | 'test' | 'report' | 'drawer';
export type PrintJobStatus = 'queued' | 'printing' | 'printed' | 'cancelled';

export interface PrintJob {
  jobId: string;
  seq: number;
  kind: PrintJobKind;
  saleId: string | null;
  copy: boolean;
  status: PrintJobStatus;
  attempts: number;
  payload: unknown;
  createdAt: string;
  printedAt: string | null;
  lastError: string | null;
}

interface Row {
  job_id: string;
  seq: number;
  kind: PrintJobKind;
  sale_id: string | null;
  copy: number;
  status: PrintJobStatus;
  attempts: number;
  payload: string;
  created_at: string;
  printed_at: string | null;
  last_error: string | null;
}

const toJob = (r: Row): PrintJob => ({
  jobId: r.job_id,
  seq: r.seq,
  kind: r.kind,
  saleId: r.sale_id,
  copy: r.copy === 1,
  status: r.status,
  attempts: r.attempts,
  payload: JSON.parse(r.payload) as unknown,
  createdAt: r.created_at,
  printedAt: r.printed_at,
  lastError: r.last_error,
});

export interface EnqueueInput {
  kind: PrintJobKind;
  saleId?: string | null;
  payload?: unknown;
  copy?: boolean;
  at: string;
  /**
   * Record the job as already cancelled, with this reason (a till without a printer keeps the
   * record of each receipt, but nothing waits to print weeks later when one is set up).
   */
  cancelledReason?: string;
}

/**
 * Adds a job at the end of the queue. Call inside the business transaction it prints for, so the
 * sale and its receipt commit (or vanish) together. seq = max + 1 is safe: SQLite writers are
 * serialised, and seq is UNIQUE besides.
 */
export function enqueuePrintJob(db: Db, input: EnqueueInput): PrintJob {
  const jobId = newId();
  const { seq } = prep(db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM print_jobs').get() as {
    seq: number;
  };
  prep(
    db,
    `INSERT INTO print_jobs (job_id, seq, kind, sale_id, copy, status, payload, created_at, last_error)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    jobId,
    seq,
    input.kind,
    input.saleId ?? null,
    input.copy ? 1 : 0,
    input.cancelledReason === undefined ? 'queued' : 'cancelled',
    JSON.stringify(input.payload ?? {}),
    input.at,
    input.cancelledReason ?? null,
  );
  return getPrintJob(db, jobId) as PrintJob;
}

export function getPrintJob(db: Db, jobId: string): PrintJob | undefined {
  const row = prep(db, 'SELECT * FROM print_jobs WHERE job_id = ?').get(jobId) as Row | undefined;
  return row ? toJob(row) : undefined;
}

/** The first job still to print, in seq order (a 'printing' one first: it was never finished). */
export function nextWaitingJob(db: Db): PrintJob | undefined {
  const row = prep(
    db,
    "SELECT * FROM print_jobs WHERE status IN ('queued', 'printing') ORDER BY seq LIMIT 1",
  ).get() as Row | undefined;
  return row ? toJob(row) : undefined;
}

export function waitingJobCount(db: Db): number {
  return (
    prep(
      db,
      "SELECT COUNT(*) AS n FROM print_jobs WHERE status IN ('queued', 'printing')",
    ).get() as { n: number }
  ).n;
}

/**
 * Marks the job as being sent. Its own commit, BEFORE any byte goes to the printer: if the process
 * dies from here on, recovery finds 'printing' and reprints the job as a copy.
 */
export function markPrinting(db: Db, jobId: string): PrintJob {
  const changed = prep(
    db,
    "UPDATE print_jobs SET status = 'printing', attempts = attempts + 1 WHERE job_id = ? AND status = 'queued'",
  ).run(jobId).changes;
  if (changed !== 1) throw new Error(`print job ${jobId} is not queued`);
  return getPrintJob(db, jobId) as PrintJob;
}

export function markPrinted(db: Db, jobId: string, at: string): void {
  const changed = prep(
    db,
    "UPDATE print_jobs SET status = 'printed', printed_at = ?, last_error = NULL WHERE job_id = ? AND status = 'printing'",
  ).run(at, jobId).changes;
  if (changed !== 1) throw new Error(`print job ${jobId} is not printing`);
}

/**
 * The printer stopped during the job (fault, unplug): some of it may be on paper, so the whole job
 * goes back to the queue marked COPY. It can never print as an original again.
 */
export function markInterrupted(db: Db, jobId: string, reason: string): void {
  prep(
    db,
    "UPDATE print_jobs SET status = 'queued', copy = 1, last_error = ? WHERE job_id = ? AND status = 'printing'",
  ).run(reason, jobId);
}

/**
 * The job was refused before any byte left (the printer reported a fault first): nothing is on
 * paper, so it stays an original.
 */
export function markNotStarted(db: Db, jobId: string, reason: string): void {
  prep(
    db,
    "UPDATE print_jobs SET status = 'queued', attempts = attempts - 1, last_error = ? WHERE job_id = ? AND status = 'printing'",
  ).run(reason, jobId);
}

/** At start-up: a job left 'printing' by a crash may be half on paper; it prints again as a copy. */
export function recoverPrintJobs(db: Db): number {
  return prep(
    db,
    "UPDATE print_jobs SET status = 'queued', copy = 1, last_error = 'interrupted by a restart' WHERE status = 'printing'",
  ).run().changes;
}

export function cancelPrintJob(db: Db, jobId: string, reason: string): void {
  prep(
    db,
    "UPDATE print_jobs SET status = 'cancelled', last_error = ? WHERE job_id = ? AND status IN ('queued', 'printing')",
  ).run(reason, jobId);
}

/** The newest jobs first, for the Devices screen. */
export function recentPrintJobs(db: Db, limit = 20): PrintJob[] {
  return (prep(db, 'SELECT * FROM print_jobs ORDER BY seq DESC LIMIT ?').all(limit) as Row[]).map(
    toJob,
  );
}

/** The most recent completed sale's id (for "reprint last receipt"). */
export function lastCompletedSaleId(db: Db): string | undefined {
  const row = prep(
    db,
    "SELECT sale_id FROM sales WHERE status = 'completed' ORDER BY receipt_no DESC LIMIT 1",
  ).get() as { sale_id: string } | undefined;
  return row?.sale_id;
}

/** The newest printed job of one of `kinds`, for the Devices screen's preview. */
export function lastPrintedJob(db: Db, kinds: readonly PrintJobKind[]): PrintJob | undefined {
  const row = prep(
    db,
    `SELECT * FROM print_jobs WHERE status = 'printed' AND kind IN (${kinds.map(() => '?').join(', ')})
       ORDER BY seq DESC LIMIT 1`,
  ).get(...kinds) as Row | undefined;
  return row ? toJob(row) : undefined;
}
