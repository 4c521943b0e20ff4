import { type Db } from '../db/open';
import { stmt } from '../db/stmt';
import { type CommittedRecord, type RecordSink } from '../services/records';
import { type Settings } from '../../shared/settings';
import { MAX_ENTRY_BYTES, SYNC_SCHEMA_VERSION } from '../../shared/sync/protocol';
import { type OutboxFlagged } from '../../shared/api/sync';

/**
 * The terminal's sync outbox (table `outbox`, migration 0004). The sink turns every committed business
 * record into a protocol entry INSIDE the writer's transaction, so the record and its entry commit or roll
 * back together. An entry that cannot be serialised or is over MAX_ENTRY_BYTES is stored `parked` with the
 * reason instead of throwing: a sale is never lost (or refused at the till) because its upload form is wrong.
 *
 * The entry's shape is not checked against the protocol schema here: the records are typed where they are
 * built, and HQ validates every entry on arrival and rejects a bad one alone, with the reason, which parks
 * it (applyAcks). Checking it here too cost a code payment ~60 µs of its local time for no added safety.
 */
export type OutboxState = 'pending' | 'sent' | 'parked' | 'conflict';
/** `entry`: the stored JSON as UTF-8; `sent`: the key and seq inside it (what HQ sees and acks), normally the row's own. */
export type PendingRow = { seq: number; idempotency_key: string; entry: Buffer; sent: { idempotencyKey: string; seq: number } };

/** In one read (the payment path): whether the record is queued already, and the seq the next entry gets. */
const enqueueState = (db: Db, key: string): { queued: boolean; seq: number } => {
  const row = stmt(db, "SELECT EXISTS (SELECT 1 FROM outbox WHERE idempotency_key = ?) AS queued, (SELECT seq FROM sqlite_sequence WHERE name = 'outbox') AS last").get(key) as {
    queued: number;
    last: number | null;
  };
  return { queued: row.queued === 1, seq: (row.last ?? 0) + 1 };
};

/** Builds the protocol entry for a record (HQ validates it: see the header). */
export function entryFor(record: CommittedRecord, seq: number, settings: Pick<Settings, 'store' | 'terminal'>): Record<string, unknown> {
  return {
    schemaVersion: SYNC_SCHEMA_VERSION,
    terminalId: settings.terminal.id,
    storeId: settings.store.id,
    seq,
    idempotencyKey: record.id,
    kind: record.kind,
    createdAt: record.createdAt,
    businessDate: record.businessDate,
    payload: record.payload,
  };
}

/** Enqueues one record; must run inside the writer's transaction. A record enqueued twice is kept once. */
export function enqueueRecord(db: Db, record: CommittedRecord, settings: Pick<Settings, 'store' | 'terminal'>, at: string): { seq: number; state: OutboxState } | null {
  const { queued, seq } = enqueueState(db, record.id);
  if (queued) return null;
  const raw = entryFor(record, seq, settings);
  let error: string | null = null;
  let text: string;
  try {
    text = JSON.stringify(raw);
  } catch (e) {
    text = JSON.stringify({ ...raw, payload: {} });
    error = `payload not serialisable: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (error === null && Buffer.byteLength(text) > MAX_ENTRY_BYTES) error = `entry is ${Buffer.byteLength(text)} bytes, over ${MAX_ENTRY_BYTES}`;
  const state: OutboxState = error === null ? 'pending' : 'parked';
  stmt(db, 'INSERT INTO outbox (seq, idempotency_key, kind, entry, state, attempts, last_error, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)').run(seq, record.id, record.kind, text, state, error, at);
  return { seq, state };
}

export type OutboxSinkOptions = {
  settings: () => Pick<Settings, 'store' | 'terminal'>;
  now: () => string;
  /** Called after the writer's statement ran (still inside its transaction): wake the worker later. */
  onEnqueued?: (state: OutboxState) => void;
};

export function createOutboxSink(opts: OutboxSinkOptions): RecordSink {
  return (db, record) => {
    const done = enqueueRecord(db, record, opts.settings(), opts.now());
    if (done) opts.onEnqueued?.(done.state);
  };
}

/**
 * The next pending entries in seq order, as stored: the JSON's UTF-8 bytes (CAST to BLOB), spliced into
 * the request body without decoding, parsing, re-serialising or re-encoding. The key and seq are read from
 * that same JSON, so acks are matched against what was actually sent.
 */
export function pendingBatch(db: Db, limit: number, maxBytes: number): PendingRow[] {
  const rows = stmt(
    db,
    `SELECT seq, idempotency_key, CAST(entry AS BLOB) AS entry, json_extract(entry, '$.idempotencyKey') AS sent_key, json_extract(entry, '$.seq') AS sent_seq
       FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?`,
  ).all(limit) as { seq: number; idempotency_key: string; entry: Buffer; sent_key: unknown; sent_seq: unknown }[];
  let bytes = 0;
  const out: PendingRow[] = [];
  for (const row of rows) {
    bytes += row.entry.length + 1;
    if (out.length > 0 && bytes > maxBytes) break;
    const sentKey = typeof row.sent_key === 'string' ? row.sent_key : row.idempotency_key;
    const sentSeq = typeof row.sent_seq === 'number' ? row.sent_seq : row.seq;
    out.push({ seq: row.seq, idempotency_key: row.idempotency_key, entry: row.entry, sent: { idempotencyKey: sentKey, seq: sentSeq } });
  }
  return out;
}

/** One batch's outcome by outbox row (seq, the table's rowid: the cheapest lookup). */
export type AckApply = {
  sent: readonly number[];
  rejected: readonly { seq: number; error: string }[];
  conflicts: readonly { seq: number; error: string }[];
  attempted: readonly number[];
};

/** Applies one batch's outcome in one transaction. Only pending rows change (a compaction never races). */
export function applyAcks(db: Db, outcome: AckApply, at: string): void {
  db.transaction(() => {
    // One statement per entry on the hot path: a sent entry is counted and marked in the same UPDATE.
    const sentSeqs = new Set(outcome.sent);
    const sent = stmt(db, "UPDATE outbox SET attempts = attempts + 1, state = 'sent', sent_at = ?, last_error = NULL WHERE seq = ? AND state = 'pending'");
    for (const seq of outcome.sent) sent.run(at, seq);
    const bump = stmt(db, "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ? AND state = 'pending'");
    for (const seq of outcome.attempted) if (!sentSeqs.has(seq)) bump.run(seq);
    const flag = stmt(db, "UPDATE outbox SET state = ?, last_error = ? WHERE seq = ? AND state = 'pending'");
    for (const r of outcome.rejected) flag.run('parked', r.error.slice(0, 1000), r.seq);
    for (const c of outcome.conflicts) flag.run('conflict', c.error.slice(0, 1000), c.seq);
  })();
}

/** Why the till itself parked an entry at enqueue time (enqueueRecord): sending it again cannot help. */
const BUILT_BADLY = /^(payload not serialisable|entry is \d+ bytes, over)/;

/** Parked or conflicting entries back to pending (a manager's resend); returns the seqs requeued. */
export function requeueFlagged(db: Db, seqs: readonly number[], note: string): number[] {
  return db.transaction(() => {
    const get = stmt(db, "SELECT seq, last_error FROM outbox WHERE seq = ? AND state IN ('parked', 'conflict')");
    const requeue = stmt(db, "UPDATE outbox SET state = 'pending', last_error = ? WHERE seq = ?");
    const done: number[] = [];
    for (const seq of new Set(seqs)) {
      const row = get.get(seq) as { seq: number; last_error: string | null } | undefined;
      if (!row || BUILT_BADLY.test(row.last_error ?? '')) continue;
      requeue.run(note.slice(0, 1000), seq);
      done.push(seq);
    }
    return done;
  })();
}

/** A failed attempt (no acks): count it and remember why on the batch's rows. */
export function recordFailure(db: Db, seqs: readonly number[], error: string): void {
  db.transaction(() => {
    const s = stmt(db, "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ? AND state = 'pending'");
    for (const seq of seqs) s.run(error.slice(0, 1000), seq);
  })();
}

export type OutboxCounts = { queued: number; parked: number; conflicts: number; oldestPendingAt: string | null };

export function outboxCounts(db: Db): OutboxCounts {
  // One count per state, each over its partial index (the IN term lets SQLite pick outbox_flagged): a plain
  // GROUP BY scans every row, sent ones included, and status is read on every batch of a drain.
  const row = stmt(
    db,
    `SELECT (SELECT COUNT(*) FROM outbox WHERE state = 'pending') AS pending,
            (SELECT COUNT(*) FROM outbox WHERE state IN ('parked', 'conflict') AND state = 'parked') AS parked,
            (SELECT COUNT(*) FROM outbox WHERE state IN ('parked', 'conflict') AND state = 'conflict') AS conflicts,
            (SELECT created_at FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT 1) AS oldest`,
  ).get() as { pending: number; parked: number; conflicts: number; oldest: string | null };
  return { queued: row.pending, parked: row.parked, conflicts: row.conflicts, oldestPendingAt: row.oldest };
}

export function flaggedEntries(db: Db, limit: number): OutboxFlagged[] {
  const rows = stmt(db, "SELECT seq, idempotency_key, kind, state, attempts, last_error, created_at FROM outbox WHERE state IN ('parked', 'conflict') ORDER BY seq LIMIT ?").all(limit) as {
    seq: number;
    idempotency_key: string;
    kind: OutboxFlagged['kind'];
    state: OutboxFlagged['state'];
    attempts: number;
    last_error: string | null;
    created_at: string;
  }[];
  return rows.map((r) => ({ seq: r.seq, idempotencyKey: r.idempotency_key, kind: r.kind, state: r.state, attempts: r.attempts, lastError: r.last_error, createdAt: r.created_at }));
}

/** Deletes acknowledged entries sent before `cutoffIso`; pending, parked and conflict rows are kept. */
export function compactOutbox(db: Db, cutoffIso: string): number {
  return stmt(db, "DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?").run(cutoffIso).changes;
}
