// A real terminal against a real gateway on 127.0.0.1 (SQLite store): enrollment, upload exactly
// once, a gateway outage during which the till keeps selling without waiting, the queue draining
// after the gateway comes back on the same data dir and port, and `pos sync` from a copied disk.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import type { CatalogDto, SaleDto, TerminalStatusDto } from '../../contract/api';
import type { SummaryReport } from '../../contract/gateway';
import { runCli } from '../../cli/cli';
import { startGateway, type RunningGateway } from '../../gateway/start';
import { createTerminalSync } from '../../terminal/create-terminal';
import { enrollTerminal } from '../../terminal/enroll';
import { httpRequest } from '../../terminal/http-client';
import type { Terminal } from '../../terminal/terminal';
import { openTill } from '../../terminal/testing';

const ADMIN = 'integration-admin-token-0123456789';
const root = mkdtempSync(path.join(tmpdir(), 'pos-sync-it-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function adminCall<T>(gw: { url: string }, method: string, route: string, body?: unknown): Promise<T> {
  const res = await httpRequest({
    method,
    url: `${gw.url}${route}`,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${res.body.toString()}`);
  return JSON.parse(res.body.toString()) as T;
}

async function call<T>(t: Terminal, method: string, input: unknown = {}): Promise<T> {
  const r = (await t.dispatch(method, input)) as { ok: true; value: T } | { ok: false; error: unknown };
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** One cash sale; returns how long the till took for it (all four commands). */
async function sell(t: Terminal, productId: string): Promise<number> {
  const start = performance.now();
  await call(t, 'sale.addItem', { productId });
  const sale = await call<SaleDto>(t, 'sale.get');
  await call(t, 'payment.payCash', { tendered: sale.cashDue + 10_000 });
  await call(t, 'sale.complete');
  return performance.now() - start;
}

const network = async (t: Terminal): Promise<TerminalStatusDto['network']> =>
  (await call<TerminalStatusDto>(t, 'terminal.getStatus')).network;

const salesCount = async (gw: RunningGateway): Promise<number> =>
  (await adminCall<SummaryReport>(gw, 'GET', '/v1/reports/summary')).sales.count;

const fast = { reconnectJitterMs: 5, pollIntervalMs: 20, backoffBaseMs: 10, backoffCapMs: 100, referencePollMs: 60_000, requestTimeoutMs: 2000 };

describe('terminal ↔ gateway', () => {
  it('enrolls, uploads every sale exactly once, sells through an outage and drains after it', async () => {
    const gwDir = path.join(root, 'gateway');
    let gw = await startGateway({ dataDir: gwDir, port: 0, adminToken: ADMIN, logger: false });
    const port = Number(new URL(gw.url).port);
    const termDir = path.join(root, 'terminal');
    let terminal: Terminal | undefined;
    try {
      const { code } = await adminCall<{ code: string }>(gw, 'POST', '/v1/admin/enrollment-codes', { name: 'Gate B bar 3' });
      const reply = await enrollTerminal({ dataDir: termDir, gatewayUrl: gw.url, code: code.toLowerCase() });
      expect(reply.name).toBe('Gate B bar 3');

      terminal = createTerminalSync({ dataDir: termDir, sync: fast });
      const t = terminal;
      const pushed: CatalogDto[] = [];
      t.on('catalog.updated', (c) => pushed.push(c));
      // The catalog arrives as reference data (the terminal starts with none), and the UI hears of it.
      await expect.poll(async () => (await call<CatalogDto>(t, 'catalog.list')).products.length, { timeout: 5000 }).toBeGreaterThan(0);
      await expect.poll(() => pushed.length, { timeout: 5000 }).toBeGreaterThan(0);
      expect(pushed.at(-1)!.products.length).toBe((await call<CatalogDto>(t, 'catalog.list')).products.length);
      const productId = (await call<CatalogDto>(t, 'catalog.list')).products[0]!.id;
      await openTill(t);

      for (let i = 0; i < 20; i++) await sell(t, productId);
      await expect.poll(async () => (await network(t)).pendingEvents, { timeout: 10_000 }).toBe(0);
      expect(await salesCount(gw)).toBe(20);
      expect(await network(t)).toMatchObject({ state: 'online', problem: null, gatewayUrl: gw.url });

      // Outage: the till keeps selling and never waits for the network.
      await gw.close();
      const times: number[] = [];
      for (let i = 0; i < 15; i++) times.push(await sell(t, productId));
      await expect.poll(async () => (await network(t)).state, { timeout: 5000 }).toBe('offline');
      const offline = await network(t);
      expect(offline.offlineSince).not.toBeNull();
      expect(offline.pendingEvents).toBeGreaterThanOrEqual(15);
      expect(Math.max(...times)).toBeLessThan(250);
      console.info(`sales during the outage: median ${times.sort((a, b) => a - b)[7]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);

      // Back on the same data dir and port: the queue drains, nothing twice.
      gw = await startGateway({ dataDir: gwDir, port, adminToken: ADMIN, logger: false });
      const drainStart = performance.now();
      await expect.poll(async () => (await network(t)).pendingEvents, { timeout: 15_000, interval: 20 }).toBe(0);
      console.info(`queue drained ${(performance.now() - drainStart).toFixed(0)} ms after the gateway came back`);
      expect(await salesCount(gw)).toBe(35);
      expect(await network(t)).toMatchObject({ state: 'online', offlineSince: null });

      // A dead counter: its copied terminal.db and terminal.key are synced from another machine.
      await gw.close();
      for (let i = 0; i < 5; i++) await sell(t, productId);
      t.close();
      terminal = undefined;
      const rescue = path.join(root, 'rescue');
      mkdirSync(rescue);
      copyFileSync(path.join(termDir, 'terminal.db'), path.join(rescue, 'terminal.db'));
      copyFileSync(path.join(termDir, 'terminal.key'), path.join(rescue, 'terminal.key'));
      gw = await startGateway({ dataDir: gwDir, port: 0, adminToken: ADMIN, logger: false });
      const out: string[] = [];
      const io = { stdout: (s: string) => void out.push(s), stderr: () => undefined };
      const exit = await runCli(['sync', '--data-dir', rescue, '--gateway', gw.url, '--timeout', '20', '--json'], io);
      const last = JSON.parse(out.join('').trim().split('\n').at(-1)!) as { ok: boolean; pending: number; acked: number };
      expect(exit).toBe(0);
      expect(last).toMatchObject({ ok: true, pending: 0 });
      expect(last.acked).toBeGreaterThanOrEqual(5);
      expect(await salesCount(gw)).toBe(40);
    } finally {
      terminal?.close();
      await gw.close();
    }
  }, 60_000);
});
