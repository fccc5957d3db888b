import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH } from '../contract/wire';
import { mainScript, repoRoot, runPos } from './test-helpers';

let dir: string;
let rendererDir: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pos-start-'));
  rendererDir = path.join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>till stub</title>');
});

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  url: URL;
  token: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `pos <cmd> --port 0 <extra>` and resolves once its output matches `ready`. */
function startPos(
  cmd: 'start' | 'terminal',
  extra: string[] = ['--browser', '--no-open'],
  env: NodeJS.ProcessEnv = {},
  ready = /^url: (\S+)$/m,
): Promise<Started> {
  const dataDir = path.join(dir, 'data');
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', mainScript, cmd, ...extra, '--port', '0', '--data-dir', dataDir],
    {
      cwd: repoRoot,
      env: { ...process.env, POS_RENDERER_DIR: rendererDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child = proc;
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      const match = ready.exec(out);
      if (match) {
        const url = new URL(match[1] ?? 'http://unused');
        const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
        resolve({ url, token, output: () => out, exited });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`pos exited early (${code}): ${out}`)));
  });
}

function call(started: Started, method: string, input: unknown = {}): Promise<unknown> {
  const { url, token } = started;
  const ws = new WebSocket(`ws://${url.host}${WS_PATH}?token=${encodeURIComponent(token)}`, {
    origin: `http://${url.host}`,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, method, input })));
    // Events (terminal.status, sale.updated) may come first; the reply is the one with our id.
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type?: string };
      if (message.type !== 'reply') return;
      resolve(message);
      ws.close();
    });
    ws.once('error', reject);
  });
}

describe('pos start in browser mode', () => {
  it('says it is in browser mode, serves the UI at the printed url, and drives a demo till', async () => {
    const started = await startPos('start');
    expect(started.output()).toContain('Browser mode: --browser was given');
    expect(started.url.hostname).toBe('127.0.0.1');
    expect(started.token.length).toBeGreaterThanOrEqual(32);

    const page = await fetch(new URL('/', started.url));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('till stub');

    const reply = await call(started, 'catalog.list');
    expect(reply).toMatchObject({ type: 'reply', id: 1, reply: { ok: true } });
    const products = (reply as { reply: { value: { products: unknown[] } } }).reply.value.products;
    expect(products.length).toBeGreaterThan(0);

    child?.kill('SIGTERM');
    expect(await started.exited).toEqual({ code: 0, signal: null });
    expect(started.output()).toContain('stopped (SIGTERM)');
  });

  it('pos terminal starts without the demo catalog', async () => {
    const started = await startPos('terminal');
    const reply = await call(started, 'catalog.list');
    expect(reply).toMatchObject({ reply: { ok: true, value: { products: [] } } });
    child?.kill('SIGINT');
    expect(await started.exited).toEqual({ code: 0, signal: null });
  });

  it('falls back to browser mode by itself when the Electron binary is missing', async () => {
    const noElectron = path.join(dir, 'no-electron');
    mkdirSync(noElectron);
    const started = await startPos('start', ['--no-open'], {
      ELECTRON_OVERRIDE_DIST_PATH: noElectron,
    });
    expect(started.output()).toContain('Browser mode: the Electron binary is not installed');
    child?.kill('SIGTERM');
    expect((await started.exited).code).toBe(0);
  });

  it('opens the url as an app window with its own profile under the data dir, and closes it on stop', async () => {
    const argsFile = path.join(dir, 'browser-args');
    const pidFile = path.join(dir, 'browser-pid');
    const fakeBrowser = path.join(dir, 'chromium');
    writeFileSync(
      fakeBrowser,
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\necho $$ > '${pidFile}.tmp' && mv '${pidFile}.tmp' '${pidFile}'\ntrap 'exit 0' TERM\nwhile :; do sleep 0.05; done\n`,
    );
    chmodSync(fakeBrowser, 0o755);
    const started = await startPos(
      'start',
      ['--browser'],
      { BROWSER: fakeBrowser, DISPLAY: ':99' },
      /Press Ctrl\+C/,
    );
    const urlLine = /^url: (\S+)$/m.exec(started.output())?.[1];
    await expect.poll(() => existsSync(pidFile)).toBe(true);
    const browserPid = Number(readFileSync(pidFile, 'utf8'));
    const args = readFileSync(argsFile, 'utf8').trim().split('\n');
    expect(args).toContain(`--app=${urlLine}`);
    expect(args).toContain(`--user-data-dir=${path.join(dir, 'data', 'browser-profile')}`);
    expect(args).toContain('--disable-background-networking');
    child?.kill('SIGTERM');
    expect((await started.exited).code).toBe(0);
    const alive = (): boolean => {
      try {
        process.kill(browserPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive).toBe(false);
  });

  it('tells the user to build when the UI is missing, and exits 1', async () => {
    const r = await runPos(
      ['start', '--browser', '--no-open', '--data-dir', path.join(dir, 'data')],
      {
        POS_RENDERER_DIR: path.join(dir, 'missing'),
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm run build');
  });
});

/** Signs in as the demo supervisor and opens a shift, through the browser host like the UI. */
async function openTillOver(started: Started): Promise<void> {
  const login = (await call(started, 'staff.login', { staffId: 'demo-supervisor', pin: '2222' })) as { reply: { ok: boolean } };
  expect(login.reply.ok).toBe(true);
  const open = (await call(started, 'shift.open', {
    cashierId: 'demo-supervisor',
    float: [{ denomination: 10000, count: 2 }],
  })) as { reply: { ok: boolean } };
  expect(open.reply).toMatchObject({ ok: true });
}

const networkOf = async (started: Started): Promise<Record<string, unknown>> =>
  (
    (await call(started, 'terminal.getStatus')) as {
      reply: { value: { network: Record<string, unknown> } };
    }
  ).reply.value.network;

describe('pos start with its gateway', () => {
  it('runs the embedded gateway, enrolls the demo till with it, and its sales upload', async () => {
    const started = await startPos('start', ['--browser', '--no-open', '--gateway-port', '0']);
    const out = started.output();
    const gatewayUrl = /^gateway: (http:\/\/127\.0\.0\.1:\d+) \(embedded\)$/m.exec(out)?.[1];
    const token = /^admin-token: (\S+)$/m.exec(out)?.[1];
    expect(gatewayUrl).toBeDefined();
    expect(token).toBeDefined();
    expect(out).toContain(`pos gateway summary --gateway ${gatewayUrl} --admin-token ${token}`);
    expect(out).toMatch(/demo terminal \w+ enrolled with/);
    expect(existsSync(path.join(dir, 'data', 'gateway', 'gateway.db'))).toBe(true);

    await expect
      .poll(async () => (await networkOf(started)).state, { timeout: 10_000 })
      .toBe('online');
    // A sale reaches the gateway's report.
    const catalog = (await call(started, 'catalog.list')) as {
      reply: { value: { products: { id: string }[] } };
    };
    await openTillOver(started);
    const sale = (await call(started, 'sale.addItem', {
      productId: catalog.reply.value.products[0]!.id,
    })) as {
      reply: { value: { cashDue: number } };
    };
    await call(started, 'payment.payCash', { tendered: sale.reply.value.cashDue });
    await call(started, 'sale.complete');
    const summary = async (): Promise<number> => {
      const res = await fetch(`${gatewayUrl}/v1/reports/summary`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { sales: { count: number } }).sales.count;
    };
    await expect.poll(summary, { timeout: 10_000 }).toBe(1);

    child?.kill('SIGTERM');
    expect(await started.exited).toEqual({ code: 0, signal: null });
    // Stopped with the till: nothing listens there any more.
    await expect(fetch(`${gatewayUrl}/health`)).rejects.toThrow();
  }, 30_000);

  it('with --gateway URL enrolls with that gateway once, and keeps selling while it is down', async () => {
    const { startGateway } = await import('../gateway/start');
    const adminToken = 'external-gateway-token-0123456789';
    const gwDir = path.join(dir, 'external-gw');
    let gw = await startGateway({ dataDir: gwDir, port: 0, adminToken, logger: false });
    const port = Number(new URL(gw.url).port);
    try {
      const args = ['--browser', '--no-open', '--gateway', gw.url, '--admin-token', adminToken];
      let started = await startPos('start', args);
      expect(started.output()).toContain(`gateway: ${gw.url}\n`);
      await expect
        .poll(async () => (await networkOf(started)).state, { timeout: 10_000 })
        .toBe('online');
      child?.kill('SIGINT');
      expect((await started.exited).code).toBe(0);

      // Second start: already enrolled, not again; then the gateway goes away and comes back.
      started = await startPos('start', args);
      expect(started.output()).not.toContain('enrolled with');
      const list = await gw.app.inject({
        url: '/v1/admin/terminals',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(list.json<{ terminals: unknown[] }>().terminals).toHaveLength(1);
      await gw.close();
      const catalog = (await call(started, 'catalog.list')) as {
        reply: { value: { products: { id: string }[] } };
      };
      await openTillOver(started);
      const sale = (await call(started, 'sale.addItem', {
        productId: catalog.reply.value.products[0]!.id,
      })) as {
        reply: { value: { cashDue: number } };
      };
      await call(started, 'payment.payCash', { tendered: sale.reply.value.cashDue });
      expect(await call(started, 'sale.complete')).toMatchObject({ reply: { ok: true } });
      await expect
        .poll(async () => (await networkOf(started)).state, { timeout: 10_000 })
        .toBe('offline');
      expect((await networkOf(started)).pendingEvents).toBeGreaterThan(0);
      gw = await startGateway({ dataDir: gwDir, port, adminToken, logger: false });
      await expect
        .poll(async () => (await networkOf(started)).pendingEvents, { timeout: 15_000 })
        .toBe(0);
      child?.kill('SIGTERM');
      expect((await started.exited).code).toBe(0);
    } finally {
      await gw.close();
    }
  }, 40_000);

  it('needs the admin token with --gateway (exit 2)', async () => {
    const r = await runPos(['start', '--browser', '--no-open', '--gateway', 'http://127.0.0.1:9'], {
      POS_RENDERER_DIR: rendererDir,
      POS_GATEWAY_ADMIN_TOKEN: undefined,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--admin-token is required/);
  });
});

describe('pos start with Electron installed', () => {
  // The real shell bundle is what Electron is handed; it exists once `npm run build` has run.
  const built = existsSync(path.join(repoRoot, 'dist', 'electron', 'main.cjs'));

  it.skipIf(!built)(
    'hands the data dir to Electron and does not open the database itself',
    async () => {
      const fakeDist = path.join(dir, 'electron-dist');
      mkdirSync(fakeDist);
      const argsFile = path.join(dir, 'electron-args');
      const fake = path.join(fakeDist, process.platform === 'win32' ? 'electron.exe' : 'electron');
      writeFileSync(
        fake,
        `#!/bin/sh\nprintf '%s\\n' "$@" "binding=$POS_SQLITE_BINDING" > '${argsFile}'\necho fake-electron-up\ntrap 'exit 0' TERM\nwhile :; do sleep 0.05; done\n`,
      );
      chmodSync(fake, 0o755);

      const started = await startPos(
        'start',
        ['--no-open', '--no-gateway'],
        { ELECTRON_OVERRIDE_DIST_PATH: fakeDist, POS_SQLITE_BINDING: '/opt/electron-sqlite.node' },
        /fake-electron-up/,
      );
      expect(started.output()).toContain(`Electron mode: ${fake}`);
      expect(started.output()).not.toContain('url:');
      const args = readFileSync(argsFile, 'utf8').trim().split('\n');
      expect(args.slice(0, 4)).toEqual([
        path.join(repoRoot, 'dist', 'electron', 'main.cjs'),
        '--data-dir',
        path.join(dir, 'data'),
        '--demo',
      ]);
      // The terminal runs inside Electron; a second one here would fight it over terminal.db.
      expect(existsSync(path.join(dir, 'data', 'terminal.db'))).toBe(false);

      child?.kill('SIGTERM');
      expect(await started.exited).toEqual({ code: 0, signal: null });
    },
  );
});
