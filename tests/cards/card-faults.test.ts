// Card payments with the network failing between terminal and gateway (issue 5): a fault proxy
// (tests/support/fault-proxy.ts) in front of a real gateway (SQLite, test acquirer), one connection
// per request so each request meets the fault chosen for it. Whatever the fault, each payment ends
// with exactly one outcome and the gateway holds at most one charge for it.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CardPaymentDto, CompletedSaleDto } from '../../contract/api';
import { openTerminalDb } from '../../db/terminal-db';
import type { GatewayStore } from '../../gateway/store';
import { createTerminalSync } from '../../terminal/create-terminal';
import { GATEWAY_SETTING, readGatewaySetting } from '../../terminal/enroll';
import { setSetting } from '../../db/settings';
import { httpRequest } from '../../terminal/http-client';
import type { Terminal } from '../../terminal/terminal';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy';
import { enrollCardTill, startCardGateway } from '../support/card-rig';
import { openTill } from '../../terminal/testing';

const ADMIN = 'card-faults-admin-token-0123456789';
const root = mkdtempSync(path.join(tmpdir(), 'pos-card-faults-'));
let app: FastifyInstance;
let store: GatewayStore;
let proxy: FaultProxy;
let gatewayPort: number;

beforeAll(async () => {
  const gw = await startCardGateway({
    dir: path.join(root, 'gateway'),
    adminToken: ADMIN,
    acquirerTimeoutMs: 1000,
  });
  app = gw.app;
  store = gw.store;
  gatewayPort = gw.port;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
let t: Terminal;
const states = new Map<string, string[]>();

beforeEach(async () => {
  proxy = await startFaultProxy({ targetPort: gatewayPort, halfBytes: 30 });
  const dataDir = path.join(root, `t${++n}`);
  // Enrolled directly (its keep-alive socket would otherwise carry the first card request past
  // the proxy's per-connection fault), then pointed at the proxy.
  await enrollCardTill(
    { url: `http://127.0.0.1:${gatewayPort}`, adminToken: ADMIN },
    dataDir,
    `till ${n}`,
  );
  const db = openTerminalDb(dataDir);
  setSetting(db, GATEWAY_SETTING, { ...readGatewaySetting(db)!, url: proxy.url });
  db.close();
  t = createTerminalSync({
    dataDir,
    demo: true,
    sync: false,
    reader: {
      address: 'sim:reader',
      device: { sim: { tapDelayMs: 5, stepDelayMs: 2, timeoutMs: 2000 } },
    },
    cards: {
      pollMs: 60_000,
      gatewayTimeoutMs: 1500,
      downProbeMs: 0,
      // Node keeps connections alive and the proxy picks a fault per connection: one per request.
      fetch: (req) => httpRequest({ ...req, headers: { ...req.headers, connection: 'close' } }),
    },
  });
  states.clear();
  t.on('payment.updated', (p) =>
    states.set(p.paymentId, [...(states.get(p.paymentId) ?? []), p.state]),
  );
  await t.cards.ready;
  await openTill(t);
});
afterEach(async () => {
  t?.close();
  await proxy?.close();
});

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await t.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/** Faults for the next connections in order, then `pass`. */
function faults(...seq: Fault[]): void {
  const queue = [...seq];
  proxy.setFault(() => queue.shift() ?? 'pass');
}

const last = (id: string): string | undefined => states.get(id)?.at(-1);

async function tap(): Promise<string> {
  await call('sale.clear');
  await call('sale.addItem', { productId: 'hot-dog', quantity: 1 });
  await call('reader.selectTestCard', { name: 'visa-approve' });
  const started = await call<CardPaymentDto>('payment.startCard');
  await expect
    .poll(() => last(started.paymentId), { timeout: 5000 })
    .toMatch(/approved|declined|failed|stored|unknown|reversed|cancelled/);
  await t.cards.service.idle();
  return started.paymentId;
}

/** Background passes (status queries, reversals, forwarding) until the payment is final. */
async function settle(id: string, final: RegExp): Promise<string> {
  await expect
    .poll(
      async () => {
        await t.cards.service.tick();
        return last(id);
      },
      { timeout: 8000, interval: 50 },
    )
    .toMatch(final);
  return last(id)!;
}

async function chargesOf(saleId: string): Promise<number> {
  const approved = await store.capturablePayments('9999-12-31');
  return approved.filter((p) => p.saleId === saleId).length;
}

async function saleOf(id: string): Promise<string> {
  return (
    (await store.getPayment(id))?.saleId ?? (await call<{ saleId: string }>('sale.get')).saleId
  );
}

describe('mid-authorization', () => {
  it.each([
    ['reset-after-request', ['reset-after-request']],
    ['half-response', ['half-response']],
    [
      'reset of the authorization and of the first status query',
      ['reset-after-request', 'reset-after-request'],
    ],
  ] as [string, Fault[]][])(
    '%s: unknown, then approved after the status query; one charge',
    async (_name, seq) => {
      faults(...seq);
      const id = await tap();
      const final = await settle(id, /^(approved|reversed)$/);
      expect(states.get(id)).toContain('unknown');
      // The gateway authorized it before the answer was lost, so the status query finds it approved.
      expect(final).toBe('approved');
      expect((await store.getPayment(id))?.status).toBe('approved');
      const saleId = await saleOf(id);
      expect(await chargesOf(saleId)).toBe(1);
      const done = await call<CompletedSaleDto>('sale.complete');
      expect(done.payments.filter((p) => p.kind === 'card').map((p) => p.paymentId)).toEqual([id]);
    },
  );

  it('reset before the request reached the gateway: sent-or-not is unknowable, so unknown → not found → reversed; no charge', async () => {
    faults('refuse');
    const id = await tap();
    expect(await settle(id, /^(approved|reversed|stored|failed)$/)).toBe('reversed');
    expect(states.get(id)).toContain('unknown');
    expect(['none', 'reversed']).toContain((await store.getPayment(id))?.status ?? 'none');
    expect(await chargesOf((await call<{ saleId: string }>('sale.get')).saleId)).toBe(0);
  });

  it('connection refused (the gateway was never reached): decided offline under the same key', async () => {
    const port = proxy.port;
    await proxy.close(); // nothing listens: ECONNREFUSED
    const id = await tap();
    expect(last(id)).toBe('stored');
    expect(await store.getPayment(id)).toBeUndefined();
    const done = await call<CompletedSaleDto>('sale.complete');
    expect(done.payments[0]).toMatchObject({ kind: 'card', paymentId: id, stored: true });
    // Back online on the same port: forwarded once, one charge.
    const forwarder = await forwarderOn(port);
    try {
      expect(await settle(id, /^(approved|refused)$/)).toBe('approved');
      expect(await chargesOf(done.saleId)).toBe(1);
    } finally {
      forwarder.close();
    }
  });
});

/** A plain forwarder to the gateway on `port` (the closed proxy's, which the terminal's URL names). */
async function forwarderOn(port: number): Promise<net.Server> {
  const server = net.createServer((c) => {
    const u = net.connect(gatewayPort, '127.0.0.1');
    c.pipe(u).on('error', () => c.destroy());
    u.pipe(c).on('error', () => u.destroy());
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('mid-forward of a stored payment', () => {
  it.each([
    ['reset-after-request', ['reset-after-request']],
    ['half-response', ['half-response']],
    ['refuse (reset before the request)', ['refuse']],
  ] as [string, Fault[]][])(
    '%s: forwarded again with the same key; one charge',
    async (_name, seq) => {
      await call('sync.setForcedOffline', { offline: true });
      const id = await tap();
      expect(last(id)).toBe('stored');
      const done = await call<CompletedSaleDto>('sale.complete');
      await call('sync.setForcedOffline', { offline: false });
      faults(...seq);
      await t.cards.service.tick(); // the forward meets the fault
      expect(last(id)).toBe('forwarding');
      expect(await settle(id, /^(approved|refused)$/)).toBe('approved');
      expect((await store.getPayment(id))?.status).toBe('approved');
      expect(await chargesOf(done.saleId)).toBe(1);
    },
  );
});
