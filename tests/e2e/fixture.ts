// Shared browser end-to-end setup: each test gets its own data dir, a demo terminal, the
// browser-mode host serving dist/renderer, and Debian's Chromium driven by playwright-core.
// Never downloads a browser: the counter image ships /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/start';
import type { CommandName, CommandOutput } from '../../contract/api';
import { startBrowserHost, type BrowserHost } from '../../terminal/browser-host';
import { createTerminal } from '../../terminal/create-terminal';
import type { CardsConfig, PrinterConfig, ReaderConfig, Terminal } from '../../terminal/terminal';
import type { SyncConfig } from '../../terminal/sync-worker';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const rendererDir = path.join(repoRoot, 'dist', 'renderer');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--no-first-run',
];

/** Builds the renderer once if no build is there (a fresh checkout running only the e2e tests). */
export function ensureRendererBuilt(): void {
  if (existsSync(path.join(rendererDir, 'index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
}

export interface PosFixture {
  browser: Browser;
  page: Page;
  terminal: Terminal;
  host: BrowserHost;
  dataDir: string;
  /** Runs a command directly on the terminal (test setup and expectations), failing on an error reply. */
  command: <K extends CommandName>(method: K, input?: unknown) => Promise<CommandOutput<K>>;
  cleanup: () => Promise<void>;
}

export interface PosFixtureOptions {
  /** Counter screens are typically 1280×800 or larger. */
  viewport?: { width: number; height: number };
  /** A receipt printer for the terminal, e.g. `{ address: 'sim:printer' }` (the in-process simulator). */
  printer?: PrinterConfig;
  /** A card reader, e.g. `{ address: 'sim:reader' }` (the in-process simulator). */
  reader?: ReaderConfig;
  /** Card payment timing. */
  cards?: CardsConfig;
  /** A scanner the terminal drives, e.g. `{ address: 'sim:scanner' }` (the in-process simulator). */
  scanner?: { address: string };
  /** Enrolls the demo terminal with this gateway before it starts (its sync worker then runs). */
  gateway?: { url: string; adminToken: string };
  sync?: Partial<SyncConfig>;
  /** Runs on the fresh data dir before the till starts (e.g. a till that died mid-payment). */
  prepare?: (dataDir: string) => Promise<void>;
  /**
   * 'open' (default): the demo cashier is signed in (PIN 1111) and a shift is open on the drawer
   * (empty float, approved by the demo supervisor's PIN 2222), as selling needs. 'closed': neither.
   */
  till?: 'open' | 'closed';
}

/** The demo venue's staff (contract/demo-venue.ts; PINs for demos and tests only). */
export const DEMO_CASHIER = { staffId: 'demo-cashier', pin: '1111' };
export const DEMO_SUPERVISOR_PIN = '2222';

/**
 * Signs the demo cashier in and opens a shift on the drawer unless one is open (a till started
 * again on a data dir keeps its shift). Tests that sell on a terminal of their own use it too.
 */
export async function openTill(terminal: Pick<Terminal, 'dispatch'>): Promise<void> {
  const step = async (method: string, input: unknown): Promise<unknown> => {
    const reply = await terminal.dispatch(method, input);
    if (!reply.ok) throw new Error(`opening the till: ${method} failed: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  };
  await step('staff.login', DEMO_CASHIER);
  if ((await step('shift.current', {})) === null) {
    await step('shift.open', { cashierId: DEMO_CASHIER.staffId, float: [], supervisorPin: DEMO_SUPERVISOR_PIN });
  }
}

/** Sync timing for a till that must notice its gateway within a test's patience. */
export const FAST_SYNC: Partial<SyncConfig> = {
  reconnectJitterMs: 5,
  pollIntervalMs: 50,
  backoffBaseMs: 20,
  backoffCapMs: 200,
  requestTimeoutMs: 3000,
};

export async function startPos(options: PosFixtureOptions = {}): Promise<PosFixture> {
  ensureRendererBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pos-e2e-'));
  const undo: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (err) {
        console.error('e2e cleanup step failed', err);
      }
    }
    undo.length = 0;
  };
  try {
    if (options.prepare) await options.prepare(dataDir);
    if (options.gateway) {
      const { enrollDemoTerminal } = await import('../../cli/demo-gateway');
      await enrollDemoTerminal(dataDir, { url: options.gateway.url, token: options.gateway.adminToken }, { json: false, info: () => undefined, warn: () => undefined });
    }
    const terminal = await createTerminal({
      dataDir,
      demo: true,
      ...(options.printer ? { printer: options.printer } : {}),
      ...(options.reader ? { reader: options.reader } : {}),
      ...(options.cards ? { cards: options.cards } : {}),
      ...(options.scanner ? { scanner: options.scanner } : {}),
      ...(options.gateway ? { sync: { ...FAST_SYNC, ...options.sync } } : options.sync ? { sync: options.sync } : {}),
    });
    undo.push(() => terminal.close());
    if ((options.till ?? 'open') === 'open') await openTill(terminal);
    const host = await startBrowserHost({ terminal, staticDir: rendererDir, port: 0 });
    undo.push(() => host.close());
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    undo.push(() => browser.close());
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    // A renderer exception would otherwise only show up as a confusing timeout.
    const pageErrors: Error[] = [];
    page.on('pageerror', (err) => pageErrors.push(err));
    undo.push(() => {
      if (pageErrors.length) console.error('renderer errors during the test:', pageErrors);
    });
    await page.goto(host.url);
    const command = async <K extends CommandName>(method: K, input: unknown = {}): Promise<CommandOutput<K>> => {
      const reply = await terminal.dispatch(method, input);
      if (!reply.ok) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
      return reply.value as CommandOutput<K>;
    };
    return { browser, page, terminal, host, dataDir, command, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * A demo-venue gateway for the test file that calls this at its top level: started before its
 * tests, closed (and its data removed) after them. Returns a getter.
 */
export function venueGateway(adminToken: string): () => RunningGateway {
  let gw: RunningGateway | null = null;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pos-e2e-gw-'));
    gw = await startGateway({ dataDir: dir, port: 0, adminToken, logger: false });
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!gw) throw new Error('the gateway is not started');
    return gw;
  };
}

/**
 * Shows the till in English. The app may still be applying the venue's default language (Chinese
 * in the demo) when the page first renders: once the cashier picked one it stays, so tap until the
 * toggle offers Chinese.
 */
export async function showEnglish(page: Page): Promise<void> {
  const toggle = page.getByTestId('lang-toggle');
  await toggle.waitFor();
  await expect
    .poll(
      async () => {
        if ((await toggle.textContent()) !== '中文') await toggle.click();
        return toggle.textContent();
      },
      { timeout: 10_000 },
    )
    .toBe('中文');
}

/**
 * Types `text` and Enter as a keyboard-wedge scanner does: real (trusted) key events in one
 * burst. `page.keyboard.type` waits for each key's round trip, which on a loaded machine leaves
 * gaps a person's typing has (the detector's limit is 35 ms, renderer/scan/wedge.ts); here every
 * key is sent before any answer is awaited, and the browser delivers them in order.
 */
export async function wedgeScan(page: Page, text: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const sends: Promise<unknown>[] = [];
    const key = (type: 'keyDown' | 'keyUp', k: string, code: string, vk: number, typed?: string): void => {
      sends.push(cdp.send('Input.dispatchKeyEvent', { type, key: k, code, windowsVirtualKeyCode: vk, ...(typed ? { text: typed } : {}) }));
    };
    for (const ch of text) {
      const digit = /[0-9]/.test(ch);
      const letter = /[a-z]/i.test(ch);
      const code = digit ? `Digit${ch}` : letter ? `Key${ch.toUpperCase()}` : '';
      const vk = digit || letter ? ch.toUpperCase().charCodeAt(0) : 0;
      key('keyDown', ch, code, vk, ch);
      key('keyUp', ch, code, vk);
    }
    key('keyDown', 'Enter', 'Enter', 13, '\r');
    key('keyUp', 'Enter', 'Enter', 13);
    await Promise.all(sends);
  } finally {
    await cdp.detach();
  }
}
