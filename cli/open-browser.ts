// Opens the till page as an app window (no tabs or address bar) in a Chromium-family browser.
// The profile lives under the data dir, so the till never touches the user's own browser profile,
// and background traffic (updates, sync) is off: a counter PC may have no internet at all.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

export interface BrowserChoice {
  command: string;
  /** Chromium flags apply; otherwise the browser gets the URL alone. */
  chromiumLike: boolean;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/** $BROWSER if set, else /usr/bin/chromium, else a Chromium-family browser on PATH. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): BrowserChoice | null {
  const chosen = env.BROWSER?.trim();
  if (chosen) {
    return { command: chosen, chromiumLike: /chrom/i.test(path.basename(chosen)) };
  }
  if (isExecutable('/usr/bin/chromium'))
    return { command: '/usr/bin/chromium', chromiumLike: true };
  for (const name of CHROMIUM_NAMES) {
    const found = onPath(name, env);
    if (found) return { command: found, chromiumLike: true };
  }
  return null;
}

export function chromiumArgs(url: string, profileDir: string, isRoot: boolean): string[] {
  return [
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Chromium refuses to start as root with its sandbox on; the demo often runs as root in a VM.
    ...(isRoot ? ['--no-sandbox'] : []),
  ];
}

export type OpenResult =
  { opened: true; child: ChildProcess; command: string } | { opened: false; reason: string };

export async function openAppWindow(
  url: string,
  profileDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OpenResult> {
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { opened: false, reason: 'no graphical display (DISPLAY is not set)' };
  }
  const browser = findBrowser(env);
  if (!browser)
    return {
      opened: false,
      reason: 'no Chromium browser found (install chromium or set $BROWSER)',
    };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const args = browser.chromiumLike ? chromiumArgs(url, profileDir, isRoot) : [url];
  const child = spawn(browser.command, args, { stdio: 'ignore', env });
  return new Promise((resolve) => {
    child.once('spawn', () => resolve({ opened: true, child, command: browser.command }));
    // A browser that fails to start must not take the till down.
    child.once('error', (err) =>
      resolve({ opened: false, reason: `${browser.command}: ${err.message}` }),
    );
  });
}
