import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import { entryStore } from '../state/entry';
import { CartPanel } from './CartPanel';
import { CategoryTabs } from './CategoryTabs';
import { ProductGrid } from './ProductGrid';

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

export function SellScreen() {
  return (
    <div className="sell">
      <section className="catalog-pane">
        <CategoryTabs />
        <QuantityBanner />
        <ProductGrid />
      </section>
      <CartPanel />
    </div>
  );
}
