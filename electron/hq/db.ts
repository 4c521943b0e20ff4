import Database, { type Database as Db } from 'better-sqlite3';
import { migrate } from '../db/migrate';
import { type Migration } from '../db/migrations/types';

/**
 * HQ's own database: every entry from every terminal, exactly once. Separate from any terminal database;
 * migrations follow the same runner and rules (one per version, never edited).
 */
const hq0001: Migration = {
  version: 1,
  name: 'hq_ledger',
  up(db) {
    db.exec(`
      -- Per-terminal HMAC secrets (HMAC needs the secret itself, so it cannot be hashed). Optional store
      -- binding: a terminal bound to a store may only upload and read that store's data.
      CREATE TABLE terminals (
        terminal_id TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        store_id TEXT,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- The ledger. Two uniqueness rules make exactly-once and conflict detection a constraint, not a hope.
      CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        terminal_id TEXT NOT NULL,
        store_id TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq >= 1),
        idempotency_key TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'void', 'shift_close', 'cash_movement')),
        schema_version INTEGER NOT NULL,
        business_date TEXT NOT NULL,
        created_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        -- The validated entry as received (JSON); compared in canonical form to tell duplicates from reuse.
        entry_json TEXT NOT NULL,
        UNIQUE (terminal_id, idempotency_key),
        UNIQUE (terminal_id, seq)
      ) STRICT;
      CREATE INDEX entries_store_date ON entries (store_id, business_date);

      -- Entries refused because their seq or key clashes with a stored entry. Kept whole for an operator.
      CREATE TABLE conflicts (
        id INTEGER PRIMARY KEY,
        terminal_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('seq_reused', 'key_reused')),
        seq INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        stored_idempotency_key TEXT NOT NULL,
        stored_seq INTEGER NOT NULL,
        entry_json TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        times_seen INTEGER NOT NULL DEFAULT 1,
        UNIQUE (terminal_id, kind, idempotency_key, seq, content_hash)
      ) STRICT;
    `);
  },
};

export const HQ_MIGRATIONS: readonly Migration[] = [hq0001];

export function openHqDatabase(file: string): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // Each batch is acknowledged only after its transaction is durable.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, HQ_MIGRATIONS, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
