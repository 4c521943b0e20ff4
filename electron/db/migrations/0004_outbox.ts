import { type Migration } from './types';

/**
 * The sync outbox: one row per business record to upload to HQ, written in the same transaction as the
 * record. `seq` is the terminal's upload sequence; AUTOINCREMENT keeps it from ever being reused, even
 * after compaction deleted the newest rows (a reused seq would be a `seq_reused` conflict at HQ).
 * pending → sent (HQ acknowledged) | parked (invalid, never sendable unchanged) | conflict (HQ refused it
 * as a seq/key clash: kept for an operator, not resent).
 */
export const migration0004: Migration = {
  version: 4,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'void', 'shift_close', 'cash_movement')),
        entry TEXT NOT NULL CHECK (json_valid(entry)),
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'parked', 'conflict')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        CHECK ((state = 'sent') = (sent_at IS NOT NULL))
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
      CREATE INDEX outbox_flagged ON outbox (state, seq) WHERE state IN ('parked', 'conflict');
      CREATE INDEX outbox_sent ON outbox (sent_at) WHERE state = 'sent';
    `);
  },
};
