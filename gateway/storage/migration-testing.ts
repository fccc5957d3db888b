// For migration tests (migration-N.test.ts): the two databases an upgrade is tried on, a SQLite
// file in a temp folder and a database on a PostgreSQL server of the test's own, each opened with
// Kysely to write the old version and named as a store target to open it with createStore.
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresServer } from '../../tests/support/postgres';
import type { StoreTarget } from './create-store';
import type { Dialect, GatewayDatabase } from './schema';

export interface MigrationDialect {
  name: Dialect;
  open(): Promise<{ db: Kysely<GatewayDatabase>; target: StoreTarget }>;
}

/**
 * Both dialects for `describe.each`; registers the test file's beforeAll/afterAll that make the
 * temp folder (gw-`name`-…) and start the PostgreSQL server (database `name`), and remove them.
 */
export function migrationDialects(name: string): MigrationDialect[] {
  let dir = '';
  let pgServer: PostgresServer | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `gw-${name}-`));
    pgServer = await startPostgres();
  });
  afterAll(async () => {
    await pgServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return [
    {
      name: 'sqlite',
      open: () => {
        const path = join(dir, 'gateway.db');
        const db = new Kysely<GatewayDatabase>({
          dialect: new SqliteDialect({ database: new Database(path) }),
        });
        return Promise.resolve({ db, target: { kind: 'sqlite', path } });
      },
    },
    {
      name: 'postgres',
      open: async () => {
        if (!pgServer) throw new Error('postgres not started');
        const url = await pgServer.createDatabase(name);
        const db = new Kysely<GatewayDatabase>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
        });
        return { db, target: { kind: 'postgres', url } };
      },
    },
  ];
}
