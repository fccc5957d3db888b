import { useMemo, useRef, type CSSProperties, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { useLocalized, useMoney, useT } from '../i18n/hooks';
import { catalogStore, productsOf } from '../state/catalog';
import { levelOf, menuStore, tapProduct, tilePrice, unavailableOf } from '../state/menu';
import { saleStore } from '../state/sale';
import { TouchButton } from './TouchButton';

/** Arrow keys move like on a grid: across, and up/down by one row of the current layout. */
function moveFocus(grid: HTMLElement, key: string): boolean {
  const buttons = [...grid.querySelectorAll<HTMLButtonElement>('button[data-product]')];
  const index = buttons.findIndex((b) => b === document.activeElement);
  if (index < 0 || buttons.length === 0) return false;
  const firstTop = buttons[0]?.offsetTop;
  const columns = Math.max(1, buttons.filter((b) => b.offsetTop === firstTop).length);
  const step = {
    ArrowRight: 1,
    ArrowLeft: -1,
    ArrowDown: columns,
    ArrowUp: -columns,
    Home: -index,
    End: buttons.length,
  }[key];
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
  const sale = useStore(saleStore, (s) => s.sale);
  const soldOutMode = useStore(menuStore, (s) => s.soldOutMode);
  const level = useMemo(() => (catalog ? levelOf(catalog, sale) : null), [catalog, sale]);
  const products = useMemo(
    () => (catalog ? productsOf(catalog, categoryId) : []),
    [catalog, categoryId],
  );
  const colors = useMemo(() => new Map(catalog?.categories.map((c) => [c.id, c.color])), [catalog]);
  const grid = useRef<HTMLDivElement>(null);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (grid.current && moveFocus(grid.current, e.key)) e.preventDefault();
  }

  if (!catalog) return <div className="product-grid empty">{t('sell.loading')}</div>;
  if (products.length === 0)
    return <div className="product-grid empty">{t('sell.noProducts')}</div>;
  return (
    <div
      className="product-grid"
      ref={grid}
      onKeyDown={onKeyDown}
      aria-label={t('sell.products')}
      role="group"
    >
      {products.map((p) => {
        const why = unavailableOf(catalog, p);
        const price = money(tilePrice(catalog, level, p), catalog.currency);
        const badge = why
          ? why.kind === 'stopped'
            ? t('menu.badgeStopped', { tag: why.tag })
            : t('menu.badgeSoldOut')
          : null;
        return (
          // Unavailable tiles stay enabled (no aria-disabled): the tap says why, or in sold-out
          // mode puts the item back in stock. The badge in the label says it to screen readers.
          <TouchButton
            key={p.id}
            className={[
              'product',
              why ? `unavailable ${why.kind}` : '',
              soldOutMode ? 'marking' : '',
            ]
              .join(' ')
              .trim()}
            data-product=""
            data-testid={`product-${p.id}`}
            data-unavailable={why?.kind}
            style={{ '--cat-color': colors.get(p.categoryId) ?? '#555' } as CSSProperties}
            onClick={() => void tapProduct(p.id)}
          >
            {badge && (
              <span className="product-badge" data-testid={`product-badge-${p.id}`}>
                {badge}
              </span>
            )}
            <span className="product-name">{text(p.name)}</span>
            <span className="product-price">
              {p.variants.length > 1 ? t('menu.from', { price }) : price}
            </span>
          </TouchButton>
        );
      })}
    </div>
  );
}
