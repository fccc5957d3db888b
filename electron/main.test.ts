// Runs the real main-process bundle (dist/electron/main.cjs as the build script makes it) against
// a fake electron module and a real terminal on a temp data dir: the wiring, not just its parts.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { Reply, SaleDto, TerminalStatusDto } from '../contract/api';
import type { CallEvent, FrameLike } from './ipc';

type Fn = (...args: never[]) => unknown;

function fakeElectron(opts: { singleInstance: boolean }) {
  const appListeners = new Map<string, Fn>();
  const ipcHandlers = new Map<
    string,
    (event: CallEvent, ...args: unknown[]) => Promise<Reply<unknown>>
  >();
  const sent: unknown[][] = [];
  const windows: {
    options: BrowserWindowConstructorOptions;
    loaded: string[];
    mainFrame: FrameLike;
  }[] = [];
  const state = {
    quit: 0,
    exitCode: null as number | null,
    errorBox: null as string | null,
    schemes: [] as string[],
  };
  const permissionAnswers: boolean[] = [];

  class BrowserWindow {
    readonly record;
    readonly webContents;
    constructor(options: BrowserWindowConstructorOptions) {
      this.record = {
        options,
        loaded: [] as string[],
        mainFrame: { url: 'about:blank', processId: 3, routingId: 1 },
      };
      windows.push(this.record);
      const record = this.record;
      this.webContents = {
        get mainFrame() {
          return record.mainFrame;
        },
        send: (...args: unknown[]) => sent.push(args),
        on: () => undefined,
      };
    }
    isDestroyed = () => false;
    once = () => this;
    show = () => undefined;
    isMinimized = () => false;
    restore = () => undefined;
    focus = () => undefined;
    reload = () => undefined;
    loadFile = (file: string) => {
      this.record.loaded.push(file);
      this.record.mainFrame = { ...this.record.mainFrame, url: pathToFileURL(file).href };
      return Promise.resolve();
    };
  }

  const electron = {
    app: {
      isPackaged: false,
      requestSingleInstanceLock: () => opts.singleInstance,
      quit: () => void state.quit++,
      exit: (code: number) => void (state.exitCode = code),
      on: (event: string, listener: Fn) => appListeners.set(event, listener),
      whenReady: () => Promise.resolve(),
      getPath: () => os.tmpdir(),
    },
    BrowserWindow,
    dialog: { showErrorBox: (_title: string, message: string) => void (state.errorBox = message) },
    ipcMain: {
      handle: (
        channel: string,
        listener: (event: CallEvent, ...args: unknown[]) => Promise<Reply<unknown>>,
      ) => ipcHandlers.set(channel, listener),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    net: { fetch: () => Promise.reject(new Error('no network in tests')) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (
          h: (c: unknown, p: string, cb: (ok: boolean) => void) => void,
        ) => h({}, 'media', (ok) => permissionAnswers.push(ok)),
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        webRequest: { onBeforeRequest: () => undefined },
        protocol: { handle: (scheme: string) => state.schemes.push(scheme) },
      },
    },
  };
  return { electron, appListeners, ipcHandlers, sent, windows, state, permissionAnswers };
}

describe('the main-process bundle', () => {
  const root = process.cwd();
  let outDir: string;
  let bundle: string;
  const dataDirs: string[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'pos-main-'));
    await promisify(execFile)(process.execPath, [
      'scripts/build-electron.mjs',
      '--only',
      'main',
      '--out-dir',
      outDir,
    ]);
    bundle = await readFile(path.join(outDir, 'main.cjs'), 'utf8');
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));
  afterEach(async () => {
    for (const dir of dataDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  function launch(argv: string[], opts = { singleInstance: true }) {
    const fake = fakeElectron(opts);
    const nodeRequire = createRequire(path.join(root, 'dist', 'electron', 'main.cjs'));
    const require = (id: string): unknown => (id === 'electron' ? fake.electron : nodeRequire(id));
    const module = { exports: {} };
    const saved = process.argv;
    process.argv = [process.execPath, path.join(outDir, 'main.cjs'), ...argv];
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- loading a CommonJS bundle
      const run = new Function(
        'exports',
        'require',
        'module',
        '__filename',
        '__dirname',
        bundle,
      ) as (...args: unknown[]) => void;
      run(module.exports, require, module, path.join(outDir, 'main.cjs'), outDir);
    } finally {
      process.argv = saved;
    }
    return fake;
  }

  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pos-main-data-'));
    dataDirs.push(dir);
    return dir;
  }

  it('opens the sandboxed window on our index.html and serves the till over pos:call', async () => {
    const dir = await dataDir();
    const fake = launch(['--data-dir', dir, '--demo', '--kiosk']);
    await vi.waitFor(() => expect(fake.windows[0]?.loaded).toHaveLength(1));
    const win = fake.windows[0]!;

    const indexHtml = path.join(outDir, '..', 'renderer', 'index.html');
    expect(win.loaded).toEqual([indexHtml]);
    expect(win.options.kiosk).toBe(true);
    expect(win.options.webPreferences).toMatchObject({
      preload: path.join(outDir, 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      devTools: false,
    });
    expect(fake.state.schemes).toEqual(['file']);
    expect(fake.permissionAnswers).toEqual([false]);
    expect(fake.appListeners.has('web-contents-created')).toBe(true);
    expect(existsSync(path.join(dir, 'terminal.db'))).toBe(true);

    const call = fake.ipcHandlers.get('pos:call')!;
    const status = (await call(
      { senderFrame: win.mainFrame },
      'terminal.getStatus',
      {},
    )) as Reply<TerminalStatusDto>;
    expect(status.ok).toBe(true);

    const stranger = { ...win.mainFrame, routingId: 99 };
    expect(await call({ senderFrame: stranger }, 'sale.clear', {})).toMatchObject({
      ok: false,
      error: { code: 'host.unauthorized' },
    });

    const catalog = await call({ senderFrame: win.mainFrame }, 'catalog.list', {});
    const productId = catalog.ok
      ? (catalog.value as { products: { id: string }[] }).products[0]?.id
      : undefined;
    expect(productId).toBeDefined();
    // Selling needs a signed-in person and an open shift (demo supervisor, PIN 2222).
    expect(await call({ senderFrame: win.mainFrame }, 'staff.login', { staffId: 'demo-supervisor', pin: '2222' })).toMatchObject({ ok: true });
    expect(
      await call({ senderFrame: win.mainFrame }, 'shift.open', {
        cashierId: 'demo-supervisor',
        float: [{ denomination: 10000, count: 1 }],
      }),
    ).toMatchObject({ ok: true });
    expect(await call({ senderFrame: win.mainFrame }, 'sale.addItem', { productId })).toMatchObject(
      { ok: true },
    );
    const update = fake.sent.find(
      ([channel, name]) => channel === 'pos:event' && name === 'sale.updated',
    );
    expect((update?.[2] as SaleDto | undefined)?.lines).toHaveLength(1);

    (fake.appListeners.get('will-quit') as () => void)();
    expect(fake.ipcHandlers.size).toBe(0);
  });

  it('leaves a second instance without a window', async () => {
    const fake = launch(['--data-dir', await dataDir()], { singleInstance: false });
    await vi.waitFor(() => expect(fake.state.quit).toBe(1));
    expect(fake.windows).toEqual([]);
    expect(fake.ipcHandlers.size).toBe(0);
  });

  it('tells the technician why it cannot start, and exits non-zero', async () => {
    const notADir = path.join(await dataDir(), 'file');
    await writeFile(notADir, 'x');
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const fake = launch(['--data-dir', notADir]);
    await vi.waitFor(() => expect(fake.state.exitCode).toBe(1));
    expect(fake.state.errorBox).toContain(notADir);
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('Venue POS could not start'));
    stderr.mockRestore();
    expect(fake.windows).toEqual([]);
  });
});
