// `pos gateway`: runs the venue's gateway (ARCHITECTURE §7) until SIGINT/SIGTERM. The admin
// subcommands (`pos gateway code|revoke|import|export|terminals|summary|stop-sale|sold-out`) are
// their own modules; stop-sale and sold-out are handed on from here.
import path from 'node:path';
import {
  CliError,
  UsageError,
  parseOptions,
  parsePort,
  type Outcome,
  type Reporter,
} from '../output';
import { runUntilSignal, trapSignals } from '../till';

export const DEFAULT_GATEWAY_PORT = 8787;

const SUBCOMMANDS = [
  'code',
  'revoke',
  'import',
  'export',
  'terminals',
  'summary',
  'stop-sale',
  'sold-out',
];

/** Subcommands this module hands on (the others are found by cli.ts itself). */
const HANDED_ON: Record<
  string,
  () => Promise<{ run(argv: string[], out: Reporter): Promise<Outcome> }>
> = {
  'stop-sale': () => import('./gateway-stop-sale'),
  'sold-out': () => import('./gateway-sold-out'),
};

export const usage = `Usage: pos gateway [--host H] [--port P] [--data-dir D] [--db URL] [--admin-token T]
                   [--tls-cert FILE --tls-key FILE] [--json]
       pos gateway code|revoke|import|export|terminals|summary|stop-sale|sold-out ...

Runs the venue's gateway until Ctrl+C (SIGINT) or SIGTERM. Prints "url: <URL>" and
"admin-token: <T>": the admin token is what the admin subcommands (and reports) need.
A new store starts with the demo venue (catalog, staff, risk policy).

Options:
  --host H            address to listen on (default 127.0.0.1; 0.0.0.0 serves the venue network)
  --port P            port (default ${DEFAULT_GATEWAY_PORT}; 0 picks a free one)
  --data-dir D        where the SQLite store lives (default ./.data/gateway)
  --db URL            postgres://… to store in PostgreSQL instead (default: DATABASE_URL if set)
  --admin-token T     the admin token (default: POS_GATEWAY_ADMIN_TOKEN, else random per start)
  --tls-cert FILE     serve HTTPS with this certificate (PEM); enrollment codes then pin it
  --tls-key FILE      the certificate's private key (PEM)
  --json              print the final result as one JSON line
  -h, --help          show this help

Admin subcommands:
  pos gateway code --name NAME [--ttl S]          a one-time enrollment code
  pos gateway terminals                           enrolled terminals
  pos gateway revoke TERMINAL_ID                  refuse a terminal from now on
  pos gateway import catalog|staff|policy FILE    publish reference data (catalog: JSON or CSV)
  pos gateway export --format csv [--out FILE]    settlement rows
  pos gateway summary [--from D] [--to D]         the sales summary (JSON)
  pos gateway stop-sale --tag TAG [--resume]      stop (or resume) a tag's products at every till
  pos gateway stop-sale --status                  the stop-sale list and which tills confirmed it
  pos gateway sold-out --product ID [--back]      a product sold out (or back in stock) venue-wide
    --wait S (stop-sale, sold-out): then wait up to S seconds until every online till confirmed;
    exit 1 naming the tills that did not. Tills show as confirmed, pending or offline.`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const first = argv[0];
  const handedOn = first === undefined ? undefined : HANDED_ON[first];
  if (handedOn) return (await handedOn()).run(argv.slice(1), out);
  if (first !== undefined && !first.startsWith('-')) {
    throw new UsageError(
      `unknown command "gateway ${first}": pos gateway takes ${SUBCOMMANDS.join(', ')}`,
      usage,
    );
  }
  const { values } = parseOptions(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      db: { type: 'string' },
      'admin-token': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  );
  const port = values.port === undefined ? DEFAULT_GATEWAY_PORT : parsePort(values.port, usage);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined))
    throw new UsageError('--tls-cert and --tls-key go together', usage);
  const adminToken = values['admin-token'] ?? process.env.POS_GATEWAY_ADMIN_TOKEN;
  if (adminToken !== undefined && adminToken.length < 16)
    throw new UsageError('the admin token must be at least 16 characters', usage);
  const dbUrl = values.db ?? process.env.DATABASE_URL;
  if (dbUrl !== undefined && !/^postgres(ql)?:\/\//.test(dbUrl))
    throw new UsageError(`--db must be a postgres:// URL, got "${dbUrl}"`, usage);
  const dataDir = path.resolve(values['data-dir'] ?? '.data/gateway');

  const trap = trapSignals(out);
  try {
    const { startGateway } = await import('../../gateway/start');
    let gw;
    try {
      gw = await startGateway({
        dataDir,
        port,
        logger: true,
        ...(values.host !== undefined ? { host: values.host } : {}),
        ...(dbUrl !== undefined ? { dbUrl } : {}),
        ...(adminToken !== undefined ? { adminToken } : {}),
        ...(values['tls-cert'] !== undefined
          ? { tlsCert: values['tls-cert'], tlsKey: values['tls-key'] }
          : {}),
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE')
        throw new CliError(
          `port ${port} is in use: stop what runs there or pass --port`,
          'port_in_use',
        );
      throw new CliError(`the gateway did not start: ${e.message}`, 'gateway.start_failed');
    }
    out.info(`url: ${gw.url}`);
    out.info(`admin-token: ${gw.adminToken}`);
    if (gw.certFingerprint) out.info(`tls-sha256: ${gw.certFingerprint}`);
    out.info(
      `storage: ${dbUrl ? `PostgreSQL (${gw.store.dialect})` : path.join(dataDir, 'gateway.db')}`,
    );
    out.info(
      `Enroll a till: pos gateway code --gateway ${gw.url} --admin-token ${gw.adminToken} --name "Gate B bar 3"`,
    );
    out.info('Press Ctrl+C to stop.');
    const running = gw;
    const why = await runUntilSignal(
      [{ name: 'gateway', ended: new Promise<void>(() => undefined), stop: () => running.close() }],
      out,
      trap,
    );
    return { message: `gateway stopped (${why})`, data: { url: running.url } };
  } finally {
    trap.release();
  }
}
