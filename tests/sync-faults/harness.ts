// Shared wiring for the sync fault tests: a gateway on a real store, terminals enrolled through
// the API, cash sales through the real services, and the exactly-once checks both sides agree on.
import { isQuickSale } from '../../contract/menu';
import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';
import type { CatalogDto, CompletedSaleDto, SaleDto } from '../../contract/api';
import { openTerminalDb } from '../../db/terminal-db';
import type { GatewayLimits } from '../../gateway/context';
import { startGateway, type RunningGateway } from '../../gateway/start';
import { httpRequest } from '../../terminal/http-client';
import type { SyncConfig } from '../../terminal/sync-worker';
import type { Terminal } from '../../terminal/terminal';
import { salesSummary } from '../support/gateway-client';
import { openTill } from '../../terminal/testing';

export const ADMIN = 'sync-faults-admin-token-0123456789';

/** Deterministic PRNG (mulberry32): a failing seed replays the same fault sequence. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks a key with probability proportional to its weight. */
export function weighted<K extends string>(random: () => number, weights: Record<K, number>): () => K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  return () => {
    let x = random() * total;
    for (const [k, w] of entries) {
      x -= w;
      if (x < 0) return k;
    }
    return entries[entries.length - 1]![0];
  };
}

export function openGateway(
  dataDir: string,
  dbUrl: string | undefined,
  port = 0,
  limits?: Partial<GatewayLimits>,
): Promise<RunningGateway> {
  return startGateway({ dataDir, ...(dbUrl ? { dbUrl } : {}), port, adminToken: ADMIN, logger: false, ...(limits ? { limits } : {}) });
}

/** Compressed time: every delay of §6 in milliseconds instead of seconds and minutes. */
export const compressed = (random: () => number): Partial<SyncConfig> => ({
  batchMaxEvents: 7,
  backoffBaseMs: 3,
  backoffCapMs: 50,
  reconnectJitterMs: 5,
  pollIntervalMs: 10,
  referencePollMs: 60_000,
  requestTimeoutMs: 3000,
  random,
  // Node 20's global agent keeps connections alive, and the proxy chooses a fault per
  // connection: one connection per request puts a fresh fault in front of every batch.
  fetch: (req) => httpRequest({ ...req, headers: { ...req.headers, connection: 'close' } }),
});

export async function call<T>(t: Terminal, method: string, input: unknown = {}): Promise<T> {
  const r = (await t.dispatch(method, input)) as { ok: true; value: T } | { ok: false; error: unknown };
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** A cash sale of one to three items through the real services; returns the sale. */
export async function sell(t: Terminal, products: readonly string[], n: number): Promise<CompletedSaleDto> {
  for (let j = 0; j <= n % 3; j++) await call(t, 'sale.addItem', { productId: products[(n + j) % products.length] });
  const sale = await call<SaleDto>(t, 'sale.get');
  await call(t, 'payment.payCash', { tendered: sale.cashDue + 10_000 });
  return call<CompletedSaleDto>(t, 'sale.complete');
}

export async function productIds(t: Terminal): Promise<string[]> {
  await expect
    .poll(async () => (await call<CatalogDto>(t, 'catalog.list')).products.length, { timeout: 10_000 })
    .toBeGreaterThan(0);
  // The staff came with the catalog: sign in and open a shift before selling.
  await openTill(t);
  return (await call<CatalogDto>(t, 'catalog.list')).products.filter(isQuickSale).map((p) => p.id);
}

export async function waitAllAcked(t: Terminal, timeoutMs: number): Promise<number> {
  const start = performance.now();
  await expect
    .poll(() => t.sync!.status().pendingEvents, { timeout: timeoutMs, interval: 20 })
    .toBe(0);
  return performance.now() - start;
}

/** The terminal's outbox as its disk holds it (read after the terminal closed). */
export function outboxOf(dataDir: string): { rows: number; unacked: number } {
  const db = openTerminalDb(dataDir);
  try {
    return db.prepare('SELECT COUNT(*) AS rows, COUNT(*) - COUNT(acked_at) AS unacked FROM outbox').get() as {
      rows: number;
      unacked: number;
    };
  } finally {
    db.close();
  }
}

/**
 * Exactly once, as the gateway's reports and storage see it: every sold sale present, none
 * twice, and one stored event per outbox row.
 */
export async function expectExactlyOnce(
  gw: RunningGateway,
  terminals: { terminalId: string; dataDir: string; saleIds: readonly string[] }[],
): Promise<void> {
  const sold = terminals.flatMap((t) => t.saleIds);
  expect((await salesSummary(gw)).sales.count).toBe(sold.length);
  const stored = (await gw.store.settlement({})).map((r) => r.sale_id);
  expect(new Set(stored).size).toBe(stored.length);
  expect([...stored].sort()).toEqual([...sold].sort());
  for (const t of terminals) {
    const outbox = outboxOf(t.dataDir);
    expect(outbox.unacked).toBe(0);
    expect(await gw.store.countEvents(t.terminalId)).toBe(outbox.rows);
  }
}
