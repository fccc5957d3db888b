import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompletedSaleDto } from '../../contract/api';
import { completed, createFakePos, line, ok, sale, walletPayment, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { entryStore } from './entry';
import { saleStore } from './sale';
import { uiStore } from './ui';
import {
  cancelWallet,
  closeWallet,
  loadRecoveredWallets,
  onWalletUpdated,
  openWallet,
  resolveRecoveredWallet,
  resumeWallet,
  secondsLeft,
  startWallet,
  walletStore,
  walletToCash,
} from './wallet';

let fake: FakePos;
const CODE = '134567890123455678'; // WeChat Pay shape: 18 digits starting 13
const hotDogSale = sale([line({ quantity: 1, amount: 2500 })]);

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  fake.api.on('wallet.updated', onWalletUpdated);
  saleStore.setState({ sale: hotDogSale, screen: 'tender' });
});
afterEach(() => vi.unstubAllGlobals());

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function walletCompleted(): CompletedSaleDto {
  return {
    ...completed(hotDogSale, 2500),
    payments: [
      {
        paymentId: 'WP1',
        kind: 'wallet',
        amount: 2500,
        tendered: 2500,
        change: 0,
        rounding: 0,
        provider: 'wechat',
        maskedCode: '13************5678',
        providerRef: 'WX1',
      },
    ],
    change: 0,
  };
}

describe('a wallet payment on the pay screen', () => {
  it('charges the code, shows only its mask, follows the customer confirming and completes the sale', async () => {
    fake.reply('payment.startWallet', () => ok(walletPayment({ state: 'created' })));
    fake.reply('sale.get', () => ok({ ...hotDogSale, walletPaid: 2500, remaining: 0, cashDue: 0 }));
    fake.reply('sale.complete', () => ok(walletCompleted()));

    const started = startWallet(CODE);
    expect(walletStore.getState()).toMatchObject({
      open: true,
      busy: true,
      pending: { provider: 'wechat', maskedCode: '13************5678', amount: 2500 },
    });
    expect(await started).toBe(true);
    expect(fake.calls).toContainEqual({ method: 'payment.startWallet', input: { code: CODE } });
    expect(walletStore.getState().payment?.state).toBe('created');

    const confirmBy = '2026-05-01T12:01:10.000Z';
    fake.emit('wallet.updated', walletPayment({ state: 'awaiting_customer', confirmBy }));
    expect(walletStore.getState().payment).toMatchObject({ state: 'awaiting_customer', confirmBy });
    expect(secondsLeft(confirmBy, Date.parse('2026-05-01T12:00:40.000Z'))).toBe(30);
    expect(secondsLeft(confirmBy, Date.parse('2026-05-01T12:01:09.400Z'))).toBe(1);
    expect(secondsLeft(confirmBy, Date.parse('2026-05-01T12:02:00.000Z'))).toBe(0);

    // A late event of an earlier state never moves the panel back.
    fake.emit('wallet.updated', walletPayment({ state: 'authorizing' }));
    expect(walletStore.getState().payment?.state).toBe('awaiting_customer');

    fake.emit('wallet.updated', walletPayment({ state: 'approved', providerRef: 'WX1' }));
    await settle();
    expect(saleStore.getState()).toMatchObject({ screen: 'change', lastCompleted: { payments: [{ kind: 'wallet' }] } });
    expect(walletStore.getState()).toMatchObject({ open: false, payment: null });
    // The code is nowhere in the stores, only its mask.
    expect(JSON.stringify([walletStore.getState(), saleStore.getState(), uiStore.getState()])).not.toContain(CODE);
  });

  it('a partial wallet payment (a typed amount) leaves the rest for the pay screen', async () => {
    entryStore.setState({ tender: '10' });
    fake.reply('payment.startWallet', () => ok(walletPayment({ amount: 1000 })));
    fake.reply('sale.get', () => ok({ ...hotDogSale, walletPaid: 1000, remaining: 1500, cashDue: 1500 }));
    await startWallet(CODE);
    expect(fake.calls).toContainEqual({ method: 'payment.startWallet', input: { code: CODE, amount: 1000 } });
    fake.emit('wallet.updated', walletPayment({ amount: 1000, state: 'approved' }));
    await settle();
    expect(saleStore.getState().screen).toBe('tender');
    expect(saleStore.getState().sale?.remaining).toBe(1500);
    expect(walletStore.getState().open).toBe(false);
    expect(entryStore.getState().tender).toBe('');
  });

  it('Cancel while the customer has not confirmed cancels it and offers scan again / card / cash', async () => {
    fake.reply('payment.startWallet', () => ok(walletPayment({ state: 'awaiting_customer', confirmBy: '2026-05-01T12:01:10.000Z' })));
    fake.reply('payment.cancelWallet', () => ok(walletPayment({ state: 'cancelled', reason: 'cancelled_by_cashier' })));
    await startWallet(CODE);
    await cancelWallet();
    expect(fake.calls.map((c) => c.method)).toContain('payment.cancelWallet');
    expect(walletStore.getState().payment).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_cashier' });
    // Scan again: a new code starts a new payment from the failed panel.
    fake.reply('payment.startWallet', () => ok(walletPayment({ paymentId: 'WP2', state: 'authorizing' })));
    expect(await startWallet('281234567890123456')).toBe(true);
    expect(walletStore.getState().payment?.paymentId).toBe('WP2');
  });

  it('refuses a second payment while one runs, and never closes over a running payment', async () => {
    fake.reply('payment.startWallet', () => ok(walletPayment({ state: 'authorizing' })));
    await startWallet(CODE);
    expect(await startWallet('281234567890123456')).toBe(false);
    closeWallet();
    expect(walletStore.getState().open).toBe(true);
    expect(fake.calls.filter((c) => c.method === 'payment.startWallet')).toHaveLength(1);
  });

  it('offline: says so on the panel at once, then cash is one tap away', async () => {
    fake.reply('payment.startWallet', () => ({ ok: false, error: { code: 'wallet.offline', message: 'gateway unreachable' } }));
    expect(await startWallet(CODE)).toBe(false);
    expect(walletStore.getState()).toMatchObject({ open: true, refusal: 'wallet.offline', payment: null, busy: false });
    walletToCash();
    expect(walletStore.getState().open).toBe(false);
    expect(saleStore.getState().screen).toBe('tender');
  });

  it('does not charge something that is not a payment code', async () => {
    expect(await startWallet('6901234567892')).toBe(false);
    expect(fake.calls).toEqual([]);
    expect(uiStore.getState().toast?.code).toBe('wallet.code_invalid');
  });

  it('the Wallet button opens the panel that asks for a scan', () => {
    openWallet();
    expect(walletStore.getState()).toMatchObject({ open: true, payment: null, pending: null });
    closeWallet();
    expect(walletStore.getState().open).toBe(false);
  });

  it('comes back after a reload while a payment runs', () => {
    saleStore.setState({ screen: 'sell', sale: { ...hotDogSale, activeWallet: walletPayment({ state: 'awaiting_customer' }) } });
    resumeWallet();
    expect(saleStore.getState().screen).toBe('tender');
    expect(walletStore.getState()).toMatchObject({ open: true, payment: { state: 'awaiting_customer' } });
  });
});

describe('wallet payments recovery found approved, not completed', () => {
  it('lists them and completes the sale with one', async () => {
    const recovered = walletPayment({ state: 'approved', needsResolution: true });
    fake.reply('payment.listRecoveredWallets', () => ok([recovered, walletPayment({ paymentId: 'WP9', needsResolution: false })]));
    await loadRecoveredWallets();
    expect(walletStore.getState().recovered.map((p) => p.paymentId)).toEqual(['WP1']);
    fake.reply('payment.resolveRecoveredWallet', () => ok({ ...recovered, needsResolution: false }));
    fake.reply('sale.get', () => ok({ ...hotDogSale, walletPaid: 2500, remaining: 0, cashDue: 0 }));
    fake.reply('sale.complete', () => ok(walletCompleted()));
    await resolveRecoveredWallet('WP1', 'complete');
    expect(fake.calls).toContainEqual({ method: 'payment.resolveRecoveredWallet', input: { paymentId: 'WP1', action: 'complete' } });
    expect(walletStore.getState().recovered).toEqual([]);
    expect(saleStore.getState().screen).toBe('change');
  });
});
