// Every command, fed malformed input through the real terminal's dispatch, must answer
// `validation` and change nothing: not one row in any table, not the accepted cash tender.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandNames, type CommandName, type Reply, type SaleDto } from '../contract/api';
import { manualClock } from '../lib/clock';
import { terminalDbPath } from '../db/terminal-db';
import { createTerminal } from './create-terminal';
import type { Terminal } from './terminal';
import { openTill } from './testing';

const LONG = 'x'.repeat(65);
const HUGE_STRING = 'y'.repeat(200_000);

/** Inputs no command accepts (none of them takes anything but an object). */
const notObjects: unknown[] = [null, 0, 42, -1, Number.NaN, Number.POSITIVE_INFINITY, '', 'hot-dog', '{}', true, false, [], [{}], [1, 2]];

/** Objects with keys a command-without-input must refuse. */
const withExtraKeys: unknown[] = [
  { x: 1 },
  { input: {} },
  { productId: 'hot-dog' },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: 'x' },
];

const bad: Record<CommandName, unknown[]> = {
  'catalog.list': [...notObjects, ...withExtraKeys],
  'sale.get': [...notObjects, ...withExtraKeys],
  'sale.clear': [...notObjects, ...withExtraKeys],
  'sale.complete': [...notObjects, ...withExtraKeys],
  'terminal.getStatus': [...notObjects, ...withExtraKeys],
  'printer.getStatus': [...notObjects, ...withExtraKeys],
  'printer.reprintLast': [...notObjects, ...withExtraKeys],
  'printer.testPrint': [...notObjects, ...withExtraKeys],
  'printer.lastReceipt': [...notObjects, ...withExtraKeys],
  'payment.cancelCard': [...notObjects, ...withExtraKeys],
  'payment.getCard': [...notObjects, ...withExtraKeys],
  'payment.listRecovered': [...notObjects, ...withExtraKeys],
  'reader.getStatus': [...notObjects, ...withExtraKeys],
  'payment.startWallet': [...notObjects, {}, { code: '' }, { code: 5 }, { code: HUGE_STRING }, { code: '1', amount: 0 }, { code: '1', x: 1 }],
  'payment.cancelWallet': [...notObjects, ...withExtraKeys],
  'payment.listRecoveredWallets': [...notObjects, ...withExtraKeys],
  'payment.resolveRecoveredWallet': [...notObjects, {}, { paymentId: 'P1' }, { paymentId: 'P1', action: 'keep' }, { paymentId: '', action: 'void' }],
  'scanner.getStatus': [...notObjects, ...withExtraKeys],
  'scanner.simulateScan': [...notObjects, {}, { text: '' }, { text: HUGE_STRING }, { text: '1', symbology: 'aztec' }, { text: '1', x: 1 }],
  'sale.findByReceipt': [...notObjects, {}, { receipt: '' }, { receipt: 5 }, { receipt: HUGE_STRING }, { receipt: '1', x: 1 }],
  'refund.create': [
    ...notObjects,
    {},
    { saleId: 'S1' },
    { saleId: 'S1', amount: 0 },
    { saleId: 'S1', amount: -5 },
    { saleId: 'S1', lines: [] },
    { saleId: 'S1', lines: [{ lineId: 'L1', quantity: 0 }] },
    { saleId: 'S1', lines: [{ lineId: 'L1', quantity: 1 }], amount: 100 },
    { saleId: LONG, amount: 100 },
    { saleId: 'S1', amount: 100, x: 1 },
  ],
  'payment.startCard': [
    ...notObjects,
    ...[0, -1, 1.5, '100', null, true, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60].map((amount) => ({ amount })),
    { amount: 100, extra: 1 },
  ],
  'payment.resolveRecovered': [
    ...notObjects,
    {},
    { paymentId: 'P1' },
    { paymentId: 'P1', action: 'refund' },
    { paymentId: '', action: 'void' },
    { paymentId: HUGE_STRING, action: 'void' },
    { paymentId: 'P1', action: 'void', x: 1 },
  ],
  'reader.selectTestCard': [...notObjects, {}, { name: '' }, { name: 5 }, { name: HUGE_STRING }, { name: 'visa-approve', x: 1 }],
  'sync.setForcedOffline': [...notObjects, {}, { offline: 'yes' }, { offline: 1 }, { offline: null }, { offline: true, x: 1 }],
  'shift.current': [...notObjects, ...withExtraKeys],
  'report.get': [...notObjects, {}, { kind: 'x' }, { kind: 'z', number: 0 }, { kind: 'shift', shiftId: '' }, { kind: 'z', y: 1 }],
  'report.overrides': [...notObjects, { limit: 0 }, { limit: 1001 }, { limit: 'all' }, { x: 1 }],
  'sale.void': [...notObjects, {}, { saleId: 'S1' }, { saleId: 'S1', reason: '' }, { saleId: 'S1', reason: 'x', supervisorPin: '1' }, { saleId: 'S1', reason: 'x', y: 1 }],
  'report.x': [...notObjects, ...withExtraKeys],
  'shift.open': [
    ...notObjects,
    {},
    { cashierId: 'demo-cashier' },
    { cashierId: 'demo-cashier', float: [{ denomination: 0, count: 1 }] },
    { cashierId: 'demo-cashier', float: [{ denomination: 100, count: -1 }] },
    { cashierId: 'demo-cashier', float: [{ denomination: 100, count: 1.5 }] },
    { cashierId: 'demo-cashier', float: [], supervisorPin: '12' },
    { cashierId: 'demo-cashier', float: [], x: 1 },
  ],
  'shift.cashMovement': [
    ...notObjects,
    {},
    { kind: 'drop' },
    { kind: 'steal', amount: 100 },
    { kind: 'drop', amount: 0 },
    { kind: 'drop', amount: 100, counts: [] },
    { kind: 'paid_out', amount: 100, reason: '' },
    { kind: 'paid_out', amount: 100, reason: HUGE_STRING },
  ],
  'drawer.noSale': [...notObjects, {}, { reason: '' }, { reason: 'x', supervisorPin: 'abcd' }, { reason: 'x', y: 1 }],
  'shift.count': [...notObjects, {}, { counts: 'all' }, { counts: [{ denomination: 100 }] }],
  'shift.close': [...notObjects, {}, { note: '' }, { note: 'x', supervisorPin: 1234 }],
  'day.close': [...notObjects, { supervisorPin: '1' }, { x: 1 }],
  'staff.list': [...notObjects, ...withExtraKeys],
  'sale.overridePrice': [
    ...notObjects,
    {},
    { lineId: 'L1', unitPrice: 100 },
    { lineId: 'L1', unitPrice: -1, reason: 'x' },
    { lineId: 'L1', unitPrice: 1.5, reason: 'x' },
    { lineId: 'L1', unitPrice: 100, reason: '' },
    { lineId: 'L1', unitPrice: 100, reason: 'x', supervisorPin: 'abcd' },
  ],
  'staff.touch': [...notObjects, ...withExtraKeys],
  'staff.logout': [...notObjects, ...withExtraKeys],
  'staff.lock': [...notObjects, ...withExtraKeys],
  'staff.session': [...notObjects, ...withExtraKeys],
  'staff.login': [
    ...notObjects,
    {},
    { staffId: 'demo-cashier' },
    { staffId: 'demo-cashier', pin: '12' },
    { staffId: 'demo-cashier', pin: '123456789' },
    { staffId: 'demo-cashier', pin: 1111 },
    { staffId: 'demo-cashier', pin: '11a1' },
    { staffId: '', pin: '1111' },
    { staffId: 'demo-cashier', pin: '1111', x: 1 },
  ],
  'sale.returnDeposit': [...notObjects, {}, { depositId: '' }, { depositId: 'cup', quantity: 0 }, { depositId: 'cup', quantity: 1000 }, { depositId: 'cup', x: 1 }],
  'sale.setDiscount': [
    ...notObjects,
    {},
    { reason: 'promo', percentBp: 0 },
    { reason: 'promo', percentBp: 10_001 },
    { reason: 'promo', amount: -1 },
    { reason: 'promo', amount: 100, percentBp: 100 },
    { reason: 5 },
    { reason: 'promo', lineId: '' },
    { reason: null, x: 1 },
  ],
  'catalog.setSoldOut': [...notObjects, {}, { productId: 'x' }, { productId: 'x', soldOut: 'yes' }, { productId: '', soldOut: true }, { productId: 'x', soldOut: true, x: 1 }],
  'sale.addItem': [
    ...notObjects,
    { productId: 'x', options: [{ groupId: 'g', optionIds: 'a' }] },
    { productId: 'x', combo: [{ slotId: 's' }] },
    { productId: 'x', ageChecked: 'yes' },
    {},
    { quantity: 2 },
    { productId: 5 },
    { productId: null },
    { productId: '' },
    { productId: LONG },
    { productId: HUGE_STRING },
    { productId: ['hot-dog'] },
    { productId: { id: 'hot-dog' } },
    { productId: true },
    ...[0, -1, -0.5, 1.5, 1000, 1e9, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '2', null, true, [2], { n: 2 }].map(
      (quantity) => ({ productId: 'hot-dog', quantity }),
    ),
    { productId: 'hot-dog', extra: 1 },
    { productId: 'hot-dog', quantity: 2, price: 1 },
    { productId: 'hot-dog', unitPrice: 0 },
  ],
  'sale.setQuantity': [
    ...notObjects,
    {},
    { lineId: 'LINE' },
    { quantity: 2 },
    { lineId: 5, quantity: 2 },
    { lineId: '', quantity: 2 },
    { lineId: LONG, quantity: 2 },
    { lineId: HUGE_STRING, quantity: 2 },
    { lineId: null, quantity: 2 },
    { lineId: ['LINE'], quantity: 2 },
    ...[0, -1, -0.5, 1.5, 1000, 1e9, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, '2', null, true, [2], {}].map((quantity) => ({
      lineId: 'LINE',
      quantity,
    })),
    { lineId: 'LINE', quantity: 2, amount: 1 },
  ],
  'sale.removeLine': [
    ...notObjects,
    {},
    { lineId: 5 },
    { lineId: '' },
    { lineId: LONG },
    { lineId: HUGE_STRING },
    { lineId: null },
    { lineId: ['LINE'] },
    { lineId: { id: 'LINE' } },
    { lineId: 'LINE', all: true },
  ],
  'payment.payCash': [
    ...notObjects,
    {},
    { amount: 60000 },
    ...[
      -1,
      -60000,
      0.5,
      59999.99,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MAX_SAFE_INTEGER + 1,
      1e20,
      '60000',
      '600.00',
      null,
      true,
      [60000],
      { minor: 60000 },
    ].map((tendered) => ({ tendered })),
    { tendered: 60000, change: 0 },
    { tendered: 60000, rounding: -5 },
  ],
};

let dir: string;
let terminal: Terminal;
let reader: Database.Database;
let lineId: string;

/** Every row of every table, in a stable order, read over a second (read-only) connection. */
function snapshot(): Record<string, unknown[]> {
  const tables = (reader.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (t) => t.name,
  );
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = reader.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all();
  out['(user_version)'] = [reader.pragma('user_version', { simple: true })];
  return out;
}

async function call(method: string, input: unknown): Promise<Reply<unknown>> {
  return terminal.dispatch(method, input);
}

async function currentSale(): Promise<SaleDto> {
  const reply = await call('sale.get', {});
  if (!reply.ok) throw new Error(`sale.get failed: ${reply.error.message}`);
  return reply.value as SaleDto;
}

async function run(steps: readonly (readonly [CommandName, unknown])[]): Promise<void> {
  for (const [method, input] of steps) {
    const reply = await call(method, input);
    if (!reply.ok) throw new Error(`setup ${method} failed: ${reply.error.message}`);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pos-bad-input-'));
  terminal = await createTerminal({ dataDir: dir, demo: true, clock: manualClock() });
  await openTill(terminal);
  // one completed sale in the books
  await run([
    ['sale.addItem', { productId: 'hot-dog' }],
    ['payment.payCash', { tendered: 5000 }],
    ['sale.complete', {}],
  ]);
  reader = new Database(terminalDbPath(dir), { readonly: true });
});

// Before every test, the state to protect: an open sale with two lines and an accepted
// (in-memory) cash tender. Rebuilt each time so one test's failure cannot leak into the next.
beforeEach(async () => {
  await run([
    ['sale.clear', {}],
    ['sale.addItem', { productId: 'hot-dog', quantity: 2 }],
    ['sale.addItem', { productId: 'scarf' }],
    ['payment.payCash', { tendered: 60000 }],
  ]);
  const sale = await currentSale();
  expect(sale.lines).toHaveLength(2);
  expect(sale.tender).not.toBeNull();
  lineId = sale.lines[0]!.lineId;
});

afterAll(() => {
  reader?.close();
  terminal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces the LINE placeholder with a real line id, so only the malformed part is wrong. */
function withRealLine(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const copy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  if (copy.lineId === 'LINE') copy.lineId = lineId;
  return copy;
}

describe('malformed input changes nothing', () => {
  it('covers every command of the contract', () => {
    expect(Object.keys(bad).sort()).toEqual([...commandNames].sort());
  });

  it.each(commandNames)('%s refuses every malformed input with validation', async (method) => {
    const before = snapshot();
    const saleBefore = await currentSale();
    const accepted: string[] = [];
    for (const raw of bad[method]) {
      const input = withRealLine(raw);
      const reply = await call(method, input);
      const shown = typeof input === 'string' && input.length > 80 ? `"${input.slice(0, 10)}…"` : JSON.stringify(input, (_k, v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 10)}…` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
      if (reply.ok || reply.error.code !== 'validation') {
        accepted.push(`${shown ?? String(input)} → ${reply.ok ? 'ok' : reply.error.code}`);
      }
      expect(snapshot(), `${method} ${shown}`).toEqual(before);
    }
    expect(accepted, `${method} accepted malformed input`).toEqual([]);
    // the accepted cash tender lives in memory only: it must survive too
    expect(await currentSale()).toEqual(saleBefore);
  });
});

describe('well-formed but wrong references change nothing', () => {
  it.each([
    ['sale.addItem', { productId: 'no-such-product' }, 'catalog.product_not_found'],
    ['sale.addItem', { productId: 'HOT-DOG', quantity: 3 }, 'catalog.product_not_found'],
    ['sale.setQuantity', { lineId: '01JDNOTALINE00000000000000', quantity: 3 }, 'sale.line_not_found'],
    ['sale.removeLine', { lineId: '01JDNOTALINE00000000000000' }, 'sale.line_not_found'],
  ] as const)('%s %o → %s', async (method, input, code) => {
    const before = snapshot();
    const saleBefore = await currentSale();
    expect(await call(method, input)).toMatchObject({ ok: false, error: { code } });
    expect(snapshot()).toEqual(before);
    expect(await currentSale()).toEqual(saleBefore);
  });

  it('a line id from a completed sale is not in the current sale', async () => {
    const completedLine = reader
      .prepare("SELECT line_id FROM sale_lines JOIN sales USING (sale_id) WHERE status = 'completed'")
      .get() as { line_id: string };
    const before = snapshot();
    expect(await call('sale.removeLine', { lineId: completedLine.line_id })).toMatchObject({
      ok: false,
      error: { code: 'sale.line_not_found' },
    });
    expect(await call('sale.setQuantity', { lineId: completedLine.line_id, quantity: 5 })).toMatchObject({
      ok: false,
      error: { code: 'sale.line_not_found' },
    });
    expect(snapshot()).toEqual(before);
  });
});

describe('the snapshot can see a change', () => {
  // Last on purpose: proves the comparisons above could have failed.
  it('a valid edit changes the snapshot', async () => {
    const before = snapshot();
    expect(await call('sale.setQuantity', { lineId, quantity: 3 })).toMatchObject({ ok: true });
    expect(snapshot()).not.toEqual(before);
  });
});
