// Catalog storage: categories, products (zh/en names, prices, tax rates, barcodes).
import type { CatalogDto, CategoryDto, ProductDto, TaxRateDto } from '../contract/api';
import type { Db } from './open';
import { prep } from './statements';

interface ProductRow {
  id: string;
  category_id: string;
  name_en: string;
  name_zh: string;
  price: number;
  tax_rate_id: string;
  barcode: string | null;
  sort: number;
}

const toProduct = (r: ProductRow): ProductDto => ({
  id: r.id,
  categoryId: r.category_id,
  name: { en: r.name_en, zh: r.name_zh },
  price: r.price,
  taxRateId: r.tax_rate_id,
  barcode: r.barcode,
  sort: r.sort,
});

/** Replaces the whole catalog atomically (first start, later reference-data pulls). */
export function replaceCatalog(db: Db, catalog: Omit<CatalogDto, 'currency'>): void {
  db.transaction(() => {
    // Retire everything, then bring back what the import lists. Retired products give up their
    // barcodes so a code can move to a new product (or two products swap codes) in one import.
    prep(db, 'UPDATE products SET active = 0, barcode = NULL').run();
    prep(db, 'UPDATE categories SET active = 0').run();
    prep(db, 'UPDATE tax_rates SET active = 0').run();
    const upTax = prep(
      db,
      `INSERT INTO tax_rates (id, name_en, name_zh, rate_bp, inclusive, active) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, name_zh = excluded.name_zh,
         rate_bp = excluded.rate_bp, inclusive = excluded.inclusive, active = 1`,
    );
    for (const t of catalog.taxRates)
      upTax.run(t.id, t.name.en, t.name.zh, t.rateBp, t.inclusive ? 1 : 0);
    const upCat = prep(
      db,
      `INSERT INTO categories (id, name_en, name_zh, color, sort, active) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, name_zh = excluded.name_zh,
         color = excluded.color, sort = excluded.sort, active = 1`,
    );
    for (const c of catalog.categories) upCat.run(c.id, c.name.en, c.name.zh, c.color, c.sort);
    const upProd = prep(
      db,
      `INSERT INTO products (id, category_id, name_en, name_zh, price, tax_rate_id, barcode, active, sort)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
       ON CONFLICT (id) DO UPDATE SET category_id = excluded.category_id, name_en = excluded.name_en,
         name_zh = excluded.name_zh, price = excluded.price, tax_rate_id = excluded.tax_rate_id,
         barcode = excluded.barcode, active = 1, sort = excluded.sort`,
    );
    for (const p of catalog.products) {
      upProd.run(p.id, p.categoryId, p.name.en, p.name.zh, p.price, p.taxRateId, p.barcode, p.sort);
    }
  })();
}

export function loadCatalog(db: Db, currency: string): CatalogDto {
  const taxRates = (
    prep(
      db,
      'SELECT id, name_en, name_zh, rate_bp, inclusive FROM tax_rates WHERE active = 1 ORDER BY id',
    ).all() as {
      id: string;
      name_en: string;
      name_zh: string;
      rate_bp: number;
      inclusive: number;
    }[]
  ).map((r): TaxRateDto => ({
    id: r.id,
    name: { en: r.name_en, zh: r.name_zh },
    rateBp: r.rate_bp,
    inclusive: r.inclusive === 1,
  }));
  const categories = (
    prep(
      db,
      'SELECT id, name_en, name_zh, color, sort FROM categories WHERE active = 1 ORDER BY sort, id',
    ).all() as {
      id: string;
      name_en: string;
      name_zh: string;
      color: string;
      sort: number;
    }[]
  ).map((r): CategoryDto => ({
    id: r.id,
    name: { en: r.name_en, zh: r.name_zh },
    color: r.color,
    sort: r.sort,
  }));
  const products = (
    prep(
      db,
      `SELECT p.id, p.category_id, p.name_en, p.name_zh, p.price, p.tax_rate_id, p.barcode, p.sort
         FROM products p JOIN categories c ON c.id = p.category_id
         WHERE p.active = 1 ORDER BY c.sort, p.sort, p.id`,
    ).all() as ProductRow[]
  ).map(toProduct);
  return { currency, categories, products, taxRates };
}

export function findProduct(db: Db, id: string): (ProductDto & { tax: TaxRateDto }) | undefined {
  const row = prep(
    db,
    `SELECT p.id, p.category_id, p.name_en, p.name_zh, p.price, p.tax_rate_id, p.barcode, p.sort,
              t.name_en AS t_en, t.name_zh AS t_zh, t.rate_bp, t.inclusive
       FROM products p JOIN tax_rates t ON t.id = p.tax_rate_id WHERE p.id = ? AND p.active = 1`,
  ).get(id) as
    (ProductRow & { t_en: string; t_zh: string; rate_bp: number; inclusive: number }) | undefined;
  if (!row) return undefined;
  return {
    ...toProduct(row),
    tax: {
      id: row.tax_rate_id,
      name: { en: row.t_en, zh: row.t_zh },
      rateBp: row.rate_bp,
      inclusive: row.inclusive === 1,
    },
  };
}
