import type { i18n as I18n } from 'i18next';
import type * as Zustand from 'zustand';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../i18n';
import { cardStore } from '../state/card';
import { walletStore } from '../state/wallet';
import { cardPayment, walletPayment } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { renderMarkup, visibleText } from '../testing/static-render';
import { RecoveryPrompt } from './RecoveryPrompt';

// A static render reads the state each test sets (see testing/static-render.tsx).
vi.mock('zustand', async (importOriginal) => (await import('../testing/static-render')).readingCurrentState(await importOriginal<typeof Zustand>()));

let i18n: I18n;
beforeAll(async () => {
  i18n = await createI18n('en', false);
});
beforeEach(() => resetStores());

const render = (): string => renderMarkup(i18n, <RecoveryPrompt />);

describe('"approved, not completed" prompt', () => {
  it('nothing recovered: no prompt', () => {
    expect(render()).toBe('');
  });

  it('a card payment: its amount, the card, and Complete / Void under the card test ids', () => {
    cardStore.setState({ recovered: [cardPayment({ paymentId: 'R1', state: 'approved', needsResolution: true })] });
    walletStore.setState({ recovered: [walletPayment({ paymentId: 'WP1', state: 'approved', needsResolution: true })] });
    const html = render();
    expect(html).toContain('data-testid="recovery-prompt" data-payment-id="R1"');
    expect(html).toContain('aria-labelledby="recovery-title"');
    expect(html).toContain('id="recovery-title"');
    for (const id of ['recovery-amount', 'recovery-complete', 'recovery-void']) expect(html).toContain(`data-testid="${id}"`);
    expect(html).not.toContain('wallet-recovery');
    expect(html).not.toMatch(/data-testid="recovery-complete"[^>]*disabled/);
  });

  it('a wallet payment after the card ones: the wallet and masked code under the wallet test ids, waiting while busy', () => {
    walletStore.setState({ recovered: [walletPayment({ paymentId: 'WP1', state: 'approved', needsResolution: true })], busy: true });
    const html = render();
    expect(html).toContain('data-testid="wallet-recovery-prompt" data-payment-id="WP1"');
    expect(html).toContain('aria-labelledby="wallet-recovery-title"');
    expect(html).toContain('id="wallet-recovery-title"');
    for (const id of ['wallet-recovery-amount', 'wallet-recovery-complete', 'wallet-recovery-void']) expect(html).toContain(`data-testid="${id}"`);
    expect(visibleText(html)).toContain('WeChat Pay 13************5678');
    expect(html).toMatch(/data-testid="wallet-recovery-complete"[^>]*disabled/);
    expect(html).toMatch(/data-testid="wallet-recovery-void"[^>]*disabled/);
  });
});
