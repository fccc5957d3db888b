// `pos loadtest` as a venue runs it: real terminals against a real gateway started here.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryReport } from '../contract/gateway';
import { startGateway, type RunningGateway } from '../gateway/start';
import { httpRequest, NetworkError, type HttpFetch } from '../terminal/http-client';
import { runLoadtest } from './loadtest/run-loadtest';
import { lastJsonLine, runPos } from './test-helpers';

const TOKEN = 'loadtest-admin-token-0123456789';
const root = mkdtempSync(path.join(tmpdir(), 'pos-loadtest-cli-'));
const clean = { POS_GATEWAY_URL: undefined, POS_GATEWAY_ADMIN_TOKEN: undefined };
let gw: RunningGateway;

beforeAll(async () => {
  gw = await startGateway({
    dataDir: path.join(root, 'gw'),
    port: 0,
    adminToken: TOKEN,
    logger: false,
  });
});
afterAll(async () => {
  await gw.close();
  rmSync(root, { recursive: true, force: true });
});

describe('pos loadtest', () => {
  it('5 terminals x 20 sales: every sale acked exactly once; --json ends stdout', async () => {
    const keep = path.join(root, 'kept');
    const r = await runPos(
      [
        'loadtest',
        '--gateway',
        gw.url,
        '--admin-token',
        TOKEN,
        '--terminals',
        '5',
        '--sales',
        '20',
        '--concurrency',
        '3',
        '--keep-data',
        keep,
        '--json',
      ],
      clean,
    );
    expect(r.code).toBe(0);
    const last = lastJsonLine(r.stdout);
    expect(last).toMatchObject({ ok: true, sent: 100, acked: 100, duplicates: 0, stored: 100, daysClosed: 5 });
    expect(last.seconds).toBeGreaterThan(0);
    expect(last.salesPerSecond).toBeGreaterThan(0);
    // Progress goes to stderr in --json mode; stdout holds the one JSON line only.
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/acked 100\/100/);

    // The gateway holds 100 sales of five terminals; the data dirs are kept under their ids.
    const summary = await gw.app.inject({
      method: 'GET',
      url: '/v1/reports/summary',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const report = summary.json<SummaryReport>();
    expect(report.sales.count).toBe(100);
    expect(report.byTerminal.map((t) => t.count)).toEqual([20, 20, 20, 20, 20]);
    const dirs = readdirSync(keep).sort();
    expect(dirs).toEqual(report.byTerminal.map((t) => t.terminalId).sort());
    expect(readdirSync(path.join(keep, dirs[0]!))).toContain('terminal.db');
  }, 30_000);

  it('exits 1 with the counts when the gateway cannot be reached before the timeout', async () => {
    const r = await runPos(
      [
        'loadtest',
        '--gateway',
        'http://127.0.0.1:9',
        '--admin-token',
        TOKEN,
        '--terminals',
        '2',
        '--sales',
        '3',
        '--timeout',
        '2',
        '--json',
      ],
      clean,
    );
    expect(r.code).toBe(1);
    expect(lastJsonLine(r.stdout)).toMatchObject({
      ok: false,
      sent: 0,
      acked: 0,
      error: { code: 'loadtest.incomplete' },
    });
    expect(r.stderr).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:9/);
  }, 30_000);

  it('counts the sales the gateway reports as duplicates when replies are lost, and still stores each once', async () => {
    // Every third upload reaches the gateway but its reply is lost: the batch is stored, the
    // terminal retries it after backoff, and the gateway answers those seqs as duplicates.
    let uploads = 0;
    let lost = 0;
    const lossy: HttpFetch = async (req) => {
      const res = await httpRequest(req);
      if (req.url.endsWith('/v1/events') && uploads++ % 3 === 1) {
        lost++;
        throw new NetworkError('network', 'reply lost (test)');
      }
      return res;
    };
    const summary = async (): Promise<number> =>
      (
        await gw.app.inject({
          url: '/v1/reports/summary',
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json<SummaryReport>().sales.count;
    const before = await summary();
    const r = await runLoadtest({
      target: { url: gw.url, token: TOKEN },
      terminals: 2,
      sales: 30,
      concurrency: 2,
      timeoutMs: 25_000,
      progress: () => undefined,
      fetch: lossy,
    });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ complete: true, sent: 60, acked: 60, stored: 60, daysClosed: r.terminals });
    expect(lost).toBeGreaterThan(0);
    expect(r.duplicates).toBeGreaterThan(0);
    expect(r.duplicates).toBeLessThanOrEqual(60);
    expect((await summary()) - before).toBe(60);
  }, 30_000);
});
