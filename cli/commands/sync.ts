// `pos sync`: uploads a terminal's outbox from any machine (ARCHITECTURE §6 recovery): point it at
// a dead counter's data dir, or a folder holding its copied terminal.db and terminal.key.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliError, UsageError, parseOptions, type Outcome, type Reporter } from '../output';

export const usage = `Usage: pos sync --data-dir D [--gateway URL] [--timeout S] [--json]

Uploads every event of the terminal in D (its terminal.db and terminal.key) to its gateway and
waits for the gateway to acknowledge them. Exits 0 when everything is acknowledged, 1 otherwise.
Safe to repeat and safe beside a running till: the gateway keeps each event once.

Options:
  --data-dir D    folder with terminal.db and terminal.key (required)
  --gateway URL   gateway address (default: the one the terminal was enrolled with)
  --timeout S     give up after S seconds of retrying (default 120)
  --json          print the result as one JSON line
  -h, --help      show this help`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const { values } = parseOptions(
    argv,
    {
      'data-dir': { type: 'string' },
      gateway: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  );
  if (values['data-dir'] === undefined) throw new UsageError('--data-dir is required', usage);
  const timeoutS = values.timeout === undefined ? 120 : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${values.timeout}"`, usage);
  const dataDir = path.resolve(values['data-dir']);

  const [{ terminalDbPath, openTerminalDb }, { getSetting }, { systemClock }, enroll, key, worker, clockMod, backoff] = await Promise.all([
    import('../../db/terminal-db'),
    import('../../db/settings'),
    import('../../lib/clock'),
    import('../../terminal/enroll'),
    import('../../terminal/terminal-key'),
    import('../../terminal/sync-worker'),
    import('../../terminal/corrected-clock'),
    import('../../terminal/backoff'),
  ]);
  // Never create a new terminal here: a missing file means the wrong folder.
  if (!existsSync(terminalDbPath(dataDir))) throw new CliError(`no terminal database at ${terminalDbPath(dataDir)}`, 'not_found');
  const terminalKey = key.loadTerminalKey(dataDir);
  if (!terminalKey) throw new CliError(`no ${key.TERMINAL_KEY_FILE} in ${dataDir}: the terminal's key is needed to sign its upload`, 'key_missing');

  const db = openTerminalDb(dataDir);
  try {
    const terminalId = getSetting<string>(db, 'terminal_id')!;
    const enrolled = enroll.readGatewaySetting(db);
    const url = values.gateway === undefined ? enrolled?.url : enroll.normaliseGatewayUrl(values.gateway);
    if (!url) throw new UsageError(`terminal ${terminalId} is not enrolled: give --gateway URL`, usage);
    const gateway = enrolled ? { ...enrolled, url } : { url, terminalName: '', enrolledAt: '' };
    const clock = clockMod.createCorrectedClock(systemClock, getSetting<number>(db, enroll.CLOCK_OFFSET_SETTING) ?? 0);
    const before = worker.outboxBacklog(db);
    out.info(`terminal ${terminalId}: ${before.pending} events to upload to ${url}`);

    const sync = worker.createSyncWorker({
      db,
      terminalId,
      privateKey: terminalKey.privateKey,
      gateway,
      clock,
      config: { reconnectJitterMs: 0, backoffCapMs: 10_000 },
      // Reference data is the till's business, not a recovery upload's.
      isBetweenSales: () => false,
    });
    const deadline = Date.now() + timeoutS * 1000;
    let acked = 0;
    let attempt = 0;
    for (;;) {
      const r = await sync.syncNow();
      acked += r.acked;
      const data = { terminalId, gateway: url, acked, pending: r.pending, before: before.pending };
      if (r.outcome === 'done') {
        return { message: `all events acknowledged: ${acked} uploaded now, 0 pending (terminal ${terminalId})`, data };
      }
      if (r.outcome === 'halted' || Date.now() >= deadline) {
        throw new CliError(`${r.pending} events not acknowledged: ${r.problem ?? 'timed out'}`, r.outcome === 'halted' ? 'sync.halted' : 'sync.timeout', data);
      }
      attempt++;
      const wait = Math.min(backoff.fullJitterDelay(attempt, 1000, 10_000, Math.random), Math.max(0, deadline - Date.now()));
      out.warn(`${r.problem ?? 'upload incomplete'}; retrying in ${Math.ceil(wait / 1000)} s`);
      await backoff.sleep(wait);
    }
  } finally {
    db.close();
  }
}
