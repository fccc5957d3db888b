import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogBody, CatalogDto, SaleDto, TerminalStatusDto } from '../contract/api';
import { EventsBatch } from '../contract/gateway';
import { systemClock } from '../lib/clock';
import { verifyRequest } from '../lib/http-signature';
import { appendOutbox } from '../db/outbox';
import type { Db } from '../db/open';
import { getSetting, setSetting } from '../db/settings';
import { stopSaleState } from '../db/stop-sale';
import { ensureTerminalId, openTerminalDb } from '../db/terminal-db';
import { fullJitterDelay, retryAfterMs } from './backoff';
import { createCorrectedClock } from './corrected-clock';
import { createTerminalSync } from './create-terminal';
import { demoCatalog } from './demo-venue';
import { GATEWAY_SETTING } from './enroll';
import type { HttpFetch, HttpRequest, HttpResponse } from './http-client';
import { NetworkError } from './http-client';
import { createSyncWorker, defaultSyncConfig, PULLED_KINDS, STOP_SALE_ACKED_SETTING, type SyncConfig, type SyncWorker } from './sync-worker';
import { ensureTerminalKey, type TerminalKey } from './terminal-key';
import { openTill } from './testing';

const dirs: string[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pos-sync-'));
  dirs.push(d);
  return d;
}

const GATEWAY_URL = 'http://gateway.test:8080';

type Override = (req: HttpRequest, batch: EventsBatch | undefined) => HttpResponse | Error | undefined;

/** A gateway in memory: verifies every signature, stores events by seq, answers like §6 says. */
function fakeGateway(key: TerminalKey, opts: { skewMs?: number } = {}) {
  const stored = new Map<number, string>();
  const requests: { req: HttpRequest; batch?: EventsBatch; seqs: number[] }[] = [];
  const overrides: Override[] = [];
  const nonces = new Set<string>();
  const references = new Map<string, { version: number; body: unknown }>();
  const stopSaleAcks: number[] = [];
  const gatewayNow = (): number => Date.now() + (opts.skewMs ?? 0);
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
    status,
    headers: { date: new Date(gatewayNow()).toUTCString(), ...headers },
    body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
  });

  const fetch: HttpFetch = async (req) => {
    const url = new URL(req.url);
    const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
    const batch =
      req.method === 'POST' && url.pathname === '/v1/events' ? EventsBatch.parse(JSON.parse(body.toString('utf8'))) : undefined;
    requests.push({ req, ...(batch ? { batch } : {}), seqs: batch?.events.map((e) => e.seq) ?? [] });
    const override = overrides.shift()?.(req, batch);
    if (override instanceof Error) throw override;
    if (override) return override;
    const auth = await verifyRequest({
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers: req.headers ?? {},
      body,
      now: gatewayNow(),
      lookupKey: () => Promise.resolve({ publicKey: key.publicKey, revoked: false }),
      recordNonce: (_k, n) => Promise.resolve(!nonces.has(n) && !!nonces.add(n)),
    });
    if (!auth.ok) return reply(401, { error: { code: auth.code, message: auth.message } });
    if (url.pathname === '/v1/events' && batch) {
      for (const e of batch.events) stored.set(e.seq, JSON.stringify(e));
      return reply(200, { ...ackState(), accepted: batch.events.length, duplicateSeqs: [] });
    }
    if (url.pathname === '/v1/reference/stop-sale/ack') {
      const { version } = JSON.parse(body.toString('utf8')) as { version: number };
      stopSaleAcks.push(version);
      return reply(200, { version, current: references.get('stop-sale')?.version ?? 0 });
    }
    const kind = /^\/v1\/reference\/(.+)$/.exec(url.pathname)?.[1];
    if (kind) {
      const ref = references.get(kind);
      if (!ref) return reply(404, { error: { code: 'reference.not_set', message: 'none' } });
      const etag = `"${ref.version}"`;
      if (req.headers?.['if-none-match'] === etag) return reply(304, undefined, { etag });
      return reply(200, { kind, version: ref.version, body: ref.body }, { etag });
    }
    return reply(404, { error: { code: 'not_found', message: url.pathname } });
  };

  function ackState(): { ackedSeq: number; missing: [number, number][] } {
    let acked = 0;
    while (stored.has(acked + 1)) acked++;
    const max = Math.max(0, ...stored.keys());
    const missing: [number, number][] = [];
    for (let s = acked + 1; s <= max; s++) {
      if (stored.has(s)) continue;
      const last = missing.at(-1);
      if (last && last[1] === s - 1) last[1] = s;
      else missing.push([s, s]);
    }
    return { ackedSeq: acked, missing };
  }

  return {
    fetch,
    stored,
    requests,
    overrides,
    references,
    stopSaleAcks,
    reply,
    eventRequests: () => requests.filter((r) => r.batch),
    stopSalePolls: () => requests.filter((r) => r.req.url.endsWith('/v1/reference/stop-sale')),
  };
}

interface Setup {
  db: Db;
  dir: string;
  terminalId: string;
  key: TerminalKey;
  gw: ReturnType<typeof fakeGateway>;
  worker: SyncWorker;
  sleeps: number[];
}

function addEvents(db: Db, terminalId: string, n: number, size = 10): void {
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      appendOutbox(db, {
        terminalId,
        type: 'test.event',
        at: new Date().toISOString(),
        businessDate: '2026-11-21',
        data: { i, pad: 'x'.repeat(size) },
      });
    }
  })();
}

function setup(
  config: Partial<SyncConfig> = {},
  gwOpts: { skewMs?: number } = {},
  deps: { isBetweenSales?: () => boolean; onStopSaleApplied?: () => void } = {},
): Setup {
  const dir = tempDir();
  const db = openTerminalDb(dir);
  cleanups.push(() => db.close());
  const terminalId = ensureTerminalId(db);
  const key = ensureTerminalKey(dir);
  const gw = fakeGateway(key, gwOpts);
  const sleeps: number[] = [];
  const worker = createSyncWorker({
    db,
    terminalId,
    privateKey: key.privateKey,
    gateway: { url: GATEWAY_URL, terminalName: 'Bar 3', enrolledAt: new Date().toISOString() },
    clock: createCorrectedClock(systemClock),
    isBetweenSales: deps.isBetweenSales ?? (() => true),
    ...(deps.onStopSaleApplied ? { onStopSaleApplied: deps.onStopSaleApplied } : {}),
    config: {
      fetch: gw.fetch,
      random: () => 0.5,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...config,
    },
  });
  cleanups.unshift(() => worker.stop());
  return { db, dir, terminalId, key, gw, worker, sleeps };
}

function ackedSeqs(db: Db): number[] {
  return (db.prepare('SELECT seq FROM outbox WHERE acked_at IS NOT NULL ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq);
}

describe('upload', () => {
  it('sends contiguous batches of at most batchMaxEvents and marks every acked row', async () => {
    const s = setup({ batchMaxEvents: 500 });
    addEvents(s.db, s.terminalId, 1200);
    const r = await s.worker.syncNow();
    expect(r).toMatchObject({ outcome: 'done', acked: 1200, pending: 0 });
    expect(s.gw.eventRequests().map((q) => q.seqs.length)).toEqual([500, 500, 200]);
    expect(s.gw.eventRequests().map((q) => q.seqs[0])).toEqual([1, 501, 1001]);
    expect(s.gw.stored.size).toBe(1200);
    expect(ackedSeqs(s.db)).toHaveLength(1200);
    expect(s.worker.status()).toMatchObject({ state: 'online', pendingEvents: 0, oldestPendingAt: null, problem: null });
    expect(s.worker.status().lastSyncAt).not.toBeNull();
  });

  it('keeps each request body within batchMaxBytes', async () => {
    const s = setup({ batchMaxBytes: 4000 });
    addEvents(s.db, s.terminalId, 40, 300);
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'done', acked: 40 });
    const sizes = s.gw.eventRequests().map((q) => Buffer.byteLength(q.req.body!));
    expect(sizes.length).toBeGreaterThan(3);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(4000);
    const seqs = s.gw.eventRequests().flatMap((q) => q.seqs);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('sends the outbox payload as stored and a chain head the terminal key signed', async () => {
    const s = setup();
    addEvents(s.db, s.terminalId, 2);
    s.db.prepare("INSERT INTO journal (seq, at, type, payload, prev_hash, hash) VALUES (1, '2026-11-21T00:00:00.000Z', 't', '{}', ?, ?)").run('0'.repeat(64), 'a'.repeat(64));
    await s.worker.syncNow();
    const [first] = s.gw.eventRequests();
    const payload = (s.db.prepare('SELECT payload FROM outbox WHERE seq = 1').get() as { payload: string }).payload;
    expect(first!.req.body!.toString()).toContain(payload);
    const { verifyChainHead } = await import('../lib/http-signature');
    expect(verifyChainHead(s.terminalId, first!.batch!.chainHead!, s.key.publicKey)).toBe(true);
    expect(first!.batch!.chainHead!.seq).toBe(1);
  });

  it('marks only rows up to ackedSeq', async () => {
    const s = setup();
    addEvents(s.db, s.terminalId, 10);
    s.gw.overrides.push(() => s.gw.reply(200, { ackedSeq: 4, accepted: 10, duplicateSeqs: [], missing: [] }));
    s.gw.overrides.push(() => new NetworkError('network', 'ECONNREFUSED'));
    const r = await s.worker.syncNow();
    expect(r.outcome).toBe('retry');
    expect(ackedSeqs(s.db)).toEqual([1, 2, 3, 4]);
    // The next batch starts at the lowest unacked row.
    expect(s.gw.eventRequests()[1]!.seqs[0]).toBe(5);
  });

  it('resends from the lowest missing seq the gateway reports', async () => {
    const s = setup({ batchMaxEvents: 3 });
    addEvents(s.db, s.terminalId, 9);
    // The gateway "loses" the second batch (4–6) but takes the third.
    s.gw.overrides.push(() => undefined);
    s.gw.overrides.push(() => s.gw.reply(200, { ackedSeq: 3, accepted: 0, duplicateSeqs: [], missing: [] }));
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'done' });
    expect(s.gw.eventRequests().map((q) => q.seqs[0])).toEqual([1, 4, 4, 7]);

    // Later the gateway lost everything (restored from an old backup): it reports 1–9 missing.
    s.gw.stored.clear();
    addEvents(s.db, s.terminalId, 1);
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'done' });
    const starts = s.gw.eventRequests().slice(4).map((q) => q.seqs[0]);
    expect(starts).toEqual([10, 1, 4, 7]);
    expect(s.gw.stored.size).toBe(10);
  });

  it('stops retrying a batch the gateway refuses with 409 until restart, and says why', async () => {
    const s = setup();
    addEvents(s.db, s.terminalId, 3);
    s.gw.overrides.push(() => s.gw.reply(409, { error: { code: 'events.conflict', message: 'seq 2 differs', seqs: [2] } }));
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'halted', pending: 3 });
    expect(s.worker.status().problem).toMatch(/HTTP 409 events.conflict.*seq 2 differs/);
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'halted' });
    expect(s.gw.eventRequests()).toHaveLength(1);
  });

  it('stops on 400 the same way', async () => {
    const s = setup();
    addEvents(s.db, s.terminalId, 3);
    s.gw.overrides.push(() => s.gw.reply(400, { error: { code: 'events.not_increasing', message: 'bad order' } }));
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'halted' });
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'halted' });
    expect(s.gw.eventRequests()).toHaveLength(1);
  });

  it('stops all syncing when the terminal is revoked', async () => {
    const s = setup({ referencePollMs: 0 });
    addEvents(s.db, s.terminalId, 3);
    s.gw.overrides.push(() => s.gw.reply(401, { error: { code: 'terminal.revoked', message: 'revoked by admin' } }));
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'halted' });
    expect(s.worker.status()).toMatchObject({ state: 'offline', problem: expect.stringContaining('revoked') as string });
    await s.worker.pullReferenceNow();
    expect(s.gw.requests).toHaveLength(1);
  });

  it('learns the clock offset from the Date header and signs with corrected time', async () => {
    // The gateway's clock is an hour ahead: the first request is stale, its 401 carries a Date.
    const s = setup({}, { skewMs: 3600_000 });
    addEvents(s.db, s.terminalId, 2);
    const first = await s.worker.syncNow();
    expect(first.outcome).toBe('retry');
    expect(s.worker.status().problem).toContain('signature.stale');
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'done', acked: 2 });
    const created = /created=(\d+)/.exec(s.gw.requests[1]!.req.headers!['signature-input']!)![1];
    expect(Math.abs(Number(created) * 1000 - (Date.now() + 3600_000))).toBeLessThan(3000);
    // Kept for the next start.
    const stored = s.db.prepare("SELECT value FROM settings WHERE key = 'clock_offset_ms'").get() as { value: string };
    expect(Math.abs(Number(stored.value) - 3600_000)).toBeLessThan(2000);
  });

  it('goes offline on a network error with offlineSince, and online again on success', async () => {
    const s = setup();
    addEvents(s.db, s.terminalId, 1);
    s.gw.overrides.push(() => new NetworkError('network', 'connect ECONNREFUSED'));
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'retry', pending: 1 });
    const off = s.worker.status();
    expect(off.state).toBe('offline');
    expect(off.offlineSince).not.toBeNull();
    expect(off.pendingEvents).toBe(1);
    expect(off.oldestPendingAt).not.toBeNull();
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'done' });
    expect(s.worker.status()).toMatchObject({ state: 'online', offlineSince: null, pendingEvents: 0 });
  });

  it('sends nothing while forced offline, and shows offline (forced)', async () => {
    const s = setup();
    addEvents(s.db, s.terminalId, 2);
    s.worker.setForcedOffline(true);
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'forced_offline', pending: 2 });
    expect(s.gw.requests).toHaveLength(0);
    expect(s.worker.status()).toMatchObject({ state: 'offline', forcedOffline: true });
    s.worker.setForcedOffline(false);
    expect(await s.worker.syncNow()).toMatchObject({ outcome: 'done', acked: 2 });
    expect(s.worker.status()).toMatchObject({ state: 'online', forcedOffline: false });
  });
});

describe('timing', () => {
  it('computes full-jitter delays within [0, min(cap, base·2^(n−1)))', () => {
    const ceilings = [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000];
    ceilings.forEach((c, i) => {
      expect(fullJitterDelay(i + 1, 1000, 300_000, () => 0)).toBe(0);
      expect(fullJitterDelay(i + 1, 1000, 300_000, () => 0.999999)).toBe(Math.floor(0.999999 * c));
      expect(fullJitterDelay(i + 1, 1000, 300_000, () => 0.5)).toBe(c / 2);
    });
    expect(fullJitterDelay(2000, 1000, 300_000, () => 0.5)).toBe(150_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 10, 21, 12, 0, 0);
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfterMs(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  function loopSetup(config: Partial<SyncConfig>, stopAfter: number): Setup & { finished: Promise<void> } {
    let resolveFinished!: () => void;
    const finished = new Promise<void>((r) => (resolveFinished = r));
    const holder: { worker?: SyncWorker } = {};
    const s = setup({
      // The stop-sale control loop sleeps on its own; these tests time the upload loop alone.
      controlPollMs: 0,
      ...config,
      sleep: (ms) => {
        s.sleeps.push(ms);
        if (s.sleeps.length >= stopAfter) {
          void holder.worker!.stop().then(resolveFinished);
        }
        return Promise.resolve();
      },
    });
    holder.worker = s.worker;
    return { ...s, finished };
  }

  it('backs off with full jitter on failures, waits jitter at start and after the outage ends', async () => {
    let r = 0;
    const randoms = [0.25, 0.9, 0.9, 0.9, 0.9, 0.9, 0.4, 0.9];
    const s = loopSetup(
      { backoffBaseMs: 100, backoffCapMs: 500, reconnectJitterMs: 1000, pollIntervalMs: 50, referencePollMs: 1e9, random: () => randoms[r++] ?? 0.5 },
      8,
    );
    addEvents(s.db, s.terminalId, 3);
    for (let i = 0; i < 5; i++) s.gw.overrides.push(() => new NetworkError('network', 'down'));
    // The reference poll at start goes first (catalog, config, policy, blocked cards, staff): let it pass (404s).
    s.gw.overrides.unshift(() => undefined, () => undefined, () => undefined, () => undefined, () => undefined);
    s.worker.start();
    await s.finished;
    expect(s.sleeps).toEqual([
      250, // start: 0.25 × reconnect jitter
      90, // failure 1: 0.9 × min(500, 100)
      180, // 2: 0.9 × 200
      360, // 3: 0.9 × 400
      450, // 4: 0.9 × min(500, 800)
      450, // 5
      400, // the outage ended: 0.4 × reconnect jitter before draining on
      50, // all sent: idle poll
    ]);
    expect(ackedSeqs(s.db)).toEqual([1, 2, 3]);
  });

  it('with nothing to send while offline, asks for the reference data each poll to learn the gateway is back', async () => {
    const s = loopSetup({ reconnectJitterMs: 0, pollIntervalMs: 50 }, 3);
    // The pull at start and the first probe fail (each stops at its first kind); the next probe
    // reaches the gateway.
    s.gw.overrides.push(
      () => new NetworkError('network', 'down'),
      () => new NetworkError('network', 'down'),
    );
    s.worker.start();
    await s.finished;
    const pulls = s.gw.requests.filter((r) => r.req.url.includes('/v1/reference/'));
    expect(pulls.length).toBe(2 + PULLED_KINDS.length);
    expect(s.gw.eventRequests()).toHaveLength(0);
    expect(s.worker.status().state).toBe('online');
    expect(s.sleeps).toEqual([0, 50, 50]);
  });

  it('honours Retry-After on 429 and 503', async () => {
    const s = loopSetup({ reconnectJitterMs: 0, pollIntervalMs: 50, referencePollMs: 1e9 }, 4);
    addEvents(s.db, s.terminalId, 1);
    s.gw.overrides.push(() => undefined, () => undefined, () => undefined, () => undefined, () => undefined); // reference pulls
    s.gw.overrides.push(() => s.gw.reply(429, { error: { code: 'rate', message: 'slow down' } }, { 'retry-after': '7' }));
    s.gw.overrides.push(() =>
      s.gw.reply(503, { error: { code: 'busy', message: 'busy' } }, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }),
    );
    s.worker.start();
    await s.finished;
    expect(s.sleeps[0]).toBe(0);
    // Retry-After is a floor, plus a random share of it so turned-away terminals spread out
    // (random() is 0.5 in this setup).
    expect(s.sleeps[1]).toBe(7000 + 3500);
    expect(s.sleeps[2]).toBeGreaterThan(57_000 * 1.5);
    expect(s.sleeps[2]).toBeLessThanOrEqual(60_000 * 1.5);
  });
});

describe('stop-sale control poll', () => {
  const journaled = (db: Db) =>
    (db.prepare("SELECT payload FROM journal WHERE type = 'stop_sale.applied' ORDER BY seq").all() as { payload: string }[]).map(
      (r) => JSON.parse(r.payload) as { version: number; tags: string[] },
    );

  it('polls every 3 s by default', () => {
    expect(defaultSyncConfig.controlPollMs).toBe(3000);
  });

  it('applies a new version at once, even mid-sale, journals it, tells the terminal, and confirms it', async () => {
    let applied = 0;
    const s = setup({}, {}, { isBetweenSales: () => false, onStopSaleApplied: () => applied++ });
    s.gw.references.set('stop-sale', { version: 7, body: { tags: ['alcohol'], soldOut: ['hot-dog'] } });
    await s.worker.controlPollNow();
    expect(stopSaleState(s.db)).toMatchObject({ version: 7, tags: ['alcohol'], soldOut: ['hot-dog'] });
    expect(stopSaleState(s.db).appliedAt).not.toBeNull();
    expect(applied).toBe(1);
    expect(journaled(s.db)).toEqual([{ terminalId: s.terminalId, version: 7, tags: ['alcohol'], soldOut: ['hot-dog'] }]);
    expect(s.gw.stopSaleAcks).toEqual([7]);
    expect(getSetting(s.db, STOP_SALE_ACKED_SETTING)).toBe(7);

    // Unchanged: a 304 with the stored ETag; nothing applied, journaled or acked again.
    await s.worker.controlPollNow();
    expect(s.gw.stopSalePolls().at(-1)!.req.headers!['if-none-match']).toBe('"7"');
    expect(applied).toBe(1);
    expect(journaled(s.db)).toHaveLength(1);
    expect(s.gw.stopSaleAcks).toEqual([7]);

    // Resumed at the gateway: applied and confirmed the same way.
    s.gw.references.set('stop-sale', { version: 8, body: { tags: [], soldOut: [] } });
    await s.worker.controlPollNow();
    expect(stopSaleState(s.db)).toMatchObject({ version: 8, tags: [] });
    expect(applied).toBe(2);
    expect(s.gw.stopSaleAcks).toEqual([7, 8]);
  });

  it('retries a failed ack on the next poll, without applying twice', async () => {
    let applied = 0;
    const s = setup({}, {}, { onStopSaleApplied: () => applied++ });
    s.gw.references.set('stop-sale', { version: 3, body: { tags: ['alcohol'] } });
    s.gw.overrides.push(
      () => undefined,
      () => new NetworkError('network', 'ECONNRESET'),
    );
    await s.worker.controlPollNow();
    expect(stopSaleState(s.db).version).toBe(3);
    expect(getSetting(s.db, STOP_SALE_ACKED_SETTING)).toBeUndefined();
    s.gw.overrides.push(
      () => undefined,
      () => s.gw.reply(503, { error: { code: 'busy', message: 'busy' } }),
    );
    await s.worker.controlPollNow();
    expect(getSetting(s.db, STOP_SALE_ACKED_SETTING)).toBeUndefined();
    await s.worker.controlPollNow();
    expect(s.gw.stopSaleAcks).toEqual([3]);
    expect(getSetting(s.db, STOP_SALE_ACKED_SETTING)).toBe(3);
    expect(applied).toBe(1);
  });

  it('does not poll while forced offline, and stops for good when revoked', async () => {
    const s = setup();
    s.gw.references.set('stop-sale', { version: 2, body: { tags: ['alcohol'] } });
    s.worker.setForcedOffline(true);
    await s.worker.controlPollNow();
    expect(s.gw.requests).toHaveLength(0);
    s.worker.setForcedOffline(false);

    s.gw.overrides.push(() => s.gw.reply(401, { error: { code: 'terminal.revoked', message: 'revoked by admin' } }));
    await s.worker.controlPollNow();
    expect(s.worker.status().problem).toContain('revoked');
    await s.worker.controlPollNow();
    expect(s.gw.requests).toHaveLength(1);
    expect(stopSaleState(s.db).version).toBe(0);
  });

  it('ignores an unreadable list and keeps what it applied', async () => {
    const s = setup();
    s.gw.references.set('stop-sale', { version: 2, body: { tags: ['alcohol'] } });
    await s.worker.controlPollNow();
    s.gw.references.set('stop-sale', { version: 3, body: { tags: ['NOT A TAG!'] } });
    await s.worker.controlPollNow();
    expect(stopSaleState(s.db)).toMatchObject({ version: 2, tags: ['alcohol'] });
  });

  it('first polls after a random share of the interval, then every interval', async () => {
    const holder: { worker?: SyncWorker } = {};
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const control: number[] = [];
    const s = setup({
      controlPollMs: 3000,
      reconnectJitterMs: 1e9,
      random: () => 0.25,
      sleep: (ms, signal) => {
        // The upload loop waits its (huge) start jitter; only the control loop runs.
        if (ms >= 1e8) return new Promise((r) => signal.addEventListener('abort', () => r()));
        control.push(ms);
        if (control.length === 3) void holder.worker!.stop().then(resolveDone);
        return Promise.resolve();
      },
    });
    holder.worker = s.worker;
    s.gw.references.set('stop-sale', { version: 2, body: { tags: ['alcohol'] } });
    s.worker.start();
    await done;
    expect(control).toEqual([750, 3000, 3000]);
    expect(s.gw.stopSalePolls()).toHaveLength(2);
    expect(s.gw.eventRequests()).toHaveLength(0);
    expect(stopSaleState(s.db).version).toBe(2);
  });

  it('is not held up by an upload that hangs', async () => {
    const hung: (() => void)[] = [];
    const holder: { gw?: Setup['gw'] } = {};
    // Every upload hangs (a slow gateway, a huge backlog); everything else is answered.
    const fetch: HttpFetch = (req) =>
      req.url.endsWith('/v1/events')
        ? new Promise((_resolve, reject) => hung.push(() => reject(new NetworkError('timeout', 'gave up'))))
        : holder.gw!.fetch(req);
    const s = setup({ controlPollMs: 20, reconnectJitterMs: 0, referencePollMs: 1e9, fetch, sleep: sleepFor });
    holder.gw = s.gw;
    addEvents(s.db, s.terminalId, 600);
    s.worker.start();
    await expect.poll(() => hung.length, { timeout: 2000 }).toBe(1);
    s.gw.references.set('stop-sale', { version: 5, body: { tags: ['alcohol'] } });
    await expect.poll(() => stopSaleState(s.db).version, { timeout: 2000 }).toBe(5);
    await expect.poll(() => s.gw.stopSaleAcks, { timeout: 2000 }).toEqual([5]);
    expect(hung).toHaveLength(1);
    expect(s.worker.status().pendingEvents).toBe(600);
    for (const h of hung) h();
  });
});

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// ---------- wired into a terminal ----------

function enrolledDataDir(): { dir: string; key: TerminalKey } {
  const dir = tempDir();
  const db = openTerminalDb(dir);
  setSetting(db, GATEWAY_SETTING, { url: GATEWAY_URL, terminalName: 'Bar 3', enrolledAt: new Date().toISOString() });
  db.close();
  return { dir, key: ensureTerminalKey(dir) };
}

async function call<T>(t: { dispatch(m: unknown, i: unknown): Promise<unknown> }, method: string, input: unknown = {}): Promise<T> {
  const r = (await t.dispatch(method, input)) as { ok: boolean; value: T; error?: unknown };
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('in a terminal', () => {
  it('sells standalone when not enrolled and never calls the network', async () => {
    const dir = tempDir();
    let called = 0;
    const t = createTerminalSync({ dataDir: dir, demo: true, sync: { fetch: () => (called++, Promise.reject(new Error('no'))) } });
    cleanups.push(() => t.close());
    await openTill(t);
    await call(t, 'sale.addItem', { productId: demoCatalog.products[0]!.id });
    const sale = await call<SaleDto>(t, 'sale.get');
    await call(t, 'payment.payCash', { tendered: sale.totals.total + 10_000 });
    await call(t, 'sale.complete');
    const status = await call<TerminalStatusDto>(t, 'terminal.getStatus');
    expect(status.network).toMatchObject({ state: 'standalone', gatewayUrl: null, forcedOffline: false });
    expect(status.network.pendingEvents).toBeGreaterThan(0);
    expect(status.network.oldestPendingAt).not.toBeNull();
    expect(called).toBe(0);
    const forced = await call<TerminalStatusDto>(t, 'sync.setForcedOffline', { offline: true });
    expect(forced.network).toMatchObject({ state: 'standalone', forcedOffline: true });
  });

  it('applies a new catalog only between sales', async () => {
    const { dir, key } = enrolledDataDir();
    const gw = fakeGateway(key);
    const newCatalog: CatalogBody = {
      ...demoCatalog,
      products: demoCatalog.products.map((p) => ({ ...p, price: p.price + 100 })),
    };
    const t = createTerminalSync({
      dataDir: dir,
      demo: true,
      sync: { fetch: gw.fetch, reconnectJitterMs: 0, pollIntervalMs: 60_000, referencePollMs: 60_000 },
    });
    cleanups.push(() => t.close());
    await openTill(t);
    const product = demoCatalog.products[0]!;
    await call(t, 'sale.addItem', { productId: product.id });
    gw.references.set('catalog', { version: 2, body: newCatalog });

    // Pull while a sale is open: kept pending, the sale and the catalog stay as they were.
    const worker = t.sync;
    expect(worker).toBeDefined();
    await worker!.pullReferenceNow();
    const during = await call<CatalogDto>(t, 'catalog.list');
    expect(during.products.find((p) => p.id === product.id)!.price).toBe(product.price);

    const sale = await call<SaleDto>(t, 'sale.get');
    await call(t, 'payment.payCash', { tendered: sale.totals.total + 10_000 });
    await call(t, 'sale.complete');
    const after = await call<CatalogDto>(t, 'catalog.list');
    expect(after.products.find((p) => p.id === product.id)!.price).toBe(product.price + 100);

    // Unchanged since: 304, nothing re-applied.
    await worker!.pullReferenceNow();
    const catalogPulls = gw.requests.filter((r) => r.req.url.endsWith('/v1/reference/catalog'));
    expect(catalogPulls.at(-1)!.req.headers!['if-none-match']).toBe('"2"');
  });

  it('stops an item in the open sale at once and tells the UI', async () => {
    const { dir, key } = enrolledDataDir();
    const gw = fakeGateway(key);
    const t = createTerminalSync({
      dataDir: dir,
      demo: true,
      sync: { fetch: gw.fetch, reconnectJitterMs: 0, pollIntervalMs: 60_000, referencePollMs: 1e9, controlPollMs: 60_000 },
    });
    cleanups.push(() => t.close());
    await openTill(t);
    await call(t, 'sale.addItem', { productId: 'tsingtao', ageChecked: true });
    const seen: string[] = [];
    let lastSale: SaleDto | undefined;
    let lastCatalog: CatalogDto | undefined;
    t.on('catalog.updated', (c) => {
      seen.push('catalog.updated');
      lastCatalog = c;
    });
    t.on('sale.updated', (sale) => {
      seen.push('sale.updated');
      lastSale = sale;
    });
    gw.references.set('stop-sale', { version: 4, body: { tags: ['alcohol'], soldOut: [] } });
    await t.sync!.controlPollNow();
    expect(seen).toEqual(['catalog.updated', 'sale.updated']);
    expect(lastCatalog!.availability).toMatchObject({ stoppedTags: ['alcohol'], stopSaleVersion: 4 });
    expect(lastSale!.lines[0]).toMatchObject({ productId: 'tsingtao', stoppedBy: 'alcohol' });
    const r = (await t.dispatch('payment.payCash', { tendered: 100_000 })) as { ok: boolean; error?: { code: string } };
    expect(r).toMatchObject({ ok: false, error: { code: 'sale.stopped_items' } });
    expect(gw.stopSaleAcks).toEqual([4]);
  });

  it('shows the worker status and forced offline through the contract', async () => {
    const { dir, key } = enrolledDataDir();
    const gw = fakeGateway(key);
    const t = createTerminalSync({ dataDir: dir, demo: true, sync: { fetch: gw.fetch, reconnectJitterMs: 0, pollIntervalMs: 5, referencePollMs: 1e9 } });
    cleanups.push(() => t.close());
    await openTill(t);
    await call(t, 'sale.addItem', { productId: demoCatalog.products[0]!.id });
    const sale = await call<SaleDto>(t, 'sale.get');
    await call(t, 'payment.payCash', { tendered: sale.totals.total + 10_000 });
    await call(t, 'sale.complete');
    await expect.poll(async () => (await call<TerminalStatusDto>(t, 'terminal.getStatus')).network.pendingEvents, { timeout: 3000 }).toBe(0);
    const status = await call<TerminalStatusDto>(t, 'terminal.getStatus');
    expect(status.network).toMatchObject({ state: 'online', gatewayUrl: GATEWAY_URL, problem: null });
    const forced = await call<TerminalStatusDto>(t, 'sync.setForcedOffline', { offline: true });
    expect(forced.network).toMatchObject({ state: 'offline', forcedOffline: true });
  });
});
