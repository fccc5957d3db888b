// Wallet payment codes end to end (issue 8, ARCHITECTURE §5, docs/wallets.md): an enrolled till
// (signed in, shift open, sync on so it is online) against a real gateway on 127.0.0.1 (SQLite,
// the built-in test wallet with compressed customer timings). Every test-wallet behaviour by the
// code's last two digits, a code used twice, offline refusal, split tender, refund by receipt back
// to the wallet, the wallet tender in the X report and the gateway summary; then the raw database
// files of both sides and every log line are searched for each code used.
import fs, { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  CompletedSaleDto,
  RefundableSaleDto,
  RefundDto,
  SaleDto,
  WalletPaymentDto,
} from '../../contract/api';
import type { ReportDto } from '../../contract/shifts';
import { maskWalletCode } from '../../contract/wallet';
import { openTerminalDb } from '../../db/terminal-db';
import { renderText } from '../../drivers/sim/render';
import type { Terminal } from '../../terminal/terminal';
import { call, codeOf, enrollCardTill, startCardGateway, type CardGateway } from '../support/card-rig';
import { salesSummary } from '../support/gateway-client';
import { CONFIRM_TIMEOUT_MS, fastWallet, freshCode, openWalletTill, waitOnline } from './wallet-rig';

// Logs at debug level, captured: lib/log reads the level when it loads, before the imports above.
vi.hoisted(() => {
  process.env.POS_LOG_LEVEL = 'debug';
});
const logged: string[] = [];
const realWriteSync = fs.writeSync.bind(fs);

const ADMIN = 'wallet-test-admin-token-0123456789';
const root = mkdtempSync(path.join(tmpdir(), 'pos-wallet-'));
const gatewayDir = path.join(root, 'gateway');
const wallet = fastWallet();
/** Every payment code handed to a till, to look for afterwards. */
const codes: string[] = [];
let gw: CardGateway;
let t: Terminal;
let dir: string;
const states = new Map<string, string[]>();

let n = 0;
async function newTill(): Promise<{ t: Terminal; dir: string }> {
  const d = path.join(root, `t${++n}`);
  await enrollCardTill(gw, d, `wallet till ${n}`);
  const till = await openWalletTill(d, {
    printer: { address: 'sim:printer', worker: { retryMs: 50, idlePollMs: 100 } },
  });
  till.on('wallet.updated', (p) => states.set(p.paymentId, [...(states.get(p.paymentId) ?? []), p.state]));
  return { t: till, dir: d };
}

beforeAll(async () => {
  // Terminal logs go to fd 2 through fs.writeSync (lib/log): kept here, not printed.
  vi.spyOn(fs, 'writeSync').mockImplementation((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 2) {
      logged.push(Buffer.isBuffer(data) ? data.toString('latin1') : String(data));
      return Buffer.byteLength(Buffer.isBuffer(data) ? data : String(data));
    }
    return (realWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
  });
  gw = await startCardGateway({
    dir: gatewayDir,
    adminToken: ADMIN,
    acquirerTimeoutMs: 300,
    wallet,
    logTo: { write: (s: string) => void logged.push(s) },
  });
  ({ t, dir } = await newTill());
});

afterAll(async () => {
  vi.restoreAllMocks();
  t?.close();
  await gw?.close();
  rmSync(root, { recursive: true, force: true });
});

const FINAL = /^(approved|declined|failed|cancelled|reversed)$/;

/** Scans `code` at the open sale and waits until the payment is final. */
async function payWallet(till: Terminal, code: string, amount?: number): Promise<WalletPaymentDto> {
  codes.push(code);
  const started = await call<WalletPaymentDto>(till, 'payment.startWallet', {
    code,
    ...(amount === undefined ? {} : { amount }),
  });
  expect(started.maskedCode).toBe(maskWalletCode(code));
  await expect
    .poll(() => till.wallets.service.get(started.paymentId)?.state, { timeout: 5000 })
    .toMatch(FINAL);
  await till.wallets.service.idle();
  return till.wallets.service.get(started.paymentId)!;
}

async function sellItems(till: Terminal = t): Promise<SaleDto> {
  await call(till, 'sale.clear');
  await call(till, 'sale.addItem', { productId: 'hot-dog', quantity: 2 });
  return call<SaleDto>(till, 'sale.addItem', { productId: 'water', quantity: 1 });
}

/** The printed receipt (the simulated printer's page) of `receiptRef`, as text. */
async function printed(till: Terminal, receiptRef: string): Promise<string> {
  const sim = till.printer!.sim!;
  const find = (): string | undefined =>
    sim
      .pages()
      .map((page) => renderText(page, { columns: 48 }))
      .find((text) => text.includes(receiptRef));
  await expect.poll(find, { timeout: 5000 }).toBeDefined();
  return find()!;
}

const atGateway = async (key: string) => gw.store.wallet.getWalletPayment(key);

describe('each test-wallet behaviour', () => {
  it('approve: the sale completes with a wallet tender, on the receipt with the mask only', async () => {
    const sale = await sellItems();
    const code = freshCode('approve');
    const p = await payWallet(t, code);
    expect(p).toMatchObject({ state: 'approved', provider: 'wechat', amount: sale.totals.total, reason: null });
    expect(states.get(p.paymentId)).toEqual(['created', 'authorizing', 'approved']);
    expect(p.providerRef).toMatch(/^TW\d+$/);
    expect(await atGateway(p.paymentId)).toMatchObject({
      status: 'approved',
      amount: sale.totals.total,
      providerRef: p.providerRef,
      maskedCode: maskWalletCode(code),
    });
    const paid = await call<SaleDto>(t, 'sale.get');
    expect(paid).toMatchObject({ walletPaid: sale.totals.total, remaining: 0, activeWallet: null });
    expect(paid.wallets.map((w) => w.paymentId)).toEqual([p.paymentId]);

    const done = await call<CompletedSaleDto>(t, 'sale.complete');
    expect(done.payments).toEqual([
      {
        kind: 'wallet',
        paymentId: p.paymentId,
        amount: sale.totals.total,
        tendered: sale.totals.total,
        change: 0,
        rounding: 0,
        provider: 'wechat',
        maskedCode: maskWalletCode(code),
        providerRef: p.providerRef,
      },
    ]);
    const receipt = await printed(t, done.receiptRef);
    expect(receipt).toContain(`WeChat Pay ${maskWalletCode(code)}`);
    expect(receipt).toContain(p.providerRef);
    expect(receipt).not.toContain(code);
  });

  it.each([
    ['do_not_honour', 'do_not_honour'],
    ['insufficient_funds', 'insufficient_funds'],
    ['code_expired', 'code_expired'],
  ] as const)('%s: declined (%s), nothing paid, the sale still open', async (behaviour, reason) => {
    const sale = await sellItems();
    const p = await payWallet(t, freshCode(behaviour, 'alipay'));
    expect(p).toMatchObject({ state: 'declined', reason, provider: 'alipay', providerRef: null });
    expect((await atGateway(p.paymentId))?.status).toBe('declined');
    expect(await call<SaleDto>(t, 'sale.get')).toMatchObject({
      walletPaid: 0,
      remaining: sale.totals.total,
      activeWallet: null,
    });
    expect(await codeOf(call(t, 'sale.complete'))).not.toBe('ok');
  });

  it('awaiting_customer, then the customer confirms: approved and the sale completes', async () => {
    const sale = await sellItems();
    const code = freshCode('confirm');
    codes.push(code);
    const started = await call<WalletPaymentDto>(t, 'payment.startWallet', { code });
    // While the customer confirms, the sale shows the payment waiting, with its deadline.
    await expect
      .poll(async () => (await call<SaleDto>(t, 'sale.get')).activeWallet?.state, { timeout: 3000 })
      .toBe('awaiting_customer');
    const waiting = (await call<SaleDto>(t, 'sale.get')).activeWallet!;
    expect(waiting.paymentId).toBe(started.paymentId);
    expect(Date.parse(waiting.confirmBy!)).toBeGreaterThan(Date.now());
    expect(await codeOf(call(t, 'sale.complete'))).not.toBe('ok');
    expect(await codeOf(call(t, 'payment.startWallet', { code: freshCode('approve') }))).toBe(
      'payment.wallet_in_progress',
    );
    await expect.poll(() => t.wallets.service.get(started.paymentId)?.state, { timeout: 5000 }).toBe('approved');
    await t.wallets.service.idle();
    expect(states.get(started.paymentId)).toEqual(['created', 'authorizing', 'awaiting_customer', 'approved']);
    expect((await atGateway(started.paymentId))?.status).toBe('approved');
    const done = await call<CompletedSaleDto>(t, 'sale.complete');
    expect(done.payments).toMatchObject([
      { kind: 'wallet', paymentId: started.paymentId, amount: sale.totals.total, maskedCode: maskWalletCode(code) },
    ]);
    const receipt = await printed(t, done.receiptRef);
    expect(receipt).toContain(`WeChat Pay ${maskWalletCode(code)}`);
    expect(receipt).not.toContain(code);
  });

  it('awaiting_customer and never confirmed: ends customer_timeout, nothing charged at the gateway', async () => {
    const sale = await sellItems();
    const started = Date.now();
    const p = await payWallet(t, freshCode('never_confirm'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(CONFIRM_TIMEOUT_MS - 50);
    expect(p).toMatchObject({ state: 'declined', reason: 'customer_timeout', providerRef: null });
    expect(states.get(p.paymentId)).toContain('awaiting_customer');
    const g = await atGateway(p.paymentId);
    expect(g).toMatchObject({ status: 'declined', declineReason: 'customer_timeout', providerRef: null });
    expect(await call<SaleDto>(t, 'sale.get')).toMatchObject({ walletPaid: 0, remaining: sale.totals.total });
  });

  it('provider timeout: unknown, then the status query finds it approved (charged once)', async () => {
    const sale = await sellItems();
    const calls = wallet.provider.authorizeCalls;
    const p = await payWallet(t, freshCode('timeout', 'unionpay'));
    expect(p).toMatchObject({ state: 'approved', provider: 'unionpay', amount: sale.totals.total });
    expect(states.get(p.paymentId)).toEqual(['created', 'authorizing', 'unknown', 'approved']);
    expect(wallet.provider.authorizeCalls - calls).toBe(1);
    expect((await atGateway(p.paymentId))?.status).toBe('approved');
    const done = await call<CompletedSaleDto>(t, 'sale.complete');
    expect(done.payments).toMatchObject([{ kind: 'wallet', provider: 'unionpay', paymentId: p.paymentId }]);
  });

  it('the customer declines on the phone: declined customer_cancelled after awaiting_customer', async () => {
    await sellItems();
    const p = await payWallet(t, freshCode('customer_declines'));
    expect(p).toMatchObject({ state: 'declined', reason: 'customer_cancelled' });
    expect(states.get(p.paymentId)).toEqual(['created', 'authorizing', 'awaiting_customer', 'declined']);
    expect((await atGateway(p.paymentId))?.status).toBe('declined');
  });
});

describe('refusals', () => {
  it('a code used before is refused: at this till at once, at another till by the gateway', async () => {
    await sellItems();
    const code = freshCode('approve');
    const first = await payWallet(t, code);
    expect(first.state).toBe('approved');
    await call(t, 'sale.complete');
    const sale = await sellItems();
    expect(await codeOf(call(t, 'payment.startWallet', { code }))).toBe('wallet.code_used');
    expect(await call<SaleDto>(t, 'sale.get')).toMatchObject({ activeWallet: null, remaining: sale.totals.total });

    const other = await newTill();
    try {
      await sellItems(other.t);
      const second = await payWallet(other.t, code);
      expect(second).toMatchObject({ state: 'declined', reason: 'code_used' });
      // The first charge stands alone.
      expect((await atGateway(first.paymentId))?.status).toBe('approved');
      expect((await atGateway(second.paymentId))?.status).toBe('declined');
    } finally {
      other.t.close();
    }
  });

  it('offline: refused at once with wallet.offline, nothing recorded or sent; online again it pays', async () => {
    const sale = await sellItems();
    await call(t, 'sync.setForcedOffline', { offline: true });
    const code = freshCode('approve');
    codes.push(code);
    const before = wallet.provider.authorizeCalls;
    const rowsBefore = rows(dir, 'SELECT payment_id FROM wallet_payments').length;
    const at = Date.now();
    expect(await codeOf(call(t, 'payment.startWallet', { code }))).toBe('wallet.offline');
    expect(Date.now() - at).toBeLessThan(200);
    expect(rows(dir, 'SELECT payment_id FROM wallet_payments')).toHaveLength(rowsBefore);
    expect(wallet.provider.authorizeCalls).toBe(before);
    // With nothing to upload, the sync worker asks the gateway for reference data to see it is back.
    await call(t, 'sync.setForcedOffline', { offline: false });
    await waitOnline(t);
    // The code was never used: it still pays.
    const p = await payWallet(t, code);
    expect(p).toMatchObject({ state: 'approved', amount: sale.totals.total });
    await call(t, 'sale.complete');
  });
});

describe('split tender, refund, reports', () => {
  let split: CompletedSaleDto;
  let walletPart: WalletPaymentDto;

  it('wallet for part, cash for the rest', async () => {
    const sale = await sellItems();
    const part = Math.floor(sale.totals.total / 3);
    walletPart = await payWallet(t, freshCode('approve', 'alipay'), part);
    expect(walletPart).toMatchObject({ state: 'approved', amount: part });
    const rest = await call<SaleDto>(t, 'sale.get');
    expect(rest).toMatchObject({ walletPaid: part, remaining: sale.totals.total - part });
    await call(t, 'payment.payCash', { tendered: rest.cashDue + 1000 });
    split = await call<CompletedSaleDto>(t, 'sale.complete');
    expect(split.payments.map((p) => [p.kind, p.amount])).toEqual([
      ['wallet', part],
      ['cash', rest.cashDue],
    ]);
    expect(split.payments.find((p) => p.kind === 'cash')).toMatchObject({ change: 1000 });
  });

  it('a refund by receipt goes back to the wallet at the gateway, and no further', async () => {
    const found = await call<RefundableSaleDto>(t, 'sale.findByReceipt', { receipt: split.receiptRef });
    expect(found).toMatchObject({ saleId: split.saleId, refunded: 0 });
    const refund = await call<RefundDto>(t, 'refund.create', {
      saleId: split.saleId,
      lines: found.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
    });
    expect(refund.status).toBe('completed');
    const back = refund.tenders.find((x) => x.kind === 'wallet');
    expect(back).toMatchObject({ paymentId: walletPart.paymentId, amount: walletPart.amount, status: 'approved' });
    expect(refund.tenders.filter((x) => x.kind === 'cash').reduce((s, x) => s + x.amount, 0)).toBe(
      split.payments.find((p) => p.kind === 'cash')!.amount,
    );
    // The gateway's books: the wallet payment is refunded in full at the provider.
    expect(await atGateway(walletPart.paymentId)).toMatchObject({
      status: 'approved',
      refundedAmount: walletPart.amount,
    });
    expect(await codeOf(call(t, 'refund.create', { saleId: split.saleId, amount: 1 }))).toMatch(/^refund\./);
    expect((await atGateway(walletPart.paymentId))?.refundedAmount).toBe(walletPart.amount);
  });

  it('the X report and the gateway summary show wallets as their own tender', async () => {
    const completed = rows(dir, "SELECT amount FROM payments WHERE kind = 'wallet'") as { amount: number }[];
    const total = completed.reduce((s, r) => s + r.amount, 0);
    expect(completed.length).toBeGreaterThanOrEqual(5);
    const x = await call<ReportDto>(t, 'report.x');
    expect(x.byTender).toContainEqual({ tender: 'wallet', count: completed.length, amount: total });
    expect(x.byTender.map((b) => b.tender)).toContain('cash');
    // Uploaded by the sync worker; the other till's wallet sale was declined, so this till's add up.
    await expect
      .poll(async () => (await salesSummary(gw)).byTender.find((b) => b.tender === 'wallet'), { timeout: 5000 })
      .toEqual({ tender: 'wallet', count: completed.length, amount: total });
  });
});

function rows(d: string, sql: string): unknown[] {
  const db = openTerminalDb(d);
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('the payment code is a bearer token', () => {
  it('no code used appears in any database file of either side or in any log line', async () => {
    await t.wallets.service.idle();
    expect(codes.length).toBeGreaterThanOrEqual(12);
    const files = [
      ...[1, 2].flatMap((i) => ['terminal.db', 'terminal.db-wal'].map((f) => path.join(root, `t${i}`, f))),
      ...['gateway.db', 'gateway.db-wal'].map((f) => path.join(gatewayDir, f)),
    ].filter((f) => existsSync(f));
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['terminal.db', 'gateway.db']));
    const log = logged.join('');
    // The capture works: the gateway's request log and the terminal's debug log are in it.
    expect(log).toContain('/v1/wallet/payments');
    expect(log).toContain('"module":"sync"');
    const leaks: string[] = [];
    for (const f of files) {
      const bytes = readFileSync(f).toString('latin1');
      for (const c of codes) if (bytes.includes(c)) leaks.push(`${path.relative(root, f)}: ${maskWalletCode(c)}`);
    }
    for (const c of codes) if (log.includes(c)) leaks.push(`log: ${maskWalletCode(c)}`);
    expect(leaks).toEqual([]);
  });
});
