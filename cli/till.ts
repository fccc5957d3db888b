// Starts one till: in Electron when its binary is installed, else in browser mode (the same
// terminal services in this process, the UI served on 127.0.0.1 and opened in Chromium).
// `pos start` and `pos terminal` both come here; they differ in the data dir and the demo venue.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseArgsConfig } from 'node:util';
import type { SyncConfig } from '../terminal/sync-worker';
import type { PrinterConfig, ReaderConfig, TerminalConfig } from '../terminal/terminal';
import { AddressError, parseAddress, type DeviceAddress } from '../drivers/address';
import { CliError, parseOptions, parsePort, UsageError, type Reporter } from './output';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The built UI; POS_RENDERER_DIR points elsewhere (a packaged layout, or a test's stub page). */
export function rendererDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.POS_RENDERER_DIR ?? path.join(repoRoot, 'dist', 'renderer'));
}
export const electronMain = path.join(repoRoot, 'dist', 'electron', 'main.cjs');

export interface TillOptions {
  dataDir: string;
  demo: boolean;
  /** Browser-mode port; 0 picks a free one. */
  port: number;
  open: boolean;
  /** Browser mode even when Electron is installed. */
  forceBrowser: boolean;
  /** Sync worker timing for a browser-mode till (the demo shortens the first-reconnect jitter). */
  sync?: Partial<SyncConfig>;
  /** The receipt printer; the demo defaults to the in-process simulator. */
  printer?: PrinterConfig;
  /** The contactless card reader; the demo defaults to the in-process simulator. */
  reader?: ReaderConfig;
  /** The barcode scanner the till drives; the demo defaults to the in-process simulator. */
  scanner?: TerminalConfig['scanner'];
  /** This counter's zone for price levels (kept in the data dir once given). */
  zone?: string;
}

/** Something `pos start` runs until a signal arrives (the till, the embedded gateway). */
export interface RunningService {
  readonly name: string;
  /** Resolves if the service ends by itself (Electron window closed, crash). */
  readonly ended: Promise<void>;
  stop(): Promise<void>;
}

/** The options `pos start` and `pos terminal` share, for their usage texts. */
export const tillOptionsHelp = `  --printer ADDRESS        receipt printer: serial:/dev/ttyUSB0, tcp:HOST[:9100], usblp:/dev/usb/lp0,
                           sim:printer[?paper=out|drawer=auto] (the demo's default), or none
  --printer-profile P      80mm (default) or 58mm
  --receipt-language L     both (default), zh or en
  --reader ADDRESS         card reader: serial:/dev/ttyUSB0, hid:VID:PID, sim:reader[?card=NAME]
                           (the demo's default), or none
  --scanner ADDRESS        barcode scanner: hid:VID:PID (USB HID POS),
                           serial:/dev/ttyACM0[?baud=9600&suffix=cr|lf|crlf], sim:scanner
                           (the demo's default), or none (keyboard-wedge scanners need no option)
  --zone Z                 this counter's zone for zone price levels (e.g. vip); remembered
  --port P       browser-mode port (default 0: a free port)
  --no-open      do not open a browser window; just print the url
  --browser      use browser mode even when Electron is installed
  -h, --help     show this help`;

const tillParseOptions = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  'no-open': { type: 'boolean' },
  browser: { type: 'boolean' },
  printer: { type: 'string' },
  zone: { type: 'string' },
  'printer-profile': { type: 'string' },
  'receipt-language': { type: 'string' },
  reader: { type: 'string' },
  scanner: { type: 'string' },
} as const;

export function parseTillArgs(
  argv: string[],
  usage: string,
  defaults: { dataDir: string; demo: boolean },
): TillOptions {
  return parseTillArgsWith(argv, usage, defaults, {}).till;
}

/** parseTillArgs plus a command's own options (`pos start`'s gateway options). */
export function parseTillArgsWith<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  usage: string,
  defaults: { dataDir: string; demo: boolean },
  extra: T,
) {
  const { values } = parseOptions(argv, { ...tillParseOptions, ...extra }, usage);
  const v = values as {
    'data-dir'?: string;
    port?: string;
    'no-open'?: boolean;
    browser?: boolean;
    printer?: string;
    'printer-profile'?: string;
    'receipt-language'?: string;
    reader?: string;
    scanner?: string;
    zone?: string;
  };
  if (v.zone !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(v.zone)) {
    throw new UsageError(`--zone must be a zone id (letters, digits, . _ : -), not "${v.zone}"`, usage);
  }
  const language = v['receipt-language'];
  if (language !== undefined && language !== 'both' && language !== 'zh' && language !== 'en') {
    throw new UsageError(`--receipt-language must be both, zh or en, not "${language}"`, usage);
  }
  const printerAddress = v.printer ?? (defaults.demo ? 'sim:printer?drawer=auto' : undefined);
  if (
    (v['printer-profile'] !== undefined || language !== undefined) &&
    (printerAddress === undefined || printerAddress === 'none')
  ) {
    throw new UsageError('--printer-profile and --receipt-language need --printer', usage);
  }
  const readerAddress = v.reader ?? (defaults.demo ? 'sim:reader' : undefined);
  const scannerAddress = v.scanner ?? (defaults.demo ? 'sim:scanner' : undefined);
  if (scannerAddress !== undefined && scannerAddress !== 'none')
    checkScannerAddress(scannerAddress, usage);
  const till: TillOptions = {
    dataDir: path.resolve(v['data-dir'] ?? defaults.dataDir),
    demo: defaults.demo,
    port: parsePort(v.port, usage),
    open: !v['no-open'],
    forceBrowser: v.browser ?? false,
    ...(printerAddress !== undefined && printerAddress !== 'none'
      ? {
          printer: {
            address: printerAddress,
            ...(v['printer-profile'] !== undefined ? { profile: v['printer-profile'] } : {}),
            ...(language !== undefined ? { language } : {}),
          },
        }
      : {}),
    ...(readerAddress !== undefined && readerAddress !== 'none' ? { reader: { address: readerAddress } } : {}),
    ...(scannerAddress !== undefined && scannerAddress !== 'none'
      ? { scanner: { address: scannerAddress } }
      : {}),
    ...(v.zone !== undefined ? { zone: v.zone } : {}),
  };
  return { till, values };
}

/**
 * A usage error now rather than a scanner in 'error' once the till is up: the address must parse
 * and name something a scanner can be on.
 */
function checkScannerAddress(address: string, usage: string): void {
  let parsed: DeviceAddress;
  try {
    parsed = parseAddress(address);
  } catch (err) {
    if (err instanceof AddressError) throw new UsageError(`--scanner: ${err.message}`, usage);
    throw err;
  }
  const ok =
    parsed.kind === 'hid' ||
    parsed.kind === 'serial' ||
    (parsed.kind === 'sim' && parsed.device === 'scanner');
  if (!ok)
    throw new UsageError(
      `--scanner ${address}: a scanner is on hid:VID:PID, serial:PATH or sim:scanner (or none)`,
      usage,
    );
}

/** The demo staff's PINs (contract/demo-venue.ts keeps only their hashes). */
export const DEMO_PINS = 'Li Na (cashier) 1111 · Wang Wei (supervisor) 2222 · Venue admin 9999';

export const NOT_BUILT =
  'the app is not built: run `npm run build` first (npm start does it for you)';

export async function startTill(opts: TillOptions, out: Reporter): Promise<RunningService> {
  mkdirSync(opts.dataDir, { recursive: true });
  let reason = '--browser was given';
  if (!opts.forceBrowser) {
    const { findElectronBinary } = await import('../electron/binary');
    const electron = findElectronBinary();
    if (electron === null) reason = 'the Electron binary is not installed';
    else {
      const binding = await sqliteBindingForElectron(out);
      if (binding.ok) return startElectronTill(electron, binding.path, opts, out);
      reason = binding.reason;
    }
  }
  out.info(`Browser mode: ${reason}`);
  return startBrowserTill(opts, out);
}

/**
 * better-sqlite3's Node build cannot load in Electron (ARCHITECTURE §3). The Electron build is
 * fetched or compiled once into .native/ (needs the internet); without it, browser mode still works.
 * POS_SQLITE_BINDING names a ready file and skips all that.
 */
async function sqliteBindingForElectron(
  out: Reporter,
): Promise<{ ok: true; path: string } | { ok: false; reason: string }> {
  const given = process.env.POS_SQLITE_BINDING;
  if (given) return { ok: true, path: given };
  const [{ electronVersion }, { ensureElectronSqliteBinding }] = await Promise.all([
    import('../electron/binary'),
    import('../electron/native-binding'),
  ]);
  const version = electronVersion();
  if (version === null) return { ok: false, reason: 'the electron package version is unknown' };
  out.info(`Preparing better-sqlite3 for Electron ${version} (once; may download or compile)...`);
  try {
    return { ok: true, path: await ensureElectronSqliteBinding(version) };
  } catch (err) {
    return {
      ok: false,
      reason: `no better-sqlite3 build for Electron (${(err as Error).message})`,
    };
  }
}

function startElectronTill(
  binary: string,
  sqliteBinding: string,
  opts: TillOptions,
  out: Reporter,
): RunningService {
  if (!existsSync(electronMain))
    throw new CliError(`${electronMain} is missing; ${NOT_BUILT}`, 'not_built');
  out.info(`Electron mode: ${binary}`);
  const args = [
    electronMain,
    '--data-dir',
    opts.dataDir,
    ...(opts.demo ? ['--demo'] : []),
    ...(opts.printer ? ['--printer', opts.printer.address] : []),
    ...(opts.printer?.profile ? ['--printer-profile', opts.printer.profile] : []),
    ...(opts.printer?.language ? ['--receipt-language', opts.printer.language] : []),
    ...(opts.reader ? ['--reader', opts.reader.address] : []),
    ...(opts.scanner ? ['--scanner', opts.scanner.address] : []),
    ...(opts.zone ? ['--zone', opts.zone] : []),
  ];
  // Electron refuses to run as root with Chromium's sandbox; only then is it turned off.
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  const child = spawn(binary, args, {
    stdio: 'inherit',
    env: { ...process.env, POS_SQLITE_BINDING: sqliteBinding },
  });
  const ended = childEnded(child).then((code) => {
    if (code !== 0 && code !== null) out.warn(`Electron exited with code ${code}`);
  });
  return {
    name: 'terminal (Electron)',
    ended,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await ended;
    },
  };
}

async function startBrowserTill(opts: TillOptions, out: Reporter): Promise<RunningService> {
  const staticDir = rendererDir();
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new CliError(`${staticDir} is missing; ${NOT_BUILT}`, 'not_built');
  }
  const [{ createTerminal }, { startBrowserHost }, { openAppWindow }] = await Promise.all([
    import('../terminal/create-terminal'),
    import('../terminal/browser-host'),
    import('./open-browser'),
  ]);
  const terminal = await createTerminal({
    dataDir: opts.dataDir,
    demo: opts.demo,
    ...(opts.sync ? { sync: opts.sync } : {}),
    ...(opts.printer ? { printer: opts.printer } : {}),
    ...(opts.reader ? { reader: opts.reader } : {}),
    ...(opts.scanner ? { scanner: opts.scanner } : {}),
    ...(opts.zone ? { zone: opts.zone } : {}),
  });
  let host;
  try {
    host = await startBrowserHost({ terminal, staticDir, port: opts.port });
  } catch (err) {
    terminal.close();
    throw new CliError((err as Error).message, 'host_failed');
  }
  out.info(`url: ${host.url}`);
  if (opts.demo) out.info(`staff PINs (demo only): ${DEMO_PINS}`);
  if (terminal.bootstrapPin !== null) {
    // Shown once: the hash is all the data dir keeps.
    out.info(`bootstrap admin PIN (shown once; sign in, then let the gateway send your staff): ${terminal.bootstrapPin}`);
  }

  let browser: ChildProcess | null = null;
  if (opts.open) {
    const opened = await openAppWindow(host.url, path.join(opts.dataDir, 'browser-profile'));
    if (opened.opened) {
      browser = opened.child;
      out.info(`Opened the till in ${opened.command}`);
    } else {
      out.info(`Not opening a browser: ${opened.reason}. Open the url above in Chromium.`);
    }
  }
  out.info('Press Ctrl+C to stop.');

  const h = host;
  return {
    name: 'terminal (browser mode)',
    // Closing the browser window leaves the till serving: the cashier can reopen the url.
    ended: new Promise<void>(() => undefined),
    stop: async () => {
      if (browser && browser.exitCode === null && browser.signalCode === null)
        browser.kill('SIGTERM');
      await h.close();
      terminal.close();
    },
  };
}

function childEnded(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(1));
  });
}

export interface SignalTrap {
  /** Resolves with the first SIGINT/SIGTERM. */
  readonly received: Promise<string>;
  release(): void;
}

/**
 * Catches SIGINT/SIGTERM from before anything starts, so a Ctrl+C during start-up still ends in
 * a clean stop instead of killing the process mid-write. A second signal exits at once.
 */
export function trapSignals(out: Reporter): SignalTrap {
  let resolve: (signal: string) => void = () => undefined;
  const received = new Promise<string>((r) => (resolve = r));
  let count = 0;
  const handler = (signal: NodeJS.Signals): void => {
    count += 1;
    if (count === 1) return resolve(signal);
    out.warn(`${signal} again: exiting without a clean stop`);
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    received,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Runs until a signal (or until a service ends by itself), then stops the services in reverse order. */
export async function runUntilSignal(
  services: RunningService[],
  out: Reporter,
  trap: SignalTrap,
): Promise<string> {
  const why = await Promise.race([
    trap.received,
    ...services.map((s) => s.ended.then(() => `${s.name} ended`)),
  ]);
  out.info(`Stopping (${why})...`);
  for (const service of [...services].reverse()) await service.stop();
  return why;
}
