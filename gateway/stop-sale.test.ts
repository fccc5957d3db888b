// Stop-sale and venue-wide sold-out at the gateway: admin changes bump the 'stop-sale' reference
// version, terminals confirm with a signed ack, the status says who confirmed, who is pending and
// who is offline. On a real SQLite store with the gateway's manual clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReferenceReply, StopSaleStatus } from '../contract/gateway';
import {
  admin,
  ADMIN_TOKEN,
  enrollTerminal,
  signedInject,
  startTestGateway,
  type TestGateway,
  type TestTerminal,
} from './testing';

let gw: TestGateway;
beforeEach(async () => {
  gw = await startTestGateway({ limits: { terminalOfflineAfterMs: 10_000 } });
});
afterEach(() => gw.close());

async function post(url: string, payload: unknown): Promise<StopSaleStatus> {
  const res = await gw.app.inject({
    method: 'POST',
    url,
    headers: admin(),
    payload: payload as object,
  });
  expect(res.statusCode, res.body).toBe(200);
  return StopSaleStatus.parse(res.json());
}

async function status(): Promise<StopSaleStatus> {
  const res = await gw.app.inject({ url: '/v1/admin/stop-sale', headers: admin() });
  expect(res.statusCode, res.body).toBe(200);
  return StopSaleStatus.parse(res.json());
}

function poll(t: TestTerminal, etag?: string) {
  return signedInject(gw.app, t, {
    url: '/v1/reference/stop-sale',
    now: gw.clock.now(),
    ...(etag ? { headers: { 'if-none-match': etag } } : {}),
  });
}

function ack(t: TestTerminal, version: number) {
  return signedInject(gw.app, t, {
    url: '/v1/reference/stop-sale/ack',
    body: { version },
    now: gw.clock.now(),
  });
}

const stateOf = (s: StopSaleStatus, t: TestTerminal) =>
  s.terminals.find((x) => x.terminalId === t.terminalId)?.state;

describe('admin routes', () => {
  it('need the admin token', async () => {
    for (const [method, url] of [
      ['POST', '/v1/admin/stop-sale'],
      ['POST', '/v1/admin/sold-out'],
      ['GET', '/v1/admin/stop-sale'],
    ] as const) {
      const res = await gw.app.inject({
        method,
        url,
        headers: { authorization: `Bearer x${ADMIN_TOKEN}` },
        ...(method === 'POST' ? { payload: { tag: 'alcohol' } } : {}),
      });
      expect(res.statusCode, url).toBe(401);
    }
  });

  it('stops and resumes a tag, each change a new version the terminals pull', async () => {
    const t = await enrollTerminal(gw.app);
    // The demo seed publishes an empty list as version 1.
    const seeded = ReferenceReply.parse((await poll(t)).json());
    expect(seeded).toMatchObject({ version: 1, body: { tags: [] } });

    const stopped = await post('/v1/admin/stop-sale', { tag: 'alcohol' });
    expect(stopped).toMatchObject({ version: 2, tags: ['alcohol'], soldOut: [] });
    expect(stopped.changedAt).toBe(new Date(gw.clock.now()).toISOString());
    const pulled = await poll(t, '"1"');
    expect(pulled.statusCode).toBe(200);
    expect(pulled.headers.etag).toBe('"2"');
    expect(ReferenceReply.parse(pulled.json()).body).toEqual({ tags: ['alcohol'], soldOut: [] });

    // The same stop again changes nothing: no new version for 50 terminals to fetch.
    expect((await post('/v1/admin/stop-sale', { tag: 'alcohol' })).version).toBe(2);
    expect((await poll(t, '"2"')).statusCode).toBe(304);

    expect(await post('/v1/admin/stop-sale', { tag: 'hot', resume: false })).toMatchObject({
      version: 3,
      tags: ['alcohol', 'hot'],
    });
    expect(await post('/v1/admin/stop-sale', { tag: 'alcohol', resume: true })).toMatchObject({
      version: 4,
      tags: ['hot'],
    });
  });

  it('marks a product sold out venue-wide and back; refuses a product the catalog lacks', async () => {
    expect(
      await post('/v1/admin/sold-out', { productId: 'tsingtao', soldOut: true }),
    ).toMatchObject({
      version: 2,
      tags: [],
      soldOut: ['tsingtao'],
    });
    const unknown = await gw.app.inject({
      method: 'POST',
      url: '/v1/admin/sold-out',
      headers: admin(),
      payload: { productId: 'no-such-thing', soldOut: true },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'catalog.product_not_found' } });
    expect(
      await post('/v1/admin/sold-out', { productId: 'tsingtao', soldOut: false }),
    ).toMatchObject({
      version: 3,
      soldOut: [],
    });
  });

  it('validates the bodies', async () => {
    for (const [url, payload] of [
      ['/v1/admin/stop-sale', { tag: 'Alcohol!' }],
      ['/v1/admin/stop-sale', {}],
      ['/v1/admin/sold-out', { productId: 'x' }],
      ['/v1/admin/sold-out', { productId: 'a b', soldOut: true }],
    ] as const) {
      const res = await gw.app.inject({ method: 'POST', url, headers: admin(), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation' } });
    }
  });

  it('keeps every concurrent change', async () => {
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((tag) => post('/v1/admin/stop-sale', { tag })));
    expect(await status()).toMatchObject({ version: 6, tags: ['a', 'b', 'c', 'd', 'e'] });
  });
});

describe('confirmations', () => {
  it('lists terminals as confirmed, pending or offline, and leaves revoked ones out', async () => {
    const a = await enrollTerminal(gw.app, 'Bar A');
    const b = await enrollTerminal(gw.app, 'Bar B');
    const c = await enrollTerminal(gw.app, 'Bar C');
    const gone = await enrollTerminal(gw.app, 'Bar D');
    // Never seen: offline.
    expect(stateOf(await status(), a)).toBe('offline');

    const s = await post('/v1/admin/stop-sale', { tag: 'alcohol' });
    for (const t of [a, b, c]) expect((await poll(t)).statusCode).toBe(200);
    const acked = await ack(a, s.version);
    expect(acked.statusCode, acked.body).toBe(200);
    expect(acked.json()).toEqual({ version: s.version, current: s.version });
    // b acked an old version: still pending.
    expect((await ack(b, s.version - 1)).statusCode).toBe(200);

    let now = await status();
    expect(now.terminals.map((t) => [t.name, t.state])).toEqual([
      ['Bar A', 'confirmed'],
      ['Bar B', 'pending'],
      ['Bar C', 'pending'],
      ['Bar D', 'offline'],
    ]);
    expect(now.terminals[0]).toMatchObject({
      confirmedVersion: s.version,
      confirmedAt: new Date(gw.clock.now()).toISOString(),
    });

    // c stops polling: past the offline window it is offline; a (confirmed) stays confirmed.
    gw.clock.advance(6_000);
    await poll(b);
    await ack(b, s.version);
    gw.clock.advance(6_000);
    await poll(b);
    now = await status();
    expect(now.terminals.map((t) => t.state)).toEqual([
      'confirmed',
      'confirmed',
      'offline',
      'offline',
    ]);

    // A new version: a and b are pending again until they ack it.
    await post('/v1/admin/stop-sale', { tag: 'alcohol', resume: true });
    expect((await status()).terminals.map((t) => t.state)).toEqual([
      'offline',
      'pending',
      'offline',
      'offline',
    ]);

    const revoked = await gw.app.inject({
      method: 'POST',
      url: `/v1/admin/terminals/${gone.terminalId}/revoke`,
      headers: admin(),
    });
    expect(revoked.statusCode).toBe(200);
    expect((await status()).terminals.map((t) => t.name)).toEqual(['Bar A', 'Bar B', 'Bar C']);
    expect((await ack(gone, 1)).statusCode).toBe(401);
  });

  it('refuses an unsigned or malformed ack', async () => {
    const t = await enrollTerminal(gw.app);
    const unsigned = await gw.app.inject({
      method: 'POST',
      url: '/v1/reference/stop-sale/ack',
      headers: { 'content-type': 'application/json' },
      payload: { version: 1 },
    });
    expect(unsigned.statusCode).toBe(401);
    const bad = await signedInject(gw.app, t, {
      url: '/v1/reference/stop-sale/ack',
      body: { version: -1 },
      now: gw.clock.now(),
    });
    expect(bad.statusCode).toBe(400);
  });
});
