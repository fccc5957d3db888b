import { createStore } from 'zustand/vanilla';
import type { CatalogDto, ProductDto } from '../../contract/api';
import { call } from './call';

export interface CatalogState {
  catalog: CatalogDto | null;
  /** The selected category tab; null until the catalog is loaded. */
  categoryId: string | null;
}

export const initialCatalogState: CatalogState = { catalog: null, categoryId: null };
export const catalogStore = createStore<CatalogState>()(() => initialCatalogState);

export function sortedCategories(catalog: CatalogDto): CatalogDto['categories'] {
  return [...catalog.categories].sort((a, b) => a.sort - b.sort || a.id.localeCompare(b.id));
}

export function productsOf(catalog: CatalogDto, categoryId: string | null): ProductDto[] {
  return catalog.products
    .filter((p) => categoryId === null || p.categoryId === categoryId)
    .sort((a, b) => a.sort - b.sort || a.id.localeCompare(b.id));
}

export async function loadCatalog(): Promise<void> {
  const catalog = await call('catalog.list', {});
  if (catalog) setCatalog(catalog);
}

/** A new catalog (first load, or one pulled from the gateway between sales): keep the tab if it still exists. */
export function setCatalog(catalog: CatalogDto): void {
  const current = catalogStore.getState().categoryId;
  const keep = current !== null && catalog.categories.some((c) => c.id === current);
  catalogStore.setState({ catalog, categoryId: keep ? current : (sortedCategories(catalog)[0]?.id ?? null) });
}

export function selectCategory(categoryId: string): void {
  catalogStore.setState({ categoryId });
}
