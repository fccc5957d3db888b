// The catalog as CSV (docs/catalog-import.md), for venues that keep their price list in a
// spreadsheet. One file, one row per product (parseCatalogCsv), as since the first version; or a
// set of files (a directory: products.csv plus categories.csv, tax-rates.csv, variants.csv,
// modifiers.csv, deposits.csv, combos.csv, reasons.csv, price-levels.csv, discount-limits.csv)
// that says everything the JSON form says (parseCatalogCsvFiles). Money is in major units of the
// venue currency, read exactly. Whatever is read is checked with the CatalogBody schema and
// checkCatalog, and every problem names its file and line.
import { CatalogBody, type CategoryDto, type ProductDto, type TaxRateDto } from './api';
import { checkCatalog } from './catalog-check';
import { csvField, csvLine, parseCsv } from './csv';
import {
  defaultDiscountLimits,
  type ComboSlotDto,
  type DepositDto,
  type DiscountLimits,
  type DiscountReasonDto,
  type ModifierGroupDto,
  type PriceLevelDto,
  type VariantDto,
} from './menu';
import { formatMajor, parseMajor } from './money';

/** The columns a one-file catalog must have (the first version's format, still accepted as is). */
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

/** Optional columns of products.csv. Lists (`tags`, `modifier_groups`) are separated by `|`. */
export const PRODUCT_OPTIONAL_COLUMNS = [
  'sort',
  'tags',
  'min_age',
  'deposit',
  'modifier_groups',
] as const;

/** The files of a catalog directory; only products.csv is required. */
export const CATALOG_CSV_FILES = [
  'products.csv',
  'categories.csv',
  'tax-rates.csv',
  'variants.csv',
  'modifiers.csv',
  'deposits.csv',
  'combos.csv',
  'reasons.csv',
  'price-levels.csv',
  'discount-limits.csv',
] as const;
export type CatalogCsvFile = (typeof CATALOG_CSV_FILES)[number];

export type { CatalogBody };

export interface CatalogCsvProblem {
  /** The file, when the catalog came as several files. */
  file?: string;
  /** 1-based line of the CSV text (the header is line 1). */
  line: number;
  message: string;
}

export type CatalogCsvResult =
  { ok: true; catalog: CatalogBody } | { ok: false; problems: CatalogCsvProblem[] };

/** "products.csv:5: …" or "line 5: …", for messages. */
export function formatCsvProblem(p: CatalogCsvProblem): string {
  return p.file ? `${p.file}:${p.line}: ${p.message}` : `line ${p.line}: ${p.message}`;
}

/** Category colours, assigned in order of first appearance when no categories.csv gives them. */
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
/** In variants.csv `deposit`: this size has no deposit even though its product has one. */
const NO_DEPOSIT = '-';

function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', '1', 'y'].includes(t)) return true;
  if (['false', 'no', '0', 'n'].includes(t)) return false;
  return undefined;
}

function percent(bp: number): string {
  return String(bp / 100);
}

const list = (text: string): string[] =>
  text
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '');

type Problem = (message: string) => void;

class Problems {
  readonly list: CatalogCsvProblem[] = [];
  add(file: string | undefined, line: number, message: string): void {
    if (this.list.length < MAX_PROBLEMS)
      this.list.push({ ...(file ? { file } : {}), line, message });
  }
}

interface Row {
  line: number;
  get: (col: string) => string;
  problem: Problem;
}

interface Table {
  has: (col: string) => boolean;
  rows: Row[];
}

/** Reads one CSV text; null (with a problem) when it cannot be read or lacks a required column. */
function readTable(
  text: string,
  file: string | undefined,
  required: readonly string[],
  problems: Problems,
): Table | null {
  const parsed = parseCsv(text);
  if (!parsed.ok) {
    problems.add(file, parsed.line, parsed.message);
    return null;
  }
  const [header, ...body] = parsed.rows;
  if (!header) {
    problems.add(file, 1, 'the file is empty; the first line must be the header');
    return null;
  }
  const names = header.map((h) => h.trim().toLowerCase());
  for (const col of required) {
    if (!names.includes(col)) {
      problems.add(file, 1, `the header has no "${col}" column`);
      return null;
    }
  }
  const index = new Map(names.map((n, i) => [n, i] as const));
  return {
    has: (col) => index.has(col),
    // Rows are counted from the parsed rows: a quoted line break makes this approximate, but the
    // row's id is in every message too.
    rows: body.map((row, r) => {
      const line = r + 2;
      return {
        line,
        get: (col) => (row[index.get(col) ?? -1] ?? '').trim(),
        problem: (message) => problems.add(file, line, message),
      };
    }),
  };
}

/** Reads a money column; undefined (with a problem) when it is not an amount of the currency. */
function money(
  row: Row,
  col: string,
  currency: string,
  what: string,
  empty?: number,
): number | undefined {
  const text = row.get(col);
  if (text === '' && empty !== undefined) return empty;
  try {
    return parseMajor(text, currency);
  } catch (e) {
    row.problem(`${what}: ${col}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** Reads a whole-number column in [min, max]; `empty` when blank and allowed. */
function whole(
  row: Row,
  col: string,
  min: number,
  max: number,
  what: string,
  empty?: number | null,
): number | null | undefined {
  const text = row.get(col);
  if (text === '' && empty !== undefined) return empty;
  const n = /^-?\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) {
    row.problem(`${what}: ${col} "${text}" must be a whole number ${min}–${max}`);
    return undefined;
  }
  return n;
}

function named(
  row: Row,
  en: string,
  zh: string,
  what: string,
): { en: string; zh: string } | undefined {
  const name = { en: row.get(en), zh: row.get(zh) };
  if (!name.en || !name.zh) {
    row.problem(`${what}: ${en} and ${zh} are required`);
    return undefined;
  }
  return name;
}

/**
 * A value given on the first row of a group (modifier group, combo slot, price level) and either
 * repeated or left empty on its later rows.
 */
function sameAsBefore(row: Row, what: string, col: string, before: string, now: string): void {
  if (now !== '' && now !== before)
    row.problem(`${what}: ${col} "${now}" differs from its first row ("${before}")`);
}

interface Where {
  file: string | undefined;
  line: number;
}

/** Where each part of the assembled catalog came from, by its JSON path. */
class Origins {
  private readonly map = new Map<string, Where>();
  set(path: string, where: Where): void {
    if (!this.map.has(path)) this.map.set(path, where);
  }
  /** The nearest recorded origin of a path (its own, else its parent's). */
  find(path: string): Where | undefined {
    for (let p = path; p !== ''; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '')) {
      const hit = this.map.get(p);
      if (hit) return hit;
      if (!/(\.[^.[\]]+|\[\d+\])$/.test(p)) break;
    }
    return undefined;
  }
}

const zodPath = (path: readonly PropertyKey[]): string =>
  path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`))
    .join('');

interface ProductsRead {
  products: ProductDto[];
  categories: CategoryDto[];
  taxRates: TaxRateDto[];
}

/**
 * products.csv (or the one-file catalog). Categories and tax rates are gathered from the rows
 * unless their own files give them; a category or tax rate that two rows describe differently is
 * an error, not a guess.
 */
function readProducts(
  table: Table,
  currency: string,
  own: { categories: boolean; taxRates: boolean },
  file: string | undefined,
  origins: Origins,
): ProductsRead {
  const categories = new Map<string, CategoryDto>();
  const taxRates = new Map<string, TaxRateDto & { line: number }>();
  const products: ProductDto[] = [];
  const productLines = new Map<string, number>();
  const barcodes = new Map<string, string>();
  const sortInCategory = new Map<string, number>();

  for (const row of table.rows) {
    const { get, problem, line } = row;
    const id = get('product_id');
    if (!ID.test(id)) {
      problem(`product_id "${id}" must be 1–64 letters, digits, ".", "_" or "-"`);
      continue;
    }
    const seen = productLines.get(id);
    if (seen !== undefined) {
      problem(`product ${id} is also on line ${seen}`);
      continue;
    }
    productLines.set(id, line);
    const fail = (message: string): void => problem(`product ${id}: ${message}`);

    const categoryId = get('category_id');
    if (!ID.test(categoryId)) {
      fail(`category_id "${categoryId}" is not a valid id`);
      continue;
    }
    if (!own.categories) {
      const catName = { en: get('category_en'), zh: get('category_zh') };
      if (!catName.en || !catName.zh) {
        fail('category_en and category_zh are required');
        continue;
      }
      const category = categories.get(categoryId);
      if (!category) {
        categories.set(categoryId, {
          id: categoryId,
          name: catName,
          color: PALETTE[categories.size % PALETTE.length] ?? '#334155',
          sort: categories.size + 1,
        });
      } else if (category.name.en !== catName.en || category.name.zh !== catName.zh) {
        fail(`category ${categoryId} is named differently on an earlier line`);
        continue;
      }
    }

    const name = { en: get('name_en'), zh: get('name_zh') };
    if (!name.en || !name.zh) {
      fail('name_en and name_zh are required');
      continue;
    }

    let price: number;
    try {
      price = parseMajor(get('price'), currency);
    } catch (e) {
      fail(`price: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (price < 0) {
      fail('price must not be negative');
      continue;
    }

    const taxRateId = get('tax_rate_id');
    if (!ID.test(taxRateId)) {
      fail(`tax_rate_id "${taxRateId}" is not a valid id`);
      continue;
    }
    if (!own.taxRates) {
      const bpText = get('tax_rate_bp');
      const rateBp = /^\d{1,5}$/.test(bpText) ? Number(bpText) : NaN;
      if (!(rateBp >= 0 && rateBp <= 10_000)) {
        fail(`tax_rate_bp "${bpText}" must be basis points 0–10000 (600 = 6 %)`);
        continue;
      }
      const inclusive = parseBool(get('tax_inclusive'));
      if (inclusive === undefined) {
        fail('tax_inclusive must be true or false');
        continue;
      }
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
        fail(`tax rate ${taxRateId} differs from line ${rate.line}`);
        continue;
      }
    }

    const barcodeText = get('barcode');
    let barcode: string | null = null;
    if (barcodeText) {
      if (!BARCODE.test(barcodeText)) {
        fail(`barcode "${barcodeText}" is not a barcode`);
        continue;
      }
      const other = barcodes.get(barcodeText);
      if (other) {
        fail(`barcode ${barcodeText} also belongs to ${other}`);
        continue;
      }
      barcodes.set(barcodeText, id);
      barcode = barcodeText;
    }

    const minAge = whole(row, 'min_age', 1, 99, `product ${id}`, null);
    const sortGiven = whole(row, 'sort', -1_000_000, 1_000_000, `product ${id}`, null);
    if (minAge === undefined || sortGiven === undefined) continue;
    const deposit = get('deposit');

    const sort = (sortInCategory.get(categoryId) ?? 0) + 1;
    sortInCategory.set(categoryId, sort);
    origins.set(`products[${products.length}]`, { file, line });
    products.push({
      id,
      categoryId,
      name,
      price,
      taxRateId,
      barcode,
      sort: sortGiven ?? sort,
      tags: list(get('tags')),
      minAge,
      depositId: deposit === '' ? null : deposit,
      variants: [],
      modifierGroupIds: list(get('modifier_groups')),
      combo: null,
    });
  }
  return {
    products,
    categories: [...categories.values()],
    taxRates: [...taxRates.values()].map(({ line: _line, ...rate }) => rate),
  };
}

/** Schema and cross-reference checks of the assembled catalog, reported where each part came from. */
function finish(
  draft: CatalogBody,
  origins: Origins,
  problems: Problems,
  fallbackFile: string | undefined,
): CatalogCsvResult {
  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  if (draft.products.length === 0) {
    return {
      ok: false,
      problems: [
        {
          ...(fallbackFile ? { file: fallbackFile } : {}),
          line: 2,
          message: 'the file has no products',
        },
      ],
    };
  }
  const at = (path: string): Where => origins.find(path) ?? { file: fallbackFile, line: 1 };
  const parsed = CatalogBody.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = zodPath(issue.path);
      const where = at(path);
      problems.add(where.file, where.line, `${path}: ${issue.message}`);
    }
    return { ok: false, problems: problems.list };
  }
  const check = checkCatalog(parsed.data);
  if (!check.ok) {
    for (const p of check.problems) {
      const where = at(p.path);
      problems.add(where.file, where.line, p.message);
    }
    return { ok: false, problems: problems.list };
  }
  return { ok: true, catalog: parsed.data };
}

/**
 * Reads a one-file catalog CSV. Prices are major units of `currency` ("12.50"), read exactly with
 * parseMajor; more decimals than the currency has is an error. The optional columns `sort`,
 * `tags`, `min_age`, `deposit` and `modifier_groups` may be present; deposits and modifier groups
 * they name must be defined, which only a catalog directory can do (parseCatalogCsvFiles).
 */
export function parseCatalogCsv(text: string, currency: string): CatalogCsvResult {
  const problems = new Problems();
  const table = readTable(text, undefined, CATALOG_CSV_COLUMNS, problems);
  if (!table) return { ok: false, problems: problems.list };
  const origins = new Origins();
  const read = readProducts(
    table,
    currency,
    { categories: false, taxRates: false },
    undefined,
    origins,
  );
  return finish(
    {
      categories: read.categories,
      products: read.products,
      taxRates: read.taxRates,
      modifierGroups: [],
      deposits: [],
      reasons: [],
      discountLimits: defaultDiscountLimits,
      priceLevels: [],
    },
    origins,
    problems,
    undefined,
  );
}

/**
 * Reads a catalog given as several CSV files, by file name (CATALOG_CSV_FILES; products.csv is
 * required, any other file is optional, an unknown name is an error so a misspelt file is not
 * silently ignored). Problems name the file and line.
 */
export function parseCatalogCsvFiles(
  files: Readonly<Record<string, string>>,
  currency: string,
): CatalogCsvResult {
  const problems = new Problems();
  const origins = new Origins();
  for (const name of Object.keys(files)) {
    if (!(CATALOG_CSV_FILES as readonly string[]).includes(name)) {
      problems.add(name, 1, `unknown catalog file; the files are ${CATALOG_CSV_FILES.join(', ')}`);
    }
  }
  const products = files['products.csv'];
  if (products === undefined) {
    problems.add('products.csv', 1, 'products.csv is required');
    return { ok: false, problems: problems.list };
  }
  const table = (file: CatalogCsvFile, required: readonly string[]): Table | null => {
    const text = files[file];
    return text === undefined ? null : readTable(text, file, required, problems);
  };

  // ---- categories.csv, tax-rates.csv: else gathered from products.csv ----
  const categoriesTable = table('categories.csv', ['category_id', 'name_en', 'name_zh']);
  const taxTable = table('tax-rates.csv', [
    'tax_rate_id',
    'name_en',
    'name_zh',
    'rate_bp',
    'inclusive',
  ]);
  const own = {
    categories: files['categories.csv'] !== undefined,
    taxRates: files['tax-rates.csv'] !== undefined,
  };
  const required = CATALOG_CSV_COLUMNS.filter(
    (c) =>
      c !== 'barcode' &&
      !(own.categories && (c === 'category_en' || c === 'category_zh')) &&
      !(own.taxRates && (c === 'tax_rate_bp' || c === 'tax_inclusive')),
  );
  const productsTable = readTable(products, 'products.csv', required, problems);
  const read = productsTable
    ? readProducts(productsTable, currency, own, 'products.csv', origins)
    : { products: [], categories: [], taxRates: [] };

  const categories: CategoryDto[] = own.categories ? [] : read.categories;
  for (const row of categoriesTable?.rows ?? []) {
    const id = row.get('category_id');
    const name = named(row, 'name_en', 'name_zh', `category ${id}`);
    const sort = whole(row, 'sort', -1_000_000, 1_000_000, `category ${id}`, categories.length + 1);
    if (!name || sort === undefined || sort === null) continue;
    origins.set(`categories[${categories.length}]`, { file: 'categories.csv', line: row.line });
    const color = row.get('color') || (PALETTE[categories.length % PALETTE.length] ?? '#334155');
    categories.push({ id, name, color, sort });
  }

  const taxRates: TaxRateDto[] = own.taxRates ? [] : read.taxRates;
  for (const row of taxTable?.rows ?? []) {
    const id = row.get('tax_rate_id');
    const name = named(row, 'name_en', 'name_zh', `tax rate ${id}`);
    const rateBp = whole(row, 'rate_bp', 0, 10_000, `tax rate ${id}`);
    const inclusive = parseBool(row.get('inclusive'));
    if (inclusive === undefined) row.problem(`tax rate ${id}: inclusive must be true or false`);
    if (!name || rateBp === undefined || rateBp === null || inclusive === undefined) continue;
    origins.set(`taxRates[${taxRates.length}]`, { file: 'tax-rates.csv', line: row.line });
    taxRates.push({ id, name, rateBp, inclusive });
  }

  const productIndex = new Map(read.products.map((p, i) => [p.id, i] as const));

  // ---- variants.csv: sizes, in row order per product ----
  for (const row of table('variants.csv', [
    'product_id',
    'variant_id',
    'name_en',
    'name_zh',
    'price',
  ])?.rows ?? []) {
    const productId = row.get('product_id');
    const id = row.get('variant_id');
    const what = `product ${productId} size ${id}`;
    const i = productIndex.get(productId);
    if (i === undefined) {
      row.problem(`${what}: no product ${productId} in products.csv`);
      continue;
    }
    const name = named(row, 'name_en', 'name_zh', what);
    const price = money(row, 'price', currency, what);
    if (!name || price === undefined) continue;
    const product = read.products[i]!;
    const deposit = row.get('deposit');
    const variant: VariantDto = { id, name, price, barcode: row.get('barcode') || null };
    if (deposit !== '') variant.depositId = deposit === NO_DEPOSIT ? null : deposit;
    origins.set(`products[${i}].variants[${product.variants.length}]`, {
      file: 'variants.csv',
      line: row.line,
    });
    product.variants.push(variant);
  }

  // ---- modifiers.csv: one row per option, the group's own columns on its first row ----
  const groups: ModifierGroupDto[] = [];
  const groupFirst = new Map<string, { row: Row; index: number }>();
  const modifierColumns = [
    'group_id',
    'group_en',
    'group_zh',
    'min',
    'max',
    'option_id',
    'option_en',
    'option_zh',
  ];
  for (const row of table('modifiers.csv', modifierColumns)?.rows ?? []) {
    const groupId = row.get('group_id');
    const optionId = row.get('option_id');
    const what = `modifier group ${groupId}`;
    let entry = groupFirst.get(groupId);
    if (!entry) {
      const name = named(row, 'group_en', 'group_zh', what);
      const min = whole(row, 'min', 0, 20, what);
      const max = whole(row, 'max', 1, 20, what);
      if (!name || min === undefined || min === null || max === undefined || max === null) continue;
      entry = { row, index: groups.length };
      groupFirst.set(groupId, entry);
      origins.set(`modifierGroups[${groups.length}]`, { file: 'modifiers.csv', line: row.line });
      groups.push({ id: groupId, name, min, max, options: [] });
    } else {
      for (const col of ['group_en', 'group_zh', 'min', 'max']) {
        sameAsBefore(row, what, col, entry.row.get(col), row.get(col));
      }
    }
    const group = groups[entry.index]!;
    const name = named(row, 'option_en', 'option_zh', `${what} option ${optionId}`);
    const priceDelta = money(row, 'price_delta', currency, `${what} option ${optionId}`, 0);
    if (!name || priceDelta === undefined) continue;
    origins.set(`modifierGroups[${entry.index}].options[${group.options.length}]`, {
      file: 'modifiers.csv',
      line: row.line,
    });
    group.options.push({ id: optionId, name, priceDelta });
  }

  // ---- deposits.csv ----
  const deposits: DepositDto[] = [];
  for (const row of table('deposits.csv', ['deposit_id', 'name_en', 'name_zh', 'amount'])?.rows ??
    []) {
    const id = row.get('deposit_id');
    const name = named(row, 'name_en', 'name_zh', `deposit ${id}`);
    const amount = money(row, 'amount', currency, `deposit ${id}`);
    if (!name || amount === undefined) continue;
    origins.set(`deposits[${deposits.length}]`, { file: 'deposits.csv', line: row.line });
    deposits.push({ id, name, amount });
  }

  // ---- combos.csv: one row per choice; the combo is a product of products.csv (its set price) ----
  const slotFirst = new Map<string, Row>();
  const comboColumns = ['combo_id', 'slot_id', 'slot_en', 'slot_zh', 'product_id'];
  for (const row of table('combos.csv', comboColumns)?.rows ?? []) {
    const comboId = row.get('combo_id');
    const slotId = row.get('slot_id');
    const what = `combo ${comboId} slot ${slotId}`;
    const i = productIndex.get(comboId);
    if (i === undefined) {
      row.problem(
        `combo ${comboId}: no product ${comboId} in products.csv (its price is the combo's)`,
      );
      continue;
    }
    const combo = (read.products[i]!.combo ??= { slots: [] });
    let k = combo.slots.findIndex((s) => s.id === slotId);
    if (k < 0) {
      const name = named(row, 'slot_en', 'slot_zh', what);
      if (!name) continue;
      slotFirst.set(`${comboId}/${slotId}`, row);
      k = combo.slots.length;
      origins.set(`products[${i}].combo.slots[${k}]`, { file: 'combos.csv', line: row.line });
      combo.slots.push({ id: slotId, name, choices: [] });
    } else {
      const first = slotFirst.get(`${comboId}/${slotId}`)!;
      for (const col of ['slot_en', 'slot_zh'])
        sameAsBefore(row, what, col, first.get(col), row.get(col));
    }
    const slot: ComboSlotDto = combo.slots[k]!;
    const priceDelta = money(row, 'price_delta', currency, what, 0);
    if (priceDelta === undefined) continue;
    origins.set(`products[${i}].combo.slots[${k}].choices[${slot.choices.length}]`, {
      file: 'combos.csv',
      line: row.line,
    });
    slot.choices.push({
      productId: row.get('product_id'),
      variantId: row.get('variant_id') || null,
      priceDelta,
    });
  }

  // ---- reasons.csv ----
  const reasons: DiscountReasonDto[] = [];
  for (const row of table('reasons.csv', ['code', 'name_en', 'name_zh', 'kind'])?.rows ?? []) {
    const code = row.get('code');
    const what = `reason ${code}`;
    const name = named(row, 'name_en', 'name_zh', what);
    const kind = row.get('kind');
    if (kind !== 'discount' && kind !== 'comp' && kind !== 'staff_meal') {
      row.problem(`${what}: kind "${kind}" must be discount, comp or staff_meal`);
      continue;
    }
    const percentBp = whole(row, 'percent_bp', 1, 10_000, what, null);
    const minRole = row.get('min_role') || 'cashier';
    if (minRole !== 'cashier' && minRole !== 'supervisor' && minRole !== 'admin') {
      row.problem(`${what}: min_role "${minRole}" must be cashier, supervisor or admin`);
      continue;
    }
    if (!name || percentBp === undefined) continue;
    origins.set(`reasons[${reasons.length}]`, { file: 'reasons.csv', line: row.line });
    reasons.push({ code, name, kind, percentBp, minRole });
  }

  // ---- discount-limits.csv: roles not listed keep the defaults; both columns empty: no limit ----
  const discountLimits: DiscountLimits = { ...defaultDiscountLimits };
  for (const row of table('discount-limits.csv', ['role', 'max_percent_bp', 'max_amount'])?.rows ??
    []) {
    const role = row.get('role');
    if (role !== 'cashier' && role !== 'supervisor' && role !== 'admin') {
      row.problem(`role "${role}" must be cashier, supervisor or admin`);
      continue;
    }
    origins.set(`discountLimits.${role}`, { file: 'discount-limits.csv', line: row.line });
    if (row.get('max_percent_bp') === '' && row.get('max_amount') === '') {
      discountLimits[role] = null;
      continue;
    }
    const maxPercentBp = whole(row, 'max_percent_bp', 0, 10_000, `role ${role}`);
    const maxAmount = money(row, 'max_amount', currency, `role ${role}`);
    if (maxPercentBp === undefined || maxPercentBp === null || maxAmount === undefined) continue;
    discountLimits[role] = { maxPercentBp, maxAmount };
  }

  // ---- price-levels.csv: one row per price, the level's own columns on its first row ----
  const levels: PriceLevelDto[] = [];
  const levelFirst = new Map<string, { row: Row; index: number }>();
  for (const row of table('price-levels.csv', [
    'level_id',
    'name_en',
    'name_zh',
    'product_id',
    'price',
  ])?.rows ?? []) {
    const id = row.get('level_id');
    const what = `price level ${id}`;
    let entry = levelFirst.get(id);
    if (!entry) {
      const name = named(row, 'name_en', 'name_zh', what);
      const priority = whole(row, 'priority', 0, 1000, what, 0);
      if (!name || priority === undefined || priority === null) continue;
      entry = { row, index: levels.length };
      levelFirst.set(id, entry);
      origins.set(`priceLevels[${levels.length}]`, { file: 'price-levels.csv', line: row.line });
      levels.push({
        id,
        name,
        priority,
        eventId: row.get('event_id') || null,
        zones: list(row.get('zones')),
        from: row.get('from') || null,
        to: row.get('to') || null,
        prices: [],
      });
    } else {
      for (const col of ['name_en', 'name_zh', 'priority', 'event_id', 'zones', 'from', 'to']) {
        sameAsBefore(row, what, col, entry.row.get(col), row.get(col));
      }
    }
    const productId = row.get('product_id');
    // A row without a product only defines the level (a level may list no prices yet).
    if (productId === '') continue;
    const price = money(row, 'price', currency, `${what} ${productId}`);
    if (price === undefined) continue;
    const level = levels[entry.index]!;
    origins.set(`priceLevels[${entry.index}].prices[${level.prices.length}]`, {
      file: 'price-levels.csv',
      line: row.line,
    });
    level.prices.push({ productId, variantId: row.get('variant_id') || null, price });
  }

  return finish(
    {
      categories,
      products: read.products,
      taxRates,
      modifierGroups: groups,
      deposits,
      reasons,
      discountLimits,
      priceLevels: levels,
    },
    origins,
    problems,
    'products.csv',
  );
}

// ---------- writing ----------

function csvFile(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  return [header, ...rows].map((r) => csvLine(r.map((v) => csvField(v)))).join('');
}

/**
 * A catalog as the files of a catalog directory (parseCatalogCsvFiles reads them back to the same
 * catalog). Files with nothing to say are left out.
 */
export function catalogToCsvFiles(
  catalog: CatalogBody,
  currency: string,
): Partial<Record<CatalogCsvFile, string>> {
  const m = (n: number): string => formatMajor(n, currency);
  const files: Partial<Record<CatalogCsvFile, string>> = {};
  const put = (
    file: CatalogCsvFile,
    header: readonly string[],
    rows: (string | number)[][],
  ): void => {
    if (rows.length > 0 || file === 'products.csv') files[file] = csvFile(header, rows);
  };
  put(
    'categories.csv',
    ['category_id', 'name_en', 'name_zh', 'color', 'sort'],
    catalog.categories.map((c) => [c.id, c.name.en, c.name.zh, c.color, c.sort]),
  );
  put(
    'tax-rates.csv',
    ['tax_rate_id', 'name_en', 'name_zh', 'rate_bp', 'inclusive'],
    catalog.taxRates.map((t) => [t.id, t.name.en, t.name.zh, t.rateBp, String(t.inclusive)]),
  );
  put(
    'products.csv',
    [
      'product_id',
      'category_id',
      'name_en',
      'name_zh',
      'price',
      'tax_rate_id',
      'barcode',
      ...PRODUCT_OPTIONAL_COLUMNS,
    ],
    catalog.products.map((p) => [
      p.id,
      p.categoryId,
      p.name.en,
      p.name.zh,
      m(p.price),
      p.taxRateId,
      p.barcode ?? '',
      p.sort,
      p.tags.join('|'),
      p.minAge ?? '',
      p.depositId ?? '',
      p.modifierGroupIds.join('|'),
    ]),
  );
  put(
    'variants.csv',
    ['product_id', 'variant_id', 'name_en', 'name_zh', 'price', 'barcode', 'deposit'],
    catalog.products.flatMap((p) =>
      p.variants.map((v) => [
        p.id,
        v.id,
        v.name.en,
        v.name.zh,
        m(v.price),
        v.barcode ?? '',
        v.depositId === undefined ? '' : (v.depositId ?? NO_DEPOSIT),
      ]),
    ),
  );
  put(
    'modifiers.csv',
    [
      'group_id',
      'group_en',
      'group_zh',
      'min',
      'max',
      'option_id',
      'option_en',
      'option_zh',
      'price_delta',
    ],
    catalog.modifierGroups.flatMap((g) =>
      g.options.map((o, i) => [
        g.id,
        i === 0 ? g.name.en : '',
        i === 0 ? g.name.zh : '',
        i === 0 ? g.min : '',
        i === 0 ? g.max : '',
        o.id,
        o.name.en,
        o.name.zh,
        m(o.priceDelta),
      ]),
    ),
  );
  put(
    'deposits.csv',
    ['deposit_id', 'name_en', 'name_zh', 'amount'],
    catalog.deposits.map((d) => [d.id, d.name.en, d.name.zh, m(d.amount)]),
  );
  put(
    'combos.csv',
    ['combo_id', 'slot_id', 'slot_en', 'slot_zh', 'product_id', 'variant_id', 'price_delta'],
    catalog.products.flatMap((p) =>
      (p.combo?.slots ?? []).flatMap((s) =>
        s.choices.map((c, i) => [
          p.id,
          s.id,
          i === 0 ? s.name.en : '',
          i === 0 ? s.name.zh : '',
          c.productId,
          c.variantId ?? '',
          m(c.priceDelta),
        ]),
      ),
    ),
  );
  put(
    'reasons.csv',
    ['code', 'name_en', 'name_zh', 'kind', 'percent_bp', 'min_role'],
    catalog.reasons.map((r) => [
      r.code,
      r.name.en,
      r.name.zh,
      r.kind,
      r.percentBp ?? '',
      r.minRole,
    ]),
  );
  put(
    'discount-limits.csv',
    ['role', 'max_percent_bp', 'max_amount'],
    (['cashier', 'supervisor', 'admin'] as const).map((role) => {
      const l = catalog.discountLimits[role];
      return [role, l ? l.maxPercentBp : '', l ? m(l.maxAmount) : ''];
    }),
  );
  put(
    'price-levels.csv',
    [
      'level_id',
      'name_en',
      'name_zh',
      'priority',
      'event_id',
      'zones',
      'from',
      'to',
      'product_id',
      'variant_id',
      'price',
    ],
    catalog.priceLevels.flatMap((l) => {
      const head = [
        l.id,
        l.name.en,
        l.name.zh,
        l.priority,
        l.eventId ?? '',
        l.zones.join('|'),
        l.from ?? '',
        l.to ?? '',
      ];
      const blank = [l.id, '', '', '', '', '', '', ''];
      if (l.prices.length === 0) return [[...head, '', '', '']];
      return l.prices.map((p, i) => [
        ...(i === 0 ? head : blank),
        p.productId,
        p.variantId ?? '',
        m(p.price),
      ]);
    }),
  );
  return files;
}
