import { useMemo, useRef, type CSSProperties, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { useLocalized, useMoney, useT } from '../i18n/hooks';
import { catalogStore, productsOf } from '../state/catalog';
import { addProduct } from '../state/sale';
import { TouchButton } from './TouchButton';

/** Arrow keys move like on a grid: across, and up/down by one row of the current layout. */
function moveFocus(grid: HTMLElement, key: string): boolean {
  const buttons = [...grid.querySelectorAll<HTMLButtonElement>('button[data-product]')];
  const index = buttons.findIndex((b) => b === document.activeElement);
  if (index < 0 || buttons.length === 0) return false;
  const firstTop = buttons[0]?.offsetTop;
  const columns = Math.max(1, buttons.filter((b) => b.offsetTop === firstTop).length);
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, Home: -index, End: buttons.length }[key];
  if (step === undefined) return false;
  const next = Math.min(buttons.length - 1, Math.max(0, index + step));
  buttons[next]?.focus();
  return true;
}

export function ProductGrid() {
  const t = useT();
  const text = useLocalized();
  const money = useMoney();
  const catalog = useStore(catalogStore, (s) => s.catalog);
  const categoryId = useStore(catalogStore, (s) => s.categoryId);
  const products = useMemo(() => (catalog ? productsOf(catalog, categoryId) : []), [catalog, categoryId]);
  const colors = useMemo(() => new Map(catalog?.categories.map((c) => [c.id, c.color])), [catalog]);
  const grid = useRef<HTMLDivElement>(null);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (grid.current && moveFocus(grid.current, e.key)) e.preventDefault();
  }

  if (!catalog) return <div className="product-grid empty">{t('sell.loading')}</div>;
  if (products.length === 0) return <div className="product-grid empty">{t('sell.noProducts')}</div>;
  return (
    <div className="product-grid" ref={grid} onKeyDown={onKeyDown} aria-label={t('sell.products')} role="group">
      {products.map((p) => (
        <TouchButton
          key={p.id}
          className="product"
          data-product=""
          data-testid={`product-${p.id}`}
          style={{ '--cat-color': colors.get(p.categoryId) ?? '#555' } as CSSProperties}
          onClick={() => void addProduct(p.id)}
        >
          <span className="product-name">{text(p.name)}</span>
          <span className="product-price">{money(p.price, catalog.currency)}</span>
        </TouchButton>
      ))}
    </div>
  );
}
