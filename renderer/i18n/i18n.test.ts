import type { i18n as I18n } from 'i18next';
import { describe, expect, it } from 'vitest';
import { CardPaymentState, CardReason, ErrorCode, WalletPaymentState, WalletReason } from '../../contract/api';
import { formatMoney, localized } from './format';
import { createI18n } from './index';

/** Each key has its own English text and a Chinese one. */
function expectTranslated(i18n: I18n, keys: string[]): void {
  for (const key of keys) {
    expect(i18n.t(key, { lng: 'en' })).not.toBe(key);
    expect(i18n.t(key, { lng: 'zh' })).toMatch(/[\u4e00-\u9fff]/);
  }
}

describe('translations', () => {
  it('gives every error code a friendly message in both languages', async () => {
    const i18n = await createI18n('en', false);
    for (const code of ErrorCode.options) {
      const en = i18n.t(`error.${code}`, { lng: 'en' });
      const zh = i18n.t(`error.${code}`, { lng: 'zh' });
      expect(en).not.toBe(`error.${code}`);
      expect(zh).not.toBe(en);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('gives every card reason and card state its own text in both languages', async () => {
    const i18n = await createI18n('en', false);
    expectTranslated(i18n, [
      ...CardReason.options.map((r) => `card.reason.${r}`),
      ...CardPaymentState.options.map((s) => `card.state.${s}`),
    ]);
    // Offline acceptance is never called approved (ARCHITECTURE §5).
    expect(i18n.t('card.state.stored', { lng: 'en' })).toMatch(/STORED/);
    expect(i18n.t('card.state.stored', { lng: 'en' })).not.toMatch(/approved/i);
  });

  it('gives every wallet reason and wallet state its own text in both languages', async () => {
    const i18n = await createI18n('en', false);
    const keys = [
      ...WalletReason.options.map((r) => `wallet.reason.${r}`),
      ...WalletPaymentState.options.map((s) => `wallet.state.${s}`),
    ];
    expectTranslated(i18n, keys);
    expect(new Set(keys.map((k) => i18n.t(k, { lng: 'en' }))).size).toBeGreaterThan(keys.length - 3);
  });

  it('switches labels at run time and fills in values', async () => {
    const i18n = await createI18n('en', false);
    expect(i18n.t('sale.payCash')).toBe('Pay cash');
    await i18n.changeLanguage('zh');
    expect(i18n.t('sale.payCash')).toBe('现金支付');
    expect(i18n.t('status.pending', { count: 3 })).toContain('3');
  });
});

describe('formatting', () => {
  it('shows minor units as the currency in the current language', () => {
    expect(formatMoney(3750, 'CNY', 'zh')).toBe('¥37.50');
    expect(formatMoney(3750, 'CNY', 'en')).toBe('¥37.50');
    expect(formatMoney(500, 'JPY', 'en')).toMatch(/500$/);
    expect(formatMoney(1234, 'KWD', 'en')).toMatch(/1\.234/);
  });
  it('picks the name for the language, falling back when one is missing', () => {
    expect(localized({ en: 'Beer', zh: '啤酒' }, 'zh')).toBe('啤酒');
    expect(localized({ en: 'Beer', zh: '' }, 'zh')).toBe('Beer');
  });
});
