import { useStore } from 'zustand';
import { useMoney, useT } from '../i18n/hooks';
import { saleStore } from '../state/sale';
import {
  PRICE_REASONS,
  applyPrice,
  closePrice,
  priceStore,
  setPriceEntry,
  setPriceReason,
  typedPrice,
} from '../state/price';
import { TouchButton } from './TouchButton';

/** Price override of the selected line: new unit price and a reason; a supervisor approves. */
export function PriceDialog() {
  const t = useT();
  const money = useMoney();
  const state = useStore(priceStore);
  const sale = useStore(saleStore, (s) => s.sale);
  if (!state.open || !sale) return null;
  const line = sale.lines.find((l) => l.lineId === state.lineId);
  if (!line) return null;
  const price = typedPrice();
  const ready = price !== null && state.reason.trim() !== '' && !state.busy;
  return (
    <div className="dialog-screen" data-testid="price-dialog" role="dialog" aria-modal="true" aria-labelledby="price-title">
      <form
        className="dialog-panel"
        onSubmit={(e) => {
          e.preventDefault();
          void applyPrice();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') closePrice();
        }}
      >
        <header className="dialog-header">
          <h2 id="price-title">{t('price.title')}</h2>
        </header>
        <p className="muted">
          {t('price.current', { price: money(line.priceOverride?.listPrice ?? line.unitPrice, sale.currency) })}
        </p>
        <label className="field">
          <span>{t('price.new')}</span>
          <input
            data-testid="price-entry"
            inputMode="decimal"
            autoFocus
            value={state.entry}
            onChange={(e) => setPriceEntry(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('price.reason')}</span>
          <input data-testid="price-reason" value={state.reason} onChange={(e) => setPriceReason(e.target.value)} />
        </label>
        <div className="choice-options">
          {PRICE_REASONS.map((r) => (
            <TouchButton key={r} type="button" className="choice" data-testid={`price-reason-${r.replace(/ /g, '-')}`} onClick={() => setPriceReason(t(`price.reason.${r}`))}>
              {t(`price.reason.${r}`)}
            </TouchButton>
          ))}
        </div>
        <div className="dialog-actions">
          <TouchButton type="button" className="dialog-cancel" data-testid="price-cancel" onClick={closePrice}>
            {t('price.cancel')}
          </TouchButton>
          <TouchButton type="submit" className="dialog-ok" data-testid="price-apply" disabled={!ready}>
            {price === null ? t('price.apply') : t('price.applyAmount', { price: money(price, sale.currency) })}
          </TouchButton>
        </div>
      </form>
    </div>
  );
}
