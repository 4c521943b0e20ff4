import { type Database } from 'better-sqlite3';
import { type Migration } from './migrations/types';

export class DatabaseVersionError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(`database ${file} has schema version ${found}, newer than this app supports (${supported}); update the app instead of opening it with an older one`);
    this.name = 'DatabaseVersionError';
  }
}

export const readSchemaVersion = (db: Database): number => db.pragma('user_version', { simple: true }) as number;

/** Checks that the migration list is 1..N without gaps; a programming error otherwise. */
function assertContiguous(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list broken at index ${i}: version ${m.version}`);
  });
}

/**
 * Applies all pending migrations in ONE transaction and records `user_version`, so a crash leaves either
 * the old or the new schema, never half of it. Refuses a database from a newer app version.
 */
export function migrate(db: Database, migrations: readonly Migration[], file: string): { from: number; to: number } {
  assertContiguous(migrations);
  const latest = migrations.length;
  const from = readSchemaVersion(db);
  if (from > latest) throw new DatabaseVersionError(file, from, latest);
  if (from === latest) return { from, to: from };
  db.transaction(() => {
    for (const m of migrations.slice(from)) m.up(db);
    // user_version cannot be bound as a parameter; `latest` is an integer we computed.
    db.pragma(`user_version = ${latest}`);
  })();
  return { from, to: latest };
}
