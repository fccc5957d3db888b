// The catalog as CSV, one row per product (docs/catalog-import.md), for venues that keep their
// price list in a spreadsheet. Categories and tax rates are gathered from the rows; a category or
// tax rate that two rows describe differently is an error, not a guess.
import type { CatalogBody, CategoryDto, ProductDto, TaxRateDto } from './api';
import { parseCsv } from './csv';
import { defaultDiscountLimits } from './menu';
import { parseMajor } from './money';

export const CATALOG_CSV_COLUMNS = [
  'product_id',
  'category_id',
  'category_en',
  'category_zh',
  'name_en',
  'name_zh',
  'price',
  'tax_rate_id',
  'tax_rate_bp',
  'tax_inclusive',
  'barcode',
] as const;

type Column = (typeof CATALOG_CSV_COLUMNS)[number];

export type { CatalogBody };

export interface CatalogCsvProblem {
  /** 1-based line of the CSV text (the header is line 1). */
  line: number;
  message: string;
}

export type CatalogCsvResult =
  { ok: true; catalog: CatalogBody } | { ok: false; problems: CatalogCsvProblem[] };

/** Category colours, assigned in order of first appearance (the CSV has no colour column). */
const PALETTE = [
  '#c2410c',
  '#a16207',
  '#0369a1',
  '#4d7c0f',
  '#7e22ce',
  '#334155',
  '#be123c',
  '#0f766e',
];

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BARCODE = /^[0-9A-Za-z-]{1,32}$/;
const MAX_PROBLEMS = 50;

function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', '1', 'y'].includes(t)) return true;
  if (['false', 'no', '0', 'n'].includes(t)) return false;
  return undefined;
}

function percent(bp: number): string {
  return String(bp / 100);
}

/**
 * Reads a catalog CSV. Prices are major units of `currency` ("12.50"), read exactly with
 * parseMajor; more decimals than the currency has is an error.
 */
export function parseCatalogCsv(text: string, currency: string): CatalogCsvResult {
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, problems: [{ line: parsed.line, message: parsed.message }] };
  const [header, ...body] = parsed.rows;
  if (!header)
    return {
      ok: false,
      problems: [{ line: 1, message: 'the file is empty; the first line must be the header' }],
    };
  const names = header.map((h) => h.trim().toLowerCase());
  const index = new Map<Column, number>();
  for (const col of CATALOG_CSV_COLUMNS) {
    const i = names.indexOf(col);
    if (i < 0)
      return { ok: false, problems: [{ line: 1, message: `the header has no "${col}" column` }] };
    index.set(col, i);
  }

  const problems: CatalogCsvProblem[] = [];
  const categories = new Map<string, CategoryDto>();
  const taxRates = new Map<string, TaxRateDto & { line: number }>();
  const products: ProductDto[] = [];
  const productLines = new Map<string, number>();
  const barcodes = new Map<string, string>();
  const sortInCategory = new Map<string, number>();

  body.forEach((row, r) => {
    // Rows are counted from the parsed rows: a quoted line break makes this approximate, but a
    // product id is in every message too.
    const line = r + 2;
    const get = (col: Column): string => (row[index.get(col) ?? -1] ?? '').trim();
    const problem = (message: string): void => {
      if (problems.length < MAX_PROBLEMS) problems.push({ line, message });
    };
    const id = get('product_id');
    if (!ID.test(id))
      return problem(`product_id "${id}" must be 1–64 letters, digits, ".", "_" or "-"`);
    const seen = productLines.get(id);
    if (seen !== undefined) return problem(`product ${id} is also on line ${seen}`);
    productLines.set(id, line);

    const categoryId = get('category_id');
    if (!ID.test(categoryId))
      return problem(`product ${id}: category_id "${categoryId}" is not a valid id`);
    const catName = { en: get('category_en'), zh: get('category_zh') };
    if (!catName.en || !catName.zh)
      return problem(`product ${id}: category_en and category_zh are required`);
    const category = categories.get(categoryId);
    if (!category) {
      categories.set(categoryId, {
        id: categoryId,
        name: catName,
        color: PALETTE[categories.size % PALETTE.length] ?? '#334155',
        sort: categories.size + 1,
      });
    } else if (category.name.en !== catName.en || category.name.zh !== catName.zh) {
      return problem(
        `product ${id}: category ${categoryId} is named differently on an earlier line`,
      );
    }

    const name = { en: get('name_en'), zh: get('name_zh') };
    if (!name.en || !name.zh) return problem(`product ${id}: name_en and name_zh are required`);

    let price: number;
    try {
      price = parseMajor(get('price'), currency);
    } catch (e) {
      return problem(`product ${id}: price: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (price < 0) return problem(`product ${id}: price must not be negative`);

    const taxRateId = get('tax_rate_id');
    if (!ID.test(taxRateId))
      return problem(`product ${id}: tax_rate_id "${taxRateId}" is not a valid id`);
    const bpText = get('tax_rate_bp');
    const rateBp = /^\d{1,5}$/.test(bpText) ? Number(bpText) : NaN;
    if (!(rateBp >= 0 && rateBp <= 10_000)) {
      return problem(
        `product ${id}: tax_rate_bp "${bpText}" must be basis points 0–10000 (600 = 6 %)`,
      );
    }
    const inclusive = parseBool(get('tax_inclusive'));
    if (inclusive === undefined)
      return problem(`product ${id}: tax_inclusive must be true or false`);
    const rate = taxRates.get(taxRateId);
    if (!rate) {
      const pct = percent(rateBp);
      taxRates.set(taxRateId, {
        id: taxRateId,
        name: {
          en: `Tax ${pct}%${inclusive ? ' incl.' : ''}`,
          zh: `税率 ${pct}%${inclusive ? '（含税）' : ''}`,
        },
        rateBp,
        inclusive,
        line,
      });
    } else if (rate.rateBp !== rateBp || rate.inclusive !== inclusive) {
      return problem(`product ${id}: tax rate ${taxRateId} differs from line ${rate.line}`);
    }

    const barcodeText = get('barcode');
    let barcode: string | null = null;
    if (barcodeText) {
      if (!BARCODE.test(barcodeText))
        return problem(`product ${id}: barcode "${barcodeText}" is not a barcode`);
      const other = barcodes.get(barcodeText);
      if (other) return problem(`product ${id}: barcode ${barcodeText} also belongs to ${other}`);
      barcodes.set(barcodeText, id);
      barcode = barcodeText;
    }

    const sort = (sortInCategory.get(categoryId) ?? 0) + 1;
    sortInCategory.set(categoryId, sort);
    products.push({
      id,
      categoryId,
      name,
      price,
      taxRateId,
      barcode,
      sort,
      tags: [],
      minAge: null,
      depositId: null,
      variants: [],
      modifierGroupIds: [],
      combo: null,
    });
  });

  if (problems.length > 0) return { ok: false, problems };
  if (products.length === 0)
    return { ok: false, problems: [{ line: 2, message: 'the file has no products' }] };
  return {
    ok: true,
    catalog: {
      categories: [...categories.values()],
      products,
      taxRates: [...taxRates.values()].map(({ line: _line, ...rate }) => rate),
      modifierGroups: [],
      deposits: [],
      reasons: [],
      discountLimits: defaultDiscountLimits,
      priceLevels: [],
    },
  };
}
