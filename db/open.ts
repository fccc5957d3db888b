// Every connection to a terminal or gateway SQLite file goes through here, so the durability
// pragmas can never be forgotten: WAL with synchronous=FULL (better-sqlite3 would leave WAL at
// NORMAL, which can lose the last commits on power loss), foreign keys, a busy timeout.
import Database from 'better-sqlite3';
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** better-sqlite3's native .node file to use (the Electron-ABI build inside Electron). */
  nativeBinding?: string;
  /**
   * The newest schema version this program knows. A file with a higher `user_version` was written
   * by a newer release: it is refused before anything (even the WAL switch) touches it.
   */
  maxSchemaVersion?: number;
}

export class DatabaseOpenError extends Error {
  readonly code: 'db.corrupt' | 'db.newer_version' | 'db.missing' | 'db.open_failed';
  constructor(code: DatabaseOpenError['code'], message: string) {
    super(message);
    this.name = 'DatabaseOpenError';
    this.code = code;
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

function checkHeader(path: string): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (n < 16 || buf.toString('latin1') !== SQLITE_MAGIC) {
      throw new DatabaseOpenError(
        'db.corrupt',
        `${path} is not a SQLite database (bad header). It was left untouched; restore it from a backup or move it away.`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (options.readonly && !existsSync(path)) {
    throw new DatabaseOpenError('db.missing', `no database at ${path}`);
  }
  checkHeader(path);
  let db: Db;
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (err) {
    throw new DatabaseOpenError('db.open_failed', `cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (options.maxSchemaVersion !== undefined && version > options.maxSchemaVersion) {
      throw new DatabaseOpenError(
        'db.newer_version',
        `${path} has schema version ${version}, but this program knows only up to ${options.maxSchemaVersion}. ` +
          'It was written by a newer release and was left untouched: install that release.',
      );
    }
    // A cheap structural check; a full integrity_check is for a technician's tool, not every start.
    const quick = db.pragma('quick_check(1)', { simple: true });
    if (quick !== 'ok') throw new Error(String(quick));
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db.close();
    if (err instanceof DatabaseOpenError) throw err;
    throw new DatabaseOpenError(
      'db.corrupt',
      `${path} is damaged (${(err as Error).message}). It was left untouched; restore it from a backup or move it away.`,
    );
  }
  return db;
}
