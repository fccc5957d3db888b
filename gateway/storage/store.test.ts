// One suite, two dialects: every GatewayStore behaviour the routes rely on, on a real SQLite file
// and on a real (throwaway) PostgreSQL server.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../tests/support/postgres';
import type { DerivedSale, GatewayStore, IngestEvent } from '../store';
import { createStore, storeTargetFromUrl, type StoreTarget } from './create-store';
import { StoreError } from './kysely-store';

const T1 = '01JTERMINAL0000000000000001';
const T2 = '01JTERMINAL0000000000000002';
const KEY1 = 'MCowBQYDK2VwAyEA' + 'a'.repeat(44);
const KEY2 = 'MCowBQYDK2VwAyEA' + 'b'.repeat(44);
const NOW = '2026-11-21T12:00:00.000Z';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function event(terminalId: string, seq: number, variant = ''): IngestEvent {
  const payload = JSON.stringify({ terminalId, seq, type: 'test.event', variant });
  return {
    seq,
    eventId: `${terminalId}-e${seq}`,
    type: 'test.event',
    v: 1,
    at: NOW,
    businessDate: '2026-11-21',
    payload,
    payloadHash: sha256(payload),
  };
}

function events(terminalId: string, from: number, to: number): IngestEvent[] {
  const out: IngestEvent[] = [];
  for (let s = from; s <= to; s++) out.push(event(terminalId, s));
  return out;
}

interface SaleSpec {
  terminalId: string;
  seq: number;
  receiptNo?: number;
  completedAt?: string;
  businessDate?: string;
  localHour?: string;
  currency?: string;
  lines?: {
    categoryId: string;
    quantity: number;
    amount: number;
    kind?: DerivedSale['lines'][number]['kind'];
    discount?: number;
  }[];
  payments?: { tender: string; amount: number; rounding?: number }[];
  deposits?: number;
  discounts?: number;
  comps?: number;
}

function sale(spec: SaleSpec): DerivedSale {
  const lines = spec.lines ?? [{ categoryId: 'drinks', quantity: 1, amount: 1000 }];
  const payments = spec.payments ?? [
    { tender: 'cash', amount: lines.reduce((s, l) => s + l.amount, 0) },
  ];
  const saleId = `${spec.terminalId}-s${spec.seq}`;
  const receiptNo = spec.receiptNo ?? spec.seq;
  const doc = { saleId, receiptNo };
  return {
    terminalId: spec.terminalId,
    seq: spec.seq,
    saleId,
    receiptNo,
    receiptRef: `${spec.terminalId.slice(-4)}-${receiptNo}`,
    receiptToken: `TOKEN${spec.terminalId.slice(-4)}X${String(spec.seq).padStart(12, '0')}`,
    currency: spec.currency ?? 'CNY',
    completedAt: spec.completedAt ?? '2026-11-21T11:30:00.000Z',
    businessDate: spec.businessDate ?? '2026-11-21',
    localHour: spec.localHour ?? '2026-11-21T19',
    total: lines.reduce((s, l) => s + l.amount - (l.discount ?? 0), 0),
    taxTotal: 0,
    deposits: spec.deposits ?? 0,
    discounts: spec.discounts ?? 0,
    comps: spec.comps ?? 0,
    lines: lines.map((l, i) => ({
      position: i + 1,
      kind: 'item' as const,
      discount: 0,
      productId: `p-${l.categoryId}`,
      nameEn: 'Item',
      nameZh: '商品',
      ...l,
    })),
    payments: payments.map((p, i) => ({ paymentId: `${saleId}-p${i}`, rounding: 0, ...p })),
    document: JSON.stringify(doc),
  };
}

async function enroll(
  store: GatewayStore,
  terminalId: string,
  name: string,
  publicKey = KEY1,
): Promise<void> {
  const codeHash = sha256(`code-${terminalId}-${name}`);
  await store.insertEnrollmentCode({
    codeHash,
    name,
    createdAt: NOW,
    expiresAt: '2026-11-22T12:00:00.000Z',
  });
  const outcome = await store.completeEnrollment({
    codeHash,
    terminal: { terminalId, name, publicKey, status: 'active', enrolledAt: NOW },
    reply: '{}',
  });
  expect(outcome).toBe('ok');
}

interface Backend {
  name: 'sqlite' | 'postgres';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  target(): Promise<StoreTarget>;
}

let pgServer: PostgresServer | undefined;
let dbCounter = 0;
let tmp = '';

const backends: Backend[] = [
  {
    name: 'sqlite',
    setup: () => {
      tmp = mkdtempSync(join(tmpdir(), 'gw-store-'));
      return Promise.resolve();
    },
    teardown: () => {
      rmSync(tmp, { recursive: true, force: true });
      return Promise.resolve();
    },
    target: () => Promise.resolve({ kind: 'sqlite', path: join(tmp, `gateway-${++dbCounter}.db`) }),
  },
  {
    name: 'postgres',
    setup: async () => {
      pgServer = await startPostgres();
    },
    teardown: async () => {
      await pgServer?.stop();
    },
    // A fresh database per test: cheaper than it sounds (a template copy) and nothing leaks.
    target: async () => {
      if (!pgServer) throw new Error('postgres not started');
      return { kind: 'postgres', url: await pgServer.createDatabase(`t${++dbCounter}`) };
    },
  },
];

describe('storeTargetFromUrl', () => {
  it('maps postgres URLs to PostgreSQL and everything else to <dataDir>/gateway.db', () => {
    expect(storeTargetFromUrl('postgres://u@h/db', '/d')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(storeTargetFromUrl('postgresql://u@h/db', '/d')).toEqual({
      kind: 'postgres',
      url: 'postgresql://u@h/db',
    });
    expect(storeTargetFromUrl(undefined, '/d')).toEqual({ kind: 'sqlite', path: '/d/gateway.db' });
    expect(storeTargetFromUrl('', '/d')).toEqual({ kind: 'sqlite', path: '/d/gateway.db' });
  });
});

describe('createStore on SQLite', () => {
  it('refuses a file that is not a database, and leaves it untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-bad-'));
    try {
      const path = join(dir, 'gateway.db');
      writeFileSync(path, 'not a database, just some text that is long enough to have a header');
      await expect(createStore({ kind: 'sqlite', path })).rejects.toThrow(
        /cannot open the gateway database/,
      );
      expect(readFileSync(path, 'utf8')).toMatch(/^not a database/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(backends)('GatewayStore on $name', (backend) => {
  let store: GatewayStore;

  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    store = await createStore(await backend.target());
  });
  afterEach(async () => {
    await store.close();
  });

  it('reports its dialect and migrates idempotently', async () => {
    expect(store.dialect).toBe(backend.name);
    await store.migrate();
    await store.migrate();
    expect(await store.countEvents()).toBe(0);
  });

  describe('enrollment', () => {
    const codeHash = sha256('7K2M-Q9XD-4HTP');
    const terminal = {
      terminalId: T1,
      name: 'Gate B bar 3',
      publicKey: KEY1,
      status: 'active' as const,
      enrolledAt: NOW,
    };

    it('uses a code once; the same terminal and key may retry, anyone else is refused', async () => {
      await store.insertEnrollmentCode({
        codeHash,
        name: 'Gate B bar 3',
        createdAt: NOW,
        expiresAt: '2026-11-22T12:00:00.000Z',
      });
      expect(await store.getEnrollmentCode(codeHash)).toEqual({
        codeHash,
        name: 'Gate B bar 3',
        createdAt: NOW,
        expiresAt: '2026-11-22T12:00:00.000Z',
        usedByTerminal: null,
        usedWithKey: null,
        reply: null,
      });

      expect(await store.completeEnrollment({ codeHash, terminal, reply: '{"first":true}' })).toBe(
        'ok',
      );
      const used = await store.getEnrollmentCode(codeHash);
      expect(used).toMatchObject({
        usedByTerminal: T1,
        usedWithKey: KEY1,
        reply: '{"first":true}',
      });
      expect(await store.getTerminal(T1)).toEqual(terminal);

      // Lost reply: the same terminal retries and gets ok; the stored reply stays the first one.
      expect(await store.completeEnrollment({ codeHash, terminal, reply: '{"second":true}' })).toBe(
        'ok',
      );
      expect((await store.getEnrollmentCode(codeHash))?.reply).toBe('{"first":true}');

      expect(
        await store.completeEnrollment({
          codeHash,
          terminal: { ...terminal, terminalId: T2 },
          reply: '{}',
        }),
      ).toBe('used');
      expect(
        await store.completeEnrollment({
          codeHash,
          terminal: { ...terminal, publicKey: KEY2 },
          reply: '{}',
        }),
      ).toBe('used');
      expect(await store.getTerminal(T2)).toBeUndefined();
      expect((await store.getTerminal(T1))?.publicKey).toBe(KEY1);
      expect(
        await store.completeEnrollment({ codeHash: sha256('nope'), terminal, reply: '{}' }),
      ).toBe('used');
    });

    it('lets only one of two racing terminals use a code', async () => {
      await store.insertEnrollmentCode({ codeHash, name: 'x', createdAt: NOW, expiresAt: NOW });
      const results = await Promise.all([
        store.completeEnrollment({ codeHash, terminal, reply: '{}' }),
        store.completeEnrollment({
          codeHash,
          terminal: { ...terminal, terminalId: T2, publicKey: KEY2 },
          reply: '{}',
        }),
      ]);
      expect([...results].sort()).toEqual(['ok', 'used']);
      expect(await store.listTerminals()).toHaveLength(1);
    });
  });

  describe('terminals', () => {
    it('lists, touches and revokes terminals, with acked seq and chain head', async () => {
      await enroll(store, T2, 'Bar 2');
      await enroll(store, T1, 'Bar 1');
      let list = await store.listTerminals();
      expect(list.map((t) => t.name)).toEqual(['Bar 1', 'Bar 2']);
      expect(list[0]).toEqual({
        terminalId: T1,
        name: 'Bar 1',
        status: 'active',
        enrolledAt: NOW,
        lastSeenAt: null,
        ackedSeq: 0,
        chainHead: null,
      });

      await store.touchTerminal(T1, '2026-11-21T12:05:00.000Z');
      await store.ingest(T1, events(T1, 1, 3), [], NOW);
      await store.storeChainHead(T1, {
        seq: 3,
        hash: 'a'.repeat(64),
        signature: 'sig3',
        receivedAt: NOW,
      });
      // A late request with an older head does not move it back.
      await store.storeChainHead(T1, {
        seq: 2,
        hash: 'b'.repeat(64),
        signature: 'sig2',
        receivedAt: NOW,
      });
      expect(await store.getChainHead(T1)).toEqual({
        seq: 3,
        hash: 'a'.repeat(64),
        signature: 'sig3',
        receivedAt: NOW,
      });
      expect(await store.getChainHead(T2)).toBeUndefined();

      expect(await store.revokeTerminal(T1)).toBe(true);
      expect(await store.revokeTerminal('01JUNKNOWN')).toBe(false);
      list = await store.listTerminals();
      expect(list[0]).toEqual({
        terminalId: T1,
        name: 'Bar 1',
        status: 'revoked',
        enrolledAt: NOW,
        lastSeenAt: '2026-11-21T12:05:00.000Z',
        ackedSeq: 3,
        chainHead: { seq: 3, hash: 'a'.repeat(64), receivedAt: NOW },
      });
      expect(list[1]?.status).toBe('active');
      expect((await store.getTerminal(T1))?.status).toBe('revoked');
    });

    it('refuses a replayed nonce and purges expired ones', async () => {
      expect(await store.recordNonce(T1, 'n1', '2026-11-21T12:10:00.000Z')).toBe(true);
      expect(await store.recordNonce(T1, 'n1', '2026-11-21T12:10:00.000Z')).toBe(false);
      expect(await store.recordNonce(T2, 'n1', '2026-11-21T12:10:00.000Z')).toBe(true);
      expect(await store.recordNonce(T1, 'n2', '2026-11-21T12:20:00.000Z')).toBe(true);
      expect(await store.purgeNonces('2026-11-21T12:15:00.000Z')).toBe(2);
      expect(await store.recordNonce(T1, 'n2', '2026-11-21T12:20:00.000Z')).toBe(false);
      expect(await store.recordNonce(T1, 'n1', '2026-11-21T12:10:00.000Z')).toBe(true);
    });
  });

  describe('ingest', () => {
    beforeEach(async () => {
      await enroll(store, T1, 'Bar 1');
    });

    it('stores a new batch, then counts a resend as duplicates', async () => {
      const batch = events(T1, 1, 5);
      expect(await store.ingest(T1, batch, [], NOW)).toEqual({
        ok: true,
        inserted: [1, 2, 3, 4, 5],
        duplicates: [],
        ackedSeq: 5,
        missing: [],
      });
      expect(await store.ingest(T1, batch, [], NOW)).toEqual({
        ok: true,
        inserted: [],
        duplicates: [1, 2, 3, 4, 5],
        ackedSeq: 5,
        missing: [],
      });
      expect(await store.countEvents(T1)).toBe(5);
      expect((await store.listTerminals())[0]?.ackedSeq).toBe(5);
    });

    it('refuses a batch with a changed event and stores nothing of it', async () => {
      await store.ingest(T1, events(T1, 1, 5), [], NOW);
      const batch = [event(T1, 4), event(T1, 5, 'changed'), event(T1, 6), event(T1, 7)];
      const outcome = await store.ingest(T1, batch, [sale({ terminalId: T1, seq: 6 })], NOW);
      expect(outcome).toEqual({ ok: false, conflicts: [5] });
      expect(await store.countEvents(T1)).toBe(5);
      expect((await store.summary({ currency: 'CNY' })).sales.count).toBe(0);
      expect((await store.listTerminals())[0]?.ackedSeq).toBe(5);
    });

    it('reports gaps as missing ranges and advances acked seq when they are filled', async () => {
      let out = await store.ingest(T1, events(T1, 1, 3), [], NOW);
      out = await store.ingest(T1, [...events(T1, 6, 7), event(T1, 10)], [], NOW);
      expect(out).toEqual({
        ok: true,
        inserted: [6, 7, 10],
        duplicates: [],
        ackedSeq: 3,
        missing: [
          [4, 5],
          [8, 9],
        ],
      });
      out = await store.ingest(T1, events(T1, 4, 5), [], NOW);
      expect(out).toEqual({
        ok: true,
        inserted: [4, 5],
        duplicates: [],
        ackedSeq: 7,
        missing: [[8, 9]],
      });
      out = await store.ingest(T1, [event(T1, 9)], [], NOW);
      expect(out).toEqual({
        ok: true,
        inserted: [9],
        duplicates: [],
        ackedSeq: 7,
        missing: [[8, 8]],
      });
      out = await store.ingest(T1, events(T1, 8, 11), [], NOW);
      expect(out).toEqual({
        ok: true,
        inserted: [8, 11],
        duplicates: [9, 10],
        ackedSeq: 11,
        missing: [],
      });
    });

    it('reports a gap at the start when seq 1 has not arrived', async () => {
      const out = await store.ingest(T1, events(T1, 3, 4), [], NOW);
      expect(out).toEqual({
        ok: true,
        inserted: [3, 4],
        duplicates: [],
        ackedSeq: 0,
        missing: [[1, 2]],
      });
    });

    it('derives sale rows only once', async () => {
      const s = sale({ terminalId: T1, seq: 2 });
      await store.ingest(T1, events(T1, 1, 3), [s], NOW);
      await store.ingest(T1, events(T1, 1, 3), [s], NOW);
      // Same sale id under another (new) seq: the sale_id guard keeps it single.
      await store.ingest(T1, [event(T1, 4)], [{ ...s, seq: 4 }], NOW);
      const report = await store.summary({ currency: 'CNY' });
      expect(report.sales).toEqual({ count: 1, amount: 1000 });
      expect(report.byTender).toEqual([{ tender: 'cash', count: 1, amount: 1000 }]);
      expect(report.byCategory).toEqual([{ categoryId: 'drinks', quantity: 1, amount: 1000 }]);
    });

    it('keeps two terminals apart', async () => {
      await enroll(store, T2, 'Bar 2', KEY2);
      expect(await store.ingest(T1, events(T1, 1, 4), [], NOW)).toMatchObject({
        ok: true,
        ackedSeq: 4,
      });
      expect(await store.ingest(T2, events(T2, 1, 2), [], NOW)).toMatchObject({
        ok: true,
        inserted: [1, 2],
        ackedSeq: 2,
      });
      expect(await store.ingest(T2, [event(T2, 4)], [], NOW)).toMatchObject({
        ackedSeq: 2,
        missing: [[3, 3]],
      });
      expect(await store.countEvents(T1)).toBe(4);
      expect(await store.countEvents(T2)).toBe(3);
      expect(await store.countEvents()).toBe(7);
    });

    it('refuses events for a terminal that is not enrolled', async () => {
      await expect(store.ingest(T2, events(T2, 1, 1), [], NOW)).rejects.toBeInstanceOf(StoreError);
      expect(await store.countEvents()).toBe(0);
    });

    it('ends consistent after concurrent overlapping batches of one terminal', async () => {
      const ranges: [number, number][] = [
        [41, 80],
        [1, 50],
        [81, 120],
        [30, 90],
        [1, 120],
        [100, 120],
      ];
      const salesFor = (from: number, to: number) =>
        events(T1, from, to)
          .filter((e) => e.seq % 10 === 0)
          .map((e) => sale({ terminalId: T1, seq: e.seq }));
      const outcomes = await Promise.all(
        ranges.map(([a, b]) => store.ingest(T1, events(T1, a, b), salesFor(a, b), NOW)),
      );
      const inserted: number[] = [];
      for (const o of outcomes) {
        if (!o.ok) throw new Error('unexpected conflict');
        inserted.push(...o.inserted);
      }
      expect(inserted.sort((a, b) => a - b)).toEqual(events(T1, 1, 120).map((e) => e.seq));
      expect(await store.countEvents(T1)).toBe(120);
      expect((await store.listTerminals())[0]?.ackedSeq).toBe(120);
      expect((await store.summary({ currency: 'CNY' })).sales).toEqual({
        count: 12,
        amount: 12000,
      });
    });

    it('acks the contiguous prefix and reports exactly the gaps, whatever order batches arrive in', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
            { minLength: 1, maxLength: 6 },
          ),
          async (batches) => {
            const id = `01JPROP${String(++run).padStart(6, '0')}`;
            await enroll(store, id, `prop ${run}`);
            const have = new Set<number>();
            for (const batch of batches) {
              const seqs = [...batch].sort((a, b) => a - b);
              const out = await store.ingest(
                id,
                seqs.map((q) => event(id, q)),
                [],
                NOW,
              );
              const inserted = seqs.filter((q) => !have.has(q));
              const duplicates = seqs.filter((q) => have.has(q));
              for (const q of seqs) have.add(q);
              let acked = 0;
              while (have.has(acked + 1)) acked++;
              const missing: [number, number][] = [];
              const top = Math.max(...have);
              for (let q = acked + 1; q <= top; q++) {
                if (have.has(q)) continue;
                const last = missing.at(-1);
                if (last && last[1] === q - 1) last[1] = q;
                else missing.push([q, q]);
              }
              expect(out).toEqual({ ok: true, inserted, duplicates, ackedSeq: acked, missing });
            }
          },
        ),
        { numRuns: 15 },
      );
    });

    it('splits a batch too large for one statement', async () => {
      const out = await store.ingest(T1, events(T1, 1, 3500), [], NOW);
      expect(out).toMatchObject({ ok: true, ackedSeq: 3500, missing: [] });
      expect(out.ok && out.inserted.length).toBe(3500);
      const again = await store.ingest(T1, events(T1, 1, 3500), [], NOW);
      expect(again.ok && again.duplicates.length).toBe(3500);
    });
  });

  describe('reference data', () => {
    it('numbers versions from 1 and never hands out one twice', async () => {
      expect(await store.getReference('catalog')).toBeUndefined();
      expect(await store.putReference('catalog', '{"v":1}', NOW)).toBe(1);
      expect(await store.putReference('catalog', '{"v":2}', NOW)).toBe(2);
      expect(await store.getReference('catalog')).toEqual({
        version: 2,
        body: '{"v":2}',
        updatedAt: NOW,
      });
      expect(await store.putReference('staff', '{"staff":[]}', NOW)).toBe(1);
      const versions = await Promise.all(
        [1, 2, 3, 4].map((i) => store.putReference('policy', `{"i":${i}}`, NOW)),
      );
      expect([...versions].sort()).toEqual([1, 2, 3, 4]);
      expect((await store.getReference('policy'))?.version).toBe(4);
    });

    it('changes a document read-modify-write: concurrent changes all land, each a new version', async () => {
      const add = (tag: string) => (body: string | undefined) => {
        const tags = body ? (JSON.parse(body) as { tags: string[] }).tags : [];
        return JSON.stringify({ tags: [...new Set([...tags, tag])].sort() });
      };
      const first = await store.updateReference('stop-sale', add('alcohol'), NOW);
      expect(first).toEqual({
        version: 1,
        body: '{"tags":["alcohol"]}',
        updatedAt: NOW,
        changed: true,
      });
      const results = await Promise.all(
        ['a', 'b', 'c', 'd'].map((t) => store.updateReference('stop-sale', add(t), NOW)),
      );
      expect(results.map((r) => r.version).sort()).toEqual([2, 3, 4, 5]);
      expect((await store.getReference('stop-sale'))?.body).toBe(
        '{"tags":["a","alcohol","b","c","d"]}',
      );
      const same = await store.updateReference('stop-sale', add('a'), '2026-11-21T13:00:00.000Z');
      expect(same).toMatchObject({ version: 5, changed: false, updatedAt: NOW });
    });

    it("keeps each terminal's last stop-sale confirmation", async () => {
      await enroll(store, T1, 'Bar 1');
      await enroll(store, T2, 'Bar 2', KEY2);
      expect(await store.stopSaleAcks()).toEqual([]);
      await store.ackStopSale(T1, 3, NOW);
      await store.ackStopSale(T2, 2, NOW);
      await store.ackStopSale(T1, 4, '2026-11-21T12:00:05.000Z');
      const acks = await store.stopSaleAcks();
      expect(acks.sort((a, b) => a.terminalId.localeCompare(b.terminalId))).toEqual([
        { terminalId: T1, version: 4, ackedAt: '2026-11-21T12:00:05.000Z' },
        { terminalId: T2, version: 2, ackedAt: NOW },
      ]);
    });
  });

  describe('reports', () => {
    beforeEach(async () => {
      await enroll(store, T1, 'Bar 1');
      await enroll(store, T2, 'Bar 2', KEY2);
      // Day 1 (business date 2026-11-21, venue UTC+8): T1 two sales, T2 one; day 2: T1 one.
      await store.ingest(
        T1,
        events(T1, 1, 4),
        [
          sale({
            terminalId: T1,
            seq: 1,
            completedAt: '2026-11-21T11:30:00.000Z',
            localHour: '2026-11-21T19',
            lines: [
              { categoryId: 'hot-food', quantity: 2, amount: 5000 },
              { categoryId: 'drinks', quantity: 1, amount: 1800 },
            ],
            payments: [
              { tender: 'cash', amount: 3000, rounding: -2 },
              { tender: 'card', amount: 3800 },
            ],
          }),
          sale({
            terminalId: T1,
            seq: 2,
            completedAt: '2026-11-21T12:10:00.000Z',
            localHour: '2026-11-21T20',
            lines: [{ categoryId: 'drinks', quantity: 3, amount: 2500 }],
          }),
          sale({
            terminalId: T1,
            seq: 4,
            businessDate: '2026-11-22',
            completedAt: '2026-11-22T11:00:00.000Z',
            localHour: '2026-11-22T19',
            lines: [{ categoryId: 'hot-food', quantity: 1, amount: 2500 }],
            payments: [{ tender: 'card', amount: 2500 }],
          }),
        ],
        NOW,
      );
      await store.ingest(
        T2,
        events(T2, 1, 1),
        [
          sale({
            terminalId: T2,
            seq: 1,
            completedAt: '2026-11-21T11:45:00.000Z',
            localHour: '2026-11-21T19',
          }),
        ],
        NOW,
      );
    });

    it('summarises all sales by tender, terminal, category and hour', async () => {
      expect(await store.summary({ currency: 'CNY' })).toEqual({
        currency: 'CNY',
        from: null,
        to: null,
        sales: { count: 4, amount: 12800 },
        refunds: { count: 0, amount: 0 },
        deposits: { count: 0, amount: 0 },
        discounts: { count: 0, amount: 0 },
        comps: { count: 0, amount: 0 },
        byTender: [
          { tender: 'card', count: 2, amount: 6300 },
          { tender: 'cash', count: 3, amount: 6500 },
        ],
        byTerminal: [
          { terminalId: T1, name: 'Bar 1', count: 3, amount: 11800 },
          { terminalId: T2, name: 'Bar 2', count: 1, amount: 1000 },
        ],
        byCategory: [
          { categoryId: 'drinks', quantity: 5, amount: 5300 },
          { categoryId: 'hot-food', quantity: 3, amount: 7500 },
        ],
        byHour: [
          { hour: '2026-11-21T19', count: 2, amount: 7800 },
          { hour: '2026-11-21T20', count: 1, amount: 2500 },
          { hour: '2026-11-22T19', count: 1, amount: 2500 },
        ],
      });
    });

    it('reports deposits, discounts and comps apart from revenue (event v2)', async () => {
      await store.ingest(
        T2,
        events(T2, 2, 3),
        [
          // A beer (5000) with 10 % off and a 200 cup deposit: the customer paid 4700.
          sale({
            terminalId: T2,
            seq: 2,
            lines: [
              { categoryId: 'beer', quantity: 1, amount: 5000, discount: 500 },
              { categoryId: '', quantity: 1, amount: 200, kind: 'deposit' },
            ],
            deposits: 200,
            discounts: 500,
            payments: [{ tender: 'cash', amount: 4700 }],
          }),
          // A staff meal (burger comped) and a cup returned (−200): the customer got 200 back.
          sale({
            terminalId: T2,
            seq: 3,
            lines: [
              { categoryId: 'hot-food', quantity: 1, amount: 3500, discount: 3500 },
              { categoryId: '', quantity: -1, amount: -200, kind: 'deposit_return' },
            ],
            deposits: -200,
            comps: 3500,
            payments: [{ tender: 'cash', amount: -200 }],
          }),
        ],
        NOW,
      );
      const t2 = await store.summary({ currency: 'CNY', terminal: T2 });
      expect(t2).toMatchObject({
        // 1000 (the v1 sale) + 4500 + 0: deposits are owed back, not revenue.
        sales: { count: 3, amount: 5500 },
        deposits: { count: 2, amount: 0 },
        discounts: { count: 1, amount: 500 },
        comps: { count: 1, amount: 3500 },
        byTender: [{ tender: 'cash', count: 3, amount: 1000 + 4700 - 200 }],
        byTerminal: [{ terminalId: T2, count: 3, amount: 5500 }],
        byCategory: [
          { categoryId: 'beer', quantity: 1, amount: 4500 },
          { categoryId: 'drinks', quantity: 1, amount: 1000 },
          { categoryId: 'hot-food', quantity: 1, amount: 0 },
        ],
      });
      const all = await store.summary({ currency: 'CNY' });
      expect(all.sales).toEqual({ count: 6, amount: 12800 + 4500 });
      expect(all.byHour.reduce((a, h) => a + h.amount, 0)).toBe(all.sales.amount);
    });

    it('filters by business date, by instant and by terminal', async () => {
      const day1 = await store.summary({ currency: 'CNY', from: '2026-11-21', to: '2026-11-21' });
      expect(day1).toMatchObject({
        from: '2026-11-21',
        to: '2026-11-21',
        sales: { count: 3, amount: 10300 },
      });
      const day2 = await store.summary({ currency: 'CNY', from: '2026-11-22' });
      expect(day2).toMatchObject({ to: null, sales: { count: 1, amount: 2500 } });

      // 19:40–20:10 venue time (UTC+8): an offset instant is compared as an instant; both ends inclusive.
      const evening = await store.summary({
        currency: 'CNY',
        from: '2026-11-21T19:45:00+08:00',
        to: '2026-11-21T12:10:00Z',
      });
      expect(evening.sales).toEqual({ count: 2, amount: 3500 });
      expect(evening.byTerminal.map((t) => t.terminalId)).toEqual([T1, T2]);
      expect(evening.from).toBe('2026-11-21T19:45:00+08:00');

      const t2 = await store.summary({ currency: 'CNY', terminal: T2 });
      expect(t2.sales).toEqual({ count: 1, amount: 1000 });
      expect(t2.byTender).toEqual([{ tender: 'cash', count: 1, amount: 1000 }]);

      const mixed = await store.summary({
        currency: 'CNY',
        from: '2026-11-21',
        to: '2026-11-21T11:40:00.000Z',
        terminal: T1,
      });
      expect(mixed.sales).toEqual({ count: 1, amount: 6800 });

      expect((await store.summary({ currency: 'EUR' })).sales).toEqual({ count: 0, amount: 0 });
    });

    it('exports one settlement row per payment in date, terminal, receipt order', async () => {
      const rows = await store.settlement({});
      expect(
        rows.map((r) => [
          r.business_date,
          r.terminal_name,
          r.receipt_ref,
          r.tender,
          r.amount,
          r.rounding,
        ]),
      ).toEqual([
        ['2026-11-21', 'Bar 1', '0001-1', 'cash', 3000, -2],
        ['2026-11-21', 'Bar 1', '0001-1', 'card', 3800, 0],
        ['2026-11-21', 'Bar 1', '0001-2', 'cash', 2500, 0],
        ['2026-11-21', 'Bar 2', '0002-1', 'cash', 1000, 0],
        ['2026-11-22', 'Bar 1', '0001-4', 'card', 2500, 0],
      ]);
      expect(rows[0]).toEqual({
        business_date: '2026-11-21',
        terminal_id: T1,
        terminal_name: 'Bar 1',
        receipt_ref: '0001-1',
        sale_id: `${T1}-s1`,
        completed_at: '2026-11-21T11:30:00.000Z',
        tender: 'cash',
        currency: 'CNY',
        amount: 3000,
        rounding: -2,
      });
      expect(await store.settlement({ from: '2026-11-22', terminal: T1 })).toHaveLength(1);
      expect(await store.settlement({ terminal: T2 })).toHaveLength(1);
    });

    it('keeps text exactly, whatever characters it holds', async () => {
      const nasty = [
        '"quoted", {braced}',
        'back\\slash \\" NULL',
        '商品 🍺 ümlaut',
        "it's",
        '',
        'NULL',
      ];
      const s = {
        ...sale({ terminalId: T2, seq: 2 }),
        document: JSON.stringify(nasty) + nasty.join('\n'),
      };
      s.lines = [{ ...s.lines[0]!, nameEn: nasty[0]!, nameZh: nasty[2]! }];
      await store.ingest(T2, [event(T2, 2)], [s], NOW);
      expect(await store.saleByReceiptToken(s.receiptToken)).toEqual({
        terminalName: 'Bar 2',
        document: s.document,
      });
    });

    it('finds a sale by its receipt token', async () => {
      const s = sale({ terminalId: T2, seq: 1 });
      expect(await store.saleByReceiptToken(s.receiptToken)).toEqual({
        terminalName: 'Bar 2',
        document: s.document,
      });
      expect(await store.saleByReceiptToken('NOSUCHTOKEN0000000')).toBeUndefined();
    });
  });
});
