// gateway-ingest-sqlite / gateway-ingest-postgres: events per second through `POST /v1/events` over
// real HTTP on 127.0.0.1 (signed per RFC 9421, batches of 500 three-line `sale.completed` events,
// a few concurrent clients), against the store's own ingest() called directly on the same store
// with the same prepared events (what is left when HTTP, signature check, body parse, zod,
// canonical JSON and hashing are taken away). Baseline and HTTP run in alternating rounds on
// different terminals of the same database, so both see the same table sizes and disk weather.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoVenueConfig } from '../contract/demo-venue';
import { EventsBatch, type EventEnvelope } from '../contract/gateway';
import { prepareBatch, type PreparedBatch } from '../gateway/ingest';
import { startGateway, type RunningGateway } from '../gateway/start';
import { isoUtc } from '../lib/clock';
import {
  batchBody,
  enrollIdentities,
  eventsPoster,
  salesSummary,
  type TerminalIdentity,
} from '../tests/support/gateway-client';
import { startPostgres, type PostgresServer } from '../tests/support/postgres';
import { saleEvents } from '../tests/support/sale-events';
import { emit, percentile, round } from './report';

const BATCH = 500;
const CLIENTS = Number(process.env.BENCH_INGEST_CLIENTS ?? 4);
/** Terminals per side (HTTP, direct); each client owns TERMINALS / CLIENTS of them. */
const TERMINALS = 2 * CLIENTS;
const ROUNDS = 3;
/** Batches per terminal per round and side. */
const BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 3);
const ADMIN = 'bench-admin-token-0123456789abcdef';

interface Job {
  identity: TerminalIdentity;
  events: EventEnvelope[];
  body: Buffer;
}

/** Rounds × clients × jobs: each client sends its terminals' batches in seq order, one at a time. */
function plan(identities: TerminalIdentity[]): Job[][][] {
  const rounds: Job[][][] = [];
  const nextSeq = new Map<string, number>();
  for (let r = 0; r < ROUNDS; r++) {
    const clients: Job[][] = Array.from({ length: CLIENTS }, () => []);
    for (let b = 0; b < BATCHES; b++) {
      identities.forEach((identity, t) => {
        const from = nextSeq.get(identity.terminalId) ?? 1;
        nextSeq.set(identity.terminalId, from + BATCH);
        const events = saleEvents(identity.terminalId, from, BATCH);
        clients[t % CLIENTS]!.push({ identity, events, body: batchBody(identity.terminalId, events) });
      });
    }
    rounds.push(clients);
  }
  return rounds;
}

/** What the route hands the store: validated by the same schema, canonicalised and hashed. */
function prepared(job: Job, timeZone: string): PreparedBatch {
  const raw = JSON.parse(job.body.toString('utf8')) as { events: unknown[] };
  return prepareBatch(job.identity.terminalId, EventsBatch.parse(raw), raw.events, timeZone);
}

async function timed(clients: (() => Promise<void>)[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(clients.map((c) => c()));
  return (performance.now() - t0) / 1000;
}

export async function run(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const name = `gateway-ingest-${dialect}`;
  const dir = mkdtempSync(join(tmpdir(), `pos-bench-${dialect}-`));
  let pgServer: PostgresServer | undefined;
  let gw: RunningGateway | undefined;
  try {
    if (dialect === 'postgres') {
      try {
        pgServer = await startPostgres();
      } catch (err) {
        emit({ name, value: 0, unit: 'events/s', baseline: 0, better: 'higher', skipped: `PostgreSQL cannot start: ${(err as Error).message.split('\n')[0]}` });
        return;
      }
    }
    gw = await startGateway({
      dataDir: dir,
      ...(pgServer ? { dbUrl: pgServer.url } : {}),
      port: 0,
      adminToken: ADMIN,
      logger: false,
      // The benchmark measures throughput, not the overload answer.
      limits: { maxConcurrentIngest: 64 },
    });
    const ids = await enrollIdentities(gw, TERMINALS * 2);
    const httpPlan = plan(ids.slice(0, TERMINALS));
    const directPlan = plan(ids.slice(TERMINALS));
    const timeZone = demoVenueConfig.timeZone;
    const directPrepared = directPlan.map((clients) => clients.map((jobs) => jobs.map((j) => ({ job: j, batch: prepared(j, timeZone) }))));
    const eventBytes = httpPlan[0]![0]![0]!.body.length / BATCH;

    const poster = eventsPoster(gw.url, CLIENTS);
    const store = gw.store;
    const batchMs: number[] = [];
    const directMs: number[] = [];
    let httpSeconds = 0;
    let directSeconds = 0;
    let events = 0;
    try {
      for (let r = 0; r < ROUNDS; r++) {
        directSeconds += await timed(
          directPrepared[r]!.map((jobs) => async () => {
            for (const { job, batch } of jobs) {
              const t0 = performance.now();
              const out = await store.ingest(job.identity.terminalId, batch.events, batch.sales, isoUtc(Date.now()));
              directMs.push(performance.now() - t0);
              if (!out.ok || out.inserted.length !== BATCH) throw new Error(`direct ingest stored ${out.ok ? out.inserted.length : 'a conflict'}`);
            }
          }),
        );
        httpSeconds += await timed(
          httpPlan[r]!.map((jobs) => async () => {
            for (const job of jobs) {
              const res = await poster.post(job.identity, job.body);
              batchMs.push(res.ms);
              if (res.status !== 200 || res.reply?.accepted !== BATCH) {
                throw new Error(`POST /v1/events: HTTP ${res.status} ${res.text ?? JSON.stringify(res.reply)}`);
              }
            }
          }),
        );
        events += CLIENTS * (TERMINALS / CLIENTS) * BATCHES * BATCH;
      }
    } finally {
      poster.close();
    }
    // Every event of both sides was a sale: the gateway must hold them all, once.
    const sales = (await salesSummary(gw)).sales.count;
    if (sales !== 2 * events) throw new Error(`the gateway holds ${sales} sales, expected ${2 * events}`);

    const sorted = [...batchMs].sort((a, b) => a - b);
    const directSorted = [...directMs].sort((a, b) => a - b);
    emit({
      name,
      value: round(events / httpSeconds, 0),
      unit: 'events/s',
      baseline: round(events / directSeconds, 0),
      better: 'higher',
      p50_ms: round(percentile(sorted, 50), 1),
      p99_ms: round(percentile(sorted, 99), 1),
      events,
      batch_events: BATCH,
      event_bytes: round(eventBytes, 0),
      clients: CLIENTS,
      terminals: TERMINALS,
      baseline_unit: 'events/s via store.ingest() direct (same store, same prepared events, same clients)',
      baseline_p50_ms: round(percentile(directSorted, 50), 1),
      baseline_p99_ms: round(percentile(directSorted, 99), 1),
    });
  } finally {
    await gw?.close();
    await pgServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const runSqlite = (): Promise<void> => run('sqlite');
export const runPostgres = (): Promise<void> => run('postgres');
