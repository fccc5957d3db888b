// Opens the gateway's database: SQLite embedded (the default, no setup) or PostgreSQL.
// gateway/ may not import db/ (ARCHITECTURE §2), so the SQLite durability pragmas are repeated
// here: WAL with synchronous=FULL (better-sqlite3 leaves WAL at NORMAL, which can lose the last
// commits on power loss), foreign keys, a busy timeout.
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { GatewayStore } from '../store';
import { KyselyGatewayStore } from './kysely-store';
import type { GatewayDatabase } from './schema';

export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** `postgres://…` / `postgresql://…` → PostgreSQL; anything else (or nothing) → `<dataDir>/gateway.db`. */
export function storeTargetFromUrl(dbUrl: string | undefined, dataDir: string): StoreTarget {
  if (dbUrl !== undefined && /^postgres(ql)?:\/\//i.test(dbUrl))
    return { kind: 'postgres', url: dbUrl };
  return { kind: 'sqlite', path: join(dataDir, 'gateway.db') };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8 (COUNT, BIGINT columns) and numeric (SUM of BIGINT) as numbers; refuses what JS can't hold exactly. */
function parseExactInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`database value ${text} is not a safe integer`);
  return n;
}

const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if ((oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary') return parseExactInteger;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Opens (creating if needed) and migrates the store. */
export async function createStore(target: StoreTarget): Promise<GatewayStore> {
  let store: KyselyGatewayStore;
  if (target.kind === 'sqlite') {
    mkdirSync(dirname(target.path), { recursive: true });
    let sqlite: Database.Database | undefined;
    try {
      sqlite = new Database(target.path);
      sqlite.pragma('busy_timeout = 5000');
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = FULL');
      sqlite.pragma('foreign_keys = ON');
    } catch (err) {
      sqlite?.close();
      throw new Error(
        `cannot open the gateway database ${target.path}: ${(err as Error).message}. ` +
          'It was left untouched; restore it from a backup or move it away.',
        { cause: err },
      );
    }
    store = new KyselyGatewayStore(
      new Kysely<GatewayDatabase>({ dialect: new SqliteDialect({ database: sqlite }) }),
      'sqlite',
    );
  } else {
    const pool = new pg.Pool({ connectionString: target.url, max: 10, types: pgTypes });
    // An idle connection dropped by the server (restart, failover, admin) is discarded by the
    // pool and replaced on next use; unhandled, its 'error' event would end the gateway process.
    pool.on('error', () => undefined);
    store = new KyselyGatewayStore(
      new Kysely<GatewayDatabase>({ dialect: new PostgresDialect({ pool }) }),
      'postgres',
    );
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
