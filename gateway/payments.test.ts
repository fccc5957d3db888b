// Card payments through the gateway's routes, on a real SQLite store with the DUKPT test acquirer
// (and the concurrency-sensitive parts again on a throwaway PostgreSQL).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoRiskPolicy } from '../contract/demo-venue';
import {
  AuthorizeReply,
  CaptureBatchReply,
  PaymentStatusReply,
  RefundReply,
  StandInReport,
  type AuthorizeRequest,
} from '../contract/payments';
import { newId } from '../lib/ids';
import { startPostgres, type PostgresServer } from '../tests/support/postgres';
import { TestAcquirer } from './acquirer/test-acquirer';
import { authorizeRequest, CARDS, encryptCard } from './payments-testing';
import type { StoreTarget } from './storage/create-store';
import {
  admin,
  enrollTerminal,
  envelope,
  saleData,
  signedInject,
  startTestGateway,
  T0,
  type TestGateway,
  type TestTerminal,
} from './testing';

function errorCode(res: { json<T>(): T }): string {
  return res.json<{ error: { code: string } }>().error.code;
}

interface Ctx {
  gw: TestGateway;
  acquirer: TestAcquirer;
}

async function start(
  target?: StoreTarget,
  extra: { logLines?: string[]; latencyMs?: number } = {},
): Promise<Ctx> {
  const acquirer = new TestAcquirer({ latencyMs: extra.latencyMs ?? 0 });
  const gw = await startTestGateway({
    ...(target ? { target } : {}),
    payments: { acquirer, acquirerTimeoutMs: 300, captureScheduler: false },
    ...(extra.logLines
      ? {
          logger: { level: 'debug' },
          logDestination: { write: (s: string) => void extra.logLines?.push(s) },
        }
      : {}),
  });
  return { gw, acquirer };
}

function authorize(c: Ctx, t: TestTerminal, body: unknown) {
  return signedInject(c.gw.app, t, {
    url: '/v1/payments/authorize',
    body,
    now: c.gw.clock.now(),
  });
}

function status(c: Ctx, t: TestTerminal, key: string) {
  return signedInject(c.gw.app, t, { url: `/v1/payments/${key}`, now: c.gw.clock.now() });
}

function reverse(c: Ctx, t: TestTerminal, key: string) {
  return signedInject(c.gw.app, t, {
    url: `/v1/payments/${key}/reverse`,
    body: { reason: 'timeout' },
    now: c.gw.clock.now(),
  });
}

function refund(c: Ctx, t: TestTerminal, body: unknown) {
  return signedInject(c.gw.app, t, { url: '/v1/refunds', body, now: c.gw.clock.now() });
}

async function putPolicy(c: Ctx, standIn: object): Promise<void> {
  const res = await c.gw.app.inject({
    method: 'PUT',
    url: '/v1/admin/reference/policy',
    headers: admin(),
    payload: { ...demoRiskPolicy, standIn },
  });
  expect(res.statusCode, res.body).toBe(200);
}

describe('card payments on sqlite', () => {
  let c: Ctx;
  let t: TestTerminal;
  beforeEach(async () => {
    c = await start();
    t = await enrollTerminal(c.gw.app);
  });
  afterEach(() => c.gw.close());

  it.each([
    ['approve', CARDS.approve, 'approved', undefined],
    ['PAR card', CARDS.par, 'approved', undefined],
    ['decline', CARDS.decline, 'declined', 'do_not_honour'],
    ['insufficient funds', CARDS.insufficientFunds, 'declined', 'insufficient_funds'],
    ['expired', CARDS.expired, 'declined', 'expired'],
    ['acquirer timeout', CARDS.timeout, 'unknown', undefined],
  ] as const)('test card %s: %s', async (_name, pan, outcome, reason) => {
    const res = await authorize(c, t, authorizeRequest(t.terminalId, pan));
    expect(res.statusCode, res.body).toBe(200);
    const reply = AuthorizeReply.parse(res.json());
    expect(reply.status).toBe(outcome);
    expect(reply.declineReason).toBe(reason);
    expect(reply.standIn).toBe(false);
    if (outcome === 'approved') {
      expect(reply.authCode).toMatch(/^[0-9A-F]{6}$/);
      expect(reply.acquirerRef).toBeTruthy();
    }
    expect(reply.merchantId).toBe(c.acquirer.merchantId);
    expect(c.acquirer.calls.authorize).toBe(1);
  });

  it('an unreadable payload (wrong key) is declined, not approved', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    req.encrypted.payload = '00'.repeat(32);
    const reply = AuthorizeReply.parse((await authorize(c, t, req)).json());
    expect(reply.status).toBe('declined');
    expect(['unreadable', 'invalid_card']).toContain(reply.declineReason);
  });

  it('a retry with the same key returns the stored outcome and never authorizes twice; other content is a 409', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    const first = await authorize(c, t, req);
    const again = await authorize(c, t, req);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(c.acquirer.calls.authorize).toBe(1);

    const other = await authorize(c, t, { ...req, amount: req.amount + 1 });
    expect(other.statusCode).toBe(409);
    expect(errorCode(other)).toBe('payment.conflict');
    expect(c.acquirer.calls.authorize).toBe(1);
  });

  it('a repeated ARQC under a new key is the same payment', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    const first = AuthorizeReply.parse((await authorize(c, t, req)).json());
    const repeat = AuthorizeReply.parse(
      (await authorize(c, t, { ...req, idempotencyKey: newId(), saleId: newId() })).json(),
    );
    expect(repeat).toEqual(first);
    expect(repeat.key).toBe(req.idempotencyKey);
    expect(c.acquirer.calls.authorize).toBe(1);
  });

  it('refuses a payment signed by another terminal, and another terminal cannot see it', async () => {
    const other = await enrollTerminal(c.gw.app, 'Gate A');
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    const res = await authorize(c, other, req);
    expect(res.statusCode).toBe(403);
    expect(errorCode(res)).toBe('payment.wrong_terminal');
    await authorize(c, t, req);
    const peek = await status(c, other, req.idempotencyKey);
    expect(peek.statusCode).toBe(404);
  });

  it('timeout → status query (still unknown) → reverse → status shows reversed', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.timeout);
    const reply = AuthorizeReply.parse((await authorize(c, t, req)).json());
    expect(reply.status).toBe('unknown');

    const s1 = PaymentStatusReply.parse((await status(c, t, req.idempotencyKey)).json());
    expect(s1.status).toBe('unknown');
    expect(c.acquirer.calls.status).toBe(1);

    const rev = await reverse(c, t, req.idempotencyKey);
    expect(rev.statusCode, rev.body).toBe(200);
    expect(rev.json()).toEqual({ key: req.idempotencyKey, status: 'reversed', tombstone: false });
    const again = await reverse(c, t, req.idempotencyKey);
    expect(again.json()).toMatchObject({ status: 'reversed' });

    const s2 = PaymentStatusReply.parse((await status(c, t, req.idempotencyKey)).json());
    expect(s2.status).toBe('reversed');
    expect(s2.reversedAt).not.toBeNull();
    // A retry of the original authorization still returns the final state, not a new attempt.
    const retry = AuthorizeReply.parse((await authorize(c, t, req)).json());
    expect(retry.status).toBe('reversed');
    expect(c.acquirer.calls.authorize).toBe(1);
  });

  it('an unknown key is 404 payment.unknown; reversing it leaves a tombstone that refuses a late authorization', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    const missing = await status(c, t, req.idempotencyKey);
    expect(missing.statusCode).toBe(404);
    expect(errorCode(missing)).toBe('payment.unknown');

    const rev = await reverse(c, t, req.idempotencyKey);
    expect(rev.json()).toEqual({ key: req.idempotencyKey, status: 'reversed', tombstone: true });
    const late = await authorize(c, t, req);
    expect(late.statusCode).toBe(409);
    expect(errorCode(late)).toBe('payment.reversed');
    expect(c.acquirer.calls.authorize).toBe(0);
    expect((await status(c, t, req.idempotencyKey)).statusCode).toBe(404);
  });

  it('reverses an approved authorization at the acquirer', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    await authorize(c, t, req);
    const rev = await reverse(c, t, req.idempotencyKey);
    expect(rev.json()).toMatchObject({ status: 'reversed', tombstone: false });
    expect(c.acquirer.calls.reverse).toBe(1);
    // Declined payments need no reversal.
    const declined = authorizeRequest(t.terminalId, CARDS.decline);
    await authorize(c, t, declined);
    expect((await reverse(c, t, declined.idempotencyKey)).json()).toMatchObject({
      status: 'declined',
    });
    expect(c.acquirer.calls.reverse).toBe(1);
  });

  it('refunds never exceed what was paid, and are idempotent by key', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    await authorize(c, t, req);
    const r1 = { idempotencyKey: newId(), originalKey: req.idempotencyKey, amount: 3000 };
    const first = await refund(c, t, r1);
    expect(first.statusCode, first.body).toBe(200);
    expect(RefundReply.parse(first.json())).toMatchObject({ status: 'approved', remaining: 1200 });
    expect((await refund(c, t, r1)).json()).toEqual(first.json());
    expect(c.acquirer.calls.refund).toBe(1);

    const conflict = await refund(c, t, { ...r1, amount: 100 });
    expect(conflict.statusCode).toBe(409);
    expect(errorCode(conflict)).toBe('refund.conflict');

    const over = await refund(c, t, {
      idempotencyKey: newId(),
      originalKey: req.idempotencyKey,
      amount: 1201,
    });
    expect(over.statusCode).toBe(409);
    expect(errorCode(over)).toBe('refund.exceeds');

    const rest = await refund(c, t, {
      idempotencyKey: newId(),
      originalKey: req.idempotencyKey,
      amount: 1200,
    });
    expect(RefundReply.parse(rest.json())).toMatchObject({ status: 'approved', remaining: 0 });
    const status2 = PaymentStatusReply.parse((await status(c, t, req.idempotencyKey)).json());
    expect(status2.refundedAmount).toBe(4200);

    const declined = authorizeRequest(t.terminalId, CARDS.decline);
    await authorize(c, t, declined);
    const bad = await refund(c, t, {
      idempotencyKey: newId(),
      originalKey: declined.idempotencyKey,
      amount: 1,
    });
    expect(bad.statusCode).toBe(409);
    expect(errorCode(bad)).toBe('refund.not_refundable');
    const none = await refund(c, t, { idempotencyKey: newId(), originalKey: newId(), amount: 1 });
    expect(none.statusCode).toBe(404);
  });

  it('concurrent refunds of one payment: exactly what was paid, never more', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    await authorize(c, t, req);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        refund(c, t, { idempotencyKey: newId(), originalKey: req.idempotencyKey, amount: 1500 }),
      ),
    );
    const ok = results.filter((r) => r.statusCode === 200);
    expect(ok).toHaveLength(2);
    expect(results.filter((r) => r.statusCode === 409).map(errorCode)).toEqual(
      Array(3).fill('refund.exceeds'),
    );
  });

  it('forwards offline payments: approved, or recorded as refused', async () => {
    const storedAt = new Date(T0 - 3600_000).toISOString();
    const ok = authorizeRequest(t.terminalId, CARDS.approve, { offline: { storedAt } });
    const okReply = AuthorizeReply.parse((await authorize(c, t, ok)).json());
    expect(okReply.status).toBe('approved');
    const bad = authorizeRequest(t.terminalId, CARDS.insufficientFunds, { offline: { storedAt } });
    const badReply = AuthorizeReply.parse((await authorize(c, t, bad)).json());
    expect(badReply).toMatchObject({ status: 'refused', declineReason: 'insufficient_funds' });
    const s = PaymentStatusReply.parse((await status(c, t, bad.idempotencyKey)).json());
    expect(s.offlineStoredAt).toBe(storedAt);
  });

  it('stand-in: blocked card keys are refused, stand-ins are forwarded when the acquirer is back', async () => {
    await putPolicy(c, {
      enabled: true,
      exposureCap: 100_000,
      perTransactionLimit: 10_000,
      countPerCard: 5,
    });
    const blocked = authorizeRequest(t.terminalId, CARDS.blocked);
    await c.gw.app.inject({
      method: 'PUT',
      url: '/v1/admin/reference/blocked-cards',
      headers: admin(),
      payload: { cardKeys: [blocked.cardKey] },
    });
    c.acquirer.reachable = false;
    expect(AuthorizeReply.parse((await authorize(c, t, blocked)).json())).toMatchObject({
      status: 'declined',
      declineReason: 'blocked',
      standIn: true,
    });
    const big = authorizeRequest(t.terminalId, CARDS.approve, { amount: 10_001 });
    expect(AuthorizeReply.parse((await authorize(c, t, big)).json())).toMatchObject({
      status: 'declined',
      declineReason: 'stand_in_limit',
    });
    const good = authorizeRequest(t.terminalId, CARDS.approve);
    const nsf = authorizeRequest(t.terminalId, CARDS.insufficientFunds);
    for (const r of [good, nsf]) {
      expect(AuthorizeReply.parse((await authorize(c, t, r)).json())).toMatchObject({
        status: 'stand_in_approved',
        standIn: true,
      });
    }
    // Reversing a stand-in not yet forwarded releases it at the gateway alone.
    const voided = authorizeRequest(t.terminalId, CARDS.approve);
    await authorize(c, t, voided);
    expect((await reverse(c, t, voided.idempotencyKey)).json()).toMatchObject({
      status: 'reversed',
    });
    expect(c.acquirer.calls.reverse).toBe(0);
    // A stand-in is not refundable until forwarded.
    const early = await refund(c, t, {
      idempotencyKey: newId(),
      originalKey: good.idempotencyKey,
      amount: 1,
    });
    expect(errorCode(early)).toBe('refund.not_forwarded');

    c.acquirer.reachable = true;
    // Two admins at once: one forwarding round, each payment sent once, nothing reversed.
    const [fwd, fwd2] = await Promise.all(
      [1, 2].map(() =>
        c.gw.app.inject({ method: 'POST', url: '/v1/admin/stand-in/forward', headers: admin() }),
      ),
    );
    expect(fwd?.json()).toEqual({ forwarded: 2, approved: 1, refused: 1, left: 0 });
    expect(fwd2?.json()).toEqual(fwd?.json());
    expect(c.acquirer.calls.reverse).toBe(0);
    expect(
      PaymentStatusReply.parse((await status(c, t, good.idempotencyKey)).json()),
    ).toMatchObject({
      status: 'approved',
      standIn: true,
    });
    expect(PaymentStatusReply.parse((await status(c, t, nsf.idempotencyKey)).json())).toMatchObject(
      {
        status: 'refused',
        declineReason: 'insufficient_funds',
      },
    );
    const report = StandInReport.parse(
      (await c.gw.app.inject({ url: '/v1/reports/stand-in', headers: admin() })).json(),
    );
    expect(report.outstanding).toEqual({ count: 0, amount: 0 });
    expect(report.forwarded.count).toBe(2);
    expect(report.refused).toEqual({ count: 1, amount: 4200 });
    expect(report.declined.stand_in_limit).toBe(1);
  });

  it('refuses unsigned payment requests with 401 before reading the body; admin routes need the token', async () => {
    for (const url of [
      '/v1/payments/authorize',
      '/v1/refunds',
      `/v1/payments/${newId()}/reverse`,
    ]) {
      const res = await c.gw.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{broken',
      });
      expect(res.statusCode, url).toBe(401);
    }
    for (const [method, url] of [
      ['GET', '/v1/reports/stand-in'],
      ['POST', '/v1/admin/stand-in/forward'],
      ['POST', '/v1/admin/capture'],
      ['GET', '/v1/admin/capture/2026-11-21'],
    ] as const) {
      const res = await c.gw.app.inject({ method, url });
      expect(res.statusCode, url).toBe(401);
      expect(errorCode(res)).toBe('admin.unauthorized');
    }
  });

  it('an offline forward while the acquirer is unreachable stays unknown; the resend with the same key is authorized once', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve, {
      offline: { storedAt: new Date(T0 - 60_000).toISOString() },
    });
    c.acquirer.reachable = false;
    expect(AuthorizeReply.parse((await authorize(c, t, req)).json()).status).toBe('unknown');
    c.acquirer.reachable = true;
    const again = AuthorizeReply.parse((await authorize(c, t, req)).json());
    expect(again.status).toBe('approved');
    expect(c.acquirer.calls.authorize).toBe(1);
  });

  it('a refund the acquirer did not answer stays pending with its amount reserved; the resend completes it', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    await authorize(c, t, req);
    const r = { idempotencyKey: newId(), originalKey: req.idempotencyKey, amount: 4000 };
    c.acquirer.reachable = false;
    expect(RefundReply.parse((await refund(c, t, r)).json())).toMatchObject({
      status: 'pending',
      remaining: 200,
    });
    const more = await refund(c, t, {
      idempotencyKey: newId(),
      originalKey: req.idempotencyKey,
      amount: 201,
    });
    expect(errorCode(more)).toBe('refund.exceeds');
    c.acquirer.reachable = true;
    expect(RefundReply.parse((await refund(c, t, r)).json())).toMatchObject({
      status: 'approved',
      remaining: 200,
    });
    expect(c.acquirer.calls.refund).toBe(1);
  });

  it('card tenders of sale events appear in the settlement export as card rows', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve, { amount: 6200 });
    await authorize(c, t, req);
    const sale = saleData(t.terminalId, 1, {
      payments: [
        {
          paymentId: req.idempotencyKey,
          kind: 'card',
          amount: 6200,
          tendered: 6200,
          change: 0,
          rounding: 0,
        },
      ],
      change: 0,
    });
    const up = await signedInject(c.gw.app, t, {
      url: '/v1/events',
      body: {
        terminalId: t.terminalId,
        events: [envelope(t.terminalId, 1, 'sale.completed', sale)],
      },
      now: c.gw.clock.now(),
    });
    expect(up.statusCode, up.body).toBe(200);
    const csv = await c.gw.app.inject({
      url: '/v1/admin/export?from=2026-11-21&to=2026-11-21',
      headers: admin(),
    });
    const row = csv.body.split(/\r?\n/).find((l) => l.includes(sale.saleId));
    expect(row).toContain(',card,CNY,62.00,');
  });

  it('refund lines: never beyond the quantity sold, once the sale is at the gateway', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve, { amount: 6200 });
    await authorize(c, t, req);
    const sale = saleData(t.terminalId, 1, {
      saleId: req.saleId,
      payments: [
        {
          paymentId: req.idempotencyKey,
          kind: 'card',
          amount: 6200,
          tendered: 6200,
          change: 0,
          rounding: 0,
        },
      ],
      change: 0,
    });
    await signedInject(c.gw.app, t, {
      url: '/v1/events',
      body: {
        terminalId: t.terminalId,
        events: [envelope(t.terminalId, 1, 'sale.completed', sale)],
      },
      now: c.gw.clock.now(),
    });
    const hotDog = sale.lines[0]?.lineId ?? '';
    const line = (quantity: number, amount: number) => ({
      idempotencyKey: newId(),
      originalKey: req.idempotencyKey,
      amount,
      lines: [{ lineId: hotDog, quantity, amount }],
    });
    expect((await refund(c, t, line(1, 2500))).statusCode).toBe(200);
    const twice = await refund(c, t, line(2, 3000));
    expect(twice.statusCode).toBe(409);
    expect(errorCode(twice)).toBe('refund.exceeds');
    expect(twice.json<{ error: { message: string } }>().error.message).toMatch(/1 left/);
    expect((await refund(c, t, line(1, 2500))).statusCode).toBe(200);
    expect(errorCode(await refund(c, t, line(1, 500)))).toBe('refund.exceeds');

    const wrongTotal = await refund(c, t, { ...line(1, 1200), amount: 1000 });
    expect(errorCode(wrongTotal)).toBe('refund.lines_total');
    const unknown = await refund(c, t, {
      idempotencyKey: newId(),
      originalKey: req.idempotencyKey,
      amount: 100,
      lines: [{ lineId: 'no-such-line', quantity: 1, amount: 100 }],
    });
    expect(errorCode(unknown)).toBe('refund.unknown_line');
  });

  it('a payment left pending by a gateway that died is unknown on the next status query, then reversible', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    const at = new Date(c.gw.clock.now()).toISOString();
    await c.gw.store.insertPayment({
      key: req.idempotencyKey,
      terminalId: t.terminalId,
      saleId: req.saleId,
      amount: req.amount,
      currency: 'CNY',
      status: 'pending',
      requestHash: 'x',
      arqcHash: null,
      maskedPan: req.card.maskedPan,
      brand: 'visa',
      aid: req.card.aid,
      label: null,
      entryMode: 'contactless_emv',
      cardKey: req.cardKey,
      atc: req.card.atc,
      authCode: null,
      acquirerRef: null,
      declineReason: null,
      standIn: false,
      forwardedAt: null,
      offlineStoredAt: null,
      businessDate: '2026-11-21',
      createdAt: at,
      updatedAt: at,
      capturedAt: null,
      captureDate: null,
      reversedAt: null,
      refundedAmount: 0,
    });
    expect(PaymentStatusReply.parse((await status(c, t, req.idempotencyKey)).json()).status).toBe(
      'pending',
    );
    c.gw.clock.advance(60_000);
    const s = PaymentStatusReply.parse((await status(c, t, req.idempotencyKey)).json());
    expect(s.status).toBe('unknown');
    expect(c.acquirer.calls.status).toBe(1);
    expect((await reverse(c, t, req.idempotencyKey)).json()).toMatchObject({ status: 'reversed' });
  });

  it('after repeated timeouts the acquirer counts as down: stand-in without waiting, then a probe and forwarding', async () => {
    for (let i = 0; i < 3; i++)
      await authorize(c, t, authorizeRequest(t.terminalId, CARDS.timeout));
    expect(c.acquirer.calls.authorize).toBe(3);
    const during = authorizeRequest(t.terminalId, CARDS.approve);
    expect(AuthorizeReply.parse((await authorize(c, t, during)).json()).status).toBe(
      'stand_in_approved',
    );
    expect(c.acquirer.calls.authorize).toBe(3);

    c.gw.clock.advance(31_000);
    const after = authorizeRequest(t.terminalId, CARDS.approve);
    expect(AuthorizeReply.parse((await authorize(c, t, after)).json()).status).toBe('approved');
    // The first answer after the outage starts forwarding in the background.
    await expect
      .poll(
        async () =>
          PaymentStatusReply.parse((await status(c, t, during.idempotencyKey)).json()).status,
      )
      .toBe('approved');
  });

  it('a capture batch that fails (acquirer unreachable) marks nothing captured and runs again', async () => {
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    await authorize(c, t, req);
    c.gw.clock.set(Date.UTC(2026, 10, 21, 22, 30));
    c.acquirer.reachable = false;
    const run = () =>
      c.gw.app.inject({ method: 'POST', url: '/v1/admin/capture', headers: admin(), payload: {} });
    expect(CaptureBatchReply.parse((await run()).json())).toMatchObject({
      status: 'failed',
      count: 0,
    });
    expect(
      PaymentStatusReply.parse((await status(c, t, req.idempotencyKey)).json()).capturedAt,
    ).toBeNull();
    c.acquirer.reachable = true;
    expect(CaptureBatchReply.parse((await run()).json())).toMatchObject({
      status: 'done',
      count: 1,
      alreadyRun: false,
    });
  });

  it('with stand-in disabled an unreachable acquirer means failed (nothing to reverse)', async () => {
    await putPolicy(c, { enabled: false, exposureCap: 0, perTransactionLimit: 0, countPerCard: 0 });
    c.acquirer.reachable = false;
    const reply = AuthorizeReply.parse(
      (await authorize(c, t, authorizeRequest(t.terminalId, CARDS.approve))).json(),
    );
    expect(reply).toMatchObject({ status: 'failed', declineReason: 'acquirer_unavailable' });
  });

  it('captures approved, unreversed authorizations once per business date, with settlement rows', async () => {
    const a = authorizeRequest(t.terminalId, CARDS.approve, { amount: 5000 });
    const b = authorizeRequest(t.terminalId, CARDS.par, { amount: 3000 });
    const rev = authorizeRequest(t.terminalId, CARDS.approve, { amount: 700 });
    const declined = authorizeRequest(t.terminalId, CARDS.decline);
    for (const r of [a, b, rev, declined]) await authorize(c, t, r);
    await reverse(c, t, rev.idempotencyKey);
    await refund(c, t, { idempotencyKey: newId(), originalKey: b.idempotencyKey, amount: 1000 });

    // 2026-11-22 06:30 in Shanghai: the business day 2026-11-21 has closed.
    c.gw.clock.set(Date.UTC(2026, 10, 21, 22, 30));
    const run = await c.gw.app.inject({
      method: 'POST',
      url: '/v1/admin/capture',
      headers: admin(),
      payload: {},
    });
    expect(run.statusCode, run.body).toBe(200);
    const batch = CaptureBatchReply.parse(run.json());
    expect(batch).toMatchObject({
      businessDate: '2026-11-21',
      status: 'done',
      count: 2,
      amount: 7000,
      alreadyRun: false,
    });
    expect(batch.rows.map((r) => r.key).sort()).toEqual(
      [a.idempotencyKey, b.idempotencyKey].sort(),
    );
    expect(batch.rows.every((r) => r.last4 !== null && r.last4.length === 4)).toBe(true);

    const again = CaptureBatchReply.parse(
      (
        await c.gw.app.inject({
          method: 'POST',
          url: '/v1/admin/capture',
          headers: admin(),
          payload: { businessDate: '2026-11-21' },
        })
      ).json(),
    );
    expect(again).toMatchObject({ status: 'done', count: 2, amount: 7000, alreadyRun: true });
    expect(c.acquirer.calls.capture).toBe(1);

    const captured = await reverse(c, t, a.idempotencyKey);
    expect(captured.statusCode).toBe(409);
    expect(errorCode(captured)).toBe('payment.captured');
    const csv = await c.gw.app.inject({
      url: '/v1/admin/capture/2026-11-21?format=csv',
      headers: admin(),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'business_date,key,terminal_id,sale_id,brand,last4,auth_code,acquirer_ref,currency,amount,refunded_amount,stand_in,offline',
    );
    expect(lines).toHaveLength(3);
    expect(csv.body).toContain('20.00');
    expect(csv.body).not.toMatch(/4242424242424242|5555555555554444/);
    // Refund after capture still works and is tracked.
    const after = await refund(c, t, {
      idempotencyKey: newId(),
      originalKey: a.idempotencyKey,
      amount: 5000,
    });
    expect(RefundReply.parse(after.json())).toMatchObject({ status: 'approved', remaining: 0 });
  });

  it('the scheduler captures at the cut-off and not before', async () => {
    await authorize(c, t, authorizeRequest(t.terminalId, CARDS.approve));
    // Before 06:00 Shanghai on 2026-11-22: nothing is due for 2026-11-21 yet (due is 2026-11-20).
    c.gw.clock.set(Date.UTC(2026, 10, 21, 21, 0));
    const early = await c.gw.app.inject({
      method: 'POST',
      url: '/v1/admin/capture',
      headers: admin(),
      payload: {},
    });
    expect(CaptureBatchReply.parse(early.json())).toMatchObject({
      businessDate: '2026-11-20',
      count: 0,
    });
  });
});

describe('card data never reaches the database or the logs', () => {
  it('leaves no PAN, track data or payload in the SQLite files (WAL included) or the log', async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'gw-pan-'));
    const c = await start({ kind: 'sqlite', path: join(dir, 'gateway.db') }, { logLines: lines });
    try {
      const t = await enrollTerminal(c.gw.app);
      const payloads: string[] = [];
      const pans = Object.values(CARDS);
      for (const pan of pans) {
        const req = authorizeRequest(t.terminalId, pan);
        payloads.push(req.encrypted.payload);
        await authorize(c, t, req);
        await status(c, t, req.idempotencyKey);
      }
      c.acquirer.reachable = false;
      const standIn = authorizeRequest(t.terminalId, CARDS.approve);
      payloads.push(standIn.encrypted.payload);
      await authorize(c, t, standIn);
      const plain = encryptCard(CARDS.approve).plaintext;

      const files = ['gateway.db', 'gateway.db-wal', 'gateway.db-shm']
        .map((f) => join(dir, f))
        .filter((f) => existsSync(f));
      expect(files.length).toBeGreaterThanOrEqual(1);
      const blobs = [...files.map((f) => readFileSync(f)), Buffer.from(lines.join('\n'))];
      for (const blob of blobs) {
        const text = blob.toString('latin1');
        for (const pan of pans) {
          expect(text.includes(pan), `PAN ${pan.slice(-4)} in clear`).toBe(false);
          expect(blob.includes(Buffer.from(pan, 'hex')), `PAN ${pan.slice(-4)} as BCD`).toBe(false);
        }
        for (const p of payloads) {
          expect(text.toUpperCase().includes(p.slice(0, 32).toUpperCase())).toBe(false);
          expect(blob.includes(Buffer.from(p.slice(0, 32), 'hex'))).toBe(false);
        }
        expect(blob.includes(plain.subarray(0, 10))).toBe(false);
      }
      expect(lines.length).toBeGreaterThan(0);
    } finally {
      await c.gw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stand-in across a gateway restart', () => {
  it('holds no payload in the database: after a restart the terminal’s resend supplies it for forwarding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-restart-'));
    const target: StoreTarget = { kind: 'sqlite', path: join(dir, 'gateway.db') };
    try {
      const first = await start(target);
      const t = await enrollTerminal(first.gw.app);
      first.acquirer.reachable = false;
      const req = authorizeRequest(t.terminalId, CARDS.approve);
      expect(AuthorizeReply.parse((await authorize(first, t, req)).json()).status).toBe(
        'stand_in_approved',
      );
      await first.gw.close();

      const second = await start(target);
      try {
        const forward = () =>
          second.gw.app.inject({
            method: 'POST',
            url: '/v1/admin/stand-in/forward',
            headers: admin(),
          });
        expect((await forward()).json()).toMatchObject({ forwarded: 0, left: 1 });
        const resend = AuthorizeReply.parse((await authorize(second, t, req)).json());
        expect(resend.status).toBe('stand_in_approved');
        expect((await forward()).json()).toMatchObject({ forwarded: 1, approved: 1, left: 0 });
        const s = PaymentStatusReply.parse((await status(second, t, req.idempotencyKey)).json());
        expect(s).toMatchObject({ status: 'approved', standIn: true });
        expect(s.forwardedAt).not.toBeNull();
        expect(second.acquirer.calls.authorize).toBe(1);
      } finally {
        await second.gw.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------- both dialects: concurrency ----------

let pgServer: PostgresServer | undefined;
let dbCounter = 0;

const backends = [
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
    target: async (): Promise<StoreTarget> => {
      if (!pgServer) throw new Error('postgres not started');
      return { kind: 'postgres', url: await pgServer.createDatabase(`pay${++dbCounter}`) };
    },
  },
] as const;

describe.each(backends)('payments concurrency on $name', (backend) => {
  let c: Ctx;
  let terminals: TestTerminal[];
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    c = await start(await backend.target(), { latencyMs: 30 });
    terminals = [];
    for (let i = 0; i < 5; i++) terminals.push(await enrollTerminal(c.gw.app, `Counter ${i + 1}`));
  });
  afterEach(() => c.gw.close());

  it('concurrent identical authorizations reach the acquirer once and all get its outcome', async () => {
    const t = terminals[0] as TestTerminal;
    const req = authorizeRequest(t.terminalId, CARDS.approve);
    const results = await Promise.all(Array.from({ length: 8 }, () => authorize(c, t, req)));
    for (const r of results) expect(r.statusCode, r.body).toBe(200);
    const replies = results.map((r) => AuthorizeReply.parse(r.json()));
    expect(new Set(replies.map((r) => r.authCode)).size).toBe(1);
    expect(replies.every((r) => r.status === 'approved')).toBe(true);
    expect(c.acquirer.calls.authorize).toBe(1);
  });

  it('concurrent refunds of one payment from five terminals never exceed what was paid', async () => {
    const t = terminals[0] as TestTerminal;
    const req = authorizeRequest(t.terminalId, CARDS.approve, { amount: 4000 });
    await authorize(c, t, req);
    const results = await Promise.all(
      terminals.map((other) =>
        refund(c, other, {
          idempotencyKey: newId(),
          originalKey: req.idempotencyKey,
          amount: 1500,
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(2);
    expect(results.filter((r) => r.statusCode === 409).map(errorCode)).toEqual(
      Array(3).fill('refund.exceeds'),
    );
    const s = PaymentStatusReply.parse((await status(c, t, req.idempotencyKey)).json());
    expect(s.refundedAmount).toBe(3000);
  });

  it('stand-in velocity: the same card key tapped at five terminals at once gets its count, no more', async () => {
    await putPolicy(c, {
      enabled: true,
      exposureCap: 1_000_000,
      perTransactionLimit: 50_000,
      countPerCard: 2,
    });
    c.acquirer.reachable = false;
    const cardKey = authorizeRequest('x', CARDS.approve).cardKey;
    const reqs: AuthorizeRequest[] = terminals.map((t) =>
      authorizeRequest(t.terminalId, CARDS.approve, { amount: 1000, cardKey }),
    );
    const replies = (await Promise.all(terminals.map((t, i) => authorize(c, t, reqs[i])))).map(
      (r) => AuthorizeReply.parse(r.json()),
    );
    expect(replies.filter((r) => r.status === 'stand_in_approved')).toHaveLength(2);
    expect(replies.filter((r) => r.declineReason === 'velocity')).toHaveLength(3);
    const report = StandInReport.parse(
      (await c.gw.app.inject({ url: '/v1/reports/stand-in', headers: admin() })).json(),
    );
    expect(report.byCard).toEqual([{ cardKey, count: 2, amount: 2000 }]);
    expect(report.declined.velocity).toBe(3);
    expect(report.acquirerDown).toBe(true);
  });

  it('stand-in exposure cap: five terminals at once, the venue-wide cap holds exactly', async () => {
    await putPolicy(c, {
      enabled: true,
      exposureCap: 9000,
      perTransactionLimit: 50_000,
      countPerCard: 5,
    });
    c.acquirer.reachable = false;
    const replies = (
      await Promise.all(
        terminals.map((t) =>
          authorize(c, t, authorizeRequest(t.terminalId, CARDS.approve, { amount: 3000 })),
        ),
      )
    ).map((r) => AuthorizeReply.parse(r.json()));
    expect(replies.filter((r) => r.status === 'stand_in_approved')).toHaveLength(3);
    expect(replies.filter((r) => r.declineReason === 'stand_in_cap')).toHaveLength(2);
    const report = StandInReport.parse(
      (await c.gw.app.inject({ url: '/v1/reports/stand-in', headers: admin() })).json(),
    );
    expect(report.outstanding).toEqual({ count: 3, amount: 9000 });
    expect(report.headroom).toBe(0);
  });
});
