// POST /v1/events and the signature gate, on a real SQLite store (and the ingest behaviour again
// on a throwaway PostgreSQL).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventsReply } from '../contract/gateway';
import { generateTerminalKey, signChainHead, signRequest } from '../lib/http-signature';
import { newId } from '../lib/ids';
import { startPostgres, type PostgresServer } from '../tests/support/postgres';
import type { StoreTarget } from './storage/create-store';
import type { GatewayStore } from './store';
import {
  admin,
  enrollTerminal,
  envelope,
  events,
  saleData,
  signedInject,
  startTestGateway,
  type TestGateway,
  type TestTerminal,
} from './testing';

function errorCode(res: { json<T>(): T }): string {
  return res.json<{ error: { code: string } }>().error.code;
}

describe('signature gate', () => {
  let gw: TestGateway;
  let t: TestTerminal;
  beforeEach(async () => {
    gw = await startTestGateway();
    t = await enrollTerminal(gw.app);
  });
  afterEach(() => gw.close());

  const goodBatch = (terminalId: string): unknown => ({
    terminalId,
    events: events(terminalId, 1, 2),
  });

  it('accepts a correctly signed batch and sends the gateway clock as Date', async () => {
    const res = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: goodBatch(t.terminalId),
      now: gw.clock.now(),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.date).toBe(new Date(gw.clock.now()).toUTCString());
  });

  it.each([
    ['a valid batch', (id: string) => goodBatch(id)],
    ['an invalid batch', () => ({ terminalId: 7, events: 'no' })],
    ['malformed JSON', () => '{"terminalId": '],
  ])('refuses an unsigned request with 401 whatever its body: %s', async (_name, body) => {
    const b = body(t.terminalId);
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json' },
      payload: typeof b === 'string' ? b : JSON.stringify(b),
    });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('signature.missing');
    expect(res.headers.date).toBeDefined();
    expect(await gw.store.countEvents()).toBe(0);
  });

  it('refuses a request signed with another key (401 signature.invalid), even with a malformed body', async () => {
    const forged = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: '{oops',
      now: gw.clock.now(),
      signWith: generateTerminalKey(),
    });
    expect(forged.statusCode).toBe(401);
    expect(errorCode(forged)).toBe('signature.invalid');
  });

  it('refuses a body changed after signing (401 digest.mismatch)', async () => {
    // A valid signature for one body, sent with another.
    const headers = await signRequest({
      method: 'POST',
      url: '/v1/events',
      body: JSON.stringify(goodBatch(t.terminalId)),
      keyId: t.terminalId,
      privateKey: t.key.privateKeyPem,
      now: gw.clock.now(),
    });
    const tampered = await gw.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify({ terminalId: t.terminalId, events: events(t.terminalId, 5, 5) }),
    });
    expect(tampered.statusCode).toBe(401);
    expect(errorCode(tampered)).toBe('digest.mismatch');
  });

  it('refuses a stale signature (more than 5 minutes off the gateway clock)', async () => {
    const res = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: goodBatch(t.terminalId),
      now: gw.clock.now() - 6 * 60_000,
    });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe('signature.stale');
  });

  it('refuses a replayed nonce', async () => {
    const nonce = 'replay-nonce-0123456789';
    const first = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: goodBatch(t.terminalId),
      now: gw.clock.now(),
      nonce,
    });
    expect(first.statusCode).toBe(200);
    const again = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: goodBatch(t.terminalId),
      now: gw.clock.now(),
      nonce,
    });
    expect(again.statusCode).toBe(401);
    expect(errorCode(again)).toBe('signature.replayed');
  });

  it('refuses unknown and revoked terminals', async () => {
    const stranger = { terminalId: newId(), key: generateTerminalKey() };
    const unknown = await signedInject(gw.app, stranger, {
      url: '/v1/events',
      body: goodBatch(stranger.terminalId),
      now: gw.clock.now(),
    });
    expect(unknown.statusCode).toBe(401);
    expect(errorCode(unknown)).toBe('terminal.unknown');

    const revoke = await gw.app.inject({
      method: 'POST',
      url: `/v1/admin/terminals/${t.terminalId}/revoke`,
      headers: admin(),
    });
    expect(revoke.statusCode).toBe(200);
    const revoked = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: '{not json',
      now: gw.clock.now(),
    });
    expect(revoked.statusCode).toBe(401);
    expect(errorCode(revoked)).toBe('terminal.revoked');
    const pull = await signedInject(gw.app, t, {
      url: '/v1/reference/catalog',
      now: gw.clock.now(),
    });
    expect(pull.statusCode).toBe(401);
  });

  it('answers malformed JSON with a valid signature with 400', async () => {
    const res = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: '{"terminalId": ',
      now: gw.clock.now(),
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('body.malformed_json');
  });

  it('answers a signed but schema-invalid batch with 400 naming the field', async () => {
    const res = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: {
        terminalId: t.terminalId,
        events: [{ ...envelope(t.terminalId, 1, 'x', {}), seq: -1 }],
      },
      now: gw.clock.now(),
    });
    expect(res.statusCode).toBe(400);
    const err = res.json<{ error: { code: string; message: string } }>().error;
    expect(err.code).toBe('validation');
    expect(err.message).toContain('events/0/seq');
  });

  it('refuses an oversized body with 413 before reading it as events', async () => {
    const big = Buffer.alloc(1024 * 1024 + 128 * 1024, 0x20);
    const res = await signedInject(gw.app, t, {
      url: '/v1/events',
      body: big,
      now: gw.clock.now(),
    });
    expect(res.statusCode).toBe(413);
    expect(errorCode(res)).toBe('body.too_large');
  });

  it('touches the terminal so the admin sees when it was last heard from', async () => {
    await signedInject(gw.app, t, {
      url: '/v1/events',
      body: goodBatch(t.terminalId),
      now: gw.clock.now(),
    });
    const list = await gw.app.inject({ url: '/v1/admin/terminals', headers: admin() });
    const info = list.json<{
      terminals: { terminalId: string; lastSeenAt: string | null; ackedSeq: number }[];
    }>().terminals;
    expect(info.find((x) => x.terminalId === t.terminalId)).toMatchObject({
      lastSeenAt: new Date(gw.clock.now()).toISOString(),
      ackedSeq: 2,
    });
  });
});

describe('batch rules', () => {
  let gw: TestGateway;
  let t: TestTerminal;
  beforeEach(async () => {
    gw = await startTestGateway();
    t = await enrollTerminal(gw.app);
  });
  afterEach(() => gw.close());

  const post = (body: unknown, who: TestTerminal = t) =>
    signedInject(gw.app, who, { url: '/v1/events', body, now: gw.clock.now() });

  it('refuses a batch for another terminal with 403, and an event of another terminal inside one', async () => {
    const other = await enrollTerminal(gw.app, 'Gate C');
    const res = await post({
      terminalId: other.terminalId,
      events: events(other.terminalId, 1, 1),
    });
    expect(res.statusCode).toBe(403);
    expect(errorCode(res)).toBe('events.wrong_terminal');
    const mixed = await post({
      terminalId: t.terminalId,
      events: [...events(t.terminalId, 1, 1), ...events(other.terminalId, 2, 2)],
    });
    expect(mixed.statusCode).toBe(403);
    expect(await gw.store.countEvents()).toBe(0);
  });

  it.each([
    ['repeated', [1, 2, 2]],
    ['decreasing', [3, 2]],
  ])('refuses %s seqs inside a batch with 400 events.seq_order', async (_n, seqs) => {
    const res = await post({
      terminalId: t.terminalId,
      events: seqs.map((s) => envelope(t.terminalId, s, 'shift.note', {})),
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('events.seq_order');
    expect(await gw.store.countEvents()).toBe(0);
  });

  it('refuses an unknown event version', async () => {
    const res = await post({
      terminalId: t.terminalId,
      events: [{ ...envelope(t.terminalId, 1, 'shift.note', {}), v: 99 }],
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('events.version');
  });

  it('refuses an invalid sale.completed naming its seq, and stores nothing of the batch', async () => {
    const bad = envelope(t.terminalId, 2, 'sale.completed', {
      ...saleData(t.terminalId, 1),
      totals: 'lots',
    });
    const res = await post({
      terminalId: t.terminalId,
      events: [...events(t.terminalId, 1, 1), bad],
    });
    expect(res.statusCode).toBe(400);
    const err = res.json<{ error: { code: string; message: string } }>().error;
    expect(err.code).toBe('events.invalid_sale');
    expect(err.message).toContain('seq 2');
    expect(await gw.store.countEvents()).toBe(0);
  });

  it('stores a signed chain head and refuses one signed by another key', async () => {
    const hash = 'a'.repeat(64);
    const good = await post({
      terminalId: t.terminalId,
      events: events(t.terminalId, 1, 1),
      chainHead: {
        seq: 7,
        hash,
        signature: signChainHead(t.terminalId, 7, hash, t.key.privateKeyPem),
      },
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(await gw.store.getChainHead(t.terminalId)).toMatchObject({ seq: 7, hash });

    const forged = await post({
      terminalId: t.terminalId,
      events: events(t.terminalId, 2, 2),
      chainHead: {
        seq: 8,
        hash,
        signature: signChainHead(t.terminalId, 8, hash, generateTerminalKey().privateKeyPem),
      },
    });
    expect(forged.statusCode).toBe(400);
    expect(errorCode(forged)).toBe('chain.invalid_signature');
    expect(await gw.store.countEvents(t.terminalId)).toBe(1);
  });

  it('answers 503 with Retry-After when the venue has too many ingests in flight', async () => {
    await gw.close();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inStore = new Promise<void>((r) => (entered = r));
    gw = await startTestGateway({ limits: { maxConcurrentIngest: 1 } });
    const slowIngest = gw.store.ingest.bind(gw.store);
    gw.store.ingest = async (...args) => {
      entered();
      await gate;
      return slowIngest(...args);
    };
    const a = await enrollTerminal(gw.app, 'A');
    const b = await enrollTerminal(gw.app, 'B');
    const first = signedInject(gw.app, a, {
      url: '/v1/events',
      body: { terminalId: a.terminalId, events: events(a.terminalId, 1, 1) },
      now: gw.clock.now(),
    });
    // Wait until the first request holds its slot inside the store.
    await inStore;
    const second = await signedInject(gw.app, b, {
      url: '/v1/events',
      body: { terminalId: b.terminalId, events: events(b.terminalId, 1, 1) },
      now: gw.clock.now(),
    });
    expect(second.statusCode).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(errorCode(second)).toBe('ingest.overloaded');
    release();
    expect((await first).statusCode).toBe(200);
    // Capacity is back once the first finished.
    const third = await signedInject(gw.app, b, {
      url: '/v1/events',
      body: { terminalId: b.terminalId, events: events(b.terminalId, 1, 1) },
      now: gw.clock.now(),
    });
    expect(third.statusCode).toBe(200);
  });

  it('answers 429 with Retry-After when one terminal floods', async () => {
    await gw.close();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inStore = new Promise<void>((r) => (entered = r));
    gw = await startTestGateway({ limits: { maxConcurrentIngestPerTerminal: 1 } });
    const slowIngest = gw.store.ingest.bind(gw.store);
    gw.store.ingest = async (...args) => {
      entered();
      await gate;
      return slowIngest(...args);
    };
    const a = await enrollTerminal(gw.app, 'A');
    const body = { terminalId: a.terminalId, events: events(a.terminalId, 1, 1) };
    const first = signedInject(gw.app, a, { url: '/v1/events', body, now: gw.clock.now() });
    await inStore;
    const second = await signedInject(gw.app, a, { url: '/v1/events', body, now: gw.clock.now() });
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('1');
    release();
    expect((await first).statusCode).toBe(200);
  });
});

interface Backend {
  name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  target(): Promise<StoreTarget | undefined>;
}

let pgServer: PostgresServer | undefined;
let dbCounter = 0;
const backends: Backend[] = [
  {
    name: 'sqlite',
    setup: () => Promise.resolve(),
    teardown: () => Promise.resolve(),
    target: () => Promise.resolve(undefined),
  },
  {
    name: 'postgres',
    setup: async () => {
      pgServer = await startPostgres();
    },
    teardown: async () => {
      await pgServer?.stop();
    },
    target: async () => {
      if (!pgServer) throw new Error('postgres not started');
      return { kind: 'postgres', url: await pgServer.createDatabase(`gw${++dbCounter}`) };
    },
  },
];

describe.each(backends)('ingest on $name', (backend) => {
  let gw: TestGateway;
  let t: TestTerminal;
  let store: GatewayStore;
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    const target = await backend.target();
    gw = await startTestGateway(target ? { target } : {});
    store = gw.store;
    t = await enrollTerminal(gw.app);
  });
  afterEach(() => gw.close());

  const post = (body: unknown) =>
    signedInject(gw.app, t, { url: '/v1/events', body, now: gw.clock.now() });

  it('stores a batch, derives its sales, and counts a resend as duplicates', async () => {
    const batch = { terminalId: t.terminalId, events: events(t.terminalId, 1, 6) };
    const first = await post(batch);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<EventsReply>()).toEqual({
      ackedSeq: 6,
      accepted: 6,
      duplicateSeqs: [],
      missing: [],
    });
    expect(await store.countEvents(t.terminalId)).toBe(6);

    // A freshly signed resend of acked events: 200, all duplicates, nothing new.
    const again = await post(batch);
    expect(again.statusCode).toBe(200);
    expect(again.json<EventsReply>()).toEqual({
      ackedSeq: 6,
      accepted: 0,
      duplicateSeqs: [1, 2, 3, 4, 5, 6],
      missing: [],
    });
    expect(await store.countEvents(t.terminalId)).toBe(6);

    // Two sales (seq 3 and 6) of 62.00 each, reported in the venue's hour (20:00 in Shanghai).
    const summary = await gw.app.inject({
      url: '/v1/reports/summary?from=2026-11-21&to=2026-11-21',
      headers: admin(),
    });
    expect(summary.json()).toMatchObject({
      currency: 'CNY',
      sales: { count: 2, amount: 12_400 },
      byHour: [{ hour: '2026-11-21T20', count: 2, amount: 12_400 }],
    });
  });

  it('reads version-2 sales: deposits, discounts and comps apart from revenue, next to version 1', async () => {
    const id = t.terminalId;
    const v1 = envelope(id, 1, 'sale.completed', saleData(id, 1));
    // A large beer (58.00) with 10 % off (5.80) and a 2.00 cup deposit; a comped hot dog.
    const beer = saleData(id, 2, {
      lines: [
        {
          lineId: newId(),
          kind: 'item',
          productId: 'tsingtao',
          categoryId: 'beer',
          name: { en: 'Beer', zh: '啤酒' },
          unitPrice: 5800,
          quantity: 1,
          amount: 5800,
          discount: 580,
          taxRateId: 'vat6',
        },
        {
          lineId: newId(),
          kind: 'deposit',
          productId: 'cup',
          categoryId: '',
          name: { en: 'Cup', zh: '杯' },
          unitPrice: 200,
          quantity: 1,
          amount: 200,
          discount: 0,
          taxRateId: '',
        },
        {
          lineId: newId(),
          kind: 'item',
          productId: 'hot-dog',
          categoryId: 'hot-food',
          name: { en: 'Hot dog', zh: '热狗' },
          unitPrice: 2500,
          quantity: 1,
          amount: 2500,
          discount: 2500,
          taxRateId: 'vat6',
        },
      ],
      totals: {
        subtotal: 8300,
        discounts: 580,
        comps: 2500,
        deposits: 200,
        exclusiveTax: 0,
        taxTotal: 296,
        total: 5420,
        taxes: [],
      },
      payments: [
        {
          paymentId: newId(),
          kind: 'cash',
          amount: 5420,
          tendered: 6000,
          change: 580,
          rounding: 0,
        },
      ],
      change: 580,
    });
    const res = await post({
      terminalId: id,
      events: [v1, { ...envelope(id, 2, 'sale.completed', beer), v: 2 }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const summary = await gw.app.inject({ url: '/v1/reports/summary', headers: admin() });
    expect(summary.statusCode, summary.body).toBe(200);
    expect(summary.json()).toMatchObject({
      sales: { count: 2, amount: 6200 + 5220 },
      deposits: { count: 1, amount: 200 },
      discounts: { count: 1, amount: 580 },
      comps: { count: 1, amount: 2500 },
      byTender: [{ tender: 'cash', count: 2, amount: 6200 + 5420 }],
      byCategory: [
        { categoryId: 'beer', quantity: 1, amount: 5220 },
        { categoryId: 'drinks', quantity: 1, amount: 1200 },
        { categoryId: 'hot-food', quantity: 3, amount: 5000 },
      ],
    });
  });

  it('reports gaps as missing ranges and acks only the contiguous part', async () => {
    const res = await post({
      terminalId: t.terminalId,
      events: [
        ...events(t.terminalId, 1, 2),
        ...events(t.terminalId, 5, 5),
        ...events(t.terminalId, 8, 9),
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<EventsReply>()).toEqual({
      ackedSeq: 2,
      accepted: 5,
      duplicateSeqs: [],
      missing: [
        [3, 4],
        [6, 7],
      ],
    });
    const fill = await post({
      terminalId: t.terminalId,
      events: [...events(t.terminalId, 3, 4), ...events(t.terminalId, 6, 7)],
    });
    expect(fill.json<EventsReply>()).toMatchObject({ ackedSeq: 9, missing: [] });
  });

  it('refuses the same seq with other content with 409 naming the seqs, and stores nothing of that batch', async () => {
    const original = events(t.terminalId, 1, 3);
    expect((await post({ terminalId: t.terminalId, events: original })).statusCode).toBe(200);
    const changed = { ...original[1]!, data: { text: 'rewritten' } };
    const res = await post({
      terminalId: t.terminalId,
      events: [changed, ...events(t.terminalId, 4, 5)],
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'events.conflict', seqs: [2] } });
    expect(await store.countEvents(t.terminalId)).toBe(3);
  });

  it('hashes the event as sent: a field a newer terminal adds still counts for idempotency', async () => {
    const [e] = events(t.terminalId, 1, 1);
    expect(
      (await post({ terminalId: t.terminalId, events: [{ ...e, extra: 'x' }] })).statusCode,
    ).toBe(200);
    const res = await post({ terminalId: t.terminalId, events: [{ ...e, extra: 'y' }] });
    expect(res.statusCode).toBe(409);
    // Key order does not matter: the hash is over canonical JSON.
    const reordered = Object.fromEntries(Object.entries({ ...e, extra: 'x' }).reverse());
    expect(
      (await post({ terminalId: t.terminalId, events: [reordered] })).json<EventsReply>()
        .duplicateSeqs,
    ).toEqual([1]);
  });
});
