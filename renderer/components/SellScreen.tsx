import { useStore } from 'zustand';
import { useLocalized, useT } from '../i18n/hooks';
import { catalogStore } from '../state/catalog';
import { entryStore } from '../state/entry';
import { menuStore, toggleSoldOutMode } from '../state/menu';
import { CartPanel } from './CartPanel';
import { CategoryTabs } from './CategoryTabs';
import { ProductGrid } from './ProductGrid';
import { TouchButton } from './TouchButton';

function QuantityBanner() {
  const t = useT();
  const quantity = useStore(entryStore, (s) => s.quantity);
  if (quantity === '') return null;
  return (
    <div className="quantity-banner" data-testid="pending-quantity" role="status">
      {t('sell.quantityPending', { qty: quantity })}
    </div>
  );
}

/** The price level in force (happy hour, a VIP zone) and the sold-out mode switch. */
function SellToolbar() {
  const t = useT();
  const text = useLocalized();
  const level = useStore(catalogStore, (s) =>
    s.catalog?.priceLevels.find((l) => l.id === s.catalog?.priceLevelId),
  );
  const soldOutMode = useStore(menuStore, (s) => s.soldOutMode);
  return (
    <div className="sell-toolbar">
      {level && (
        <span className="price-level-chip" data-testid="price-level" data-level={level.id}>
          {t('menu.priceLevel', { name: text(level.name) })}
        </span>
      )}
      {soldOutMode && (
        <span className="sold-out-hint" role="status" data-testid="soldout-mode-hint">
          {t('menu.soldOutModeHint')}
        </span>
      )}
      <TouchButton
        className={soldOutMode ? 'soldout-mode on' : 'soldout-mode'}
        data-testid="soldout-mode"
        aria-pressed={soldOutMode}
        onClick={toggleSoldOutMode}
      >
        {soldOutMode ? t('menu.soldOutModeOn') : t('menu.soldOutMode')}
      </TouchButton>
    </div>
  );
}

export function SellScreen() {
  const soldOutMode = useStore(menuStore, (s) => s.soldOutMode);
  return (
    <div className={soldOutMode ? 'sell marking-sold-out' : 'sell'}>
      <section className="catalog-pane">
        <CategoryTabs />
        <SellToolbar />
        <QuantityBanner />
        <ProductGrid />
      </section>
      <CartPanel />
    </div>
  );
}
