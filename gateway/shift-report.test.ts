// The shifts report from a till's events as the shift service writes them: one shift sells, counts
// 5.00 short, the day closes (Z 1), the next shift opens and sells; the batch goes to the gateway as
// the sync worker sends it. Then GET /v1/reports/shifts and the page, with and without the token.
import { afterEach, describe, expect, it } from 'vitest';
import { ShiftsReport, SummaryReport } from '../contract/gateway';
import type { ReportDto } from '../contract/shifts';
import { generateTerminalKey } from '../lib/http-signature';
import { redactUrl } from './server';
import {
  admin,
  ADMIN_TOKEN,
  createCode,
  envelope,
  saleData,
  signedInject,
  startTestGateway,
  T0,
  type TestGateway,
  type TestTerminal,
} from './testing';

const TERMINAL = '01JTILL00000000000000000001';
const DAY = '2026-11-21';
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const report = (kind: 'shift' | 'z', over: Partial<ReportDto>): ReportDto => ({
  kind,
  currency: 'CNY',
  terminalId: TERMINAL,
  shiftId: null,
  zNumber: null,
  businessDate: DAY,
  from: null,
  to: null,
  generatedAt: at(0),
  cashier: 'Demo Cashier',
  sales: { count: 0, amount: 0 },
  refunds: { count: 0, amount: 0 },
  deposits: { count: 0, amount: 0 },
  discounts: { count: 0, amount: 0 },
  comps: { count: 0, amount: 0 },
  voids: { count: 0, amount: 0 },
  noSaleOpens: 0,
  byTender: [],
  byCategory: [],
  byTaxRate: [],
  cashMovements: { drops: { count: 0, amount: 0 }, paidIn: { count: 0, amount: 0 }, paidOut: { count: 0, amount: 0 } },
  openingFloat: 20000,
  cashRounding: 0,
  expectedCash: 26200,
  countedCash: 25700,
  overShort: -500,
  offlineCards: { stored: { count: 0, amount: 0 }, forwarded: { count: 0, amount: 0 }, refused: { count: 0, amount: 0 } },
  lateRefusals: [],
  firstReceiptNo: 1,
  lastReceiptNo: 1,
  grandTotal: null,
  byQuarterHour: [],
  topProducts: [],
  unsyncedEvents: 0,
  unforwardedCards: 0,
  ...over,
});

/**
 * A till's day as terminal/shifts/shift-service.ts writes it to the outbox: shift A with one sale,
 * a blind count 5.00 short, Z 1, then shift B open with one sale (sales carry no shiftId).
 */
function tillDay(): { events: unknown[]; z: ReportDto } {
  const person = (id: string, name: string) => ({ id, name, role: 'supervisor' });
  const ev = (seq: number, type: string, minutes: number, data: object) =>
    envelope(TERMINAL, seq, type, { terminalId: TERMINAL, ...data }, at(minutes));
  const shiftA = report('shift', { shiftId: 'SHIFT-A', from: at(0), to: at(60), sales: { count: 1, amount: 6200 } });
  const z = report('z', { zNumber: 1, cashier: null, from: at(0), to: at(65), sales: { count: 1, amount: 6200 }, grandTotal: 6200 });
  const events = [
    ev(1, 'shift.opened', 0, {
      shiftId: 'SHIFT-A',
      drawerId: 'main',
      cashier: { id: 'demo-cashier', name: 'Demo Cashier' },
      openedBy: person('demo-supervisor', 'Demo Supervisor'),
      openingFloat: 20000,
      floatCounts: [{ denomination: 10000, count: 2 }],
    }),
    envelope(TERMINAL, 2, 'sale.completed', saleData(TERMINAL, 1, { completedAt: at(10) }), at(10)),
    ev(3, 'shift.counted', 59, { shiftId: 'SHIFT-A', counts: [], counted: 25700, expected: 26200, overShort: -500, by: person('demo-cashier', 'Demo Cashier') }),
    ev(4, 'shift.closed', 60, { shiftId: 'SHIFT-A', report: shiftA }),
    ev(5, 'day.closed', 65, { zNumber: 1, report: z }),
    ev(6, 'shift.opened', 70, {
      shiftId: 'SHIFT-B',
      drawerId: 'main',
      cashier: { id: 'demo-cashier', name: 'Demo Cashier' },
      openedBy: person('demo-supervisor', 'Demo Supervisor'),
      openingFloat: 20000,
      floatCounts: [{ denomination: 10000, count: 2 }],
    }),
    envelope(TERMINAL, 7, 'sale.completed', saleData(TERMINAL, 2, { completedAt: at(80), totals: { ...saleData(TERMINAL, 2).totals, total: 2500 } }), at(80)),
  ];
  return { events, z };
}

async function enrollAs(g: TestGateway, terminalId: string): Promise<TestTerminal> {
  const code = await createCode(g.app, 'Bar <1>');
  const terminal = { terminalId, key: generateTerminalKey() };
  const res = await g.app.inject({ method: 'POST', url: '/v1/enrollments', payload: { code, terminalId, publicKey: terminal.key.publicKey } });
  expect(res.statusCode, res.body).toBe(200);
  return terminal;
}

async function upload(g: TestGateway, t: TestTerminal, events: unknown[]): Promise<void> {
  const res = await signedInject(g.app, t, { url: '/v1/events', body: { terminalId: t.terminalId, events }, now: g.clock.now() });
  expect(res.statusCode, res.body).toBe(200);
}

describe('shifts report', () => {
  it("lists a real till's shifts with sales, over/short and Z; a resend changes nothing", async () => {
    const day = tillDay();
    gw = await startTestGateway();
    const t = await enrollAs(gw, TERMINAL);
    await upload(gw, t, day.events);
    await upload(gw, t, day.events);

    const res = await gw.app.inject({ url: '/v1/reports/shifts', headers: admin() });
    expect(res.statusCode, res.body).toBe(200);
    const body = ShiftsReport.parse(res.json());
    expect(body.shifts).toHaveLength(2);
    const [first, second] = body.shifts;
    expect(first).toEqual({
      terminalId: TERMINAL,
      shiftId: 'SHIFT-A',
      businessDate: day.z.businessDate,
      status: 'closed',
      sales: { count: 1, amount: 6200 },
      overShort: -500,
      zNumber: 1,
      lateRefusals: 0,
    });
    expect(second).toMatchObject({ status: 'open', sales: { count: 1, amount: 2500 }, overShort: null, zNumber: null });
    expect(Object.keys(res.json<{ shifts: object[] }>().shifts[0]!).sort()).toEqual(
      ['businessDate', 'lateRefusals', 'overShort', 'sales', 'shiftId', 'status', 'terminalId', 'zNumber'],
    );

    const filtered = await gw.app.inject({ url: `/v1/reports/shifts?terminal=OTHER&from=${day.z.businessDate}`, headers: admin() });
    expect(ShiftsReport.parse(filtered.json()).shifts).toEqual([]);
    const summary = SummaryReport.parse((await gw.app.inject({ url: '/v1/reports/summary', headers: admin() })).json());
    expect(summary.sales).toEqual({ count: 2, amount: 8700 });
  });

  it('needs the admin token and checks the range', async () => {
    gw = await startTestGateway();
    expect((await gw.app.inject({ url: '/v1/reports/shifts' })).statusCode).toBe(401);
    expect((await gw.app.inject({ url: '/v1/reports/shifts?token=' + ADMIN_TOKEN })).statusCode).toBe(401);
    const bad = await gw.app.inject({ url: '/v1/reports/shifts?from=2026-11-31', headers: admin() });
    expect(bad.statusCode).toBe(400);
    const reversed = await gw.app.inject({ url: '/v1/reports/shifts?from=2026-11-22&to=2026-11-21', headers: admin() });
    expect(reversed.json()).toMatchObject({ error: { code: 'query.bad_range' } });
    expect((await gw.app.inject({ url: '/reports/shifts' })).statusCode).toBe(401);
    expect((await gw.app.inject({ url: '/reports/shifts?token=wrong-token-wrong-token' })).statusCode).toBe(401);
  });

  it('renders the page in Chinese and English with venue amounts, escaped, by token in the query or bearer', async () => {
    const day = tillDay();
    gw = await startTestGateway();
    const t = await enrollAs(gw, TERMINAL);
    await upload(gw, t, day.events);

    const res = await gw.app.inject({ url: `/reports/shifts?token=${ADMIN_TOKEN}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const html = res.body;
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Bar &lt;1&gt;');
    expect(html).not.toContain('Bar <1>');
    for (const text of ['班次', 'Shifts', '日结报表', 'Z reports', '长短款', 'Over/short', '营业中', '已结班', '累计总额', 'Grand total']) {
      expect(html).toContain(text);
    }
    expect(html).toContain('62.00'); // shift A's revenue
    expect(html).toContain('-5.00'); // short
    expect(html).toContain('25.00'); // the open shift's sale so far
    expect(html).toContain('滨江体育场');
    expect((await gw.app.inject({ url: '/reports/shifts', headers: admin() })).statusCode).toBe(200);
    expect(redactUrl(`/reports/shifts?from=2026-11-21&token=${ADMIN_TOKEN}`)).toBe('/reports/shifts?from=2026-11-21&token=[token]');
  });
});
