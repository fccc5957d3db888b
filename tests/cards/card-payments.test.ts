// Card payments end to end inside the terminal: a real terminal.db, the simulated reader in
// process (its DUKPT-encrypted card data), and a real gateway on 127.0.0.1 (SQLite, the test
// acquirer with a short deadline and a PIN threshold). Then a scan of the database files for any
// full PAN of the test cards and for payloads of finished payments.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardPaymentDto, CompletedSaleDto, SaleDto } from '../../contract/api';
import { TEST_CARDS } from '../../drivers/sim/test-cards';
import { TestAcquirer } from '../../gateway/acquirer/test-acquirer';
import type { GatewayStore } from '../../gateway/store';
import { setSetting } from '../../db/settings';
import { openTerminalDb } from '../../db/terminal-db';
import type { Terminal } from '../../terminal/terminal';
import { call, codeOf, enrollCardTill, openCardTill, startCardGateway } from '../support/card-rig';

const ADMIN = 'card-test-admin-token-0123456789';
const PIN_ABOVE = 200_000;
const root = mkdtempSync(path.join(tmpdir(), 'pos-card-'));
let app: FastifyInstance;
let store: GatewayStore;
let url: string;

beforeAll(async () => {
  const gw = await startCardGateway({
    dir: path.join(root, 'gateway'),
    adminToken: ADMIN,
    acquirer: new TestAcquirer({ pinRequiredAbove: PIN_ABOVE }),
    acquirerTimeoutMs: 300,
  });
  app = gw.app;
  store = gw.store;
  url = gw.url;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(root, { recursive: true, force: true });
});

async function gatewayStatus(key: string): Promise<string> {
  // Admin-less: ask the store directly (the route is terminal-signed).
  const p = await store.getPayment(key);
  return p?.status ?? 'none';
}

let n = 0;
async function newTerminal(dir?: string): Promise<{ t: Terminal; dir: string }> {
  const dataDir = dir ?? path.join(root, `t${++n}`);
  if (!dir) await enrollCardTill({ url, adminToken: ADMIN }, dataDir, `till ${n}`);
  return { t: await openCardTill(dataDir), dir: dataDir };
}

async function tap(t: Terminal, card: string, amount?: number): Promise<CardPaymentDto> {
  await call(t, 'reader.selectTestCard', { name: card });
  const started = await call<CardPaymentDto>(
    t,
    'payment.startCard',
    amount === undefined ? {} : { amount },
  );
  if (started.state === 'refused_offline') return started;
  await expect
    .poll(() => t.cards.service.getCard()?.state, { timeout: 5000 })
    .toMatch(/approved|declined|cancelled|failed|stored|refused_offline|reversed/);
  await t.cards.service.idle();
  const last = t.cards.service.getCard();
  if (last?.paymentId !== started.paymentId) throw new Error('the payment went away');
  return last;
}

async function sellItems(t: Terminal, quantity = 1): Promise<SaleDto> {
  await call(t, 'sale.clear');
  return call<SaleDto>(t, 'sale.addItem', { productId: 'hot-dog', quantity });
}

function payloadsLeft(dir: string): number {
  const db = openTerminalDb(dir);
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM card_payloads').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function scanForPans(dir: string): string[] {
  const found: string[] = [];
  for (const f of ['terminal.db', 'terminal.db-wal']) {
    const p = path.join(dir, f);
    if (!existsSync(p)) continue;
    const text = readFileSync(p).toString('latin1');
    for (const c of TEST_CARDS) if (text.includes(c.pan)) found.push(`${f}: ${c.name}`);
  }
  return found;
}

describe('online card payments', () => {
  let t: Terminal;
  let dir: string;
  beforeAll(async () => {
    ({ t, dir } = await newTerminal());
  });
  afterAll(() => t?.close());

  it('approves the approve card, completes the sale with a card tender, and keeps no payload', async () => {
    const sale = await sellItems(t, 2);
    const updates: string[] = [];
    const off = t.on('payment.updated', (p) => updates.push(p.state));
    const p = await tap(t, 'visa-approve');
    off();
    expect(p.state).toBe('approved');
    expect(updates).toEqual(
      expect.arrayContaining(['created', 'reading', 'authorizing', 'approved']),
    );
    expect(p.card).toMatchObject({ brand: 'visa', last4: '4242', entryMode: 'contactless_emv' });
    expect(p.authCode).toBeTruthy();
    expect(await gatewayStatus(p.paymentId)).toBe('approved');
    const now = await call<SaleDto>(t, 'sale.get');
    expect(now.remaining).toBe(0);
    expect(now.cardPaid).toBe(sale.totals.total);
    const done = await call<CompletedSaleDto>(t, 'sale.complete');
    expect(done.payments).toHaveLength(1);
    expect(done.payments[0]).toMatchObject({
      kind: 'card',
      paymentId: p.paymentId,
      amount: sale.totals.total,
      stored: false,
    });
    expect(payloadsLeft(dir)).toBe(0);
  });

  it.each([
    ['visa-decline', 'declined', 'do_not_honour'],
    ['visa-nsf', 'declined', 'insufficient_funds'],
    ['visa-expired', 'declined', 'expired'],
    ['removed-early', 'failed', null],
    ['no-tap', 'failed', 'reader_timeout'],
  ] as const)('%s → %s (%s)', async (card, state, reason) => {
    await sellItems(t);
    const p = await tap(t, card);
    expect(p.state).toBe(state);
    if (reason) expect(p.reason).toBe(reason);
    expect((await call<SaleDto>(t, 'sale.get')).cardPaid).toBe(0);
    expect(payloadsLeft(dir)).toBe(0);
  });

  it('a soft decline asking for a PIN says pin_required, and cash pays instead', async () => {
    const sale = await sellItems(t, 100); // 250 000 fen > the PIN threshold
    expect(sale.totals.total).toBeGreaterThan(PIN_ABOVE);
    const p = await tap(t, 'visa-approve');
    expect(p).toMatchObject({ state: 'declined', reason: 'pin_required' });
    await call(t, 'payment.payCash', { tendered: sale.cashDue });
    expect((await call<CompletedSaleDto>(t, 'sale.complete')).payments[0]!.kind).toBe('cash');
  });

  it('the acquirer timeout card: unknown, status by key, then reversed', async () => {
    await sellItems(t);
    const p = await tap(t, 'visa-timeout');
    await expect
      .poll(
        async () => {
          await t.cards.service.tick();
          return t.cards.service.getCard()?.state;
        },
        { timeout: 8000 },
      )
      .toBe('reversed');
    expect(['reversed']).toContain(await gatewayStatus(p.paymentId));
    expect(payloadsLeft(dir)).toBe(0);
  });

  it('the PAR card is approved; cancel stops a payment before the tap', async () => {
    await sellItems(t);
    expect((await tap(t, 'mc-par')).state).toBe('approved');
    await sellItems(t);
    // cart cleared: the approved card now exceeds the sale; void it
    const approved = t.cards.service.getCard()!;
    await call(t, 'payment.resolveRecovered', { paymentId: approved.paymentId, action: 'void' });
    expect(await gatewayStatus(approved.paymentId)).toBe('reversed');
    await call(t, 'reader.selectTestCard', { name: 'no-tap' });
    const started = await call<CardPaymentDto>(t, 'payment.startCard');
    expect(started.state).toBe('reading');
    expect(await codeOf(call(t, 'payment.startCard'))).toBe('payment.card_in_progress');
    const cancelled = await call<CardPaymentDto>(t, 'payment.cancelCard');
    expect(cancelled).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_cashier' });
    expect(await codeOf(call(t, 'payment.cancelCard'))).toBe('payment.not_cancellable');
  });

  it('split tender: card for part, cash for the rest; cash rounding only on the cash part', async () => {
    const sale = await sellItems(t, 3); // 7500
    const p = await tap(t, 'visa-approve', 5001);
    expect(p.state).toBe('approved');
    const after = await call<SaleDto>(t, 'sale.get');
    expect(after.remaining).toBe(sale.totals.total - 5001);
    expect(await codeOf(call(t, 'payment.startCard', { amount: after.remaining + 1 }))).toBe(
      'payment.amount_too_large',
    );
    expect(await codeOf(call(t, 'sale.complete'))).toBe('sale.not_paid');
    await call(t, 'payment.payCash', { tendered: 5000 });
    const done = await call<CompletedSaleDto>(t, 'sale.complete');
    expect(done.payments.map((x) => x.kind)).toEqual(['card', 'cash']);
    // rounding = rounded cash − unrounded cash: the card part is never rounded
    expect(done.payments[0]!.amount + done.payments[1]!.amount - done.cashRounding).toBe(
      sale.totals.total,
    );
    expect(done.payments[0]!.amount).toBe(5001);
  });

  it('taking items off a sale a card paid part of is a line void: a cashier needs a supervisor', async () => {
    await call(t, 'staff.login', { staffId: 'demo-cashier', pin: '1111' });
    try {
      const sale = await sellItems(t, 2); // 5000
      await call(t, 'sale.addItem', { productId: 'water' });
      expect((await tap(t, 'visa-approve', 1000)).state).toBe('approved');
      const water = (await call<SaleDto>(t, 'sale.get')).lines[1]!;
      expect(await codeOf(call(t, 'sale.removeLine', { lineId: water.lineId }))).toBe('auth.supervisor_required');
      expect(await codeOf(call(t, 'sale.setQuantity', { lineId: sale.lines[0]!.lineId, quantity: 1 }))).toBe(
        'auth.supervisor_required',
      );
      // more is fine: nothing is taken back
      await call(t, 'sale.setQuantity', { lineId: sale.lines[0]!.lineId, quantity: 3 });
      expect(await codeOf(call(t, 'sale.removeLine', { lineId: water.lineId, supervisorPin: '1111' }))).toBe('auth.bad_pin');
      const after = await call<SaleDto>(t, 'sale.removeLine', { lineId: water.lineId, supervisorPin: '2222' });
      expect(after.lines.map((l) => l.productId)).toEqual(['hot-dog']);
      await call(t, 'payment.payCash', { tendered: after.cashDue });
      await call(t, 'sale.complete');
    } finally {
      await call(t, 'staff.login', { staffId: 'demo-supervisor', pin: '2222' });
    }
  });
});

describe('offline acceptance', () => {
  let t: Terminal;
  let dir: string;
  beforeAll(async () => {
    ({ t, dir } = await newTerminal());
    await call(t, 'sync.setForcedOffline', { offline: true });
  });
  afterAll(() => t?.close());

  it('accepts exactly at each limit and refuses one above it, then forwards once online', async () => {
    const limit = 30_000; // demo policy: per transaction 300.00, 3 per card, CVM 1000.00
    await sellItems(t, 200);
    expect(await tap(t, 'visa-approve', limit + 1)).toMatchObject({
      state: 'refused_offline',
      reason: 'offline_transaction_limit',
    });
    const first = await tap(t, 'visa-approve', limit);
    expect(first).toMatchObject({ state: 'stored', offline: true });
    expect((await tap(t, 'visa-approve', 100)).state).toBe('stored');
    expect((await tap(t, 'visa-approve', 100)).state).toBe('stored');
    // the fourth from the same card: over the count per card
    expect(await tap(t, 'visa-approve', 100)).toMatchObject({
      state: 'refused_offline',
      reason: 'offline_card_count',
    });
    expect(await tap(t, 'visa-expired', 100)).toMatchObject({
      state: 'refused_offline',
      reason: 'expired',
    });
    // blocked card keys from reference data
    const tdb = openTerminalDb(dir);
    setSetting(tdb, 'blocked_card_keys', {
      cardKeys: [TEST_CARDS.find((c) => c.name === 'blocked')!.par],
    });
    tdb.close();
    expect(await tap(t, 'blocked', 100)).toMatchObject({
      state: 'refused_offline',
      reason: 'blocked',
    });
    expect((await tap(t, 'mc-par', 100)).state).toBe('stored');
    const sale = await call<SaleDto>(t, 'sale.get');
    expect(sale.cardPaid).toBe(limit + 300);
    await call(t, 'payment.payCash', { tendered: sale.cashDue });
    const done = await call<CompletedSaleDto>(t, 'sale.complete');
    expect(done.payments.filter((p) => p.kind === 'card' && p.stored)).toHaveLength(4);
    expect(payloadsLeft(dir)).toBe(4);
    // back online: the forwarder sends each once with offline.storedAt
    await call(t, 'sync.setForcedOffline', { offline: false });
    await t.cards.service.tick();
    expect(await gatewayStatus(first.paymentId)).toBe('approved');
    expect(payloadsLeft(dir)).toBe(0);
  });
});

describe('recovery', () => {
  it('an approved payment of a sale never completed is "approved, not completed" after a restart; void reverses it', async () => {
    const { t, dir } = await newTerminal();
    await sellItems(t);
    const p = await tap(t, 'visa-approve');
    expect(p.state).toBe('approved');
    t.close();
    const again = (await newTerminal(dir)).t;
    try {
      const flagged = await call<CardPaymentDto[]>(again, 'payment.listRecovered');
      expect(flagged.map((x) => x.paymentId)).toEqual([p.paymentId]);
      expect((await call<SaleDto>(again, 'sale.get')).cardPaid).toBe(0);
      await call(again, 'payment.resolveRecovered', { paymentId: p.paymentId, action: 'void' });
      expect(await gatewayStatus(p.paymentId)).toBe('reversed');
      expect(await call<CardPaymentDto[]>(again, 'payment.listRecovered')).toEqual([]);
    } finally {
      again.close();
    }
  });

  it('"complete" keeps it as the sale\'s tender', async () => {
    const { t, dir } = await newTerminal();
    await sellItems(t);
    const p = await tap(t, 'visa-approve');
    t.close();
    const again = (await newTerminal(dir)).t;
    try {
      await call(again, 'payment.resolveRecovered', { paymentId: p.paymentId, action: 'complete' });
      const done = await call<CompletedSaleDto>(again, 'sale.complete');
      expect(done.payments[0]!.paymentId).toBe(p.paymentId);
    } finally {
      again.close();
    }
  });
});

describe('card data', () => {
  it('no full PAN of a test card in any terminal.db or WAL, and no payload of a finished payment', () => {
    for (let i = 1; i <= n; i++) {
      const dir = path.join(root, `t${i}`);
      expect(scanForPans(dir), dir).toEqual([]);
      expect(payloadsLeft(dir), dir).toBe(0);
    }
  });
});
