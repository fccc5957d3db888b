import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkMigrations, migrate, schemaVersion, type Migration } from './migrate';
import { openDatabase, type Db } from './open';

/** A migration that creates table t<version> and records that it ran. */
function fake(version: number, ran: number[], fail = false): Migration {
  return {
    version,
    name: `fake-${version}`,
    up(db) {
      ran.push(version);
      db.exec(
        `CREATE TABLE t${version} (x INTEGER) STRICT; INSERT INTO t${version} VALUES (${version});`,
      );
      if (fail) throw new Error(`migration ${version} failed halfway`);
    },
  };
}

const tables = (db: Db): string[] =>
  (
    db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe('migrate', () => {
  let db: Db;
  let ran: number[];
  beforeEach(() => {
    db = openDatabase(':memory:');
    ran = [];
  });
  afterEach(() => db.close());

  it('applies every migration in order and records the version', () => {
    const result = migrate(db, [fake(1, ran), fake(2, ran), fake(3, ran)]);
    expect(result).toBe(3);
    expect(schemaVersion(db)).toBe(3);
    expect(ran).toEqual([1, 2, 3]);
    expect(tables(db)).toEqual(['t1', 't2', 't3']);
  });

  it('skips migrations already applied', () => {
    const list = [fake(1, ran), fake(2, ran), fake(3, ran)];
    migrate(db, list.slice(0, 2));
    expect(ran).toEqual([1, 2]);
    expect(migrate(db, list)).toBe(3);
    expect(ran).toEqual([1, 2, 3]);
    expect(migrate(db, list)).toBe(3);
    expect(ran).toEqual([1, 2, 3]);
  });

  it('stops at a target version', () => {
    const list = [fake(1, ran), fake(2, ran), fake(3, ran)];
    expect(migrate(db, list, 1)).toBe(1);
    expect(tables(db)).toEqual(['t1']);
    expect(migrate(db, list, 2)).toBe(2);
    expect(ran).toEqual([1, 2]);
    expect(migrate(db, list)).toBe(3);
    expect(ran).toEqual([1, 2, 3]);
  });

  it('runs each migration in its own transaction: a failure leaves that step undone, earlier steps kept', () => {
    const list = [fake(1, ran), fake(2, ran, true), fake(3, ran)];
    expect(() => migrate(db, list)).toThrow(/migration 2 failed halfway/);
    expect(ran).toEqual([1, 2]);
    expect(schemaVersion(db)).toBe(1);
    // t2 was created and filled inside the failed transaction: gone again
    expect(tables(db)).toEqual(['t1']);
    expect(db.inTransaction).toBe(false);
  });

  it('a failing first migration leaves an empty database at version 0', () => {
    expect(() => migrate(db, [fake(1, ran, true)])).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
  });

  it.each([
    ['a gap', [1, 3]],
    ['not starting at 1', [2, 3]],
    ['a duplicate', [1, 1, 2]],
    ['out of order', [2, 1]],
    ['starting at 0', [0, 1]],
  ])('refuses a list with %s before touching the database', (_what, versions) => {
    const list = versions.map((v) => fake(v, ran));
    expect(() => checkMigrations(list)).toThrow(/without gaps/);
    expect(() => migrate(db, list)).toThrow(/without gaps/);
    expect(ran).toEqual([]);
    expect(schemaVersion(db)).toBe(0);
  });

  it('refuses a database newer than the migration list', () => {
    db.pragma('user_version = 4');
    expect(() => migrate(db, [fake(1, ran), fake(2, ran)])).toThrow(/newer/);
    expect(ran).toEqual([]);
    expect(schemaVersion(db)).toBe(4);
  });
});
