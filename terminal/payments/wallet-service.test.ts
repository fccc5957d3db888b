// The terminal's wallet payment flow against a scripted gateway: every answer the gateway can give
// (and the lack of one), cancellation by the cashier and at the deadline, offline refusal, codes
// used twice, crash recovery by status query, and owed cancellations retried until acknowledged.
// The code itself must never reach the database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaleDto, WalletPaymentDto } from '../../contract/api';
import type { WalletAuthorizeRequest, WalletCancelReply, WalletPaymentReply } from '../../contract/wallet';
import type { Db } from '../../db/open';
import { openTerminalDb } from '../../db/terminal-db';
import { isoUtc, systemClock } from '../../lib/clock';
import type { GatewayOutcome } from './payment-gateway';
import type { WalletGateway } from './wallet-gateway';
import { createWalletService, type WalletService } from './wallet-service';

const WECHAT = '134567890123454321';
const ALIPAY = '2845678901234567';

type Step<T> = GatewayOutcome<T> | (() => GatewayOutcome<T> | Promise<GatewayOutcome<T>>);

/** A gateway whose answers the test scripts, one per call (the last one repeats). */
class ScriptedGateway implements WalletGateway {
  authorizeAnswers: Step<WalletPaymentReply>[] = [];
  statusAnswers: Step<WalletPaymentReply>[] = [];
  cancelAnswers: Step<WalletCancelReply>[] = [];
  readonly sent: WalletAuthorizeRequest[] = [];
  readonly cancels: string[] = [];
  readonly statusAsks: string[] = [];

  private static async next<T>(list: Step<T>[]): Promise<GatewayOutcome<T>> {
    const step = list.length > 1 ? list.shift()! : list[0];
    if (!step) return { kind: 'no_answer', message: 'not scripted' };
    return typeof step === 'function' ? step() : step;
  }
  authorize(req: WalletAuthorizeRequest) {
    this.sent.push(req);
    return ScriptedGateway.next(this.authorizeAnswers);
  }
  status(key: string) {
    this.statusAsks.push(key);
    return ScriptedGateway.next(this.statusAnswers);
  }
  cancel(key: string) {
    this.cancels.push(key);
    return ScriptedGateway.next(this.cancelAnswers);
  }
}

const reply = (status: WalletPaymentReply['status'], extra: Partial<WalletPaymentReply> = {}): GatewayOutcome<WalletPaymentReply> => ({
  kind: 'ok',
  value: {
    key: '01J0000000000000000000000A',
    status,
    provider: 'wechat',
    maskedCode: '13************4321',
    amount: 2500,
    currency: 'CNY',
    providerRef: status === 'approved' ? 'WX-REF-1' : null,
    declineReason: null,
    confirmBy: null,
    merchantId: 'M1',
    ...extra,
  },
});
const cancelled = (status: WalletCancelReply['status'] = 'cancelled'): GatewayOutcome<WalletCancelReply> => ({
  kind: 'ok',
  value: { key: '01J0000000000000000000000A', status, tombstone: false },
});

let dir: string;
let db: Db;
let gw: ScriptedGateway;
let online: boolean;
let cardBusy: boolean;
let services: WalletService[];
let updates: WalletPaymentDto[];

function openSale(remaining = 2500): SaleDto {
  const row = db.prepare("SELECT sale_id FROM sales WHERE status = 'open'").get() as { sale_id: string } | undefined;
  const saleId = row?.sale_id ?? 'S1';
  if (!row) db.prepare("INSERT INTO sales (sale_id, status, currency, started_at) VALUES (?, 'open', 'CNY', ?)").run(saleId, isoUtc(Date.now()));
  return {
    saleId,
    currency: 'CNY',
    lines: [{ lineId: 'L1', stoppedBy: null }],
    remaining,
  } as unknown as SaleDto;
}

function service(config: Parameters<typeof createWalletService>[0]['config'] = {}): WalletService {
  const s = createWalletService({
    db,
    clock: systemClock,
    terminalId: 'T1',
    gateway: gw,
    online: () => online,
    openSale: () => openSale(),
    cardInProgress: () => cardBusy,
    onUpdated: (p) => updates.push(p),
    config: { pollMs: 5, backgroundMs: 60_000, unknownQueries: 2, confirmGraceMs: 0, ...config },
  });
  services.push(s);
  return s;
}

async function settle(s: WalletService): Promise<WalletPaymentDto> {
  await s.idle();
  const id = updates.at(-1)!.paymentId;
  return s.get(id)!;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pos-wallet-'));
  db = openTerminalDb(dir);
  gw = new ScriptedGateway();
  online = true;
  cardBusy = false;
  services = [];
  updates = [];
});
afterEach(async () => {
  for (const s of services) await s.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('wallet payments', () => {
  it('charges a scanned code once: approved, with the mask only, and never the code in the database', async () => {
    gw.authorizeAnswers = [reply('approved')];
    const s = service();
    const started = s.start(` ${WECHAT} `);
    expect(started).toMatchObject({ state: 'authorizing', provider: 'wechat', maskedCode: '13************4321', amount: 2500 });
    const done = await settle(s);
    expect(done).toMatchObject({ state: 'approved', providerRef: 'WX-REF-1', needsResolution: false });
    expect(gw.sent).toHaveLength(1);
    expect(gw.sent[0]).toMatchObject({ idempotencyKey: started.paymentId, code: WECHAT, provider: 'wechat', amount: 2500 });
    expect(s.paying('S1').map((p) => p.paymentId)).toEqual([started.paymentId]);
    expect(updates.map((u) => u.state)).toEqual(['created', 'authorizing', 'approved']);
    // Every text column of every table, the journal included.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all();
      expect(JSON.stringify(rows)).not.toContain(WECHAT);
    }
  });

  it('refuses a code it has seen, a text that is no payment code, and a second payment while one runs', async () => {
    gw.authorizeAnswers = [reply('awaiting_customer', { confirmBy: isoUtc(Date.now() + 60_000) })];
    gw.statusAnswers = [reply('awaiting_customer', { confirmBy: isoUtc(Date.now() + 60_000) })];
    const s = service();
    expect(() => s.start('4006381333931')).toThrow(expect.objectContaining({ code: 'wallet.code_invalid' }));
    s.start(WECHAT);
    expect(() => s.start(ALIPAY)).toThrow(expect.objectContaining({ code: 'payment.wallet_in_progress' }));
    gw.cancelAnswers = [cancelled()];
    await s.cancel();
    expect(() => s.start(WECHAT)).toThrow(expect.objectContaining({ code: 'wallet.code_used' }));
    cardBusy = true;
    expect(() => s.start(ALIPAY)).toThrow(expect.objectContaining({ code: 'payment.card_in_progress' }));
  });

  it('offline, refuses at once and writes nothing', () => {
    online = false;
    const s = service();
    expect(() => s.start(WECHAT)).toThrow(expect.objectContaining({ code: 'wallet.offline' }));
    expect(db.prepare('SELECT count(*) AS n FROM wallet_payments').get()).toEqual({ n: 0 });
    expect(gw.sent).toHaveLength(0);
  });

  it('waits for the customer to confirm on the phone, asking the gateway, then approves', async () => {
    const confirmBy = isoUtc(Date.now() + 60_000);
    gw.authorizeAnswers = [reply('awaiting_customer', { confirmBy })];
    gw.statusAnswers = [reply('awaiting_customer', { confirmBy }), reply('awaiting_customer', { confirmBy }), reply('approved')];
    const s = service();
    s.start(WECHAT);
    const done = await settle(s);
    expect(done.state).toBe('approved');
    expect(updates.map((u) => u.state)).toContain('awaiting_customer');
    expect(updates.find((u) => u.state === 'awaiting_customer')?.confirmBy).toBe(confirmBy);
    expect(gw.statusAsks.length).toBeGreaterThanOrEqual(3);
  });

  it('past the deadline without a confirmation, cancels: customer_timeout', async () => {
    const confirmBy = isoUtc(Date.now() + 30);
    gw.authorizeAnswers = [reply('awaiting_customer', { confirmBy })];
    gw.statusAnswers = [reply('awaiting_customer', { confirmBy })];
    gw.cancelAnswers = [cancelled()];
    const s = service();
    s.start(WECHAT);
    const done = await settle(s);
    expect(done).toMatchObject({ state: 'cancelled', reason: 'customer_timeout' });
    expect(gw.cancels).toEqual([done.paymentId]);
  });

  it('the cashier cancels while the customer confirms; a charge that went through is reversed', async () => {
    const confirmBy = isoUtc(Date.now() + 60_000);
    gw.authorizeAnswers = [reply('awaiting_customer', { confirmBy })];
    gw.statusAnswers = [reply('awaiting_customer', { confirmBy })];
    gw.cancelAnswers = [cancelled('reversed')];
    const s = service({ pollMs: 50 });
    s.start(WECHAT);
    await expect.poll(() => s.active()?.state).toBe('awaiting_customer');
    const out = await s.cancel();
    expect(out).toMatchObject({ state: 'reversed', reason: 'cancelled_by_cashier' });
    await s.idle();
    expect(s.paying('S1')).toEqual([]);
    expect(s.active()).toBeUndefined();
  });

  it('declines and failures are final and name why', async () => {
    gw.authorizeAnswers = [reply('declined', { declineReason: 'insufficient_funds' })];
    const s = service();
    s.start(WECHAT);
    expect(await settle(s)).toMatchObject({ state: 'declined', reason: 'insufficient_funds' });
    gw.authorizeAnswers = [{ kind: 'unreachable', message: 'ECONNREFUSED' }];
    s.start(ALIPAY);
    expect(await settle(s)).toMatchObject({ state: 'failed', reason: 'gateway_error' });
    expect(gw.cancels).toEqual([]);
  });

  it('no answer: asks the gateway, and takes the approval it finds', async () => {
    gw.authorizeAnswers = [{ kind: 'no_answer', message: 'timeout' }];
    gw.statusAnswers = [reply('approved')];
    const s = service();
    s.start(WECHAT);
    expect(await settle(s)).toMatchObject({ state: 'approved' });
    expect(updates.map((u) => u.state)).toContain('unknown');
    expect(gw.sent).toHaveLength(1);
  });

  it('a gateway that keeps answering pending is asked a bounded number of times, then the payment is cancelled', async () => {
    gw.authorizeAnswers = [reply('pending')];
    gw.statusAnswers = [reply('pending')];
    gw.cancelAnswers = [cancelled()];
    const s = service({ pendingQueries: 4 });
    s.start(WECHAT);
    expect(await settle(s)).toMatchObject({ state: 'cancelled', reason: 'no_answer' });
    expect(gw.statusAsks).toHaveLength(4);
  });

  it('no answer and the gateway never had it: cancels (a tombstone), never charges twice', async () => {
    gw.authorizeAnswers = [{ kind: 'no_answer', message: 'timeout' }];
    gw.statusAnswers = [{ kind: 'not_found' }];
    gw.cancelAnswers = [{ kind: 'ok', value: { key: '01J0000000000000000000000A', status: 'cancelled', tombstone: true } }];
    const s = service();
    s.start(WECHAT);
    expect(await settle(s)).toMatchObject({ state: 'cancelled', reason: 'no_answer' });
    expect(gw.sent).toHaveLength(1);
    expect(gw.cancels).toHaveLength(1);
  });

  it('an owed cancellation survives an unreachable gateway and a restart, and is retried until acknowledged', async () => {
    gw.authorizeAnswers = [{ kind: 'no_answer', message: 'timeout' }];
    gw.statusAnswers = [{ kind: 'not_found' }];
    gw.cancelAnswers = [{ kind: 'unreachable', message: 'ECONNREFUSED' }];
    const first = service();
    first.start(WECHAT);
    const stuck = await settle(first);
    expect(stuck.state).toBe('cancelling');
    await first.stop();
    gw.cancelAnswers = [cancelled()];
    const second = service();
    await second.tick();
    expect(second.get(stuck.paymentId)?.state).toBe('cancelled');
    expect(db.prepare('SELECT acked_at IS NOT NULL AS acked FROM wallet_cancels').get()).toEqual({ acked: 1 });
  });

  it('recovery after a crash mid-authorization: approved at the gateway → the cashier completes or voids', async () => {
    // A payment the last process committed as authorizing and never heard back about.
    gw.authorizeAnswers = [() => new Promise(() => undefined)];
    const crashed = service();
    const p = crashed.start(WECHAT);
    // The process dies: its request never returns and nothing of it runs again.
    services.pop();
    gw.statusAnswers = [reply('approved')];
    const next = service();
    await next.tick();
    const recovered = next.listRecovered();
    expect(recovered.map((r) => r.paymentId)).toEqual([p.paymentId]);
    expect(next.paying('S1')).toEqual([]);
    const kept = await next.resolveRecovered(p.paymentId, 'complete');
    expect(kept).toMatchObject({ state: 'approved', needsResolution: false });
    expect(next.paying('S1').map((x) => x.paymentId)).toEqual([p.paymentId]);
  });

  it('recovery after a crash between approval and sale completion: approved, not completed, the cashier decides', async () => {
    gw.authorizeAnswers = [reply('approved')];
    const crashed = service();
    const p = crashed.start(WECHAT);
    await crashed.idle();
    expect(crashed.paying('S1').map((x) => x.paymentId)).toEqual([p.paymentId]);
    // The process dies with the approval committed and the sale still open.
    services.pop();
    const next = service();
    await next.startBackground();
    expect(next.listRecovered().map((r) => r.paymentId)).toEqual([p.paymentId]);
    expect(next.paying('S1')).toEqual([]);
    expect(gw.statusAsks).toEqual([]);
    const kept = await next.resolveRecovered(p.paymentId, 'complete');
    expect(kept).toMatchObject({ state: 'approved', needsResolution: false });
    expect(next.paying('S1').map((x) => x.paymentId)).toEqual([p.paymentId]);
  });

  it('recovery: a voided recovered payment is reversed at the gateway', async () => {
    gw.authorizeAnswers = [() => new Promise(() => undefined)];
    const crashed = service();
    const p = crashed.start(WECHAT);
    // The process dies: its request never returns and nothing of it runs again.
    services.pop();
    gw.statusAnswers = [reply('approved')];
    gw.cancelAnswers = [cancelled('reversed')];
    const next = service();
    await next.tick();
    const voided = await next.resolveRecovered(p.paymentId, 'void');
    expect(voided).toMatchObject({ state: 'reversed', reason: 'voided', needsResolution: false });
    await expect(next.resolveRecovered(p.paymentId, 'complete')).rejects.toMatchObject({ code: 'payment.not_found' });
  });

  it('a cancel the gateway answers with the payment still approved is not taken as cancelled, and is sent again', async () => {
    gw.authorizeAnswers = [() => new Promise(() => undefined)];
    const crashed = service();
    const p = crashed.start(WECHAT);
    services.pop();
    gw.statusAnswers = [reply('approved')];
    gw.cancelAnswers = [cancelled('approved'), cancelled('reversed')];
    const next = service();
    await next.tick();
    const voided = await next.resolveRecovered(p.paymentId, 'void');
    expect(voided.state).toBe('cancelling');
    expect(db.prepare('SELECT acked_at, last_error FROM wallet_cancels').get()).toEqual({
      acked_at: null,
      last_error: 'the gateway still says approved',
    });
    await next.tick();
    expect(next.get(p.paymentId)).toMatchObject({ state: 'reversed', needsResolution: false });
    expect(gw.cancels).toEqual([p.paymentId, p.paymentId]);
  });

  it('a cancellation acknowledged while the till closes stays owed, and the next start-up finishes it', async () => {
    gw.authorizeAnswers = [reply('awaiting_customer', { confirmBy: isoUtc(Date.now() + 60_000) })];
    gw.statusAnswers = [reply('awaiting_customer', { confirmBy: isoUtc(Date.now() + 60_000) })];
    const first = service();
    const p = first.start(WECHAT);
    await expect.poll(() => first.get(p.paymentId)?.state).toBe('awaiting_customer');
    // The gateway cancels, but the answer arrives after the till began closing: nothing of it
    // may be half written (acknowledged, yet still cancelling).
    gw.cancelAnswers = [
      () => {
        void first.stop();
        return cancelled('cancelled');
      },
      cancelled('cancelled'),
    ];
    await first.cancel().catch(() => undefined);
    expect(db.prepare('SELECT acked_at FROM wallet_cancels').get()).toEqual({ acked_at: null });
    const next = service();
    await next.tick();
    expect(next.get(p.paymentId)).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_cashier' });
    expect(next.active()).toBeUndefined();
    expect(gw.cancels).toEqual([p.paymentId, p.paymentId]);
  });

  it('recovery: a row committed as created was never sent, and fails without asking', async () => {
    const s = service();
    openSale();
    db.prepare(
      `INSERT INTO wallet_payments (payment_id, sale_id, state, amount, currency, provider, masked_code, code_hash, created_at, updated_at)
       VALUES ('01J0000000000000000000000B', 'S1', 'created', 100, 'CNY', 'alipay', '28**********4567', 'h', 'T', 'T')`,
    ).run();
    await s.tick();
    expect(s.get('01J0000000000000000000000B')).toMatchObject({ state: 'failed', reason: 'gateway_error' });
    expect(gw.statusAsks).toEqual([]);
  });
});
