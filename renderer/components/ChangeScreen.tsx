import { useStore } from 'zustand';
import { WALLET_NAMES } from '../../contract/wallet';
import { useMoney, useT } from '../i18n/hooks';
import { reprintLast } from '../state/printer';
import { nextSale, saleStore } from '../state/sale';
import { statusStore } from '../state/status';
import { openRefund } from '../state/refund';
import { uiStore } from '../state/ui';
import { TouchButton } from './TouchButton';

export function ChangeScreen() {
  const t = useT();
  const money = useMoney();
  const done = useStore(saleStore, (s) => s.lastCompleted);
  const printer = useStore(statusStore, (s) => s.status?.printer.state ?? 'not_configured');
  const language = useStore(uiStore, (s) => s.language);
  if (!done) return null;
  const { currency } = done;
  const paid = done.payments.reduce((sum, p) => sum + p.tendered, 0);
  // Cup returns worth more than the items: cash went out of the drawer, not in.
  const paidOut = -done.payments.reduce((sum, p) => sum + (p.kind === 'cash' && p.amount < 0 ? p.amount : 0), 0);
  return (
    <div className="change">
      {paidOut > 0 ? (
        <>
          <div className="change-label">{t('change.payoutTitle')}</div>
          <div className="change-amount" data-testid="payout-amount">
            {money(paidOut, currency)}
          </div>
        </>
      ) : (
        <>
          <div className="change-label">{t('change.title')}</div>
          <div className={done.change === 0 ? 'change-amount zero' : 'change-amount'} data-testid="change-due">
            {money(done.change, currency)}
          </div>
          {done.change === 0 && <div className="change-none">{t('change.none')}</div>}
        </>
      )}
      <dl className="change-facts">
        <div>
          <dt>{t('change.total')}</dt>
          <dd data-testid="change-total">{money(done.totals.total, currency)}</dd>
        </div>
        {done.cashRounding !== 0 && (
          <div>
            <dt>{t('change.rounding')}</dt>
            <dd data-testid="cash-rounding">
              {done.cashRounding > 0 ? '+' : ''}
              {money(done.cashRounding, currency)}
            </dd>
          </div>
        )}
        {paidOut === 0 && (
          <div>
            <dt>{t('change.paid')}</dt>
            <dd data-testid="change-paid">{money(paid, currency)}</dd>
          </div>
        )}
        {done.payments.map((p) =>
          p.kind === 'card' ? (
            <div key={p.paymentId} data-testid="change-card-line" data-stored={p.stored ? 'true' : undefined}>
              <dt>
                {t('card.cardInfo', { brand: p.card.label ?? p.card.brand.toUpperCase(), last4: p.card.last4 })}
              </dt>
              <dd>
                {money(p.amount, currency)} · {p.stored ? t('card.state.stored') : t('card.state.approved')}
                {p.authCode && !p.stored ? ` · ${t('card.authCode', { code: p.authCode })}` : ''}
              </dd>
            </div>
          ) : p.kind === 'wallet' ? (
            <div key={p.paymentId} data-testid="change-wallet-line">
              <dt>{t('wallet.tender', { wallet: WALLET_NAMES[p.provider][language], masked: p.maskedCode })}</dt>
              <dd>
                {money(p.amount, currency)} · {t('wallet.state.approved')}
              </dd>
            </div>
          ) : null,
        )}
        <div>
          <dt>{t('change.receipt')}</dt>
          <dd data-testid="receipt-ref">{done.receiptRef}</dd>
        </div>
      </dl>
      {printer !== 'not_configured' && (
        <TouchButton className="reprint-last" data-testid="reprint-last" onClick={() => void reprintLast()}>
          {t('printer.reprintLast')}
        </TouchButton>
      )}
      <TouchButton className="reprint-last" data-testid="refund-this-sale" onClick={() => openRefund(done.receiptRef)}>
        {t('refund.thisSale')}
      </TouchButton>
      {/* A native button: autoFocus lets Enter start the next sale even without the global handler. */}
      <button type="button" className="next-sale" data-testid="next-sale" autoFocus onClick={() => void nextSale()}>
        {t('change.next')}
      </button>
    </div>
  );
}
