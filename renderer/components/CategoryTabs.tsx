import { useMemo, type CSSProperties } from 'react';
import { useStore } from 'zustand';
import { useLocalized, useT } from '../i18n/hooks';
import { catalogStore, selectCategory, sortedCategories } from '../state/catalog';
import { TouchButton } from './TouchButton';

export function CategoryTabs() {
  const t = useT();
  const text = useLocalized();
  const catalog = useStore(catalogStore, (s) => s.catalog);
  const selected = useStore(catalogStore, (s) => s.categoryId);
  const categories = useMemo(() => (catalog ? sortedCategories(catalog) : []), [catalog]);
  return (
    <nav className="category-tabs" role="tablist" aria-label={t('sell.categories')}>
      {categories.map((c) => (
        <TouchButton
          key={c.id}
          role="tab"
          aria-selected={c.id === selected}
          className={c.id === selected ? 'category-tab selected' : 'category-tab'}
          data-testid={`category-tab-${c.id}`}
          style={{ '--cat-color': c.color } as CSSProperties}
          onClick={() => selectCategory(c.id)}
        >
          {text(c.name)}
        </TouchButton>
      ))}
    </nav>
  );
}
