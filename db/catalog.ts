// Catalog storage: categories, products (zh/en names, prices, tax rates, barcodes, tags, sizes,
// modifier groups, combos, deposits). The catalog's other parts (modifier groups, deposits,
// discount reasons and limits, price levels) are read whole, so they live in one settings row.
import type { CatalogBody, CategoryDto, ProductDto, TaxRateDto } from '../contract/api';
import {
  ComboDto,
  VariantDto,
  defaultDiscountLimits,
  type DepositDto,
  type DiscountLimits,
  type DiscountReasonDto,
  type ModifierGroupDto,
  type PriceLevelDto,
} from '../contract/menu';
import type { Db } from './open';
import { getSetting, setSetting } from './settings';
import { prep } from './statements';

const EXTRAS_SETTING = 'catalog_extras';

/** The catalog parts that are not rows of their own. */
export interface CatalogExtras {
  modifierGroups: ModifierGroupDto[];
  deposits: DepositDto[];
  reasons: DiscountReasonDto[];
  discountLimits: DiscountLimits;
  priceLevels: PriceLevelDto[];
}

interface ProductRow {
  id: string;
  category_id: string;
  name_en: string;
  name_zh: string;
  price: number;
  tax_rate_id: string;
  barcode: string | null;
  sort: number;
  tags: string;
  min_age: number | null;
  deposit_id: string | null;
  variants: string;
  modifier_group_ids: string;
  combo: string | null;
}

const PRODUCT_COLUMNS =
  'p.id, p.category_id, p.name_en, p.name_zh, p.price, p.tax_rate_id, p.barcode, p.sort, p.tags, p.min_age, p.deposit_id, p.variants, p.modifier_group_ids, p.combo';

const toProduct = (r: ProductRow): ProductDto => ({
  id: r.id,
  categoryId: r.category_id,
  name: { en: r.name_en, zh: r.name_zh },
  price: r.price,
  taxRateId: r.tax_rate_id,
  barcode: r.barcode,
  sort: r.sort,
  tags: JSON.parse(r.tags) as string[],
  minAge: r.min_age,
  depositId: r.deposit_id,
  variants: (JSON.parse(r.variants) as unknown[]).map((v) => VariantDto.parse(v)),
  modifierGroupIds: JSON.parse(r.modifier_group_ids) as string[],
  combo: r.combo === null ? null : ComboDto.parse(JSON.parse(r.combo)),
});

/**
 * Replaces the whole catalog atomically (first start, later reference-data pulls). The caller
 * has validated it (CatalogBody, checkCatalog).
 */
export function replaceCatalog(db: Db, catalog: CatalogBody): void {
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
      `INSERT INTO products (id, category_id, name_en, name_zh, price, tax_rate_id, barcode, active, sort,
                             tags, min_age, deposit_id, variants, modifier_group_ids, combo)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET category_id = excluded.category_id, name_en = excluded.name_en,
         name_zh = excluded.name_zh, price = excluded.price, tax_rate_id = excluded.tax_rate_id,
         barcode = excluded.barcode, active = 1, sort = excluded.sort, tags = excluded.tags,
         min_age = excluded.min_age, deposit_id = excluded.deposit_id, variants = excluded.variants,
         modifier_group_ids = excluded.modifier_group_ids, combo = excluded.combo`,
    );
    for (const p of catalog.products) {
      upProd.run(
        p.id,
        p.categoryId,
        p.name.en,
        p.name.zh,
        p.price,
        p.taxRateId,
        p.barcode,
        p.sort,
        JSON.stringify(p.tags),
        p.minAge,
        p.depositId,
        JSON.stringify(p.variants),
        JSON.stringify(p.modifierGroupIds),
        p.combo === null ? null : JSON.stringify(p.combo),
      );
    }
    const extras: CatalogExtras = {
      modifierGroups: catalog.modifierGroups,
      deposits: catalog.deposits,
      reasons: catalog.reasons,
      discountLimits: catalog.discountLimits,
      priceLevels: catalog.priceLevels,
    };
    setSetting(db, EXTRAS_SETTING, extras);
  })();
}

export function catalogExtras(db: Db): CatalogExtras {
  return (
    getSetting<CatalogExtras>(db, EXTRAS_SETTING) ?? {
      modifierGroups: [],
      deposits: [],
      reasons: [],
      discountLimits: defaultDiscountLimits,
      priceLevels: [],
    }
  );
}

export function loadCatalog(db: Db): CatalogBody {
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
      `SELECT ${PRODUCT_COLUMNS}
         FROM products p JOIN categories c ON c.id = p.category_id
         WHERE p.active = 1 ORDER BY c.sort, p.sort, p.id`,
    ).all() as ProductRow[]
  ).map(toProduct);
  return { categories, products, taxRates, ...catalogExtras(db) };
}

export type CatalogProduct = ProductDto & { tax: TaxRateDto };

export function findProduct(db: Db, id: string): CatalogProduct | undefined {
  const row = prep(
    db,
    `SELECT ${PRODUCT_COLUMNS}, t.name_en AS t_en, t.name_zh AS t_zh, t.rate_bp, t.inclusive
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

// ---------- sold out at this counter ----------

export function setSoldOut(db: Db, productId: string, soldOut: boolean, at: string, by: string): void {
  if (soldOut) {
    prep(
      db,
      'INSERT INTO sold_out (product_id, marked_at, marked_by) VALUES (?, ?, ?) ON CONFLICT (product_id) DO NOTHING',
    ).run(productId, at, by);
  } else {
    prep(db, 'DELETE FROM sold_out WHERE product_id = ?').run(productId);
  }
}

export function soldOutHere(db: Db): string[] {
  return (prep(db, 'SELECT product_id FROM sold_out ORDER BY product_id').all() as { product_id: string }[]).map(
    (r) => r.product_id,
  );
}
