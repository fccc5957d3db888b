// Crash safety: a child process sells in a loop and is SIGKILLed at random moments. After every
// restart, each sale the API confirmed must be on disk whole, and nothing half-written may exist.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyJournal } from '../../db/journal';
import { openTerminalDb } from '../../db/terminal-db';

const KILLS = Number(process.env.POS_CRASH_KILLS ?? 60);
const root = resolve(import.meta.dirname, '../..');
// Inside the repo so the bundle's external imports (better-sqlite3) resolve from node_modules.
const bundle = join(root, 'node_modules/.cache/venue-pos-tests/sell-loop.mjs');
let dataDir: string;

beforeAll(async () => {
  mkdirSync(join(root, 'node_modules/.cache/venue-pos-tests'), { recursive: true });
  await build({
    entryPoints: [join(root, 'tests/crash/sell-loop.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay external: they load from node_modules as usual; only our TS is bundled.
    packages: 'external',
    logLevel: 'silent',
  });
  dataDir = mkdtempSync(join(tmpdir(), 'pos-crash-'));
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the child until `delayMs` after it is ready, SIGKILLs it, returns the confirmed sales. */
function runAndKill(delayMs: number): Promise<{ saleId: string; receiptNo: number }[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bundle, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POS_LOG_LEVEL: 'silent' },
    });
    const confirmed: { saleId: string; receiptNo: number }[] = [];
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs);
        const m = /^done (\S+) (\d+)$/.exec(line);
        if (m) confirmed.push({ saleId: m[1]!, receiptNo: Number(m[2]) });
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code ?? signal}: ${stderr}`));
      else resolvePromise(confirmed);
    });
  });
}

it(`keeps every confirmed sale whole through ${KILLS} SIGKILLs`, { timeout: 240_000 }, async () => {
  const confirmed = new Map<string, number>();
  for (let i = 0; i < KILLS; i++) {
    for (const s of await runAndKill(Math.floor(Math.random() * 120)))
      confirmed.set(s.saleId, s.receiptNo);

    const db = openTerminalDb(dataDir);
    try {
      const completed = db
        .prepare(
          "SELECT sale_id, receipt_no, subtotal + deposits AS subtotal FROM sales WHERE status = 'completed' ORDER BY receipt_no",
        )
        .all() as { sale_id: string; receipt_no: number; subtotal: number }[];
      const byId = new Map(completed.map((s) => [s.sale_id, s.receipt_no]));
      for (const [saleId, receiptNo] of confirmed)
        expect(byId.get(saleId), `confirmed sale ${saleId}`).toBe(receiptNo);
      // Receipt numbers 1..N without gaps.
      expect(completed.map((s) => s.receipt_no)).toEqual(completed.map((_, k) => k + 1));
      // Every completed sale is whole: lines that add up, one payment, one journal entry, one event.
      const lineSums = new Map(
        (
          db
            .prepare(
              'SELECT sale_id, SUM(amount) AS a, COUNT(*) AS n FROM sale_lines GROUP BY sale_id',
            )
            .all() as {
            sale_id: string;
            a: number;
          }[]
        ).map((r) => [r.sale_id, r.a]),
      );
      const payments = new Map(
        (
          db.prepare('SELECT sale_id, COUNT(*) AS n FROM payments GROUP BY sale_id').all() as {
            sale_id: string;
            n: number;
          }[]
        ).map((r) => [r.sale_id, r.n]),
      );
      for (const s of completed) {
        expect(lineSums.get(s.sale_id)).toBe(s.subtotal);
        expect(payments.get(s.sale_id)).toBe(1);
      }
      // Every completed sale has exactly one original receipt job and one drawer kick (cash), and
      // no print job exists for a sale that did not complete.
      const receiptJobs = new Map(
        (
          db
            .prepare(
              "SELECT sale_id, COUNT(*) AS n FROM print_jobs WHERE kind = 'receipt' GROUP BY sale_id",
            )
            .all() as { sale_id: string; n: number }[]
        ).map((r) => [r.sale_id, r.n]),
      );
      const drawerJobs = new Map(
        (
          db
            .prepare(
              "SELECT sale_id, COUNT(*) AS n FROM print_jobs WHERE kind = 'drawer' GROUP BY sale_id",
            )
            .all() as { sale_id: string; n: number }[]
        ).map((r) => [r.sale_id, r.n]),
      );
      for (const s of completed) {
        expect(receiptJobs.get(s.sale_id), `receipt job of ${s.sale_id}`).toBe(1);
        expect(drawerJobs.get(s.sale_id), `drawer job of ${s.sale_id}`).toBe(1);
      }
      expect(
        db
          .prepare(
            "SELECT COUNT(*) AS n FROM print_jobs p JOIN sales s USING (sale_id) WHERE s.status <> 'completed'",
          )
          .get(),
      ).toEqual({ n: 0 });
      // No payment or tax row without its completed sale.
      expect(
        db
          .prepare(
            "SELECT COUNT(*) AS n FROM payments p JOIN sales s USING (sale_id) WHERE s.status <> 'completed'",
          )
          .get(),
      ).toEqual({ n: 0 });
      const journalIds = (
        db
          .prepare("SELECT json_extract(payload, '$.saleId') AS id FROM journal WHERE type = 'sale.completed' ORDER BY seq")
          .all() as { id: string }[]
      ).map((r) => r.id);
      const outboxIds = (
        db
          .prepare("SELECT json_extract(payload, '$.data.saleId') AS id FROM outbox WHERE type = 'sale.completed' ORDER BY seq")
          .all() as { id: string }[]
      ).map((r) => r.id);
      const saleIds = completed.map((s) => s.sale_id);
      expect(journalIds).toEqual(saleIds);
      expect(outboxIds).toEqual(saleIds);
      const seqs = (
        db.prepare('SELECT seq FROM outbox ORDER BY seq').all() as { seq: number }[]
      ).map((r) => r.seq);
      expect(seqs).toEqual(seqs.map((_, k) => k + 1));
      // The whole chain verifies (sales, and each restart's sign-in and the shift's opening).
      const entries = (db.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
      expect(entries).toBeGreaterThanOrEqual(completed.length);
      expect(verifyJournal(db)).toMatchObject({ ok: true, entries });
    } finally {
      db.close();
    }
  }
  // The loop must really have sold, or the test proves nothing.
  expect(confirmed.size).toBeGreaterThan(KILLS);
});
