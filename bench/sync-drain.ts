// sync-drain: a terminal that sold offline for a long time (100,000 queued `sale.completed`
// events, seeded in bulk) drains its outbox to a local gateway (SQLite store) with its real sync
// worker: read batch, sign, POST, mark acked, one batch after another. Baseline: the gateway's
// own ingest rate over HTTP in the same run (signed batches of 500 from 4 concurrent clients, as
// gateway-ingest measures it), so the ratio says how much of the gateway one draining terminal
// can use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getSetting } from '../db/settings';
import { openTerminalDb } from '../db/terminal-db';
import { startGateway } from '../gateway/start';
import { systemClock } from '../lib/clock';
import { createCorrectedClock } from '../terminal/corrected-clock';
import { CLOCK_OFFSET_SETTING, enrollTerminal, readGatewaySetting } from '../terminal/enroll';
import { httpRequest, type HttpFetch } from '../terminal/http-client';
import { createSyncWorker } from '../terminal/sync-worker';
import { loadTerminalKey } from '../terminal/terminal-key';
import {
  batchBody,
  enrollIdentities,
  enrollmentCode,
  eventsPoster,
  salesSummary,
  type TerminalIdentity,
} from '../tests/support/gateway-client';
import { saleEvents, seedOutboxSales } from '../tests/support/sale-events';
import { emit, percentile, round } from './report';

const QUEUED = Number(process.env.BENCH_DRAIN_EVENTS ?? 100_000);
const BATCH = 500;
const CLIENTS = 4;
/** Batches per baseline terminal (2 terminals per client). */
const BASELINE_BATCHES = 3;
const ADMIN = 'bench-admin-token-0123456789abcdef';

/** Signed batches of 500 from `clients` concurrent clients; returns events/s. */
async function httpIngestRate(url: string, ids: TerminalIdentity[], clients: number, firstSeq: number): Promise<number> {
  const poster = eventsPoster(url, clients);
  const jobs: { id: TerminalIdentity; body: Buffer }[][] = Array.from({ length: clients }, () => []);
  for (let b = 0; b < BASELINE_BATCHES; b++) {
    ids.forEach((id, t) => jobs[t % clients]!.push({ id, body: batchBody(id.terminalId, saleEvents(id.terminalId, firstSeq + b * BATCH, BATCH)) }));
  }
  try {
    const t0 = performance.now();
    await Promise.all(
      jobs.map(async (mine) => {
        for (const job of mine) {
          const res = await poster.post(job.id, job.body);
          if (res.status !== 200 || res.reply?.accepted !== BATCH) throw new Error(`baseline ingest: HTTP ${res.status} ${res.text ?? ''}`);
        }
      }),
    );
    return (ids.length * BASELINE_BATCHES * BATCH) / ((performance.now() - t0) / 1000);
  } finally {
    poster.close();
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-drain-'));
  const gw = await startGateway({ dataDir: join(dir, 'gateway'), port: 0, adminToken: ADMIN, logger: false });
  try {
    const termDir = join(dir, 'terminal');
    const { terminalId } = await enrollTerminal({ dataDir: termDir, gatewayUrl: gw.url, code: await enrollmentCode(gw, 'Drain counter') });
    const seedStart = performance.now();
    const db = openTerminalDb(termDir);
    seedOutboxSales(db, terminalId, QUEUED);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    // Baseline on other terminals of the same gateway, before and after the drain (the mean of
    // the two rates), so both sides see the same table sizes on average.
    const ids = await enrollIdentities(gw, 2 * CLIENTS + 1);
    const baselines: number[] = [];
    const sequentials: number[] = [];
    const measureBaseline = async (round: number): Promise<void> => {
      const firstSeq = 1 + round * BASELINE_BATCHES * BATCH;
      baselines.push(await httpIngestRate(gw.url, ids.slice(0, 2 * CLIENTS), CLIENTS, firstSeq));
      sequentials.push(await httpIngestRate(gw.url, ids.slice(2 * CLIENTS), 1, firstSeq));
    };
    await measureBaseline(0);

    const requestMs: number[] = [];
    const timedFetch: HttpFetch = async (req) => {
      const t0 = performance.now();
      try {
        return await httpRequest(req);
      } finally {
        requestMs.push(performance.now() - t0);
      }
    };
    const key = loadTerminalKey(termDir);
    const gateway = readGatewaySetting(db);
    if (!key || !gateway) throw new Error('the drain terminal is not enrolled');
    const worker = createSyncWorker({
      db,
      terminalId,
      privateKey: key.privateKey,
      gateway,
      clock: createCorrectedClock(systemClock, getSetting<number>(db, CLOCK_OFFSET_SETTING) ?? 0),
      config: { batchMaxEvents: BATCH, fetch: timedFetch, requestTimeoutMs: 60_000 },
      isBetweenSales: () => true,
    });
    const t0 = performance.now();
    const pass = await worker.syncNow();
    const seconds = (performance.now() - t0) / 1000;
    await worker.stop();
    db.close();
    await measureBaseline(1);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const baseline = mean(baselines);
    const sequential = mean(sequentials);
    if (pass.outcome !== 'done' || pass.pending !== 0 || pass.acked !== QUEUED) {
      throw new Error(`the drain ended ${pass.outcome} with ${pass.pending} pending, ${pass.acked} acked: ${pass.problem ?? ''}`);
    }
    const expected = QUEUED + 2 * (2 * CLIENTS * BASELINE_BATCHES * BATCH + BASELINE_BATCHES * BATCH);
    const sales = (await salesSummary(gw)).sales.count;
    if (sales !== expected) throw new Error(`the gateway holds ${sales} sales, expected ${expected}`);

    const sorted = [...requestMs].sort((a, b) => a - b);
    emit({
      name: 'sync-drain',
      value: round(QUEUED / seconds, 0),
      unit: 'events/s',
      baseline: round(baseline, 0),
      better: 'higher',
      p50_ms: round(percentile(sorted, 50), 1),
      p99_ms: round(percentile(sorted, 99), 1),
      events: QUEUED,
      seconds: round(seconds, 2),
      batches: requestMs.length,
      seed_seconds: round(seedSeconds, 2),
      baseline_unit: `events/s via signed POST /v1/events, batches of ${BATCH}, ${CLIENTS} concurrent clients, same gateway`,
      baseline_one_client: round(sequential, 0),
      baseline_rounds: baselines.map((b) => round(b, 0)),
    });
  } finally {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
