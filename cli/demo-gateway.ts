// The demo's gateway: `pos start` runs one in-process beside the till (data in
// <demo data dir>/gateway), or uses an external one (`--gateway URL --admin-token T`), and enrolls
// the demo terminal with it before the till starts, so the till's sync worker runs from the first
// second.
import path from 'node:path';
import type { SyncConfig } from '../terminal/sync-worker';
import {
  GatewayUnreachable,
  adminJson,
  createEnrollmentCode,
  type AdminTarget,
} from './admin-client';
import { CliError, type Reporter } from './output';
import type { RunningService } from './till';

/**
 * The demo till's sync timing. The production first-reconnect jitter (0–30 s, so a venue's
 * counters do not all hit a gateway that just came back) would make the demo look stuck; one
 * till needs none of that. The backoff cap is short so a restarted gateway is found within
 * seconds.
 */
export const DEMO_SYNC: Partial<SyncConfig> = {
  reconnectJitterMs: 1500,
  backoffBaseMs: 500,
  backoffCapMs: 10_000,
};

export interface EmbeddedGateway extends RunningService {
  url: string;
  adminToken: string;
}

/** Starts the gateway in this process; a busy port falls back to a free one. */
export async function startEmbeddedGateway(
  terminalDataDir: string,
  port: number,
  adminToken: string | undefined,
  out: Reporter,
): Promise<EmbeddedGateway> {
  const { startGateway } = await import('../gateway/start');
  const dataDir = path.join(terminalDataDir, 'gateway');
  const start = (p: number) =>
    startGateway({ dataDir, port: p, logger: true, ...(adminToken ? { adminToken } : {}) });
  let gw;
  try {
    gw = await start(port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0)
      throw new CliError(
        `the embedded gateway did not start: ${(err as Error).message}`,
        'gateway.start_failed',
      );
    out.warn(`port ${port} is in use; the embedded gateway takes a free port instead`);
    gw = await start(0);
  }
  const running = gw;
  return {
    name: 'gateway',
    url: running.url,
    adminToken: running.adminToken,
    ended: new Promise<void>(() => undefined),
    stop: () => running.close(),
  };
}

interface KnownTerminal {
  terminalId: string;
  status: 'active' | 'revoked';
}

/**
 * Makes sure the demo terminal in dataDir is enrolled with the gateway at target: seeds a new data
 * dir with the demo venue first (so the catalog is there at once), then enrolls with a fresh code
 * unless the gateway already knows this terminal. A terminal the gateway knows under another
 * address (the embedded gateway fell back to another port) only has its address updated.
 */
export async function enrollDemoTerminal(
  dataDir: string,
  target: AdminTarget,
  out: Reporter,
): Promise<{ terminalId: string; enrolledNow: boolean }> {
  const [{ createTerminalSync }, { openTerminalDb }, { setSetting }, enroll] = await Promise.all([
    import('../terminal/create-terminal'),
    import('../db/terminal-db'),
    import('../db/settings'),
    import('../terminal/enroll'),
  ]);
  const seeded = createTerminalSync({ dataDir, demo: true, sync: false });
  const terminalId = seeded.terminalId;
  seeded.close();

  const db = openTerminalDb(dataDir);
  let current;
  try {
    current = enroll.readGatewaySetting(db);
  } finally {
    db.close();
  }

  let known: KnownTerminal | undefined;
  try {
    const list = await adminJson<{ terminals: KnownTerminal[] }>(target, {
      method: 'GET',
      path: '/v1/admin/terminals',
      timeoutMs: 10_000,
    });
    known = list.terminals.find((t) => t.terminalId === terminalId);
  } catch (err) {
    // An external gateway that is down: a till enrolled with it sells offline and syncs later.
    if (err instanceof GatewayUnreachable && current?.url === target.url) {
      out.warn(`${err.message}; the till sells offline and uploads when the gateway is back`);
      return { terminalId, enrolledNow: false };
    }
    throw err;
  }
  if (known?.status === 'revoked')
    throw new CliError(
      `the demo terminal ${terminalId} is revoked at ${target.url}; delete ${dataDir} to start afresh`,
      'terminal.revoked',
    );
  if (known && current) {
    if (current.url !== target.url) {
      const db2 = openTerminalDb(dataDir);
      try {
        setSetting(db2, enroll.GATEWAY_SETTING, { ...current, url: target.url });
      } finally {
        db2.close();
      }
      out.info(`demo terminal ${terminalId}: gateway address now ${target.url}`);
    }
    return { terminalId, enrolledNow: false };
  }
  const { code } = await createEnrollmentCode(target, 'Demo till', undefined, {
    attempts: 5,
    baseMs: 500,
    capMs: 5000,
  });
  try {
    await enroll.enrollTerminal({ dataDir, gatewayUrl: target.url, code });
  } catch (err) {
    if (err instanceof enroll.EnrollmentError)
      throw new CliError(`enrolling the demo terminal failed: ${err.message}`, err.code);
    throw err;
  }
  out.info(`demo terminal ${terminalId} enrolled with ${target.url}`);
  return { terminalId, enrolledNow: true };
}
