// A reconnect surge (issue 3): 200 counters that sold offline, 100 sales queued each, come back
// at the same moment against one gateway. The gateway's overload limit answers 503/429 with
// Retry-After, the terminals back off and spread, and every sale still arrives exactly once,
// within a bounded time, with no terminal giving up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/open';
import { openTerminalDb } from '../../db/terminal-db';
import { getSetting } from '../../db/settings';
import { systemClock } from '../../lib/clock';
import { createCorrectedClock } from '../../terminal/corrected-clock';
import { CLOCK_OFFSET_SETTING, enrollTerminal, readGatewaySetting } from '../../terminal/enroll';
import { httpRequest, type HttpFetch } from '../../terminal/http-client';
import { createSyncWorker, type SyncWorker } from '../../terminal/sync-worker';
import { loadTerminalKey } from '../../terminal/terminal-key';
import { batchBody, enrollIdentities, enrollmentCode, eventsPoster } from '../support/gateway-client';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { saleEvents, seedOutboxSales } from '../support/sale-events';
import { expectExactlyOnce, openGateway, seeded } from './harness';

const TERMINALS = 200;
const QUEUED = 100;
const DEADLINE_MS = 90_000;
/** Below the default (16), so a surge that overlaps on the gateway hits it. */
const MAX_CONCURRENT_INGEST = 8;

const root = mkdtempSync(path.join(tmpdir(), 'pos-surge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Counter {
  dataDir: string;
  terminalId: string;
  saleIds: string[];
  db?: Db;
  worker?: SyncWorker;
}

async function surge(name: string, dbUrl: string | undefined, terminals: number): Promise<{ overloaded: number; surgeMs: number }> {
  const gwDir = mkdtempSync(path.join(root, 'gateway-'));
  const gw = await openGateway(gwDir, dbUrl, 0, { maxConcurrentIngest: MAX_CONCURRENT_INGEST });
  const counters: Counter[] = [];
  try {
    // Enrollment through the API, fifty at a time; then the queue written in bulk, one
    // transaction per terminal, as if each had sold offline all evening.
    const setupStart = performance.now();
    const dirs = Array.from({ length: terminals }, (_, i) => path.join(gwDir, `t${String(i).padStart(3, '0')}`));
    for (let i = 0; i < dirs.length; i += 50) {
      await Promise.all(
        dirs.slice(i, i + 50).map(async (dataDir) => {
          const reply = await enrollTerminal({ dataDir, gatewayUrl: gw.url, code: await enrollmentCode(gw, `Counter ${dataDir.slice(-3)}`) });
          counters.push({ dataDir, terminalId: reply.terminalId, saleIds: [] });
        }),
      );
    }
    for (const c of counters) {
      const db = openTerminalDb(c.dataDir);
      try {
        c.saleIds = seedOutboxSales(db, c.terminalId, QUEUED);
      } finally {
        db.close();
      }
    }
    const setupMs = performance.now() - setupStart;

    const statuses = new Map<number, number>();
    const counting: HttpFetch = async (req) => {
      const res = await httpRequest(req);
      if (req.method === 'POST') statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      return res;
    };
    const random = seeded(0x5e76e);
    for (const c of counters) {
      const db = openTerminalDb(c.dataDir);
      c.db = db;
      const key = loadTerminalKey(c.dataDir);
      const gateway = readGatewaySetting(db);
      if (!key || !gateway) throw new Error(`${c.dataDir} is not enrolled`);
      c.worker = createSyncWorker({
        db,
        terminalId: c.terminalId,
        privateKey: key.privateKey,
        gateway,
        clock: createCorrectedClock(systemClock, getSetting<number>(db, CLOCK_OFFSET_SETTING) ?? 0),
        config: {
          reconnectJitterMs: 500,
          backoffBaseMs: 20,
          backoffCapMs: 500,
          pollIntervalMs: 200,
          referencePollMs: 600_000,
          requestTimeoutMs: 20_000,
          random,
          fetch: counting,
        },
        isBetweenSales: () => true,
      });
    }

    // All at once: the moment the venue's network comes back.
    const surgeStart = performance.now();
    for (const c of counters) c.worker!.start();
    await expect
      .poll(() => counters.reduce((n, c) => n + c.worker!.status().pendingEvents, 0), { timeout: DEADLINE_MS, interval: 100 })
      .toBe(0);
    const surgeMs = performance.now() - surgeStart;

    for (const c of counters) {
      // Nobody gave up or halted: every worker ends online with no problem.
      expect(c.worker!.status(), c.terminalId).toMatchObject({ state: 'online', problem: null, pendingEvents: 0 });
    }
    const overloaded = (statuses.get(503) ?? 0) + (statuses.get(429) ?? 0);
    expect(statuses.get(200)).toBeGreaterThanOrEqual(terminals);
    for (const c of counters) {
      await c.worker!.stop();
      c.db!.close();
      c.db = undefined;
    }
    await expectExactlyOnce(gw, counters);
    console.info(
      `surge (${name}): setup ${setupMs.toFixed(0)} ms; ${terminals * QUEUED} sales from ${terminals} terminals drained in ` +
        `${surgeMs.toFixed(0)} ms (${((terminals * QUEUED) / (surgeMs / 1000)).toFixed(0)} sales/s); POST statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    return { overloaded, surgeMs };
  } finally {
    for (const c of counters) {
      await c.worker?.stop();
      c.db?.close();
    }
    await gw.close();
  }
}

it(`SQLite gateway: ${TERMINALS} terminals with ${QUEUED} queued sales each reconnect together: all arrive exactly once`, async () => {
  const { surgeMs } = await surge('sqlite', undefined, TERMINALS);
  expect(surgeMs).toBeLessThan(DEADLINE_MS);
  // No 503/429 asserted here: with the gateway in this process beside the 200 workers, each
  // SQLite batch is stored within the tick its body arrives in, so uploads hardly overlap and the
  // limit (even at 2) was not reached in our runs; the surge queues instead. The gate itself is
  // pinned by the last test, the shedding by the PostgreSQL surge.
}, 120_000);

describe('PostgreSQL gateway', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  // Half the counters, to keep the file near a minute on two cores: still 12 times the limit.
  it(`${TERMINALS / 2} terminals with ${QUEUED} queued sales each reconnect together: the gateway sheds load with 503/429, all arrive exactly once`, async () => {
    const { overloaded, surgeMs } = await surge('postgres', await pg.createDatabase('surge'), TERMINALS / 2);
    expect(surgeMs).toBeLessThan(DEADLINE_MS);
    expect(overloaded, 'ingest answers 503/429 during the surge').toBeGreaterThan(0);
  }, 120_000);
});

// On SQLite, ingest handlers never overlap (its queries run one after another), so the venue gate
// counts requests from arrival (an onRequest hook), not inside the handler; this pins that.
it('SQLite gateway: maxConcurrentIngest answers 503 when more batches arrive at once than it allows', async () => {
  const gw = await openGateway(mkdtempSync(path.join(root, 'gate-')), undefined, 0, { maxConcurrentIngest: 1 });
  const poster = eventsPoster(gw.url, 16);
  try {
    // Sixteen batches at once against a limit of one: some must be turned away. On a busy machine
    // the requests can happen to arrive one after another, so a burst that saw no overlap is
    // tried again (fresh terminals), up to five times; every answer must be 200 or 503.
    let turnedAway = 0;
    for (let burst = 0; burst < 5 && turnedAway === 0; burst++) {
      const ids = await enrollIdentities(gw, 16);
      // Bodies built first, so the sixteen requests really leave together.
      const bodies = ids.map((id) => batchBody(id.terminalId, saleEvents(id.terminalId, 1, 500)));
      const statuses = await Promise.all(ids.map(async (id, i) => (await poster.post(id, bodies[i]!)).status));
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
      turnedAway = statuses.filter((s) => s === 503).length;
    }
    expect(turnedAway).toBeGreaterThan(0);
  } finally {
    poster.close();
    await gw.close();
  }
});

