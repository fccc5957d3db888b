import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseOpenError, openDatabase, type Db } from './open';

let dir: string;
const opened: Db[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pos-open-'));
});
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (...args: Parameters<typeof openDatabase>): Db => {
  const db = openDatabase(...args);
  opened.push(db);
  return db;
};
const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex');

/** The DatabaseOpenError `fn` throws (fails the test if it throws anything else or nothing). */
function openError(fn: () => unknown): DatabaseOpenError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DatabaseOpenError);
    return err as DatabaseOpenError;
  }
  throw new Error('expected openDatabase to throw');
}

/** A small real database with a few pages, closed again. */
function makeDb(file: string, setup: (db: Db) => void = () => {}): void {
  const db = new Database(file);
  db.exec('CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
  const ins = db.prepare('INSERT INTO a (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 300; i++) ins.run(`row ${i} ${'x'.repeat(20)}`);
  })();
  setup(db);
  db.close();
}

function expectUntouched(file: string, hashBefore: string): void {
  expect(sha256(file)).toBe(hashBefore);
  expect(existsSync(`${file}-wal`)).toBe(false);
  expect(existsSync(`${file}-shm`)).toBe(false);
  expect(existsSync(`${file}-journal`)).toBe(false);
}

describe('openDatabase pragmas', () => {
  it('sets WAL, synchronous=FULL and foreign keys on every connection', () => {
    const file = path.join(dir, 'a.db');
    const first = open(file);
    const second = open(file);
    for (const db of [first, second]) {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL (NORMAL would be 1)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    }
    const ro = open(file, { readonly: true });
    expect(ro.readonly).toBe(true);
    expect(ro.pragma('synchronous', { simple: true })).toBe(2);
    expect(ro.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(ro.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('enforces foreign keys', () => {
    const db = open(path.join(dir, 'fk.db'));
    db.exec(
      'CREATE TABLE p (id INTEGER PRIMARY KEY) STRICT; CREATE TABLE c (p INTEGER REFERENCES p (id)) STRICT;',
    );
    expect(() => db.prepare('INSERT INTO c VALUES (42)').run()).toThrow(/FOREIGN KEY/);
  });

  it('opens an empty (0-byte) file as a new database', () => {
    const file = path.join(dir, 'empty.db');
    writeFileSync(file, '');
    const db = open(file);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
  });
});

describe('openDatabase refusals', () => {
  it('refuses a file from a newer schema version and leaves its bytes alone (WAL file)', () => {
    const file = path.join(dir, 'newer.db');
    const db = open(file);
    db.exec('CREATE TABLE t (x INTEGER) STRICT; INSERT INTO t VALUES (1);');
    db.pragma('user_version = 7');
    db.close();
    const before = sha256(file);

    const err = openError(() => openDatabase(file, { maxSchemaVersion: 3 }));
    expect(err.code).toBe('db.newer_version');
    expect(err.message).toMatch(/7/);
    expectUntouched(file, before);
  });

  it('refuses a newer rollback-journal file without switching it to WAL', () => {
    const file = path.join(dir, 'newer-delete-mode.db');
    makeDb(file, (db) => db.pragma('user_version = 2'));
    const before = sha256(file);
    // header bytes 18/19 are the read/write format: 1 = rollback journal, 2 = WAL
    expect(readFileSync(file)[18]).toBe(1);

    const err = openError(() => openDatabase(file, { maxSchemaVersion: 1 }));
    expect(err.code).toBe('db.newer_version');
    expectUntouched(file, before);
    expect(readFileSync(file)[18]).toBe(1);
  });

  it('accepts a file at exactly the newest known version', () => {
    const file = path.join(dir, 'same.db');
    makeDb(file, (db) => db.pragma('user_version = 3'));
    expect(open(file, { maxSchemaVersion: 3 }).pragma('user_version', { simple: true })).toBe(3);
  });

  it('refuses a file of random bytes as corrupt and leaves it alone', () => {
    const file = path.join(dir, 'random.db');
    // deterministic "random" bytes (a small LCG), 3 pages' worth
    const bytes = Buffer.alloc(3 * 4096);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    writeFileSync(file, bytes);
    const before = sha256(file);
    const err = openError(() => openDatabase(file));
    expect(err.code).toBe('db.corrupt');
    expectUntouched(file, before);
  });

  it('refuses a file shorter than the SQLite header as corrupt', () => {
    const file = path.join(dir, 'short.db');
    writeFileSync(file, 'SQLite for');
    const before = sha256(file);
    expect(openError(() => openDatabase(file)).code).toBe('db.corrupt');
    expectUntouched(file, before);
  });

  it.each([false, true])(
    'refuses a valid database whose page 2 was overwritten with garbage (WAL mode: %s)',
    (wal) => {
      const file = path.join(dir, 'page2.db');
      makeDb(file, (db) => {
        if (wal) db.pragma('journal_mode = WAL');
      });
      const buf = readFileSync(file);
      const pageSize = buf.readUInt16BE(16);
      expect(buf.length).toBeGreaterThanOrEqual(3 * pageSize);
      for (let i = pageSize; i < 2 * pageSize; i++) buf[i] = (i * 7919 + 13) & 0xff;
      writeFileSync(file, buf);
      const before = sha256(file);

      const err = openError(() => openDatabase(file));
      expect(err.code).toBe('db.corrupt');
      expect(err.message).toMatch(/left untouched/);
      expectUntouched(file, before);
    },
  );

  it('refuses a read-only open of a missing file without creating it', () => {
    const file = path.join(dir, 'missing.db');
    expect(openError(() => openDatabase(file, { readonly: true })).code).toBe('db.missing');
    expect(existsSync(file)).toBe(false);
  });

  it('reports a path it cannot open as db.open_failed', () => {
    // the folder does not exist (openDatabase does not create folders)
    expect(openError(() => openDatabase(path.join(dir, 'no', 'such', 'dir', 'x.db'))).code).toBe(
      'db.open_failed',
    );
  });
});
