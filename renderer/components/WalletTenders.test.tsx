import type { i18n as I18n } from 'i18next';
import type * as Zustand from 'zustand';
import type { ReactElement } from 'react';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompletedSaleDto, RefundableSaleDto, RefundDto } from '../../contract/api';
import { createI18n } from '../i18n';
import { completed, line, sale } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { renderMarkup, visibleText } from '../testing/static-render';
import { refundStore } from '../state/refund';
import { saleStore } from '../state/sale';
import { ChangeScreen } from './ChangeScreen';
import { RefundScreen } from './RefundScreen';

// A static render reads the state each test sets (see testing/static-render.tsx).
vi.mock('zustand', async (importOriginal) => (await import('../testing/static-render')).readingCurrentState(await importOriginal<typeof Zustand>()));

let i18n: I18n;
beforeAll(async () => {
  i18n = await createI18n('en', false);
});
beforeEach(() => resetStores());

function text(ui: ReactElement): string {
  return visibleText(renderMarkup(i18n, ui));
}

const open = sale([line({ amount: 2500 })]);

describe('wallet tenders where card tenders show', () => {
  it('the change screen names the wallet and the masked code', () => {
    const done: CompletedSaleDto = {
      ...completed(open, 2500),
      payments: [
        { paymentId: 'WP1', kind: 'wallet', amount: 2500, tendered: 2500, change: 0, rounding: 0, provider: 'alipay', maskedCode: '28************3456', providerRef: 'A1' },
      ],
      change: 0,
    };
    saleStore.setState({ lastCompleted: done, screen: 'change' });
    expect(text(<ChangeScreen />)).toContain('Alipay 28************3456 ¥25.00 · Approved');
  });

  it('the refund screen lists a wallet tender and says a refund went back to the wallet', () => {
    const found = {
      saleId: 'S0',
      receiptNo: 42,
      receiptRef: 'ABC123-000042',
      currency: 'CNY',
      completedAt: '2026-05-01T12:00:00.000Z',
      total: 2500,
      paid: 2500,
      refunded: 0,
      refundable: 2500,
      lines: [],
      tenders: [{ paymentId: 'WP1', kind: 'wallet', amount: 2500, refunded: 0, state: 'approved', last4: '5678', brand: 'wechat' }],
      refunds: [],
      pending: null,
    } satisfies RefundableSaleDto;
    const result = {
      refundId: 'R1',
      saleId: 'S0',
      status: 'completed',
      amount: 2500,
      currency: 'CNY',
      lines: [],
      tenders: [{ paymentId: 'WP1', kind: 'wallet', amount: 2500, status: 'approved', reason: null }],
      receiptRef: 'ABC123-000042',
      createdAt: '2026-05-01T12:05:00.000Z',
      completedAt: '2026-05-01T12:05:01.000Z',
    } satisfies RefundDto;
    refundStore.setState({ open: true, sale: found, result });
    const shown = text(<RefundScreen />);
    expect(shown).toContain('WeChat Pay ···· 5678 · ¥25.00');
    expect(shown).toContain('Wallet · ¥25.00 · refunded to the wallet');
  });
});
