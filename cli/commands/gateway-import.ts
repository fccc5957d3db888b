// `pos gateway import`: publishes a new version of the venue's catalog, staff or risk policy.
// Terminals pull it and apply it between sales (ARCHITECTURE §6).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ReferencePutReply } from '../../contract/gateway';
import {
  adminJson,
  adminOptions,
  adminOptionsHelp,
  adminTargetFrom,
  parseCommandLine,
} from '../admin-client';
import { CliError, UsageError, type Outcome, type Reporter } from '../output';

const KINDS = ['catalog', 'staff', 'policy'] as const;
type Kind = (typeof KINDS)[number];

export const usage = `Usage: pos gateway import catalog|staff|policy FILE [--gateway URL] [--admin-token T] [--json]

Replaces the venue's catalog, staff list or offline risk policy with the contents of FILE and
publishes it as the next version; tills pick it up within a minute and apply it between sales.
A refused file changes nothing.

  catalog   JSON ({categories, taxRates, products}) or CSV (one row per product, prices in major
            units, barcodes optional): by the file's extension, else by its content. Formats in
            docs/catalog-import.md.
  staff     JSON {"staff": [{id, name, role, pinHash}]} (scrypt PIN hashes, never PINs)
  policy    JSON risk policy (offline limits), as in contract/gateway.ts RiskPolicy

Options:
${adminOptionsHelp}`;

/** CSV by extension; without a telling extension, whatever does not start like JSON. */
export function looksLikeCsv(file: string, text: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return true;
  if (ext === '.json') return false;
  return !/^\uFEFF?\s*[{[]/.test(text);
}

export async function run(argv: string[], _out: Reporter): Promise<Outcome> {
  const { values, positionals } = parseCommandLine(argv, adminOptions, usage, {
    min: 2,
    max: 2,
    names: 'KIND FILE',
  });
  const kind = positionals[0] as Kind;
  if (!KINDS.includes(kind))
    throw new UsageError(`cannot import "${kind}": choose ${KINDS.join(', ')}`, usage);
  const file = path.resolve(positionals[1]!);
  const target = adminTargetFrom(values, usage);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 'file_unreadable');
  }
  const text = bytes.toString('utf8');
  const csv = kind === 'catalog' && looksLikeCsv(file, text);
  if (!csv) {
    try {
      JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new CliError(`${file} is not valid JSON: ${(err as Error).message}`, 'file_invalid');
    }
  }
  const reply = await adminJson<ReferencePutReply>(target, {
    method: 'PUT',
    path: `/v1/admin/reference/${kind}`,
    raw: csv
      ? { contentType: 'text/csv; charset=utf-8', body: bytes }
      : { contentType: 'application/json', body: Buffer.from(text.replace(/^\uFEFF/, '')) },
  });
  return {
    message: `${kind} published as version ${reply.version} (from ${path.basename(file)}, ${csv ? 'CSV' : 'JSON'})`,
    data: { kind: reply.kind, version: reply.version, format: csv ? 'csv' : 'json' },
  };
}
