import { useStore } from 'zustand';
import { useLocalized, useT } from '../i18n/hooks';
import { catalogStore } from '../state/catalog';
import { cancelAge, confirmAge, menuStore, productOf } from '../state/menu';
import { TouchButton } from './TouchButton';

/** "Check ID: 18+": one tap confirms (the terminal records who confirmed), Esc or Cancel drops the item. */
export function AgeCheckPrompt() {
  const t = useT();
  const text = useLocalized();
  const check = useStore(menuStore, (s) => s.ageCheck);
  const catalog = useStore(catalogStore, (s) => s.catalog);
  if (!check) return null;
  const product = catalog ? productOf(catalog, check.input.productId) : undefined;
  const age = check.minAge;
  return (
    <div
      className="dialog-screen"
      data-testid="age-check"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="age-title"
    >
      <div className="dialog-panel age-panel">
        <h2 id="age-title" className="age-title" data-testid="age-title">
          {t('age.title', { age })}
        </h2>
        {product && <p className="age-product">{text(product.name)}</p>}
        <p className="age-explain">{t('age.explain', { age })}</p>
        <div className="dialog-actions">
          <TouchButton className="dialog-cancel" data-testid="age-cancel" onClick={cancelAge}>
            {t('age.cancel')}
          </TouchButton>
          {/* A native focus target: Enter (or Space) confirms at once. */}
          <button
            type="button"
            className="dialog-confirm age-confirm"
            data-testid="age-confirm"
            autoFocus
            onClick={() => void confirmAge()}
          >
            {t('age.confirm', { age })}
          </button>
        </div>
      </div>
    </div>
  );
}
