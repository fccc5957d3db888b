import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogBody, type ProductDto } from '../contract/api';
import { findProduct, loadCatalog, replaceCatalog } from './catalog';
import { migrate } from './migrate';
import { terminalMigrations } from './migrations/index';
import { openDatabase, type Db } from './open';

type Import = CatalogBody;

const product = (
  id: string,
  categoryId: string,
  sort: number,
  price: number,
  barcode: string | null = null,
): ProductDto => ({
  id,
  categoryId,
  name: { en: `EN ${id}`, zh: `中 ${id}` },
  price,
  taxRateId: categoryId === 'merch' ? 'vat13' : 'vat6',
  barcode,
  sort,
  tags: [],
  minAge: null,
  depositId: null,
  variants: [],
  modifierGroupIds: [],
  combo: null,
});

/** Categories given out of order on purpose: the catalog orders them, not the import. */
function baseImport(): Import {
  return CatalogBody.parse({
    taxRates: [
      { id: 'vat6', name: { en: 'VAT 6%', zh: '增值税 6%' }, rateBp: 600, inclusive: true },
      { id: 'vat13', name: { en: 'VAT 13%', zh: '增值税 13%' }, rateBp: 1300, inclusive: true },
    ],
    categories: [
      { id: 'merch', name: { en: 'Merchandise', zh: '纪念品' }, color: '#7e22ce', sort: 3 },
      { id: 'food', name: { en: 'Food', zh: '食品' }, color: '#c2410c', sort: 1 },
      { id: 'drinks', name: { en: 'Drinks', zh: '饮料' }, color: '#0369a1', sort: 2 },
    ],
    products: [
      product('scarf', 'merch', 2, 12800, '6901234000024'),
      product('cap', 'merch', 1, 9900, '6901234000017'),
      product('cola', 'drinks', 1, 1200),
      product('fries', 'food', 2, 1800),
      product('hot-dog', 'food', 1, 2500, '6901234000031'),
      product('water', 'drinks', 2, 500),
    ],
  });
}

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
  migrate(db, terminalMigrations);
});
afterEach(() => db.close());

const ids = (c: CatalogBody): string[] => c.products.map((p) => p.id);

describe('replaceCatalog / loadCatalog', () => {
  it('round-trips an import, ordered by category sort then product sort', () => {
    const imp = baseImport();
    replaceCatalog(db, imp);
    const c = loadCatalog(db);
    expect(c.categories.map((x) => x.id)).toEqual(['food', 'drinks', 'merch']);
    expect(ids(c)).toEqual(['hot-dog', 'fries', 'cola', 'water', 'cap', 'scarf']);
    expect(c.taxRates).toEqual([...imp.taxRates].sort((a, b) => a.id.localeCompare(b.id)));
    expect(c.categories.find((x) => x.id === 'merch')).toEqual(imp.categories[0]);
    // every field survives the trip
    for (const p of imp.products) expect(c.products.find((x) => x.id === p.id)).toEqual(p);
  });

  it('hides products missing from a re-import and updates the others', () => {
    replaceCatalog(db, baseImport());
    const next = baseImport();
    next.products = next.products
      .filter((p) => p.id !== 'fries' && p.id !== 'scarf')
      .map((p) =>
        p.id === 'hot-dog'
          ? { ...p, price: 2800, name: { en: 'Jumbo hot dog', zh: '巨型热狗' }, sort: 9 }
          : p,
      );
    replaceCatalog(db, next);
    const c = loadCatalog(db);
    expect(ids(c)).toEqual(['hot-dog', 'cola', 'water', 'cap']);
    expect(c.products.find((p) => p.id === 'hot-dog')).toMatchObject({
      price: 2800,
      name: { en: 'Jumbo hot dog', zh: '巨型热狗' },
    });
    expect(findProduct(db, 'fries')).toBeUndefined();
    expect(findProduct(db, 'scarf')).toBeUndefined();
    expect(findProduct(db, 'hot-dog')?.price).toBe(2800);
  });

  it('brings a product back when a later import lists it again', () => {
    replaceCatalog(db, baseImport());
    const without = baseImport();
    without.products = without.products.filter((p) => p.id !== 'cola');
    replaceCatalog(db, without);
    expect(findProduct(db, 'cola')).toBeUndefined();
    replaceCatalog(db, baseImport());
    expect(findProduct(db, 'cola')?.price).toBe(1200);
    expect(ids(loadCatalog(db))).toContain('cola');
  });

  it('re-orders categories and updates tax rates on re-import', () => {
    replaceCatalog(db, baseImport());
    const next = baseImport();
    next.categories = next.categories.map((c) => (c.id === 'merch' ? { ...c, sort: 0 } : c));
    next.taxRates = next.taxRates.map((t) => (t.id === 'vat6' ? { ...t, rateBp: 900 } : t));
    replaceCatalog(db, next);
    const c = loadCatalog(db);
    expect(c.categories.map((x) => x.id)).toEqual(['merch', 'food', 'drinks']);
    expect(ids(c)).toEqual(['cap', 'scarf', 'hot-dog', 'fries', 'cola', 'water']);
    expect(findProduct(db, 'cola')?.tax.rateBp).toBe(900);
  });

  it('is atomic: a bad import changes nothing', () => {
    replaceCatalog(db, baseImport());
    const before = loadCatalog(db);
    const bad = baseImport();
    bad.products = [
      ...bad.products.map((p) => ({ ...p, price: p.price + 100 })),
      product('ghost', 'no-such-category', 1, 100),
    ];
    expect(() => replaceCatalog(db, bad)).toThrow(/FOREIGN KEY/);
    expect(loadCatalog(db)).toEqual(before);
  });

  it('drops a category that a re-import no longer has', () => {
    replaceCatalog(db, baseImport());
    const next = baseImport();
    next.categories = next.categories.filter((c) => c.id !== 'drinks');
    next.products = next.products.filter((p) => p.categoryId !== 'drinks');
    replaceCatalog(db, next);
    const c = loadCatalog(db);
    expect(ids(c)).toEqual(['hot-dog', 'fries', 'cap', 'scarf']);
    // The cashier would otherwise see an empty "Drinks" tab.
    expect(c.categories.map((x) => x.id)).toEqual(['food', 'merch']);
  });

  it('lets a barcode move from a removed product to a new one', () => {
    replaceCatalog(db, baseImport());
    const next = baseImport();
    // the cap is discontinued and its barcode re-used for a new beanie
    next.products = [
      ...next.products.filter((p) => p.id !== 'cap'),
      product('beanie', 'merch', 1, 8800, '6901234000017'),
    ];
    replaceCatalog(db, next);
    expect(findProduct(db, 'beanie')?.barcode).toBe('6901234000017');
    expect(findProduct(db, 'cap')).toBeUndefined();
  });
});

describe('findProduct', () => {
  it('returns an active product with its tax rate', () => {
    replaceCatalog(db, baseImport());
    expect(findProduct(db, 'scarf')).toEqual({
      ...product('scarf', 'merch', 2, 12800, '6901234000024'),
      tax: {
        id: 'vat13',
        name: { en: 'VAT 13%', zh: '增值税 13%' },
        rateBp: 1300,
        inclusive: true,
      },
    });
  });

  it('returns undefined for an unknown id', () => {
    replaceCatalog(db, baseImport());
    expect(findProduct(db, 'nope')).toBeUndefined();
    expect(findProduct(db, '')).toBeUndefined();
  });
});
