import type { i18n as I18n } from 'i18next';
import type * as Zustand from 'zustand';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../i18n';
import { line, sale, walletPayment } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { renderMarkup, visibleText as text } from '../testing/static-render';
import { saleStore } from '../state/sale';
import { walletStore, type WalletState } from '../state/wallet';
import { TenderScreen } from './TenderScreen';
import { WalletScreen } from './WalletScreen';

// A static render reads the state each test sets (see testing/static-render.tsx).
vi.mock('zustand', async (importOriginal) => (await import('../testing/static-render')).readingCurrentState(await importOriginal<typeof Zustand>()));

let i18n: I18n;
beforeAll(async () => {
  i18n = await createI18n('en', false);
});
beforeEach(() => {
  resetStores();
  saleStore.setState({ sale: sale([line({ amount: 2500 })]), screen: 'tender' });
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-05-01T12:00:40.000Z'));
});
afterEach(() => vi.useRealTimers());

function render(state: Partial<WalletState>): string {
  walletStore.setState({ open: true, ...state });
  return renderMarkup(i18n, <WalletScreen />);
}

describe('the wallet panel', () => {
  it('opened by the Wallet button: asks for a scan, offers typing the code and Back', () => {
    const html = render({});
    expect(text(html)).toContain("Scan the customer's payment code");
    expect(html).toContain('data-testid="wallet-type-code"');
    expect(html).toContain('data-testid="wallet-back"');
    expect(html).not.toContain('data-testid="wallet-cancel"');
  });

  it('while charging names the wallet and the masked code only', () => {
    const html = render({ payment: walletPayment({ state: 'authorizing' }) });
    expect(text(html)).toContain('Charging WeChat Pay 13************5678');
    expect(text(html)).toContain('¥25.00');
    expect(html).toMatch(/data-testid="wallet-cancel"(?![^>]*disabled)/);
  });

  it('waiting for the customer: says so, counts down to confirmBy, and Cancel works', () => {
    const html = render({ payment: walletPayment({ state: 'awaiting_customer', confirmBy: '2026-05-01T12:01:10.000Z' }) });
    expect(text(html)).toContain('Waiting for the customer to confirm on their phone');
    expect(text(html)).toContain('30 s left');
    expect(html).toMatch(/data-testid="wallet-cancel"(?![^>]*disabled)/);
  });

  it('declined: the reason, then scan again, card or cash', () => {
    const html = render({ payment: walletPayment({ state: 'declined', reason: 'insufficient_funds' }) });
    expect(text(html)).toContain('Not enough balance in the wallet');
    for (const id of ['wallet-scan-again', 'wallet-to-card', 'wallet-to-cash']) expect(html).toContain(`data-testid="${id}"`);
  });

  it('offline: the refusal at once, with card or cash (no point scanning again)', () => {
    const html = render({ refusal: 'wallet.offline' });
    expect(text(html)).toContain('take a card or cash');
    expect(html).toContain('data-testid="wallet-to-card"');
    expect(html).not.toContain('data-testid="wallet-scan-again"');
  });

  it('in Chinese too', async () => {
    await i18n.changeLanguage('zh');
    try {
      const html = render({ payment: walletPayment({ state: 'awaiting_customer', confirmBy: '2026-05-01T12:01:10.000Z' }) });
      expect(text(html)).toContain('等待顾客在手机上确认');
      expect(text(html)).toContain('剩余 30 秒');
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('the pay screen has a Wallet button next to Card, and shows what wallets paid', () => {
    saleStore.setState({ sale: { ...sale([line({ amount: 2500 })]), walletPaid: 1000, remaining: 1500, cashDue: 1500 } });
    const html = renderMarkup(i18n, <TenderScreen />);
    expect(html).toContain('data-testid="pay-wallet"');
    expect(text(html)).toContain('Paid by wallet ¥10.00');
  });
});
