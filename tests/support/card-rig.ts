// A venue gateway with the test acquirer on 127.0.0.1, and tills enrolled with it, for the card
// payment tests (tests/cards, tests/crash) and the wallet payment tests (tests/wallets), which
// also give the wallet provider. One place, so every payment test starts the same way.
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { replaceCatalog } from '../../db/catalog';
import { openTerminalDb } from '../../db/terminal-db';
import { systemClock } from '../../lib/clock';
import { TestAcquirer } from '../../gateway/acquirer/test-acquirer';
import { buildGateway } from '../../gateway/server';
import type { WalletOptions } from '../../gateway/wallet-routes';
import { seedDemoVenue } from '../../gateway/start';
import { createStore, storeTargetFromUrl } from '../../gateway/storage/create-store';
import type { GatewayStore } from '../../gateway/store';
import { demoCatalog } from '../../terminal/demo-venue';
import { demoStaff } from '../../contract/demo-venue';
import { createTerminalSync } from '../../terminal/create-terminal';
import { enrollTerminal } from '../../terminal/enroll';
import { httpRequest } from '../../terminal/http-client';
import type { Terminal, TerminalConfig } from '../../terminal/terminal';
import { openTill } from '../../terminal/testing';
import { replaceStaff } from '../../db/staff';

export interface CardGateway {
  app: FastifyInstance;
  store: GatewayStore;
  url: string;
  port: number;
  adminToken: string;
  close(): Promise<void>;
}

/** A SQLite gateway seeded with the demo venue, its test acquirer given, listening on a free port. */
export async function startCardGateway(opts: {
  dir: string;
  adminToken: string;
  acquirer?: TestAcquirer;
  acquirerTimeoutMs: number;
  /** Wallet payment codes: the provider (default the built-in test wallet), its deadline. */
  wallet?: WalletOptions;
  /** Debug logs written here (tests that look for secrets in logs); default no logger. */
  logTo?: DestinationStream;
}): Promise<CardGateway> {
  const store = await createStore(storeTargetFromUrl(undefined, opts.dir));
  await store.migrate();
  await seedDemoVenue(store, Date.now());
  const app = await buildGateway({
    store,
    adminToken: opts.adminToken,
    clock: systemClock,
    ...(opts.logTo ? { logger: { level: 'debug' }, logDestination: opts.logTo } : { logger: false }),
    payments: {
      acquirer: opts.acquirer ?? new TestAcquirer(),
      acquirerTimeoutMs: opts.acquirerTimeoutMs,
      captureScheduler: false,
    },
    ...(opts.wallet ? { wallet: opts.wallet } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return {
    app,
    store,
    port,
    url: `http://127.0.0.1:${port}`,
    adminToken: opts.adminToken,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/**
 * Enrolls `dataDir` with the gateway under `name`, and seeds the demo catalog and staff the sync
 * worker would otherwise pull (card tests run with sync off).
 */
export async function enrollCardTill(
  gw: Pick<CardGateway, 'url' | 'adminToken'>,
  dataDir: string,
  name: string,
): Promise<void> {
  const res = await httpRequest({
    method: 'POST',
    url: `${gw.url}/v1/admin/enrollment-codes`,
    headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ name })),
  });
  if (res.status >= 300) throw new Error(`enrollment code: ${res.status} ${res.body.toString()}`);
  const { code } = JSON.parse(res.body.toString()) as { code: string };
  await enrollTerminal({ dataDir, gatewayUrl: gw.url, code });
  const db = openTerminalDb(dataDir);
  try {
    replaceCatalog(db, demoCatalog);
    replaceStaff(db, demoStaff);
  } finally {
    db.close();
  }
}

/** A till on `dataDir` with the fast in-process simulated reader and sync off (card tests). */
export async function openCardTill(
  dataDir: string,
  cards: Partial<NonNullable<TerminalConfig['cards']>> = {},
): Promise<Terminal> {
  const t = createTerminalSync({
    dataDir,
    demo: true,
    sync: false,
    reader: {
      address: 'sim:reader',
      device: { sim: { tapDelayMs: 5, stepDelayMs: 2, timeoutMs: 300 } },
    },
    cards: { pollMs: 60_000, gatewayTimeoutMs: 3000, ...cards },
    // Card tests jump the clock by hours (offline limits): no idle lock.
    staff: { idleLockSeconds: 0 },
  });
  await t.cards.ready;
  await openTill(t);
  return t;
}

/** Runs a command; a refusal throws an error carrying its `code`. */
export async function call<T>(t: Terminal, method: string, input: unknown = {}): Promise<T> {
  const r = (await t.dispatch(method, input)) as
    { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!r.ok)
    throw Object.assign(new Error(`${method}: ${r.error.code} ${r.error.message}`), {
      code: r.error.code,
    });
  return r.value;
}

/** The error code a command's promise ends with, or 'ok'. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
}
