import { useStore } from 'zustand';
import { currencyExponent, quickCashAmounts } from '../../contract/money';
import { useMoney, useT } from '../i18n/hooks';
import { backspaceTender, clearTender, entryStore, tenderAmount, typeTenderKey } from '../state/entry';
import { openCard } from '../state/card';
import { cancelTender, confirmTender, payCash, saleStore } from '../state/sale';
import { statusStore } from '../state/status';
import { openWallet } from '../state/wallet';
import { TouchButton } from './TouchButton';

const KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3'];

function Keypad({ currency }: { currency: string }) {
  const t = useT();
  const decimals = currencyExponent(currency) > 0;
  return (
    <div className="keypad">
      {KEYS.map((k) => (
        <TouchButton key={k} className="key" data-testid={`keypad-${k}`} onClick={() => typeTenderKey(k, currency)}>
          {k}
        </TouchButton>
      ))}
      <TouchButton className="key" data-testid="keypad-dot" disabled={!decimals} onClick={() => typeTenderKey('.', currency)}>
        .
      </TouchButton>
      <TouchButton className="key" data-testid="keypad-0" onClick={() => typeTenderKey('0', currency)}>
        0
      </TouchButton>
      <TouchButton
        className="key key-fn"
        data-testid="keypad-backspace"
        aria-label={t('tender.backspace')}
        onClick={backspaceTender}
        onDoubleClick={clearTender}
      >
        ⌫
      </TouchButton>
    </div>
  );
}

/**
 * Cup returns worth more than the items: the drawer pays the difference out. Nothing is tendered;
 * the cash payment is recorded negative and the drawer opens as for any cash sale.
 */
function PayoutScreen() {
  const t = useT();
  const money = useMoney();
  const sale = useStore(saleStore, (s) => s.sale);
  const paying = useStore(saleStore, (s) => s.paying);
  if (!sale) return null;
  const amount = money(-sale.cashDue, sale.currency);
  return (
    <div className="tender payout" aria-busy={paying} data-testid="tender-payout">
      <section className="tender-main">
        <h1 className="screen-title">{t('tender.payoutTitle')}</h1>
        <div className="due-label">{t('tender.payoutDue')}</div>
        <div className="due-amount" data-testid="payout-due">
          {amount}
        </div>
        <div className="tender-buttons">
          <TouchButton className="tender-cancel" data-testid="tender-cancel" disabled={paying} onClick={cancelTender}>
            {t('tender.cancel')}
          </TouchButton>
          <button
            type="button"
            className="tender-confirm"
            data-testid="payout-confirm"
            autoFocus
            disabled={paying}
            onClick={() => void payCash(0)}
          >
            {t('tender.payout', { amount })}
          </button>
        </div>
      </section>
    </div>
  );
}

export function TenderScreen() {
  const t = useT();
  const money = useMoney();
  const sale = useStore(saleStore, (s) => s.sale);
  const paying = useStore(saleStore, (s) => s.paying);
  const notes = useStore(statusStore, (s) => s.status?.cashNotes);
  const typed = useStore(entryStore, (s) => s.tender);
  if (!sale) return null;
  if (sale.remaining < 0) return <PayoutScreen />;
  const { currency, cashDue } = sale;
  const quick = quickCashAmounts(cashDue, notes ?? []);
  const typedAmount = tenderAmount(typed, currency);
  const short = typedAmount !== null && typedAmount < cashDue ? cashDue - typedAmount : 0;
  const cardPart = typedAmount !== null && typedAmount > 0 && typedAmount < sale.remaining ? typedAmount : null;
  return (
    <div className="tender" aria-busy={paying}>
      <section className="tender-main">
        <h1 className="screen-title">{t('tender.title')}</h1>
        <div className="due-label">{t('tender.due')}</div>
        <div className="due-amount" data-testid="tender-due">
          {money(cashDue, currency)}
        </div>
        {sale.cardPaid > 0 && (
          <div className="tender-card-paid" data-testid="tender-card-paid">
            {t('card.paidByCard')} {money(sale.cardPaid, currency)} · {t('totals.total')} {money(sale.totals.total, currency)}
          </div>
        )}
        {sale.walletPaid > 0 && (
          <div className="tender-card-paid" data-testid="tender-wallet-paid">
            {t('wallet.paidByWallet')} {money(sale.walletPaid, currency)} · {t('totals.total')} {money(sale.totals.total, currency)}
          </div>
        )}
        <h2 className="section-label">{t('tender.quick')}</h2>
        <div className="quick-amounts">
          {quick.map((amount) => (
            <TouchButton
              key={amount}
              className={amount === cashDue ? 'quick exact' : 'quick'}
              data-testid={`quick-amount-${amount}`}
              disabled={paying}
              onClick={() => void payCash(amount)}
            >
              {amount === cashDue && <span className="quick-tag">{t('tender.exact')}</span>}
              <span>{money(amount, currency)}</span>
            </TouchButton>
          ))}
        </div>
        <div className="tender-buttons">
          <TouchButton className="tender-cancel" data-testid="tender-cancel" disabled={paying} onClick={cancelTender}>
            {t('tender.cancel')}
          </TouchButton>
          {/* A typed amount below what is left pays part by card (split tender); else all of it. */}
          <TouchButton
            className="pay-card"
            data-testid="pay-card"
            disabled={paying || sale.remaining <= 0 || sale.tender !== null}
            onClick={() => void openCard(cardPart ?? undefined)}
          >
            <span>{t('sale.payCard')}</span>
            <span className="pay-amount">{money(cardPart ?? sale.remaining, currency)}</span>
          </TouchButton>
          {/* Scanning a payment code works without it; the button says how, and offers typing the code. */}
          <TouchButton
            className="pay-card pay-wallet"
            data-testid="pay-wallet"
            disabled={paying || sale.remaining <= 0 || sale.tender !== null}
            onClick={openWallet}
          >
            <span>{t('sale.payWallet')}</span>
            <span className="pay-amount">{money(cardPart ?? sale.remaining, currency)}</span>
          </TouchButton>
        </div>
      </section>
      <section className="tender-pad" aria-label={t('tender.other')}>
        <div className="section-label">{t('tender.other')}</div>
        <output className={typed ? 'typed' : 'typed placeholder'} data-testid="tender-typed" aria-live="polite">
          {typedAmount !== null ? money(typedAmount, currency) : typed || money(0, currency)}
        </output>
        <div className={short > 0 ? 'short visible' : 'short'} data-testid="tender-short" role="status">
          {short > 0 ? t('tender.short', { amount: money(short, currency) }) : '\u00a0'}
        </div>
        <Keypad currency={currency} />
        <TouchButton
          className="tender-confirm"
          data-testid="tender-confirm"
          disabled={paying}
          onClick={() => void confirmTender(typed)}
        >
          {typedAmount !== null
            ? t('tender.confirm', { amount: money(typedAmount, currency) })
            : t('tender.confirmExact')}
        </TouchButton>
      </section>
    </div>
  );
}
