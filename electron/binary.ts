// Is the Electron binary installed? `pos start` asks before choosing Electron or browser mode.
// Answered from files only: require('electron') from Node would try to download the binary.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ElectronLookup {
  /** Folder holding node_modules/electron; defaults to this checkout. */
  root?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

const checkoutRoot = (): string => fileURLToPath(new URL('..', import.meta.url));

/** Where the electron package's installer puts the executable inside its dist folder. */
function platformExecutable(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

function readTrimmed(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    // Windows has no execute bit; the file being there is all it can tell.
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of the installed Electron executable, or null when it is missing. Resolves
 * the way the electron package does: path.txt names the executable inside node_modules/electron/
 * dist, or inside ELECTRON_OVERRIDE_DIST_PATH when that is set.
 */
export function findElectronBinary(lookup: ElectronLookup = {}): string | null {
  const root = lookup.root ?? checkoutRoot();
  const env = lookup.env ?? process.env;
  const platform = lookup.platform ?? process.platform;
  const pkgDir = path.join(root, 'node_modules', 'electron');
  const relative = readTrimmed(path.join(pkgDir, 'path.txt'));
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  let candidate: string;
  if (override) candidate = path.join(override, relative ?? platformExecutable(platform));
  else if (relative !== null) candidate = path.join(pkgDir, 'dist', relative);
  else return null;
  return isExecutableFile(candidate, platform) ? path.resolve(candidate) : null;
}

/** The version of the installed electron package (what a native module must be built for). */
export function electronVersion(lookup: Pick<ElectronLookup, 'root'> = {}): string | null {
  const root = lookup.root ?? checkoutRoot();
  const text = readTrimmed(path.join(root, 'node_modules', 'electron', 'package.json'));
  if (text === null) return null;
  try {
    const pkg = JSON.parse(text) as { version?: unknown };
    return typeof pkg.version === 'string' && pkg.version !== '' ? pkg.version : null;
  } catch {
    return null;
  }
}
