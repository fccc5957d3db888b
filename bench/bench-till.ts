// One enrolled till against a gateway on 127.0.0.1, for the payment benchmarks: a fresh SQLite
// gateway with the demo venue (test acquirer at zero latency, the built-in test wallet), a
// terminal signed in with a shift open, and a signed sender of the same terminal for the bare
// round-trip baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoStaff } from '../contract/demo-venue';
import { replaceCatalog } from '../db/catalog';
import { replaceStaff } from '../db/staff';
import { ensureTerminalId, openTerminalDb } from '../db/terminal-db';
import { TestAcquirer } from '../gateway/acquirer/test-acquirer';
import { buildGateway } from '../gateway/server';
import { seedDemoVenue } from '../gateway/start';
import { createStore, storeTargetFromUrl } from '../gateway/storage/create-store';
import { systemClock } from '../lib/clock';
import { createCorrectedClock } from '../terminal/corrected-clock';
import { createTerminalSync } from '../terminal/create-terminal';
import { demoCatalog } from '../terminal/demo-venue';
import { enrollTerminal, readGatewaySetting } from '../terminal/enroll';
import { httpRequest } from '../terminal/http-client';
import { createSignedSender, type SignedSender } from '../terminal/signed-request';
import type { Terminal, TerminalConfig } from '../terminal/terminal';
import { loadTerminalKey } from '../terminal/terminal-key';
import { openTill } from '../terminal/testing';

const ADMIN = 'bench-till-admin-token-0123456789';

export interface BenchTill {
  terminal: Terminal;
  /** The terminal's own signed sender: one request is the baseline round trip. */
  sender: SignedSender;
  call: <T>(method: string, input?: unknown) => Promise<T>;
  close(): Promise<void>;
}

export async function startBenchTill(name: string, terminalConfig: Partial<TerminalConfig>): Promise<BenchTill> {
  const dir = mkdtempSync(join(tmpdir(), `pos-bench-${name}-`));
  const store = await createStore(storeTargetFromUrl(undefined, join(dir, 'gateway')));
  await store.migrate();
  await seedDemoVenue(store, Date.now());
  const app = await buildGateway({
    store,
    adminToken: ADMIN,
    clock: systemClock,
    logger: false,
    payments: { acquirer: new TestAcquirer({ latencyMs: 0 }), captureScheduler: false },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const dataDir = join(dir, 'terminal');
  const res = await httpRequest({
    method: 'POST',
    url: `${url}/v1/admin/enrollment-codes`,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ name: `bench ${name}` })),
  });
  const { code } = JSON.parse(res.body.toString()) as { code: string };
  await enrollTerminal({ dataDir, gatewayUrl: url, code });
  const setup = openTerminalDb(dataDir);
  replaceCatalog(setup, demoCatalog);
  replaceStaff(setup, demoStaff);
  const gatewaySetting = readGatewaySetting(setup)!;
  const terminalId = ensureTerminalId(setup);
  setup.close();

  const terminal = createTerminalSync({ dataDir, demo: true, staff: { idleLockSeconds: 0 }, ...terminalConfig });
  await openTill(terminal);
  const sender = createSignedSender({
    gateway: gatewaySetting,
    terminalId,
    privateKey: loadTerminalKey(dataDir)!.privateKey,
    clock: createCorrectedClock(systemClock),
    fetch: httpRequest,
    timeoutMs: 5000,
  });
  return {
    terminal,
    sender,
    call: async <T>(method: string, input: unknown = {}): Promise<T> => {
      const r = await terminal.dispatch(method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    },
    async close() {
      terminal.close();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
