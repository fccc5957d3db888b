// Migration 4 on both dialects: shifts and Z reports derived at ingest (idempotently, whatever the
// order events arrive in), the shifts report with late card refusals on the ORIGINAL shift, and
// refunds in the summary.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../tests/support/postgres';
import type { DerivedRecord, DerivedSale, GatewayStore, IngestEvent, PaymentRecord } from '../store';
import { createStore, type StoreTarget } from './create-store';

const T1 = '01JTERMINAL0000000000000001';
const T2 = '01JTERMINAL0000000000000002';
const NOW = '2026-11-21T12:00:00.000Z';
const DAY = '2026-11-21';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function event(terminalId: string, seq: number, type = 'test.event'): IngestEvent {
  const payload = JSON.stringify({ terminalId, seq, type });
  return { seq, eventId: `${terminalId}-e${seq}`, type, v: 2, at: NOW, businessDate: DAY, payload, payloadHash: sha256(payload) };
}

function sale(terminalId: string, seq: number, completedAt: string, amount = 1000, shiftId?: string): DerivedSale {
  const saleId = `${terminalId}-s${seq}`;
  return {
    terminalId,
    seq,
    saleId,
    receiptNo: seq,
    receiptRef: `${terminalId.slice(-4)}-${seq}`,
    receiptToken: `TOKEN${terminalId.slice(-4)}X${String(seq).padStart(12, '0')}`,
    currency: 'CNY',
    completedAt,
    businessDate: DAY,
    localHour: '2026-11-21T19',
    total: amount,
    taxTotal: 0,
    deposits: 0,
    discounts: 0,
    comps: 0,
    lines: [{ position: 0, kind: 'item', productId: 'p', categoryId: 'drinks', nameEn: 'Item', nameZh: '商品', quantity: 1, amount, discount: 0 }],
    payments: [{ paymentId: `${saleId}-p`, tender: 'card', amount, rounding: 0 }],
    document: '{}',
    ...(shiftId ? { shiftId } : {}),
  };
}

const opened = (terminalId: string, seq: number, shiftId: string, at: string): DerivedRecord => ({
  kind: 'shift.opened',
  seq,
  terminalId,
  shiftId,
  businessDate: DAY,
  cashier: 'Li Na',
  openedAt: at,
});
const closed = (
  terminalId: string,
  seq: number,
  shiftId: string,
  openedAt: string,
  at: string,
  sales: { count: number; amount: number },
  overShort: number,
): DerivedRecord => ({
  kind: 'shift.closed',
  seq,
  terminalId,
  shiftId,
  businessDate: DAY,
  cashier: 'Li Na',
  openedAt,
  closedAt: at,
  sales,
  overShort,
});
const zClosed = (
  terminalId: string,
  seq: number,
  zNumber: number,
  at: string,
  grandTotal: number,
  lateRefusals: { paymentId: string; shiftId: string | null; amount: number }[] = [],
): DerivedRecord => ({
  kind: 'day.closed',
  seq,
  terminalId,
  zNumber,
  businessDate: DAY,
  closedAt: at,
  grandTotal,
  report: JSON.stringify({ kind: 'z', zNumber, sales: { count: 2, amount: grandTotal }, lateRefusals }),
  lateRefusals,
});

function refused(key: string, saleId: string, amount: number, at: string): PaymentRecord {
  return {
    key,
    terminalId: T1,
    saleId,
    amount,
    currency: 'CNY',
    status: 'refused',
    requestHash: `h-${key}`,
    arqcHash: `a-${key}`,
    maskedPan: '424242******4242',
    brand: 'visa',
    aid: 'A0000000031010',
    label: 'VISA',
    entryMode: 'contactless_emv',
    cardKey: 'ck',
    atc: '0001',
    authCode: null,
    acquirerRef: null,
    declineReason: 'do_not_honour',
    standIn: false,
    forwardedAt: null,
    offlineStoredAt: '2026-11-21T10:00:00.000Z',
    businessDate: DAY,
    createdAt: at,
    updatedAt: at,
    capturedAt: null,
    captureDate: null,
    reversedAt: null,
    refundedAmount: 0,
  };
}

async function enroll(store: GatewayStore, terminalId: string, name: string): Promise<void> {
  const codeHash = sha256(`code-${terminalId}`);
  await store.insertEnrollmentCode({ codeHash, name, createdAt: NOW, expiresAt: '2026-11-22T12:00:00.000Z' });
  await store.completeEnrollment({
    codeHash,
    terminal: { terminalId, name, publicKey: 'MCowBQYDK2VwAyEA' + 'a'.repeat(44), status: 'active', enrolledAt: NOW },
    reply: '{}',
  });
}

let pgServer: PostgresServer | undefined;
let tmp = '';
let n = 0;
const backends: { name: string; setup(): Promise<void>; teardown(): Promise<void>; target(): Promise<StoreTarget> }[] = [
  {
    name: 'sqlite',
    setup: () => {
      tmp = mkdtempSync(join(tmpdir(), 'gw-shifts-'));
      return Promise.resolve();
    },
    teardown: () => {
      rmSync(tmp, { recursive: true, force: true });
      return Promise.resolve();
    },
    target: () => Promise.resolve({ kind: 'sqlite', path: join(tmp, `gateway-${++n}.db`) }),
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
      return { kind: 'postgres', url: await pgServer.createDatabase(`shifts${++n}`) };
    },
  },
];

describe.each(backends)('shifts and Z reports on $name', (backend) => {
  let store: GatewayStore;
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    store = await createStore(await backend.target());
    await enroll(store, T1, 'Bar 1');
    await enroll(store, T2, 'Bar 2');
  });
  afterEach(async () => {
    await store.close();
  });

  // T1: shift A 10:00–11:00 (two sales, 5.00 short), Z 1 at 11:05; shift B opens 11:10 (one sale).
  const day = {
    events: [
      event(T1, 1, 'shift.opened'),
      event(T1, 2, 'sale.completed'),
      event(T1, 3, 'sale.completed'),
      event(T1, 4, 'shift.counted'),
      event(T1, 5, 'shift.closed'),
      event(T1, 6, 'day.closed'),
      event(T1, 7, 'shift.opened'),
      event(T1, 8, 'sale.completed'),
    ],
    sales: [
      sale(T1, 2, '2026-11-21T10:10:00.000Z', 1000),
      sale(T1, 3, '2026-11-21T10:20:00.000Z', 2500),
      sale(T1, 8, '2026-11-21T11:20:00.000Z', 700),
    ],
    derived: [
      opened(T1, 1, 'A', '2026-11-21T10:00:00.000Z'),
      closed(T1, 5, 'A', '2026-11-21T10:00:00.000Z', '2026-11-21T11:00:00.000Z', { count: 2, amount: 3500 }, -500),
      zClosed(T1, 6, 1, '2026-11-21T11:05:00.000Z', 3500),
      opened(T1, 7, 'B', '2026-11-21T11:10:00.000Z'),
    ],
  };

  it('derives shifts and Z reports once: a resent batch changes nothing', async () => {
    const first = await store.ingest(T1, day.events, day.sales, NOW, day.derived);
    expect(first).toMatchObject({ ok: true, ackedSeq: 8 });
    const expected = [
      { terminalId: T1, shiftId: 'A', businessDate: DAY, status: 'closed', sales: { count: 2, amount: 3500 }, overShort: -500, zNumber: 1, lateRefusals: 0 },
      { terminalId: T1, shiftId: 'B', businessDate: DAY, status: 'open', sales: { count: 1, amount: 700 }, overShort: null, zNumber: null, lateRefusals: 0 },
    ];
    expect(await store.shifts({})).toMatchObject(expected);
    const again = await store.ingest(T1, day.events, day.sales, NOW, day.derived);
    expect(again).toMatchObject({ ok: true, inserted: [], duplicates: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(await store.shifts({})).toMatchObject(expected);
    const zs = await store.zReports({});
    expect(zs).toHaveLength(1);
    expect(zs[0]).toMatchObject({ terminalId: T1, zNumber: 1, businessDate: DAY, grandTotal: 3500 });
    expect(JSON.parse(zs[0]!.report)).toMatchObject({ kind: 'z', zNumber: 1 });
  });

  it('places sales in their shift whatever order the events arrive in', async () => {
    // The second half first (a gap at 1–5), then the first half.
    const late = (seq: number) => seq >= 6;
    await store.ingest(
      T1,
      day.events.filter((e) => late(e.seq)),
      day.sales.filter((s) => late(s.seq)),
      NOW,
      day.derived.filter((d) => late(d.seq)),
    );
    await store.ingest(
      T1,
      day.events.filter((e) => !late(e.seq)),
      day.sales.filter((s) => !late(s.seq)),
      NOW,
      day.derived.filter((d) => !late(d.seq)),
    );
    const shifts = await store.shifts({});
    expect(shifts.map((s) => [s.shiftId, s.status, s.sales, s.zNumber])).toEqual([
      ['A', 'closed', { count: 2, amount: 3500 }, 1],
      ['B', 'open', { count: 1, amount: 700 }, null],
    ]);
  });

  it('gives each shift the first Z after it, when a later Z arrives first', async () => {
    const next = {
      events: [event(T1, 9, 'shift.closed'), event(T1, 10, 'day.closed')],
      derived: [
        closed(T1, 9, 'B', '2026-11-21T11:10:00.000Z', '2026-11-21T12:00:00.000Z', { count: 1, amount: 700 }, 0),
        zClosed(T1, 10, 2, '2026-11-21T12:05:00.000Z', 4200),
      ],
    };
    // Shift A closed and both Zs arrive before Z 1 (the batch 4–8 is resent later).
    const first = (seq: number) => seq <= 3;
    await store.ingest(T1, day.events.filter((e) => first(e.seq)), day.sales.filter((s) => first(s.seq)), NOW, day.derived.filter((d) => first(d.seq)));
    await store.ingest(T1, [event(T1, 5, 'shift.closed'), ...next.events], [], NOW, [day.derived[1]!, ...next.derived]);
    expect((await store.shifts({})).map((s) => [s.shiftId, s.zNumber])).toEqual([
      ['A', 2],
      ['B', 2],
    ]);
    await store.ingest(T1, day.events, day.sales, NOW, day.derived);
    expect((await store.shifts({})).map((s) => [s.shiftId, s.status, s.zNumber])).toEqual([
      ['A', 'closed', 1],
      ['B', 'closed', 2],
    ]);
  });

  it('takes the shift a sale names over the time it completed', async () => {
    await store.ingest(T1, day.events, [...day.sales.slice(0, 2), sale(T1, 8, '2026-11-21T11:20:00.000Z', 700, 'X')], NOW, day.derived);
    expect((await store.shifts({})).find((s) => s.shiftId === 'B')?.sales).toEqual({ count: 0, amount: 0 });
  });

  it("shows a card refusal after a shift closed on that shift, never on the next cashier's", async () => {
    await store.ingest(T1, day.events, day.sales, NOW, day.derived);
    // Refused after A closed: A's loss. Refused while B is open (B's own sale): not late.
    expect(await store.insertPayment(refused('K1', `${T1}-s3`, 2500, '2026-11-21T11:30:00.000Z'))).toBe(true);
    expect(await store.insertPayment(refused('K2', `${T1}-s8`, 700, '2026-11-21T11:40:00.000Z'))).toBe(true);
    const shifts = await store.shifts({});
    expect(shifts.map((s) => [s.shiftId, s.lateRefusals])).toEqual([
      ['A', 2500],
      ['B', 0],
    ]);
  });

  it("counts the refusals a later Z reports for the original shift, once, with the terminal's attribution", async () => {
    await store.ingest(T1, day.events, day.sales, NOW, day.derived);
    // The gateway refused K1 (sale of shift A) after A closed: A's, at once.
    await store.insertPayment(refused('K1', `${T1}-s3`, 2500, '2026-11-21T11:30:00.000Z'));
    // Z 2 reports K1 again and K3, which the gateway never saw refused (another gateway instance's
    // database, or forwarded before an upgrade), both for shift A.
    const late = [
      { paymentId: 'K1', shiftId: 'A', amount: 2500 },
      { paymentId: 'K3', shiftId: 'A', amount: 900 },
    ];
    await store.ingest(
      T1,
      [event(T1, 9, 'shift.closed'), event(T1, 10, 'day.closed')],
      [],
      NOW,
      [
        closed(T1, 9, 'B', '2026-11-21T11:10:00.000Z', '2026-11-21T12:00:00.000Z', { count: 1, amount: 700 }, 0),
        zClosed(T1, 10, 2, '2026-11-21T12:05:00.000Z', 4200, late),
      ],
    );
    const shifts = await store.shifts({});
    expect(shifts.map((s) => [s.shiftId, s.lateRefusals, s.zNumber])).toEqual([
      ['A', 3400, 1],
      ['B', 0, 2],
    ]);
  });

  it('filters by business date and terminal', async () => {
    await store.ingest(T1, day.events, day.sales, NOW, day.derived);
    await store.ingest(T2, [event(T2, 1, 'shift.opened')], [], NOW, [{ ...opened(T2, 1, 'C', '2026-11-22T10:00:00.000Z'), businessDate: '2026-11-22' }]);
    expect((await store.shifts({ terminal: T2 })).map((s) => s.shiftId)).toEqual(['C']);
    expect((await store.shifts({ from: '2026-11-22' })).map((s) => s.shiftId)).toEqual(['C']);
    expect((await store.shifts({ to: DAY })).map((s) => s.shiftId)).toEqual(['A', 'B']);
    expect(await store.zReports({ terminal: T2 })).toEqual([]);
  });

  it('counts completed refunds in the summary, once', async () => {
    const refund: DerivedRecord = {
      kind: 'refund.completed',
      seq: 9,
      terminalId: T1,
      refundId: 'R1',
      saleId: `${T1}-s2`,
      amount: 400,
      currency: 'CNY',
      completedAt: '2026-11-21T11:30:00.000Z',
      businessDate: DAY,
      shiftId: 'B',
    };
    await store.ingest(T1, [...day.events, event(T1, 9, 'refund.completed')], day.sales, NOW, [...day.derived, refund]);
    await store.ingest(T1, [event(T1, 9, 'refund.completed')], [], NOW, [refund]);
    expect((await store.summary({ currency: 'CNY' })).refunds).toEqual({ count: 1, amount: 400 });
    expect((await store.summary({ currency: 'CNY', from: '2026-11-22' })).refunds).toEqual({ count: 0, amount: 0 });
    expect((await store.summary({ currency: 'CNY', terminal: T2 })).refunds).toEqual({ count: 0, amount: 0 });
  });
});
