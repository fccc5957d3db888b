import { useStore } from 'zustand';
import type { RefundableSaleDto, RefundTenderDto } from '../../contract/api';
import { WalletProvider, WALLET_NAMES } from '../../contract/wallet';
import { uiStore } from '../state/ui';
import { useLocalized, useMoney, useT, type TextKey } from '../i18n/hooks';
import {
  closeRefund,
  confirmRefund,
  findSale,
  pickAll,
  refundStore,
  setReceipt,
  setVoidReason,
  toggleLine,
  voidSale,
} from '../state/refund';
import { TouchButton } from './TouchButton';

type SaleTender = RefundableSaleDto['tenders'][number];

/**
 * How a tender is named: a card by brand and last 4, a wallet by its name (the terminal may give
 * the provider in `brand`) and the last 4 of its masked code, cash as cash.
 */
function useTenderName(): (tender: Pick<SaleTender, 'kind' | 'brand' | 'last4'>) => string {
  const t = useT();
  const language = useStore(uiStore, (s) => s.language);
  return (tender) => {
    if (tender.kind === 'wallet') {
      const provider = WalletProvider.safeParse(tender.brand);
      const name = provider.success ? WALLET_NAMES[provider.data][language] : t('refund.tender.wallet');
      return tender.last4 ? `${name} ···· ${tender.last4}` : name;
    }
    if (tender.kind === 'card') {
      return tender.last4 ? t('card.cardInfo', { brand: (tender.brand ?? '').toUpperCase(), last4: tender.last4 }) : t('refund.tender.card');
    }
    return t('refund.tender.cash');
  };
}

function refundStatusKey(tender: RefundTenderDto): TextKey {
  if (tender.kind === 'wallet' && tender.status === 'approved') return 'refund.tenderStatus.walletApproved';
  return `refund.tenderStatus.${tender.status}`;
}

/** The Refund screen: type or scan a receipt, see the sale, pick lines (or all), confirm. */
export function RefundScreen() {
  const t = useT();
  const money = useMoney();
  const text = useLocalized();
  const open = useStore(refundStore, (s) => s.open);
  const receipt = useStore(refundStore, (s) => s.receipt);
  const sale = useStore(refundStore, (s) => s.sale);
  const picked = useStore(refundStore, (s) => s.picked);
  const result = useStore(refundStore, (s) => s.result);
  const busy = useStore(refundStore, (s) => s.busy);
  const voidReason = useStore(refundStore, (s) => s.voidReason);
  const tenderName = useTenderName();
  if (!open) return null;
  const anyPicked = Object.values(picked).some((q) => q > 0);
  return (
    <div
      className="devices-screen refund-screen"
      data-testid="refund-screen"
      role="dialog"
      aria-modal="true"
      aria-labelledby="refund-title"
      // Typing a receipt number must not reach the sell screen's keyboard handling.
      onKeyDown={(e) => e.stopPropagation()}
    >
      <div className="devices-panel">
        <header className="devices-header">
          <h2 id="refund-title">{t('refund.title')}</h2>
          <TouchButton className="devices-close" data-testid="refund-close" onClick={closeRefund}>
            {t('devices.close')}
          </TouchButton>
        </header>
        <form
          className="refund-find"
          onSubmit={(e) => {
            e.preventDefault();
            void findSale();
          }}
        >
          <label>
            {t('refund.receipt')}{' '}
            <input
              data-testid="refund-receipt-input"
              value={receipt}
              autoFocus
              onChange={(e) => setReceipt(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="refund-find" disabled={busy}>
            {t('refund.find')}
          </button>
        </form>
        {sale && (
          <section className="refund-sale" data-testid="refund-sale">
            <p>
              {t('change.receipt')} <strong>{sale.receiptRef}</strong> · {t('change.paid')}{' '}
              {money(sale.paid, sale.currency)} · {t('refund.refundable')}{' '}
              <strong data-testid="refund-refundable">
                {money(sale.refundable, sale.currency)}
              </strong>
            </p>
            <ul className="refund-tenders" aria-label={t('refund.tenders')}>
              {sale.tenders.map((tender) => (
                <li key={tender.paymentId} data-testid="refund-sale-tender" data-kind={tender.kind}>
                  {tenderName(tender)} · {money(tender.amount, sale.currency)}
                  {tender.refunded > 0 && ` · ${t('refund.tenderRefunded', { amount: money(tender.refunded, sale.currency) })}`}
                </li>
              ))}
            </ul>
            <ul className="refund-lines">
              {sale.lines.map((l) => {
                const left = l.quantity - l.refundedQuantity;
                const q = picked[l.lineId] ?? 0;
                return (
                  <li key={l.lineId}>
                    <label>
                      <input
                        type="checkbox"
                        data-testid={`refund-line-${l.lineId}`}
                        disabled={left === 0 || busy}
                        checked={q > 0}
                        onChange={() => toggleLine(l.lineId)}
                      />{' '}
                      {text(l.name)} × {l.quantity} ·{' '}
                      {money(l.unitPrice * l.quantity, sale.currency)}
                      {l.refundedQuantity > 0 &&
                        ` · ${t('refund.alreadyRefunded', { count: l.refundedQuantity })}`}
                    </label>
                  </li>
                );
              })}
            </ul>
            <div className="refund-actions">
              <TouchButton
                data-testid="refund-all"
                onClick={pickAll}
                disabled={busy || sale.refundable === 0}
              >
                {t('refund.all')}
              </TouchButton>
              <TouchButton
                data-testid="refund-confirm"
                onClick={() => void confirmRefund()}
                disabled={busy || !anyPicked}
              >
                {t('refund.confirm')}
              </TouchButton>
            </div>
            <div className="refund-void">
              <input
                data-testid="void-reason"
                value={voidReason}
                placeholder={t('refund.voidReason')}
                disabled={busy || sale.refundable === 0}
                onChange={(e) => setVoidReason(e.target.value)}
              />
              <TouchButton
                data-testid="void-sale"
                onClick={() => void voidSale()}
                disabled={busy || sale.refundable === 0 || voidReason.trim() === ''}
              >
                {t('refund.void')}
              </TouchButton>
            </div>
          </section>
        )}
        {result && (
          <section
            className="refund-result"
            data-testid="refund-result"
            data-status={result.status}
          >
            <p>
              {t(`refund.status.${result.status}`)} · {money(result.amount, result.currency)}
            </p>
            <ul>
              {result.tenders.map((tender) => (
                <li
                  key={`${tender.paymentId}-${tender.status}`}
                  data-testid="refund-tender"
                  data-status={tender.status}
                >
                  {t(tender.kind === 'card' ? 'refund.tender.card' : tender.kind === 'wallet' ? 'refund.tender.wallet' : 'refund.tender.cash')} ·{' '}
                  {money(tender.amount, result.currency)} ·{' '}
                  {t(refundStatusKey(tender))}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
