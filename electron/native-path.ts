// Where the Electron-ABI build of better-sqlite3 lives in a checkout (ARCHITECTURE §3). Kept apart
// from native-binding.ts so the main-process bundle can use it without the build tooling.
import path from 'node:path';

export const NATIVE_DIR = '.native';
export const SQLITE_BINDING_FILE = 'better_sqlite3.node';

/** `<root>/.native/electron-<version>-<arch>/better_sqlite3.node` */
export function electronSqliteBindingPath(
  root: string,
  electronVersion: string,
  arch: string,
): string {
  return path.join(root, NATIVE_DIR, `electron-${electronVersion}-${arch}`, SQLITE_BINDING_FILE);
}
