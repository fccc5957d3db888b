// The load test behind `pos loadtest`: N real terminals (terminal services, sync worker, SQLite
// files on disk) enroll with a gateway, sell M realistic cash sales each, at most C selling at
// once, and the test waits until the gateway has acknowledged every sale. Nothing is simulated
// but the cashier: the uploads, retries, backoff and acks are the production code paths.
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CatalogDto, CommandInput, SaleDto, ShiftDto, TerminalStatusDto } from '../../contract/api';
import { countFor, type ReportDto } from '../../contract/shifts';
import { firstChoices } from '../../contract/menu';
import type { SummaryReport } from '../../contract/gateway';
import type { Db } from '../../db/open';
import type { SyncConfig } from '../../terminal/sync-worker';
import type { HttpFetch } from '../../terminal/http-client';
import type { Terminal } from '../../terminal/terminal';
import {
  adminJson,
  createEnrollmentCode,
  type AdminTarget,
  type RetryPolicy,
} from '../admin-client';

export interface LoadtestOptions {
  target: AdminTarget;
  terminals: number;
  sales: number;
  concurrency: number;
  /** Keep each terminal's data dir under keepData/<terminal id>; else a temp dir, removed at the end. */
  keepData?: string;
  timeoutMs: number;
  progress: (line: string) => void;
  progressEveryMs?: number;
  signal?: AbortSignal;
  random?: () => number;
  /** The terminals' HTTP client (tests inject lost replies); default terminal/http-client. */
  fetch?: HttpFetch;
}

export interface LoadtestResult {
  terminals: number;
  salesPerTerminal: number;
  /** Sales completed at the terminals (each queued for upload). */
  sent: number;
  /** Sales the terminals hold as acknowledged by the gateway. */
  acked: number;
  /** Sales the gateway answered as already stored (resent after a lost reply, say). */
  duplicates: number;
  /** Completed sales the gateway's summary counts for these terminals. */
  stored: number;
  seconds: number;
  salesPerSecond: number;
  enrollSeconds: number;
  complete: boolean;
  /** Tills whose day ran from float to Z (exact blind count, Z counting every sale). */
  daysClosed: number;
  problems: string[];
  dataDir: string | null;
}

/** Sync timing for load-test terminals: prompt, but every retry still goes through backoff. */
export const LOADTEST_SYNC: Partial<SyncConfig> = {
  pollIntervalMs: 50,
  reconnectJitterMs: 200,
  backoffBaseMs: 100,
  backoffCapMs: 5000,
  requestTimeoutMs: 30_000,
};
const ADMIN_RETRY: RetryPolicy = { attempts: 12, baseMs: 100, capMs: 5000 };
const SALE_EVENT = 'sale.completed';
/** The demo venue's supervisor (contract/demo-venue.ts; PIN 2222) and a ¥250 float. */
const LOADTEST_SUPERVISOR = { staffId: 'demo-supervisor', pin: '2222' };
const LOADTEST_FLOAT = [
  { denomination: 10000, count: 1 },
  { denomination: 2000, count: 4 },
  { denomination: 1000, count: 5 },
  { denomination: 100, count: 20 },
];

interface Till {
  index: number;
  terminalId: string | null;
  terminal: Terminal | null;
  reader: Db | null;
  sold: number;
  duplicateSales: number;
  problem: string | null;
  /** The Z that closed the till's day. */
  zNumber: number | null;
}

async function call<T>(t: Terminal, method: string, input: unknown = {}): Promise<T> {
  const reply = (await t.dispatch(method, input)) as
    { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

/** Counts the sales among the seqs the gateway reports as duplicates, then passes the reply on. */
function countingFetch(base: HttpFetch, till: Till): HttpFetch {
  return async (req) => {
    const res = await base(req);
    if (req.method === 'POST' && res.status === 200 && req.url.endsWith('/v1/events')) {
      try {
        const reply = JSON.parse(res.body.toString('utf8')) as { duplicateSeqs?: number[] };
        const dupes = new Set(reply.duplicateSeqs ?? []);
        if (dupes.size > 0 && req.body !== undefined) {
          const batch = JSON.parse(req.body.toString()) as {
            events: { seq: number; type: string }[];
          };
          till.duplicateSales += batch.events.filter(
            (e) => e.type === SALE_EVENT && dupes.has(e.seq),
          ).length;
        }
      } catch {
        // The worker judges the reply itself; a count is not worth failing a batch for.
      }
    }
    return res;
  };
}

/**
 * A realistic counter sale: 2–5 different products, mostly one of each, sizes and options as a
 * cashier would pick them, the ID check confirmed, and never more age-restricted items than a
 * sale may hold.
 */
function pickLines(
  catalog: CatalogDto,
  ageLimit: number,
  random: () => number,
): CommandInput<'sale.addItem'>[] {
  const count = Math.min(catalog.products.length, 2 + Math.floor(random() * 4));
  const pool = [...catalog.products];
  const lines: CommandInput<'sale.addItem'>[] = [];
  let restricted = 0;
  for (let i = 0; i < count; i++) {
    const [product] = pool.splice(Math.floor(random() * pool.length), 1);
    const quantity = random() < 0.7 ? 1 : 2 + Math.floor(random() * 3);
    if (product!.minAge !== null) {
      if (restricted + quantity > ageLimit) continue;
      restricted += quantity;
    }
    lines.push({
      ...firstChoices(product!, catalog.modifierGroups),
      quantity,
      ...(product!.minAge !== null ? { ageChecked: true } : {}),
    });
  }
  return lines;
}

/** What a cashier taps on the cash screen: the exact amount or a banknote that covers it. */
function quickAmount(due: number, notes: number[], random: () => number): number {
  const covering = notes.filter((n) => n >= due);
  const smallest = notes.length > 0 ? Math.min(...notes) : 0;
  const roundedUp = smallest > 0 ? Math.ceil(due / smallest) * smallest : due;
  const choices = [due, roundedUp, ...covering.slice(0, 2)];
  return choices[Math.floor(random() * choices.length)]!;
}

async function sellOne(
  t: Terminal,
  catalog: CatalogDto,
  status: TerminalStatusDto,
  random: () => number,
): Promise<void> {
  const notes = status.cashNotes;
  let sale: SaleDto | undefined;
  for (const line of pickLines(catalog, status.ageRestrictedPerSale, random))
    sale = await call<SaleDto>(t, 'sale.addItem', line);
  await call(t, 'payment.payCash', { tendered: quickAmount(sale!.cashDue, notes, random) });
  await call(t, 'sale.complete');
}

function ackedSales(reader: Db): number {
  const row = reader
    .prepare('SELECT COUNT(*) AS n FROM outbox WHERE type = ? AND acked_at IS NOT NULL')
    .get(SALE_EVENT) as { n: number };
  return row.n;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runLoadtest(opts: LoadtestOptions): Promise<LoadtestResult> {
  const [
    { createTerminalSync },
    { enrollTerminal },
    { httpRequest },
    { openDatabase },
    { terminalDbPath },
  ] = await Promise.all([
    import('../../terminal/create-terminal'),
    import('../../terminal/enroll'),
    import('../../terminal/http-client'),
    import('../../db/open'),
    import('../../db/terminal-db'),
  ]);
  const random = opts.random ?? Math.random;
  const root = opts.keepData
    ? path.resolve(opts.keepData)
    : mkdtempSync(path.join(tmpdir(), 'pos-loadtest-'));
  mkdirSync(root, { recursive: true });
  const runId = new Date().toISOString().slice(11, 19);
  const retry: RetryPolicy = { ...ADMIN_RETRY, until: Date.now() + opts.timeoutMs };
  const started = performance.now();
  const deadline = started + opts.timeoutMs;
  const expired = (): boolean => performance.now() >= deadline || opts.signal?.aborted === true;
  const tills: Till[] = Array.from({ length: opts.terminals }, (_, index) => ({
    index,
    terminalId: null,
    terminal: null,
    reader: null,
    sold: 0,
    duplicateSales: 0,
    zNumber: null,
    problem: null,
  }));
  const total = opts.terminals * opts.sales;
  let enrolled = 0;
  let enrollDoneAt = 0;

  const counts = () => {
    let sent = 0;
    let acked = 0;
    let duplicates = 0;
    for (const till of tills) {
      sent += till.sold;
      duplicates += till.duplicateSales;
      if (till.reader) acked += ackedSales(till.reader);
    }
    return { sent, acked, duplicates };
  };
  const report = (): void => {
    const c = counts();
    const secs = (performance.now() - started) / 1000;
    opts.progress(
      `${secs.toFixed(1)} s: enrolled ${enrolled}/${opts.terminals} · sold ${c.sent}/${total} · acked ${c.acked}/${total} · duplicates ${c.duplicates}`,
    );
  };
  const ticker = setInterval(report, opts.progressEveryMs ?? 1000);

  async function runTill(till: Till): Promise<void> {
    const staging = path.join(root, `.enrolling-${runId.replace(/:/g, '')}-${till.index}`);
    const { code } = await createEnrollmentCode(
      opts.target,
      `loadtest ${runId} #${till.index + 1}`,
      undefined,
      retry,
    );
    const reply = await enrollTerminal({
      dataDir: staging,
      gatewayUrl: opts.target.url,
      code,
      attempts: 12,
      backoffBaseMs: 100,
      backoffCapMs: 5000,
    });
    const dataDir = path.join(root, reply.terminalId);
    renameSync(staging, dataDir);
    till.terminalId = reply.terminalId;
    enrolled++;
    if (enrolled === opts.terminals) enrollDoneAt = performance.now();
    const t = createTerminalSync({
      dataDir,
      sync: { ...LOADTEST_SYNC, fetch: countingFetch(opts.fetch ?? httpRequest, till) },
    });
    till.terminal = t;
    till.reader = openDatabase(terminalDbPath(dataDir), { readonly: true });

    // The catalog is the gateway's: it arrives with the sync worker's first reference pull.
    let catalog = await call<CatalogDto>(t, 'catalog.list');
    while (catalog.products.length === 0) {
      if (expired()) throw new Error('no catalog from the gateway before the timeout');
      await wait(50);
      catalog = await call<CatalogDto>(t, 'catalog.list');
    }
    const status = await call<TerminalStatusDto>(t, 'terminal.getStatus');
    // A whole day: the supervisor signs in (the staff came with the catalog) and opens a shift
    // with a float, the sales, then an exact blind count closes the shift and a Z the day.
    await call(t, 'staff.login', LOADTEST_SUPERVISOR);
    const shift = await call<ShiftDto>(t, 'shift.open', { cashierId: LOADTEST_SUPERVISOR.staffId, float: LOADTEST_FLOAT });
    for (let i = 0; i < opts.sales; i++) {
      if (expired()) throw new Error(`stopped after ${i} of ${opts.sales} sales (timeout)`);
      await sellOne(t, catalog, status, random);
      till.sold++;
    }
    const x = await call<ReportDto>(t, 'report.x');
    const counts = countFor(x.expectedCash, shift.denominations);
    if (!counts) throw new Error(`expected cash ${x.expectedCash} cannot be counted in ${shift.denominations.join(', ')}`);
    const closed = await call<ShiftDto>(t, 'shift.count', { counts });
    if (closed.status !== 'closed' || closed.overShort !== 0) {
      throw new Error(`the exact count left the shift ${closed.status} with over/short ${closed.overShort}`);
    }
    const z = await call<ReportDto>(t, 'day.close', {});
    if (z.sales.count !== opts.sales) throw new Error(`Z counts ${z.sales.count} sales, not ${opts.sales}`);
    till.zNumber = z.zNumber;
  }

  const problems: string[] = [];
  let complete = false;
  let stored = 0;
  try {
    // At most `concurrency` tills enroll and sell at once; finished ones keep syncing.
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tills.length && !expired()) {
        const till = tills[next++]!;
        try {
          await runTill(till);
        } catch (err) {
          till.problem = `terminal #${till.index + 1}${till.terminalId ? ` (${till.terminalId})` : ''}: ${(err as Error).message}`;
          problems.push(till.problem);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, tills.length) }, lane));

    while (!expired()) {
      const c = counts();
      if (c.sent === total && c.acked === total) {
        complete = true;
        break;
      }
      if (problems.length > 0 && c.acked === c.sent) break;
      await wait(50);
    }
    if (!complete) {
      for (const till of tills) {
        const problem = till.terminal?.sync?.status().problem;
        if (problem) problems.push(`terminal ${till.terminalId}: ${problem}`);
      }
    }
  } finally {
    clearInterval(ticker);
  }
  const finishedAt = performance.now();
  const final = counts();
  report();
  const ids = new Set(tills.flatMap((t) => (t.terminalId ? [t.terminalId] : [])));
  if (ids.size > 0) {
    try {
      // Exactly once, checked at the other end: the gateway's own count of these tills' sales.
      const summary = await adminJson<SummaryReport>(
        opts.target,
        { method: 'GET', path: '/v1/reports/summary' },
        { attempts: 6, baseMs: 200, capMs: 2000 },
      );
      stored = summary.byTerminal
        .filter((row) => ids.has(row.terminalId))
        .reduce((n, row) => n + row.count, 0);
      if (complete && stored !== final.sent) {
        complete = false;
        problems.push(
          `the gateway's summary counts ${stored} sales of these terminals, the terminals sold ${final.sent}`,
        );
      }
    } catch (err) {
      problems.push(`reading the gateway's summary failed: ${(err as Error).message}`);
      complete = false;
    }
  }
  for (const till of tills) {
    till.terminal?.close();
    till.reader?.close();
  }
  if (!opts.keepData) rmSync(root, { recursive: true, force: true });

  const seconds = (finishedAt - started) / 1000;
  return {
    terminals: opts.terminals,
    salesPerTerminal: opts.sales,
    sent: final.sent,
    acked: final.acked,
    duplicates: final.duplicates,
    stored,
    seconds: Math.round(seconds * 1000) / 1000,
    salesPerSecond: seconds > 0 ? Math.round((final.acked / seconds) * 10) / 10 : 0,
    enrollSeconds: Math.round((enrollDoneAt || finishedAt) - started) / 1000,
    complete,
    daysClosed: tills.filter((t) => t.zNumber !== null).length,
    problems,
    dataDir: opts.keepData ? root : null,
  };
}
