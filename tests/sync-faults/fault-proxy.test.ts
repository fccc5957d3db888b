// Exactly once through a hostile network: a real terminal sells while its sync worker talks to a
// real gateway through a fault-injecting proxy (refused connections, resets after the gateway
// stored the batch, responses cut half-way, delays), and through gateway restarts with batches in
// flight. When the network heals, the gateway holds every sale once and the outbox is acked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/start';
import { createTerminalSync } from '../../terminal/create-terminal';
import { enrollTerminal } from '../../terminal/enroll';
import type { Terminal } from '../../terminal/terminal';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy';
import { enrollmentCode } from '../support/gateway-client';
import { startPostgres, type PostgresServer } from '../support/postgres';
import {
  compressed,
  expectExactlyOnce,
  openGateway,
  productIds,
  seeded,
  sell,
  waitAllAcked,
  weighted,
} from './harness';

const SALES = 200;
const root = mkdtempSync(path.join(tmpdir(), 'pos-sync-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Scenario {
  name: string;
  dbUrl?: string;
  seed: number;
  faults: Partial<Record<Fault, number>>;
  /** Restart the gateway (same data dir and port) after every this many sales. */
  restartEvery?: number;
  /** Faults that must have happened for the run to mean anything. */
  expectFaults: Fault[];
}

async function runScenario(s: Scenario): Promise<void> {
  const dir = mkdtempSync(path.join(root, 'case-'));
  const gwDir = path.join(dir, 'gateway');
  const termDir = path.join(dir, 'terminal');
  let gw: RunningGateway = await openGateway(gwDir, s.dbUrl);
  const port = Number(new URL(gw.url).port);
  let proxy: FaultProxy | undefined;
  let terminal: Terminal | undefined;
  try {
    proxy = await startFaultProxy({ targetPort: port, delayMs: 40, halfBytes: 60 });
    // Enrolled through the proxy, so the terminal only ever knows the proxy's address.
    await enrollTerminal({ dataDir: termDir, gatewayUrl: proxy.url, code: await enrollmentCode(gw, 'Gate C bar 1') });
    const random = seeded(s.seed);
    terminal = createTerminalSync({ dataDir: termDir, sync: compressed(random) });
    const t = terminal;
    const products = await productIds(t);

    proxy.setFault(weighted(random, s.faults as Record<Fault, number>));
    const saleIds: string[] = [];
    const sellStart = performance.now();
    let restarts = 0;
    for (let i = 0; i < SALES; i++) {
      saleIds.push((await sell(t, products, i)).saleId);
      // A few milliseconds between customers, so uploads run (and fail) while the till sells.
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (s.restartEvery && (i + 1) % s.restartEvery === 0 && i + 1 < SALES) {
        // Batches are open (delayed at the proxy or being stored): close under them, and come
        // back on the same data dir and port.
        await gw.close();
        gw = await openGateway(gwDir, s.dbUrl, port);
        restarts++;
      }
    }
    const sellMs = performance.now() - sellStart;
    const pendingAtHeal = t.sync!.status().pendingEvents;

    proxy.setFault('pass');
    const drainMs = await waitAllAcked(t, 30_000);
    expect(t.sync!.status()).toMatchObject({ state: 'online', problem: null });
    t.close();
    terminal = undefined;

    for (const f of s.expectFaults) expect(proxy.stats[f], `${f} connections`).toBeGreaterThan(0);
    await expectExactlyOnce(gw, [{ terminalId: t.terminalId, dataDir: termDir, saleIds }]);
    console.info(
      `${s.name}: ${SALES} sales in ${sellMs.toFixed(0)} ms, ${restarts} gateway restarts, ` +
        `connections ${JSON.stringify(proxy.stats)}, ${pendingAtHeal} events pending at heal, drained in ${drainMs.toFixed(0)} ms`,
    );
  } finally {
    terminal?.close();
    await proxy?.close();
    await gw.close();
  }
}

const mixed: Partial<Record<Fault, number>> = { pass: 30, refuse: 15, 'reset-after-request': 30, 'half-response': 15, delay: 10 };

describe('sync through faults (SQLite gateway)', () => {
  it('random faults per connection: every sale arrives exactly once', () =>
    runScenario({
      name: 'sqlite mixed faults',
      seed: 0x5eed01,
      faults: mixed,
      expectFaults: ['refuse', 'reset-after-request', 'half-response', 'delay'],
    }), 60_000);

  it('resets after the gateway stored the batch, on nearly every connection: exactly once', () =>
    runScenario({
      name: 'sqlite resets',
      seed: 0x5eed02,
      faults: { pass: 15, 'reset-after-request': 85 },
      expectFaults: ['reset-after-request'],
    }), 60_000);

  it('gateway restarted mid-batch (same data dir and port), with delays and resets: exactly once', () =>
    runScenario({
      name: 'sqlite restarts',
      seed: 0x5eed03,
      faults: { pass: 40, delay: 40, 'reset-after-request': 20 },
      restartEvery: 40,
      expectFaults: ['delay', 'reset-after-request'],
    }), 60_000);
});

describe('sync through faults (PostgreSQL gateway)', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('resets after the gateway stored the batch: exactly once', async () =>
    runScenario({
      name: 'postgres resets',
      dbUrl: await pg.createDatabase('resets'),
      seed: 0x5eed04,
      faults: { pass: 25, 'reset-after-request': 60, 'half-response': 15 },
      expectFaults: ['reset-after-request', 'half-response'],
    }), 60_000);

  it('random faults and gateway restarts mid-batch: exactly once', async () =>
    runScenario({
      name: 'postgres mixed + restarts',
      dbUrl: await pg.createDatabase('restarts'),
      seed: 0x5eed05,
      faults: mixed,
      restartEvery: 50,
      expectFaults: ['refuse', 'reset-after-request', 'half-response', 'delay'],
    }), 60_000);
});
