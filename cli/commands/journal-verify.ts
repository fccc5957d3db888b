// `pos journal verify`: recomputes a terminal's hash chain, read-only, so it is safe to run on a
// live till or on a copied data dir.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError, UsageError, parseOptions, type Outcome, type Reporter } from '../output';

export const usage = `Usage: pos journal verify --data-dir D [--json]

Checks that the journal in D/terminal.db is intact: every entry in sequence and matching its
hash. Exits 0 if it is, 1 naming the first broken entry.

Options:
  --data-dir D   the terminal's data folder (required)
  --json         print the result as one JSON line
  -h, --help     show this help`;

export async function run(argv: string[], _out: Reporter): Promise<Outcome> {
  const { values } = parseOptions(
    argv,
    { 'data-dir': { type: 'string' }, json: { type: 'boolean' } },
    usage,
  );
  if (values['data-dir'] === undefined) throw new UsageError('--data-dir is required', usage);
  const dataDir = path.resolve(values['data-dir']);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new CliError(`no data dir at ${dataDir}`, 'not_found');
  }
  const [{ openDatabase }, { verifyJournal }, { terminalDbPath }] = await Promise.all([
    import('../../db/open'),
    import('../../db/journal'),
    import('../../db/terminal-db'),
  ]);
  const dbPath = terminalDbPath(dataDir);
  if (!existsSync(dbPath)) {
    throw new CliError(
      `no terminal database at ${dbPath} (is ${dataDir} a terminal data dir?)`,
      'not_found',
    );
  }
  let db;
  try {
    db = openDatabase(dbPath, { readonly: true });
  } catch (err) {
    throw new CliError((err as Error).message, 'db_open_failed');
  }
  try {
    const verdict = verifyJournal(db);
    if (!verdict.ok) {
      throw new CliError(
        `journal broken at seq ${verdict.brokenSeq}: ${verdict.reason}`,
        'journal.broken',
        {
          entries: verdict.entries,
          brokenSeq: verdict.brokenSeq,
          reason: verdict.reason,
        },
      );
    }
    const head = verdict.headHash === null ? 'none (empty journal)' : verdict.headHash.slice(0, 16);
    return {
      message: `journal OK: ${verdict.entries} entries, head ${head}`,
      data: { entries: verdict.entries, headHash: verdict.headHash },
    };
  } finally {
    db.close();
  }
}
