// Wallet payment codes through the gateway's routes, on a real SQLite store with the built-in test
// wallet provider in compressed time (a manual clock; a short provider deadline), and the
// concurrency-sensitive parts again on a throwaway PostgreSQL.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RefundReply } from '../contract/payments';
import {
  maskWalletCode,
  WalletCancelReply,
  WalletPaymentReply,
  type WalletAuthorizeRequest,
  type WalletProvider as WalletName,
} from '../contract/wallet';
import type { Clock } from '../lib/clock';
import { newId } from '../lib/ids';
import { startPostgres, type PostgresServer } from '../tests/support/postgres';
import type { StoreTarget } from './storage/create-store';
import {
  enrollTerminal,
  signedInject,
  startTestGateway,
  T0,
  type TestGateway,
  type TestTerminal,
} from './testing';
import {
  TestWalletProvider,
  testWalletCode,
  type TestWalletBehaviour,
} from './wallet/test-provider';

/** A provider the authorization never reaches (lost on the way there): no answer, no charge. */
class LosingProvider extends TestWalletProvider {
  override authorize(): Promise<never> {
    this.authorizeCalls++;
    return new Promise<never>(() => undefined);
  }
}

/** A provider that gives the customer longer than the deadline it tells the gateway. */
class PatientProvider extends TestWalletProvider {
  override async authorize(
    ...args: Parameters<TestWalletProvider['authorize']>
  ): ReturnType<TestWalletProvider['authorize']> {
    const answer = await super.authorize(...args);
    return answer.outcome === 'awaiting_customer'
      ? { ...answer, confirmBy: answer.confirmBy - 30_000 }
      : answer;
  }
  override async query(key: string): ReturnType<TestWalletProvider['query']> {
    const answer = await super.query(key);
    return answer.state === 'awaiting_customer'
      ? { ...answer, confirmBy: answer.confirmBy - 30_000 }
      : answer;
  }
}

const PROVIDERS = { test: TestWalletProvider, losing: LosingProvider, patient: PatientProvider };

const CONFIRM_AFTER = 4_000;
const CONFIRM_TIMEOUT = 60_000;

interface Ctx {
  gw: TestGateway;
  provider: TestWalletProvider;
  t: TestTerminal;
}

async function start(
  target?: StoreTarget,
  extra: { logLines?: string[]; timeoutMs?: number; kind?: keyof typeof PROVIDERS } = {},
): Promise<Ctx> {
  // The provider decides "the customer confirmed" by the gateway's manual clock, made inside.
  const made: { clock?: Clock } = {};
  const provider = new PROVIDERS[extra.kind ?? 'test']({
    clock: { now: () => made.clock?.now() ?? T0 },
    confirmAfterMs: CONFIRM_AFTER,
    confirmTimeoutMs: CONFIRM_TIMEOUT,
  });
  const gw = await startTestGateway({
    ...(target ? { target } : {}),
    payments: { captureScheduler: false },
    wallet: { provider, timeoutMs: extra.timeoutMs ?? 150 },
    ...(extra.logLines
      ? {
          logger: { level: 'debug' },
          logDestination: { write: (s: string) => void extra.logLines?.push(s) },
        }
      : {}),
  });
  made.clock = gw.clock;
  const t = await enrollTerminal(gw.app);
  return { gw, provider, t };
}

function request(
  c: Ctx,
  provider: WalletName,
  behaviour: TestWalletBehaviour,
  over: Partial<WalletAuthorizeRequest> = {},
): WalletAuthorizeRequest {
  return {
    idempotencyKey: newId(),
    terminalId: c.t.terminalId,
    saleId: newId(),
    amount: 6200,
    currency: 'CNY',
    provider,
    code: testWalletCode(provider, behaviour),
    ...over,
  };
}

function pay(c: Ctx, body: unknown, t = c.t) {
  return signedInject(c.gw.app, t, { url: '/v1/wallet/payments', body, now: c.gw.clock.now() });
}

function get(c: Ctx, key: string, t = c.t) {
  return signedInject(c.gw.app, t, { url: `/v1/wallet/payments/${key}`, now: c.gw.clock.now() });
}

function cancel(c: Ctx, key: string, t = c.t) {
  return signedInject(c.gw.app, t, {
    url: `/v1/wallet/payments/${key}/cancel`,
    body: { reason: 'cashier' },
    now: c.gw.clock.now(),
  });
}

function refund(c: Ctx, body: unknown) {
  return signedInject(c.gw.app, c.t, { url: '/v1/refunds', body, now: c.gw.clock.now() });
}

async function payOk(c: Ctx, body: WalletAuthorizeRequest): Promise<WalletPaymentReply> {
  const res = await pay(c, body);
  expect(res.statusCode, res.body).toBe(200);
  return WalletPaymentReply.parse(res.json());
}

async function getOk(c: Ctx, key: string): Promise<WalletPaymentReply> {
  const res = await get(c, key);
  expect(res.statusCode, res.body).toBe(200);
  return WalletPaymentReply.parse(res.json());
}

function errorCode(res: { json<T>(): T }): string {
  return res.json<{ error: { code: string } }>().error.code;
}

async function withGateway(
  fn: (c: Ctx) => Promise<void>,
  target?: StoreTarget,
  kind: keyof typeof PROVIDERS = 'test',
): Promise<void> {
  const c = await start(target, { kind });
  try {
    await fn(c);
  } finally {
    await c.gw.close();
  }
}

describe.each(['alipay', 'wechat'] as const)(
  'the test wallet through the routes (%s)',
  (wallet) => {
    it('approves a code ending in anything else, with the mask and the provider reference', () =>
      withGateway(async (c) => {
        const req = request(c, wallet, 'approve');
        const r = await payOk(c, req);
        expect(r).toMatchObject({
          status: 'approved',
          provider: wallet,
          amount: 6200,
          declineReason: null,
        });
        expect(r.providerRef).toMatch(/^TW/);
        expect(r.maskedCode).toBe(
          `${req.code.slice(0, 2)}${'*'.repeat(req.code.length - 6)}${req.code.slice(-4)}`,
        );
        expect(await getOk(c, req.idempotencyKey)).toEqual(r);
      }));

    it.each([
      ['do_not_honour', 'do_not_honour'],
      ['insufficient_funds', 'insufficient_funds'],
      ['code_expired', 'code_expired'],
    ] as const)('declines %s', (behaviour, reason) =>
      withGateway(async (c) => {
        const r = await payOk(c, request(c, wallet, behaviour));
        expect(r).toMatchObject({ status: 'declined', declineReason: reason, providerRef: null });
      }),
    );

    it('03: awaiting the customer, who confirms on the phone after a few seconds → approved', () =>
      withGateway(async (c) => {
        const req = request(c, wallet, 'confirm');
        const first = await payOk(c, req);
        expect(first.status).toBe('awaiting_customer');
        expect(Date.parse(first.confirmBy ?? '')).toBe(c.gw.clock.now() + CONFIRM_TIMEOUT);
        c.gw.clock.advance(CONFIRM_AFTER - 1);
        expect((await getOk(c, req.idempotencyKey)).status).toBe('awaiting_customer');
        c.gw.clock.advance(1);
        const done = await getOk(c, req.idempotencyKey);
        expect(done).toMatchObject({ status: 'approved', confirmBy: null });
        expect(done.providerRef).not.toBeNull();
      }));

    it('04: the customer never confirms → at the deadline declined customer_timeout', () =>
      withGateway(async (c) => {
        const req = request(c, wallet, 'never_confirm');
        expect((await payOk(c, req)).status).toBe('awaiting_customer');
        c.gw.clock.advance(CONFIRM_TIMEOUT - 1_000);
        expect((await getOk(c, req.idempotencyKey)).status).toBe('awaiting_customer');
        c.gw.clock.advance(1_000);
        expect(await getOk(c, req.idempotencyKey)).toMatchObject({
          status: 'declined',
          declineReason: 'customer_timeout',
        });
      }));

    it('05: the provider charges but its answer never comes → unknown; GET → approved; one charge', () =>
      withGateway(async (c) => {
        const req = request(c, wallet, 'timeout');
        const first = await payOk(c, req);
        expect(first.status).toBe('unknown');
        const after = await getOk(c, req.idempotencyKey);
        expect(after.status).toBe('approved');
        // The same request again returns the outcome and never asks the provider to charge again.
        expect((await payOk(c, req)).status).toBe('approved');
        expect(c.provider.authorizeCalls).toBe(1);
      }));

    it('06: the customer declines on the phone → declined customer_cancelled', () =>
      withGateway(async (c) => {
        const req = request(c, wallet, 'customer_declines');
        expect((await payOk(c, req)).status).toBe('awaiting_customer');
        c.gw.clock.advance(CONFIRM_AFTER);
        expect(await getOk(c, req.idempotencyKey)).toMatchObject({
          status: 'declined',
          declineReason: 'customer_cancelled',
        });
      }));
  },
);

describe('idempotency and single use', () => {
  it('the same key twice gives the same outcome with one provider call; other content → 409', () =>
    withGateway(async (c) => {
      const req = request(c, 'wechat', 'approve');
      const a = await payOk(c, req);
      const b = await payOk(c, req);
      expect(b).toEqual(a);
      expect(c.provider.authorizeCalls).toBe(1);
      const other = await pay(c, { ...req, amount: 100 });
      expect(other.statusCode).toBe(409);
      expect(errorCode(other)).toBe('wallet.conflict');
    }));

  it('concurrent requests with one key reach the provider once', () =>
    withGateway(async (c) => {
      const req = request(c, 'alipay', 'approve');
      const replies = await Promise.all(Array.from({ length: 6 }, () => pay(c, req)));
      const bodies = replies.map((r) => WalletPaymentReply.parse(r.json()));
      expect(new Set(bodies.map((b) => b.status))).toEqual(new Set(['approved']));
      expect(new Set(bodies.map((b) => b.providerRef)).size).toBe(1);
      expect(c.provider.authorizeCalls).toBe(1);
    }));

  it('a code used once is refused code_used under another key and at another terminal, without the provider', () =>
    withGateway(async (c) => {
      const req = request(c, 'wechat', 'approve');
      expect((await payOk(c, req)).status).toBe('approved');
      const again = await payOk(c, { ...req, idempotencyKey: newId(), saleId: newId() });
      expect(again).toMatchObject({ status: 'declined', declineReason: 'code_used' });
      const t2 = await enrollTerminal(c.gw.app, 'Gate C bar 1');
      const res = await pay(c, { ...req, idempotencyKey: newId(), terminalId: t2.terminalId }, t2);
      expect(WalletPaymentReply.parse(res.json())).toMatchObject({
        status: 'declined',
        declineReason: 'code_used',
      });
      // Even a declined code is spent.
      const declined = request(c, 'alipay', 'insufficient_funds');
      await payOk(c, declined);
      expect((await payOk(c, { ...declined, idempotencyKey: newId() })).declineReason).toBe(
        'code_used',
      );
      expect(c.provider.authorizeCalls).toBe(2);
    }));

  it('an unreachable provider → failed provider_unavailable (nothing charged)', () =>
    withGateway(async (c) => {
      c.provider.setReachable(false);
      const req = request(c, 'alipay', 'approve');
      const r = await payOk(c, req);
      expect(r).toMatchObject({ status: 'failed', declineReason: 'provider_unavailable' });
      // The same request answers the same; the code never left, so it pays under a new key.
      expect((await payOk(c, req)).status).toBe('failed');
      c.provider.setReachable(true);
      expect((await payOk(c, { ...req, idempotencyKey: newId() })).status).toBe('approved');
    }));

  it('refuses bad input with 400 and never echoes the code', () =>
    withGateway(async (c) => {
      const req = request(c, 'wechat', 'approve');
      for (const body of [
        { ...req, code: `${req.code}X` },
        { ...req, code: req.code.slice(0, 10) },
        { ...req, amount: -5 },
        { ...req, provider: 'paypal' },
      ]) {
        const res = await pay(c, body);
        expect(res.statusCode).toBe(400);
        expect(errorCode(res)).toBe('validation');
        expect(res.body.includes(req.code.slice(2, 12))).toBe(false);
      }
      // Malformed JSON: the parser's message would quote the text after the error.
      const malformed = `{"provider":"wechat","code":x${req.code}}`;
      const bad = await pay(c, malformed);
      expect(bad.statusCode).toBe(400);
      expect(errorCode(bad)).toBe('body.malformed_json');
      expect(bad.body.includes(req.code.slice(0, 6))).toBe(false);
      const wrong = await pay(c, { ...req, terminalId: 'SOMEONE-ELSE' });
      expect(wrong.statusCode).toBe(403);
      const currency = await pay(c, { ...req, currency: 'USD' });
      expect(errorCode(currency)).toBe('wallet.currency');
    }));
});

describe('recovery', () => {
  it('a row left pending by a gateway that died mid-call is unknown once stale, then settled by a query: one charge', () =>
    withGateway(async (c) => {
      const req = request(c, 'alipay', 'approve');
      // The dead gateway had inserted its row and reached the provider, then never recorded the answer.
      const at = new Date(c.gw.clock.now()).toISOString();
      expect(
        await c.gw.store.wallet.insertWalletPayment({
          key: req.idempotencyKey,
          terminalId: c.t.terminalId,
          saleId: req.saleId,
          amount: req.amount,
          currency: req.currency,
          provider: req.provider,
          status: 'pending',
          requestHash: 'from-the-dead-gateway',
          codeHash: 'hash-of-the-code',
          maskedCode: maskWalletCode(req.code),
          providerRef: null,
          declineReason: null,
          confirmBy: null,
          merchantId: c.provider.merchantId,
          businessDate: '2026-11-21',
          createdAt: at,
          updatedAt: at,
          refundedAmount: 0,
        }),
      ).toBe(true);
      await c.provider.authorize({ ...req, key: req.idempotencyKey, merchantId: 'M' });
      expect((await getOk(c, req.idempotencyKey)).status).toBe('pending');
      c.gw.clock.advance(60_000);
      const after = await getOk(c, req.idempotencyKey);
      expect(after.status).toBe('approved');
      expect(after.providerRef).not.toBeNull();
      expect(c.provider.authorizeCalls).toBe(1);
    }));
});

describe('cancel', () => {
  it('cancels an awaiting payment; the customer confirming later changes nothing', () =>
    withGateway(async (c) => {
      const req = request(c, 'wechat', 'confirm');
      expect((await payOk(c, req)).status).toBe('awaiting_customer');
      const res = await cancel(c, req.idempotencyKey);
      expect(WalletCancelReply.parse(res.json())).toEqual({
        key: req.idempotencyKey,
        status: 'cancelled',
        tombstone: false,
      });
      c.gw.clock.advance(CONFIRM_AFTER);
      expect((await getOk(c, req.idempotencyKey)).status).toBe('cancelled');
      expect((await cancel(c, req.idempotencyKey)).json()).toMatchObject({ status: 'cancelled' });
    }));

  it('cancels an unknown payment (the provider had charged: it is reversed)', () =>
    withGateway(async (c) => {
      const req = request(c, 'alipay', 'timeout');
      expect((await payOk(c, req)).status).toBe('unknown');
      const res = WalletCancelReply.parse((await cancel(c, req.idempotencyKey)).json());
      expect(res.status).toBe('reversed');
      expect((await getOk(c, req.idempotencyKey)).status).toBe('reversed');
    }));

  it('a request lost on the way: unknown, GET says not found and it stays unknown; cancel → cancelled', () =>
    withGateway(
      async (c) => {
        const req = request(c, 'alipay', 'approve');
        expect((await payOk(c, req)).status).toBe('unknown');
        expect((await getOk(c, req.idempotencyKey)).status).toBe('unknown');
        c.gw.clock.advance(120_000);
        expect((await getOk(c, req.idempotencyKey)).status).toBe('unknown');
        const res = WalletCancelReply.parse((await cancel(c, req.idempotencyKey)).json());
        expect(res).toEqual({ key: req.idempotencyKey, status: 'cancelled', tombstone: false });
        expect((await getOk(c, req.idempotencyKey)).status).toBe('cancelled');
        // The provider remembers the key as cancelled: the lost request can never charge later.
        expect(await c.provider.query(req.idempotencyKey)).toEqual({ state: 'cancelled' });
        expect(c.provider.authorizeCalls).toBe(1);
      },
      undefined,
      'losing',
    ));

  it('past confirmBy the gateway cancels at the provider and answers declined customer_timeout', () =>
    withGateway(
      async (c) => {
        const req = request(c, 'wechat', 'never_confirm');
        const first = await payOk(c, req);
        expect(first.status).toBe('awaiting_customer');
        c.gw.clock.advance(CONFIRM_TIMEOUT - 30_000 - 1);
        expect((await getOk(c, req.idempotencyKey)).status).toBe('awaiting_customer');
        c.gw.clock.advance(1);
        expect(await getOk(c, req.idempotencyKey)).toMatchObject({
          status: 'declined',
          declineReason: 'customer_timeout',
          confirmBy: null,
        });
        // The gateway's cancel reached the provider: a late confirmation cannot charge.
        expect(await c.provider.query(req.idempotencyKey)).toEqual({ state: 'cancelled' });
      },
      undefined,
      'patient',
    ));

  it('reverses an approved payment; a declined one answers as it is', () =>
    withGateway(async (c) => {
      const ok = request(c, 'alipay', 'approve');
      await payOk(c, ok);
      expect((await cancel(c, ok.idempotencyKey)).json()).toMatchObject({ status: 'reversed' });
      expect((await getOk(c, ok.idempotencyKey)).status).toBe('reversed');
      const no = request(c, 'alipay', 'do_not_honour');
      await payOk(c, no);
      expect((await cancel(c, no.idempotencyKey)).json()).toMatchObject({ status: 'declined' });
    }));

  it('an unknown key leaves a tombstone: a late authorization with it is answered cancelled', () =>
    withGateway(async (c) => {
      const req = request(c, 'wechat', 'approve');
      const res = WalletCancelReply.parse((await cancel(c, req.idempotencyKey)).json());
      expect(res).toEqual({ key: req.idempotencyKey, status: 'cancelled', tombstone: true });
      const late = await payOk(c, req);
      expect(late).toMatchObject({ status: 'cancelled', providerRef: null });
      expect(c.provider.authorizeCalls).toBe(0);
      expect((await get(c, req.idempotencyKey)).statusCode).toBe(404);
      // The code was never used: it can still pay under a new key.
      expect((await payOk(c, { ...req, idempotencyKey: newId() })).status).toBe('approved');
    }));

  it('GET of a key never seen is 404 wallet.unknown; another terminal cannot see or cancel it', () =>
    withGateway(async (c) => {
      expect(errorCode(await get(c, newId()))).toBe('wallet.unknown');
      const req = request(c, 'wechat', 'approve');
      await payOk(c, req);
      const t2 = await enrollTerminal(c.gw.app, 'Gate C bar 1');
      expect((await get(c, req.idempotencyKey, t2)).statusCode).toBe(404);
      expect((await cancel(c, req.idempotencyKey, t2)).statusCode).toBe(404);
    }));
});

describe('refunds of wallet payments (POST /v1/refunds)', () => {
  it('refunds in parts through the provider, idempotent by key, and never beyond the amount', () =>
    withGateway(async (c) => {
      const req = request(c, 'alipay', 'approve', { amount: 10_000 });
      await payOk(c, req);
      const first = { idempotencyKey: newId(), originalKey: req.idempotencyKey, amount: 4_000 };
      const a = RefundReply.parse((await refund(c, first)).json());
      expect(a).toMatchObject({ status: 'approved', amount: 4_000, remaining: 6_000 });
      expect(a.acquirerRef).toMatch(/^TR/);
      expect(RefundReply.parse((await refund(c, first)).json())).toEqual(a);
      const b = RefundReply.parse(
        (
          await refund(c, {
            idempotencyKey: newId(),
            originalKey: req.idempotencyKey,
            amount: 5_000,
          })
        ).json(),
      );
      expect(b).toMatchObject({ status: 'approved', remaining: 1_000 });
      const over = await refund(c, {
        idempotencyKey: newId(),
        originalKey: req.idempotencyKey,
        amount: 1_001,
      });
      expect(over.statusCode).toBe(409);
      expect(errorCode(over)).toBe('refund.exceeds');
      const conflict = await refund(c, { ...first, amount: 10 });
      expect(errorCode(conflict)).toBe('refund.conflict');
      // A refunded payment is not reversed: its refunds moved money back already.
      expect(errorCode(await cancel(c, req.idempotencyKey))).toBe('wallet.refunded');
    }));

  it('refuses to refund a wallet payment that was not approved', () =>
    withGateway(async (c) => {
      const req = request(c, 'wechat', 'insufficient_funds');
      await payOk(c, req);
      const res = await refund(c, {
        idempotencyKey: newId(),
        originalKey: req.idempotencyKey,
        amount: 1,
      });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('refund.not_refundable');
    }));
});

describe('the payment code never reaches the database or the logs', () => {
  it('leaves no code in the SQLite files (WAL included), any table, or the log', async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'gw-wallet-code-'));
    const c = await start({ kind: 'sqlite', path: join(dir, 'gateway.db') }, { logLines: lines });
    const codes: string[] = [];
    try {
      const behaviours: TestWalletBehaviour[] = [
        'approve',
        'do_not_honour',
        'insufficient_funds',
        'confirm',
        'never_confirm',
        'timeout',
        'customer_declines',
        'code_expired',
      ];
      for (const wallet of ['alipay', 'wechat', 'unionpay'] as const) {
        for (const b of behaviours) {
          const req = request(c, wallet, b);
          codes.push(req.code);
          await payOk(c, req);
          await payOk(c, { ...req, idempotencyKey: newId() });
          await getOk(c, req.idempotencyKey);
          await pay(c, { ...req, amount: 'x' });
        }
      }
      c.gw.clock.advance(CONFIRM_TIMEOUT);
      // Every table's text, read beside the gateway's own connection.
      const db = new Database(join(dir, 'gateway.db'), { readonly: true });
      let dump = '';
      try {
        const tables = db
          .prepare<[], { name: string }>("select name from sqlite_master where type = 'table'")
          .all();
        expect(tables.map((t) => t.name)).toContain('wallet_payments');
        for (const { name } of tables)
          dump += JSON.stringify(db.prepare(`select * from "${name}"`).all());
      } finally {
        db.close();
      }
      // The dump holds the wallet rows (their masks), so the checks below look at real data.
      for (const code of codes) expect(dump).toContain(maskWalletCode(code));
      const files = ['gateway.db', 'gateway.db-wal']
        .map((f) => join(dir, f))
        .filter((f) => existsSync(f));
      const blobs = [
        dump,
        lines.join('\n'),
        ...files.map((f) => readFileSync(f).toString('latin1')),
      ];
      for (const blob of blobs) {
        for (const code of codes) {
          expect(blob.includes(code), `code …${code.slice(-4)} in clear`).toBe(false);
          // Nothing longer than the mask shows: the middle digits never appear.
          expect(blob.includes(code.slice(2, -4)), `code middle …${code.slice(-4)}`).toBe(false);
        }
      }
      expect(lines.some((l) => l.includes('wallet payment'))).toBe(true);
    } finally {
      await c.gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

let pgServer: PostgresServer | undefined;
let dbCounter = 0;
afterAll(async () => {
  await pgServer?.stop();
});

describe('on PostgreSQL', () => {
  async function pgTarget(): Promise<StoreTarget> {
    pgServer ??= await startPostgres();
    return { kind: 'postgres', url: await pgServer.createDatabase(`wallet${++dbCounter}`) };
  }

  it('concurrent requests with one key reach the provider once; the code pays once', async () =>
    withGateway(
      async (c) => {
        const req = request(c, 'alipay', 'approve');
        const replies = await Promise.all(Array.from({ length: 6 }, () => pay(c, req)));
        expect(new Set(replies.map((r) => WalletPaymentReply.parse(r.json()).status))).toEqual(
          new Set(['approved']),
        );
        expect(c.provider.authorizeCalls).toBe(1);
        const reuse = await Promise.all(
          Array.from({ length: 4 }, () => pay(c, { ...req, idempotencyKey: newId() })),
        );
        for (const r of reuse)
          expect(WalletPaymentReply.parse(r.json()).declineReason).toBe('code_used');
      },
      await pgTarget(),
    ));

  it('awaiting → approved, tombstones, and concurrent refunds never exceed the amount', async () =>
    withGateway(
      async (c) => {
        const req = request(c, 'wechat', 'confirm', { amount: 1_000 });
        expect((await payOk(c, req)).status).toBe('awaiting_customer');
        c.gw.clock.advance(CONFIRM_AFTER);
        expect((await getOk(c, req.idempotencyKey)).status).toBe('approved');
        const refunds = await Promise.all(
          Array.from({ length: 5 }, () =>
            refund(c, { idempotencyKey: newId(), originalKey: req.idempotencyKey, amount: 300 }),
          ),
        );
        expect(refunds.filter((r) => r.statusCode === 200)).toHaveLength(3);
        expect(refunds.filter((r) => r.statusCode === 409)).toHaveLength(2);
        const key = newId();
        expect((await cancel(c, key)).json()).toMatchObject({ tombstone: true });
        expect(
          (await payOk(c, request(c, 'alipay', 'approve', { idempotencyKey: key }))).status,
        ).toBe('cancelled');
      },
      await pgTarget(),
    ));
});
