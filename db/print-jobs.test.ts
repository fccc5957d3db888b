import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from './open';
import {
  enqueuePrintJob,
  getPrintJob,
  markInterrupted,
  markNotStarted,
  markPrinted,
  markPrinting,
  nextWaitingJob,
  recentPrintJobs,
  recoverPrintJobs,
  waitingJobCount,
} from './print-jobs';
import { openTerminalDb } from './terminal-db';

let dir: string;
let db: Db;
const AT = '2026-11-21T12:00:00.000Z';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-print-jobs-'));
  db = openTerminalDb(dir);
  ['S1', 'S2', 'S3'].forEach((id, k) =>
    db
      .prepare(
        `INSERT INTO sales (sale_id, status, currency, started_at, completed_at, business_date, receipt_no, receipt_token,
           subtotal, tax_total, total, cash_rounding, change_given)
         VALUES (?, 'completed', 'CNY', ?, ?, '2026-11-21', ?, ?, 100, 0, 100, 0, 0)`,
      )
      .run(id, AT, AT, k + 1, `TOKEN${k}`),
  );
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('print jobs', () => {
  it('queues jobs in seq order 1, 2, 3 and hands out the oldest first', () => {
    const a = enqueuePrintJob(db, { kind: 'receipt', saleId: 'S1', at: AT });
    const b = enqueuePrintJob(db, { kind: 'drawer', payload: { pin: 2 }, at: AT });
    const c = enqueuePrintJob(db, { kind: 'receipt', saleId: 'S2', at: AT });
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(nextWaitingJob(db)?.jobId).toBe(a.jobId);
    markPrinting(db, a.jobId);
    markPrinted(db, a.jobId, AT);
    expect(nextWaitingJob(db)?.jobId).toBe(b.jobId);
    expect(getPrintJob(db, b.jobId)?.payload).toEqual({ pin: 2 });
    expect(waitingJobCount(db)).toBe(2);
  });

  it('refuses a second original receipt for the same sale', () => {
    enqueuePrintJob(db, { kind: 'receipt', saleId: 'S1', at: AT });
    expect(() => enqueuePrintJob(db, { kind: 'receipt', saleId: 'S1', at: AT })).toThrow(/UNIQUE/);
    // copies are reprint jobs and may be many
    enqueuePrintJob(db, { kind: 'reprint', saleId: 'S1', copy: true, at: AT });
    enqueuePrintJob(db, { kind: 'reprint', saleId: 'S1', copy: true, at: AT });
    expect(waitingJobCount(db)).toBe(3);
  });

  it('a job interrupted mid-way goes back to the queue as a COPY, and is printed once more', () => {
    const a = enqueuePrintJob(db, { kind: 'receipt', saleId: 'S1', at: AT });
    markPrinting(db, a.jobId);
    markInterrupted(db, a.jobId, 'paper out');
    const again = nextWaitingJob(db);
    expect(again).toMatchObject({
      jobId: a.jobId,
      status: 'queued',
      copy: true,
      attempts: 1,
      lastError: 'paper out',
    });
    markPrinting(db, a.jobId);
    markPrinted(db, a.jobId, AT);
    expect(getPrintJob(db, a.jobId)).toMatchObject({
      status: 'printed',
      copy: true,
      attempts: 2,
      printedAt: AT,
    });
    expect(nextWaitingJob(db)).toBeUndefined();
  });

  it('a job refused before any byte left stays an original', () => {
    const a = enqueuePrintJob(db, { kind: 'receipt', saleId: 'S1', at: AT });
    markPrinting(db, a.jobId);
    markNotStarted(db, a.jobId, 'cover open');
    expect(getPrintJob(db, a.jobId)).toMatchObject({ status: 'queued', copy: false, attempts: 0 });
  });

  it("after a crash, a job found 'printing' is queued again as a copy (the state survives reopening)", () => {
    const a = enqueuePrintJob(db, { kind: 'receipt', saleId: 'S1', at: AT });
    const b = enqueuePrintJob(db, { kind: 'receipt', saleId: 'S2', at: AT });
    markPrinting(db, a.jobId);
    db.close();
    db = openTerminalDb(dir);
    expect(getPrintJob(db, a.jobId)?.status).toBe('printing');
    expect(recoverPrintJobs(db)).toBe(1);
    expect(getPrintJob(db, a.jobId)).toMatchObject({ status: 'queued', copy: true });
    expect(getPrintJob(db, b.jobId)).toMatchObject({ status: 'queued', copy: false });
    expect(nextWaitingJob(db)?.jobId).toBe(a.jobId);
  });

  it('marks are guarded: printed only from printing, printing only from queued', () => {
    const a = enqueuePrintJob(db, { kind: 'test', at: AT });
    expect(() => markPrinted(db, a.jobId, AT)).toThrow(/not printing/);
    markPrinting(db, a.jobId);
    expect(() => markPrinting(db, a.jobId)).toThrow(/not queued/);
  });

  it('lists recent jobs newest first', () => {
    enqueuePrintJob(db, { kind: 'receipt', saleId: 'S1', at: AT });
    enqueuePrintJob(db, { kind: 'receipt', saleId: 'S2', at: AT });
    enqueuePrintJob(db, { kind: 'receipt', saleId: 'S3', at: AT });
    expect(recentPrintJobs(db, 2).map((j) => j.saleId)).toEqual(['S3', 'S2']);
  });
});
