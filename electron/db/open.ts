import fs from 'node:fs';
import Database, { type Database as Db } from 'better-sqlite3';
import { DatabaseVersionError, migrate, readSchemaVersion } from './migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { type Migration } from './migrations/types';

export type { Db };

export class DatabaseOpenError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`cannot open database ${file}: ${cause instanceof Error ? cause.message : String(cause)} (the file was left untouched)`);
    this.name = 'DatabaseOpenError';
  }
}

/** The file is held by another process: one terminal database, one POS host (see openDatabase). */
export class DatabaseInUseError extends Error {
  constructor(readonly file: string) {
    super(`database ${file} is in use by another POS process: only one may run per data directory (close it, or start this one with its own --data-dir)`);
    this.name = 'DatabaseInUseError';
  }
}

const isBusy = (e: unknown): boolean => typeof e === 'object' && e !== null && 'code' in e && (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED');

/** How long opening waits for another process to let go of the file (a previous run still closing). */
const OPEN_WAIT_MS = 2000;

/**
 * Inspects an existing file read-only before anything writes to it: a corrupt file or one from a newer
 * app version is refused with an error naming the file, and its bytes are not modified (switching to WAL
 * or migrating would rewrite the header).
 */
function inspectExisting(file: string, supported: number): void {
  let probe: Db | undefined;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true, timeout: OPEN_WAIT_MS });
    const version = readSchemaVersion(probe);
    if (version > supported) throw new DatabaseVersionError(file, version, supported);
    // Touch the schema so a file with a valid header but a garbage body fails here, not mid-sale.
    probe.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (e) {
    if (e instanceof DatabaseVersionError) throw e;
    if (isBusy(e)) throw new DatabaseInUseError(file);
    throw new DatabaseOpenError(file, e);
  } finally {
    probe?.close();
  }
}

export type OpenDatabaseResult = { db: Db; migratedFrom: number; schemaVersion: number };

/** Quiet time (no write on the connection) after which the WAL is checkpointed, off any commit's path. */
export const IDLE_CHECKPOINT_MS = 250;

/**
 * WAL checkpoints when the till is quiet. A checkpoint copies the WAL into the database file and flushes it
 * (with `synchronous=FULL`: two fsyncs and ~1000 page writes, several milliseconds). SQLite's automatic
 * checkpoint runs inside whichever commit crosses the threshold, i.e. inside a cashier's payment now and
 * then. Here a timer checkpoints (PASSIVE: never waits for or blocks anyone) once the connection has made
 * no change for a full tick, so in normal use the WAL is emptied between scans and customers and the
 * automatic checkpoint (kept at SQLite's default as the fallback under sustained writes) never fires.
 * Durability is unchanged: a commit is durable when its WAL frames are synced, whether or not checkpointed.
 */
function checkpointWhenIdle(db: Db, tickMs = IDLE_CHECKPOINT_MS): void {
  const totalChanges = db.prepare('SELECT total_changes()').pluck();
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let seen = totalChanges.get() as number;
  let written = false;
  const timer = setInterval(() => {
    if (!db.open) return void clearInterval(timer);
    if (db.inTransaction) return;
    try {
      const n = totalChanges.get() as number;
      if (n !== seen) {
        // Written during the last tick: not quiet yet.
        seen = n;
        written = true;
        return;
      }
      if (!written) return;
      written = false;
      checkpoint.all();
    } catch {
      // Never fatal: the automatic checkpoint still runs, and the next quiet tick tries again.
      written = true;
    }
  }, tickMs);
  timer.unref();
}

/** Opens (creating if needed) the terminal database with the money-grade pragmas and runs migrations. */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): OpenDatabaseResult {
  const supported = migrations === MIGRATIONS ? LATEST_SCHEMA_VERSION : migrations.length;
  if (file !== ':memory:' && fs.existsSync(file) && fs.statSync(file).size > 0) inspectExisting(file, supported);
  let db: Db;
  try {
    db = new Database(file, { timeout: OPEN_WAIT_MS });
    // EXCLUSIVE: this connection owns the file for its lifetime. SQLite then keeps the WAL index in process
    // memory (no -shm file) and takes no file locks per statement or transaction: less work on every read
    // and commit of a sale (about a third of a payment's local time on a VM disk), and a second POS process
    // started on the same data directory is refused (DatabaseInUseError) instead of sharing the till's data.
    // Must come before the first access in WAL mode.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // FULL: a committed sale survives power loss, which WAL's default NORMAL does not promise.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // The busy timeout is the constructor's OPEN_WAIT_MS: once open, no one else can hold the file.
    // SQLite's default, stated: the fallback when the till never goes quiet (see checkpointWhenIdle).
    db.pragma('wal_autocheckpoint = 1000');
  } catch (e) {
    if (isBusy(e)) throw new DatabaseInUseError(file);
    throw new DatabaseOpenError(file, e);
  }
  try {
    const { from, to } = migrate(db, migrations, file);
    if (db.pragma('journal_mode', { simple: true }) === 'wal') checkpointWhenIdle(db);
    return { db, migratedFrom: from, schemaVersion: to };
  } catch (e) {
    db.close();
    if (isBusy(e)) throw new DatabaseInUseError(file);
    throw e;
  }
}
