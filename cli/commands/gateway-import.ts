// `pos gateway import`: publishes a new version of the venue's catalog, staff or risk policy.
// Terminals pull it and apply it between sales (ARCHITECTURE §6).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CatalogBody } from '../../contract/api';
import { checkCatalog } from '../../contract/catalog-check';
import { formatCsvProblem, parseCatalogCsvFiles } from '../../contract/catalog-csv';
import { CurrencyCode } from '../../contract/money';
import type { ReferencePutReply, SummaryReport } from '../../contract/gateway';
import {
  adminJson,
  adminOptions,
  adminOptionsHelp,
  adminTargetFrom,
  parseCommandLine,
  type AdminTarget,
} from '../admin-client';
import { CliError, UsageError, type Outcome, type Reporter } from '../output';

const KINDS = ['catalog', 'staff', 'policy'] as const;
type Kind = (typeof KINDS)[number];

/** Problems listed in a refusal; the rest are counted. */
const LISTED = 10;

export const usage = `Usage: pos gateway import [catalog|staff|policy] FILE|DIR [--currency C] [--gateway URL] [--admin-token T] [--json]

Replaces the venue's catalog, staff list or offline risk policy with the contents of FILE and
publishes it as the next version; tills pick it up within a minute and apply it between sales.
A refused file changes nothing. Without a kind, FILE or DIR is a catalog.

  catalog   FILE.json: the whole catalog ({categories, taxRates, products, modifierGroups,
            deposits, reasons, discountLimits, priceLevels}), checked here before it is sent.
            FILE.csv: one row per product (prices in major units). DIR: a directory of CSV files
            (products.csv and optionally categories.csv, tax-rates.csv, variants.csv,
            modifiers.csv, deposits.csv, combos.csv, reasons.csv, price-levels.csv,
            discount-limits.csv), read and checked here, problems with file and line.
            JSON or CSV by the file's extension, else by its content. Formats and the demo
            venue's example (docs/examples/) in docs/catalog-import.md.
  staff     JSON {"staff": [{id, name, role, pinHash}]} (scrypt PIN hashes, never PINs)
  policy    JSON risk policy (offline limits), as in contract/gateway.ts RiskPolicy

Options:
  --currency C        a catalog directory's money is in C (default: the gateway's venue currency)
${adminOptionsHelp}`;

/** CSV by extension; without a telling extension, whatever does not start like JSON. */
export function looksLikeCsv(file: string, text: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return true;
  if (ext === '.json') return false;
  return !/^\uFEFF?\s*[{[]/.test(text);
}

function refuse(problems: string[], code: string, what: string): never {
  const more = problems.length > LISTED ? `; and ${problems.length - LISTED} more` : '';
  throw new CliError(`${what}: ${problems.slice(0, LISTED).join('; ')}${more}`, code, {
    problems: problems.slice(0, 50),
  });
}

/** The CSV files of a catalog directory, by name (other files, a README say, are left alone). */
export function readCatalogDir(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (path.extname(name).toLowerCase() !== '.csv') continue;
    files[name] = readFileSync(path.join(dir, name), 'utf8');
  }
  return files;
}

/**
 * The venue currency, which a catalog directory's major-unit prices are read in: the gateway says
 * it with its sales summary (an empty range, so nothing is summed).
 */
async function venueCurrency(target: AdminTarget): Promise<string> {
  const summary = await adminJson<SummaryReport>(target, {
    method: 'GET',
    path: '/v1/reports/summary',
    query: { from: '2000-01-01', to: '2000-01-01' },
  });
  return summary.currency;
}

/** A catalog JSON file checked as the gateway will check it, so problems come with their path. */
function checkedCatalogJson(value: unknown, file: string): CatalogBody {
  const parsed = CatalogBody.safeParse(value);
  if (!parsed.success) {
    refuse(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`),
      'catalog.invalid',
      `${path.basename(file)} is not a valid catalog`,
    );
  }
  const check = checkCatalog(parsed.data);
  if (!check.ok) {
    refuse(
      check.problems.map((p) => `${p.path}: ${p.message}`),
      'catalog.invalid',
      `${path.basename(file)} is not a valid catalog`,
    );
  }
  return parsed.data;
}

export async function run(argv: string[], _out: Reporter): Promise<Outcome> {
  const { values, positionals } = parseCommandLine(
    argv,
    { ...adminOptions, currency: { type: 'string' } },
    usage,
    { min: 1, max: 2, names: 'KIND FILE' },
  );
  // The kind may be left out for a catalog: `pos gateway import menu.csv`.
  if (positionals.length === 1) {
    if ((KINDS as readonly string[]).includes(positionals[0]!))
      throw new UsageError('missing FILE', usage);
    positionals.unshift('catalog');
  }
  const kind = positionals[0] as Kind;
  if (!KINDS.includes(kind))
    throw new UsageError(`cannot import "${kind}": choose ${KINDS.join(', ')}`, usage);
  let currency: string | undefined;
  if (values.currency !== undefined) {
    const c = CurrencyCode.safeParse(values.currency.trim().toUpperCase());
    if (!c.success)
      throw new UsageError(`--currency "${values.currency}" is not a currency code`, usage);
    currency = c.data;
  }
  const file = path.resolve(positionals[1]!);
  const target = adminTargetFrom(values, usage);
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 'file_unreadable');
  }

  if (isDir) {
    if (kind !== 'catalog')
      throw new UsageError(`${kind} is one JSON file, not a directory`, usage);
    let files: Record<string, string>;
    try {
      files = readCatalogDir(file);
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 'file_unreadable');
    }
    const result = parseCatalogCsvFiles(files, currency ?? (await venueCurrency(target)));
    if (!result.ok) {
      refuse(
        result.problems.map(formatCsvProblem),
        'catalog.csv_invalid',
        `${path.basename(file)}/ is not a valid catalog`,
      );
    }
    const reply = await adminJson<ReferencePutReply>(target, {
      method: 'PUT',
      path: '/v1/admin/reference/catalog',
      json: result.catalog,
    });
    return {
      message: `catalog published as version ${reply.version} (from ${path.basename(file)}/, ${Object.keys(files).length} CSV files, ${result.catalog.products.length} products)`,
      data: { kind: reply.kind, version: reply.version, format: 'csv-dir' },
    };
  }

  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 'file_unreadable');
  }
  const text = bytes.toString('utf8');
  const csv = kind === 'catalog' && looksLikeCsv(file, text);
  let json: string | undefined;
  if (!csv) {
    let value: unknown;
    try {
      value = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`, 'file_invalid');
    }
    json =
      kind === 'catalog'
        ? JSON.stringify(checkedCatalogJson(value, file))
        : text.replace(/^\uFEFF/, '');
  }
  const reply = await adminJson<ReferencePutReply>(target, {
    method: 'PUT',
    path: `/v1/admin/reference/${kind}`,
    raw:
      json === undefined
        ? { contentType: 'text/csv; charset=utf-8', body: bytes }
        : { contentType: 'application/json', body: Buffer.from(json) },
  });
  return {
    message: `${kind} published as version ${reply.version} (from ${path.basename(file)}, ${csv ? 'CSV' : 'JSON'})`,
    data: { kind: reply.kind, version: reply.version, format: csv ? 'csv' : 'json' },
  };
}
