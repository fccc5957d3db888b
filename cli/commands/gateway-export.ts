// `pos gateway export`: settlement rows (one per payment) as CSV, for the venue's accounts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  adminOptions,
  adminOptionsHelp,
  adminRequest,
  adminTargetFrom,
  parseCommandLine,
} from '../admin-client';
import { CliError, UsageError, type Outcome, type Reporter } from '../output';

export const usage = `Usage: pos gateway export --format csv [--from D] [--to D] [--terminal ID] [--out FILE]
                          [--gateway URL] [--admin-token T] [--json]

Writes the settlement rows (one per payment: business date, terminal, receipt, tender, amount,
rounding) as CSV to stdout, or to FILE with --out. The summary line goes to stderr.

Options:
  --format csv        the format (csv, the only one for now; default csv)
  --from D, --to D    inclusive business dates YYYY-MM-DD or RFC 3339 instants (default: all)
  --terminal ID       one terminal only
  --out FILE          write to FILE instead of stdout
${adminOptionsHelp}`;

export const rangeOptions = {
  from: { type: 'string' },
  to: { type: 'string' },
  terminal: { type: 'string' },
} as const;

export async function run(argv: string[], _out: Reporter): Promise<Outcome> {
  const { values } = parseCommandLine(
    argv,
    { ...adminOptions, ...rangeOptions, format: { type: 'string' }, out: { type: 'string' } },
    usage,
    { min: 0, max: 0, names: '' },
  );
  const format = values.format ?? 'csv';
  if (format !== 'csv') throw new UsageError(`--format must be csv, got "${format}"`, usage);
  const target = adminTargetFrom(values, usage);
  const res = await adminRequest(target, {
    method: 'GET',
    path: '/v1/admin/export',
    query: { format, from: values.from, to: values.to, terminal: values.terminal },
    accept: 'text/csv',
  });
  const csv = res.body.toString('utf8');
  const rows = Math.max(0, csv.split(/\r?\n/).filter((l) => l.length > 0).length - 1);
  if (values.out !== undefined) {
    const file = path.resolve(values.out);
    try {
      writeFileSync(file, csv);
    } catch (err) {
      throw new CliError(`cannot write ${file}: ${(err as Error).message}`, 'file_unwritable');
    }
    return { message: `${rows} settlement row(s) written to ${file}`, data: { rows, file } };
  }
  return {
    message: `${rows} settlement row(s)`,
    data: { rows, csv },
    output: csv,
  };
}
