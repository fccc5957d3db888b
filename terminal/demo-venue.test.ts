import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CatalogBody } from '../contract/api';
import { checkCatalog } from '../contract/catalog-check';
import { catalogToCsvFiles, parseCatalogCsvFiles } from '../contract/catalog-csv';
import { VenueConfig } from '../contract/venue';
import { demoCatalog, demoVenueConfig, ean13 } from './demo-venue';

const examples = fileURLToPath(new URL('../docs/examples/', import.meta.url));
const csvDir = path.join(examples, 'demo-catalog-csv');
const csvFiles = (): Record<string, string> =>
  Object.fromEntries(
    readdirSync(csvDir).map((f) => [f, readFileSync(path.join(csvDir, f), 'utf8')] as const),
  );

/**
 * EAN-13 validity, written independently of ean13(): weighting the 13 digits 1,3,1,3,…,1 from
 * the left, a valid code's weighted sum is a multiple of 10 (GS1 General Specifications §7.9).
 */
function validEan13(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(code[i]) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

const HAN = /\p{Script=Han}/u;
const { products, categories, taxRates } = demoCatalog;

describe('ean13', () => {
  it.each([
    ['400638133393', '4006381333931'], // a widely published retail example
    ['590123412345', '5901234123457'], // GS1's own example
    // 6·1 + 9·3 + 0·1 + 1·3 + 2·1 + 3·3 + 4·1 + 0 + 0 + 0 + 0 + 1·3 = 54 → check digit 10 − 4 = 6
    ['690123400001', '6901234000016'],
    ['000000000000', '0000000000000'],
  ])('%s → %s', (first12, full) => {
    expect(ean13(first12)).toBe(full);
    expect(validEan13(full)).toBe(true);
  });

  it.each(['12345678901', '1234567890123', '12345678901a', ''])('refuses "%s"', (bad) => {
    expect(() => ean13(bad)).toThrow(RangeError);
  });

  it('the independent check rejects a changed digit', () => {
    expect(validEan13('4006381333932')).toBe(false);
    expect(validEan13('4006381333391')).toBe(false); // two digits swapped
  });
});

describe('demo venue', () => {
  it('is a valid venue configuration and catalog for the contract', () => {
    expect(VenueConfig.safeParse(demoVenueConfig).success).toBe(true);
    expect(CatalogBody.safeParse(demoCatalog).success).toBe(true);
    expect(demoCatalog.currency).toBe(demoVenueConfig.currency);
    expect(demoVenueConfig).toMatchObject({
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      dayChange: '06:00',
    });
  });

  it('has about 60 products in 6 categories with two tax rates', () => {
    expect(products.length).toBeGreaterThanOrEqual(55);
    expect(products.length).toBeLessThanOrEqual(65);
    expect(categories).toHaveLength(6);
    expect(taxRates).toHaveLength(2);
    expect(new Set(taxRates.map((t) => t.rateBp))).toEqual(new Set([600, 1300]));
    // every category has something to sell
    for (const c of categories)
      expect(
        products.some((p) => p.categoryId === c.id),
        c.id,
      ).toBe(true);
  });

  it('names every product, category and tax rate in English and Chinese', () => {
    for (const item of [...products, ...categories, ...taxRates]) {
      expect(item.name.en.trim(), item.id).not.toBe('');
      expect(item.name.en, item.id).not.toMatch(HAN);
      expect(item.name.zh, item.id).toMatch(HAN);
    }
  });

  it('gives every product a valid, unique EAN-13 barcode and a unique id', () => {
    const barcodes = products.map((p) => p.barcode);
    for (const p of products)
      expect(validEan13(p.barcode ?? ''), `${p.id} ${p.barcode}`).toBe(true);
    expect(new Set(barcodes).size).toBe(products.length);
    expect(new Set(products.map((p) => p.id)).size).toBe(products.length);
    expect(new Set(categories.map((c) => c.id)).size).toBe(categories.length);
    expect(new Set(taxRates.map((t) => t.id)).size).toBe(taxRates.length);
  });

  it('references only existing categories and tax rates, with sane prices and sort orders', () => {
    const categoryIds = new Set(categories.map((c) => c.id));
    const rateIds = new Set(taxRates.map((t) => t.id));
    for (const p of products) {
      expect(categoryIds.has(p.categoryId), p.id).toBe(true);
      expect(rateIds.has(p.taxRateId), p.id).toBe(true);
      expect(Number.isInteger(p.price) && p.price > 0, p.id).toBe(true);
      // CNY shelf prices in whole jiao: cash rounding to 0.10 never touches a single item
      expect(p.price % demoVenueConfig.cashRounding, p.id).toBe(0);
    }
    expect(categories.map((c) => c.sort)).toEqual(
      [...categories.map((c) => c.sort)].sort((a, b) => a - b),
    );
  });
});

describe('the demo catalog is the documented example (docs/examples)', () => {
  const { currency, ...body } = demoCatalog;

  it('is docs/examples/demo-catalog.json, and passes checkCatalog', () => {
    const json: unknown = JSON.parse(
      readFileSync(path.join(examples, 'demo-catalog.json'), 'utf8'),
    );
    expect(CatalogBody.parse(json)).toEqual(body);
    expect(checkCatalog(body)).toEqual({ ok: true });
  });

  it('imports from the CSV directory to the same catalog as from the JSON', () => {
    const result = parseCatalogCsvFiles(csvFiles(), currency);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.catalog).toEqual(body);
  });

  it('keeps the CSV files as the writer writes them (no hand edits drifting from the JSON)', () => {
    const files = csvFiles();
    const written = catalogToCsvFiles(body, currency);
    expect(Object.keys(files).sort()).toEqual(Object.keys(written).sort());
    for (const [name, text] of Object.entries(written)) expect(files[name], name).toBe(text);
  });

  it('shows what the import format documents: sizes with a cup deposit, options, a combo, staff meal, price levels, alcohol', () => {
    const byId = new Map(products.map((p) => [p.id, p]));
    const lager = byId.get('draft-lager')!;
    expect(lager.variants.map((v) => v.id)).toEqual(['regular', 'large']);
    expect(lager).toMatchObject({ depositId: 'cup', minAge: 18, tags: ['alcohol', 'beer'] });
    expect(lager.variants[1]?.depositId).toBe('cup-large');
    expect(byId.get('cheeseburger')?.modifierGroupIds).toEqual(['burger-cook', 'burger-extras']);
    const meal = byId.get('burger-meal')!;
    expect(meal.combo?.slots.map((s) => s.id)).toEqual(['main', 'side', 'drink']);
    expect(body.reasons.find((r) => r.code === 'staff-meal')?.kind).toBe('staff_meal');
    expect(body.priceLevels.map((l) => l.id)).toEqual(['happy-hour', 'vip-lounge']);
    for (const p of products) {
      if (p.tags.includes('alcohol')) expect(p.minAge, p.id).toBe(18);
    }
  });
});
