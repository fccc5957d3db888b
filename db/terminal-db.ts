// Opens <data dir>/terminal.db: pragmas, refusal of newer schemas, migrations, terminal identity.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../lib/ids';
import { migrate } from './migrate';
import { terminalMigrations } from './migrations/index';
import { openDatabase, type Db, type OpenOptions } from './open';
import { getSetting, setSetting } from './settings';

export const TERMINAL_DB_FILE = 'terminal.db';

export function terminalDbPath(dataDir: string): string {
  return join(dataDir, TERMINAL_DB_FILE);
}

export function openTerminalDb(
  dataDir: string,
  options: Pick<OpenOptions, 'nativeBinding'> = {},
): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(terminalDbPath(dataDir), {
    ...options,
    maxSchemaVersion: terminalMigrations.length,
  });
  try {
    migrate(db, terminalMigrations);
    ensureTerminalId(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** The terminal's id: a ULID created on first start and kept for life (ARCHITECTURE §4). */
export function ensureTerminalId(db: Db): string {
  const existing = getSetting<string>(db, 'terminal_id');
  if (existing) return existing;
  const id = newId();
  setSetting(db, 'terminal_id', id);
  return id;
}
