// stop-sale: how long a venue-wide stop takes to be applied and confirmed by every till, against
// the tills' control poll interval measured in the same run (the shipped 3 s). A ratio near 1
// means one poll: the stop costs no more than the wait for each till's next look; the issue's
// claim is under 10 s for 50 tills. Tills are in this process, the gateway on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CatalogDto } from '../contract/api';
import { StopSaleStatus } from '../contract/gateway';
import { admin, createCode, startTestGateway } from '../gateway/testing';
import { systemClock } from '../lib/clock';
import { createTerminalSync } from '../terminal/create-terminal';
import { enrollTerminal } from '../terminal/enroll';
import { defaultSyncConfig } from '../terminal/sync-worker';
import type { Terminal } from '../terminal/terminal';
import { must } from '../terminal/testing';
import { emit, percentile, round } from './report';

const TILLS = Number(process.env.BENCH_STOP_TILLS ?? 50);
const ROUNDS = Number(process.env.BENCH_STOP_ROUNDS ?? 3);

export async function run(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'pos-bench-stop-'));
  const gw = await startTestGateway({ clock: systemClock });
  const tills: Terminal[] = [];
  try {
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const address = gw.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const url = `http://127.0.0.1:${address.port}`;
    for (let i = 0; i < TILLS; i++) {
      const dataDir = path.join(root, `till-${i}`);
      await enrollTerminal({ dataDir, gatewayUrl: url, code: await createCode(gw.app, `bench till ${i}`) });
      tills.push(createTerminalSync({ dataDir, sync: { reconnectJitterMs: 200, requestTimeoutMs: 5000 } }));
    }
    for (const t of tills) {
      while ((await must<CatalogDto>(t, 'catalog.list')).products.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    const status = async (): Promise<StopSaleStatus> =>
      StopSaleStatus.parse((await gw.app.inject({ url: '/v1/admin/stop-sale', headers: admin() })).json());
    const confirmedAll = async (version: number): Promise<number> => {
      const started = performance.now();
      for (;;) {
        const s = await status();
        if (s.version === version && s.terminals.every((t) => t.state === 'confirmed')) return performance.now() - started;
        if (performance.now() - started > 60_000) throw new Error('not every till confirmed within 60 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const resume of [false, true]) {
        const res = await gw.app.inject({
          method: 'POST',
          url: '/v1/admin/stop-sale',
          headers: admin(),
          payload: { tag: 'alcohol', resume },
        });
        times.push(await confirmedAll(StopSaleStatus.parse(res.json()).version));
      }
    }
    times.sort((a, b) => a - b);
    emit({
      name: 'stop-sale',
      value: round(percentile(times, 50), 0),
      unit: `ms until all ${TILLS} tills confirmed (median of ${times.length} stops and resumes)`,
      baseline: defaultSyncConfig.controlPollMs,
      baseline_unit: 'ms between a till’s control polls',
      better: 'lower',
      max_ms: round(times.at(-1)!, 0),
      tills: TILLS,
    });
  } finally {
    for (const t of tills) t.close();
    await gw.close();
    rmSync(root, { recursive: true, force: true });
  }
}
