import { type Statement } from 'better-sqlite3';
import { type Db } from './open';

const caches = new WeakMap<Db, Map<string, Statement>>();

/**
 * A prepared statement, compiled once per connection and SQL text. Preparing is the most expensive step of
 * a small query (it dominated the payment path's local overhead), so repositories go through here.
 */
export function stmt(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}

const runners = new WeakMap<Db, (fn: () => unknown) => unknown>();

/**
 * Runs `fn` in a transaction (nested: a savepoint), like `db.transaction(fn)()` but without building a new
 * transaction wrapper per call: better-sqlite3 makes four closures and defines their properties each time,
 * which showed on the payment path.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  let run = runners.get(db);
  if (!run) {
    run = db.transaction((f: () => unknown) => f());
    runners.set(db, run);
  }
  return run(fn) as T;
}
