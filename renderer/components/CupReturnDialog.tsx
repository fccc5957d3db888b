import { useStore } from 'zustand';
import { useLocalized, useMoney, useT } from '../i18n/hooks';
import { catalogStore } from '../state/catalog';
import { closeCups, discountStore, returnCup } from '../state/discount';
import { TouchButton } from './TouchButton';

/** Return cup: the catalog's deposits; a tap adds one returned container (a typed quantity first for more). */
export function CupReturnDialog() {
  const t = useT();
  const text = useLocalized();
  const money = useMoney();
  const open = useStore(discountStore, (s) => s.cupsOpen);
  const catalog = useStore(catalogStore, (s) => s.catalog);
  if (!open || !catalog) return null;
  return (
    <div
      className="dialog-screen"
      data-testid="cup-return-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="cups-title"
    >
      <div className="dialog-panel cups-panel">
        <header className="dialog-header">
          <h2 id="cups-title">{t('cups.title')}</h2>
        </header>
        <p className="muted">{t('cups.explain')}</p>
        <div className="choice-options">
          {catalog.deposits.map((d, i) => (
            <TouchButton
              key={d.id}
              className="choice"
              data-testid={`cup-return-${d.id}`}
              autoFocus={i === 0}
              onClick={() => void returnCup(d.id)}
            >
              <span className="choice-name">{text(d.name)}</span>
              <span className="choice-price">
                {t('cups.each', { price: money(d.amount, catalog.currency) })}
              </span>
            </TouchButton>
          ))}
        </div>
        <div className="dialog-actions">
          <TouchButton className="dialog-cancel" data-testid="cup-return-close" onClick={closeCups}>
            {t('cups.close')}
          </TouchButton>
        </div>
      </div>
    </div>
  );
}
