// Numbered migrations, one transaction each, tracked in PRAGMA user_version (as Signal Desktop
// does). A database from a newer release is refused by openDatabase before we get here.
import type { Db } from './open';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `migration ${m.name} has version ${m.version}, expected ${i + 1}: versions must be 1..N without gaps`,
      );
    }
  });
}

/** Runs every migration above the file's version, up to `target` (default: all). */
export function migrate(
  db: Db,
  migrations: readonly Migration[],
  target = migrations.length,
): number {
  checkMigrations(migrations);
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(`database schema ${current} is newer than this program's ${migrations.length}`);
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
