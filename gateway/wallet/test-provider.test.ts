// The built-in test wallet on its own: its example codes have the wallets' documented shapes and
// the behaviour their last two digits promise; a code pays once; cancels, reversals and refunds
// behave as a provider's would. Time is a manual clock.
import { describe, expect, it } from 'vitest';
import { recognizeWalletCode } from '../../contract/wallet';
import { manualClock } from '../../lib/clock';
import {
  TEST_WALLET_CODES,
  TestWalletProvider,
  testWalletBehaviour,
  testWalletCode,
  type TestWalletBehaviour,
} from './test-provider';

function setup() {
  const clock = manualClock(0);
  const provider = new TestWalletProvider({
    clock,
    confirmAfterMs: 4_000,
    confirmTimeoutMs: 60_000,
  });
  let n = 0;
  const auth = (code: string, key = `K${++n}`, amount = 1_000) =>
    provider.authorize({ key, amount, currency: 'CNY', provider: 'alipay', code, merchantId: 'M' });
  return { clock, provider, auth };
}

describe('test wallet codes', () => {
  it('every example code is recognised as its wallet and behaves as its name says', () => {
    for (const wallet of ['alipay', 'wechat'] as const) {
      for (const [behaviour, code] of Object.entries(TEST_WALLET_CODES[wallet])) {
        expect(recognizeWalletCode(code)?.provider).toBe(wallet);
        expect(testWalletBehaviour(code)).toBe(behaviour);
      }
    }
    for (const wallet of ['alipay', 'wechat', 'unionpay'] as const) {
      const code = testWalletCode(wallet, 'confirm', 42);
      expect(recognizeWalletCode(code)?.provider).toBe(wallet);
      expect(code.endsWith('03')).toBe(true);
    }
  });

  it.each<[TestWalletBehaviour, unknown]>([
    ['approve', { outcome: 'approved' }],
    ['do_not_honour', { outcome: 'declined', reason: 'do_not_honour' }],
    ['insufficient_funds', { outcome: 'declined', reason: 'insufficient_funds' }],
    ['code_expired', { outcome: 'declined', reason: 'code_expired' }],
    ['confirm', { outcome: 'awaiting_customer', confirmBy: 60_000 }],
  ])('%s answers at once', async (behaviour, answer) => {
    const { auth } = setup();
    expect(await auth(testWalletCode('wechat', behaviour))).toMatchObject(answer as object);
  });
});

describe('the test wallet as a provider', () => {
  it('decides the customer’s answer by the clock: confirm, decline on the phone, never', async () => {
    const { clock, provider, auth } = setup();
    await auth(testWalletCode('alipay', 'confirm'), 'C');
    await auth(testWalletCode('alipay', 'customer_declines'), 'D');
    await auth(testWalletCode('alipay', 'never_confirm'), 'N');
    clock.advance(3_999);
    expect((await provider.query('C')).state).toBe('awaiting_customer');
    clock.advance(1);
    expect(await provider.query('C')).toMatchObject({ state: 'approved' });
    expect(await provider.query('D')).toEqual({ state: 'declined', reason: 'customer_cancelled' });
    expect((await provider.query('N')).state).toBe('awaiting_customer');
    clock.advance(56_000);
    expect(await provider.query('N')).toEqual({ state: 'declined', reason: 'customer_timeout' });
  });

  it('a customer’s answer stands past the deadline: a confirmed charge stays approved, reversible and refundable', async () => {
    const { clock, provider, auth } = setup();
    await auth(testWalletCode('alipay', 'confirm'), 'C', 1_000);
    await auth(testWalletCode('alipay', 'confirm'), 'R', 1_000);
    await auth(testWalletCode('alipay', 'customer_declines'), 'D');
    clock.advance(4_000);
    const { providerRef } = (await provider.query('C')) as { providerRef: string };
    clock.advance(120_000);
    expect(await provider.query('C')).toEqual({ state: 'approved', providerRef });
    expect(await provider.query('D')).toEqual({ state: 'declined', reason: 'customer_cancelled' });
    expect(
      await provider.refund({ key: 'F1', originalKey: 'C', providerRef, amount: 1_000, currency: 'CNY' }),
    ).toMatchObject({ outcome: 'approved' });
    expect(await provider.cancel('R')).toEqual({ state: 'reversed' });
  });

  it('05 charges but never answers; a query by key says approved', async () => {
    const { provider, auth } = setup();
    let answered = false;
    void auth(testWalletCode('wechat', 'timeout'), 'T').then(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    expect(await provider.query('T')).toMatchObject({ state: 'approved' });
  });

  it('a code pays once; a repeated key answers its first outcome; an unknown key cancelled stays refused', async () => {
    const { provider, auth } = setup();
    const code = testWalletCode('alipay', 'approve');
    const first = await auth(code, 'A');
    expect(await auth(code, 'A')).toEqual(first);
    expect(await auth(code, 'B')).toEqual({ outcome: 'declined', reason: 'code_used' });
    expect(await provider.cancel('LATE')).toEqual({ state: 'cancelled' });
    expect(await provider.query('LATE')).toEqual({ state: 'cancelled' });
    expect((await auth(testWalletCode('alipay', 'approve'), 'LATE')).outcome).toBe('declined');
    expect(await provider.query('NEVER')).toEqual({ state: 'not_found' });
  });

  it('cancels an awaiting charge, reverses an approved one, refunds up to the amount', async () => {
    const { provider, auth } = setup();
    await auth(testWalletCode('alipay', 'confirm'), 'W');
    expect(await provider.cancel('W')).toEqual({ state: 'cancelled' });
    const ok = await auth(testWalletCode('alipay', 'approve'), 'R');
    expect(await provider.cancel('R')).toEqual({ state: 'reversed' });
    expect(ok.outcome).toBe('approved');
    const paid = await auth(testWalletCode('alipay', 'approve'), 'P', 1_000);
    if (paid.outcome !== 'approved') throw new Error('not approved');
    const refund = (key: string, amount: number) =>
      provider.refund({
        key,
        originalKey: 'P',
        providerRef: paid.providerRef,
        amount,
        currency: 'CNY',
      });
    expect((await refund('F1', 600)).outcome).toBe('approved');
    expect((await refund('F1', 600)).outcome).toBe('approved');
    expect(await refund('F2', 500)).toEqual({ outcome: 'declined', reason: 'insufficient_funds' });
    expect((await refund('F3', 400)).outcome).toBe('approved');
    // Refunded: no longer reversible.
    expect(await provider.cancel('P')).toEqual({ state: 'declined' });
  });

  it('unreachable: every call throws, nothing is recorded', async () => {
    const { provider, auth } = setup();
    provider.setReachable(false);
    await expect(auth(testWalletCode('alipay', 'approve'), 'U')).rejects.toMatchObject({
      name: 'ProviderUnreachable',
    });
    provider.setReachable(true);
    expect(await provider.query('U')).toEqual({ state: 'not_found' });
  });
});
