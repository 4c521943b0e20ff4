import { type Database } from 'better-sqlite3';
import { type z } from 'zod';
import { canonicalJson } from '../../shared/sync/canonical-json';
import {
  idempotencyKeySchema,
  MAX_ENTRY_BYTES,
  outboxEntrySchema,
  seqSchema,
  type ConflictKind,
  type EntryAck,
  type OutboxEntry,
} from '../../shared/sync/protocol';
import { sha256Hex } from '../sync/client/auth';

/**
 * Stores a batch of raw entries from one authenticated terminal: each entry validated on its own, the
 * whole batch in ONE synchronous transaction (fast, and the acks are only sent once it is durable).
 *
 * Per entry, in order: schema → terminal/store binding → size → insert unless (terminal, key) or
 * (terminal, seq) is taken → classify the clash: same key, same seq and same content (compared in
 * canonical JSON, so key order does not matter) = duplicate; anything else is a conflict, recorded in
 * `conflicts` and never merged into the ledger. The hot path (a new entry) is one INSERT.
 */
export type BatchInput = { terminalId: string; boundStoreId: string | null; entries: readonly unknown[]; receivedAt: string };
export type BatchIngest = (batch: BatchInput) => EntryAck[];

type StoredRow = { seq: number; idempotency_key: string; entry_json: string };

const summarise = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(entry)'}: ${issue.message}`)
    .join('; ')
    .slice(0, 1000);

/** Echo what can be read of a bad entry so the terminal can match the ack. */
function readableIds(raw: unknown): { idempotencyKey: string | null; seq: number | null } {
  const record = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const key = idempotencyKeySchema.safeParse(record['idempotencyKey']);
  const seq = seqSchema.safeParse(record['seq']);
  return { idempotencyKey: key.success ? key.data : null, seq: seq.success ? seq.data : null };
}

const sameContent = (storedJson: string, json: string, entry: OutboxEntry): boolean =>
  storedJson === json || canonicalJson(JSON.parse(storedJson)) === canonicalJson(entry);

export function createBatchIngest(db: Database): BatchIngest {
  const insert = db.prepare(
    `INSERT INTO entries (terminal_id, store_id, seq, idempotency_key, kind, schema_version, business_date, created_at, received_at, entry_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const byKey = db.prepare<[string, string], StoredRow>('SELECT seq, idempotency_key, entry_json FROM entries WHERE terminal_id = ? AND idempotency_key = ?');
  const bySeq = db.prepare<[string, number], StoredRow>('SELECT seq, idempotency_key, entry_json FROM entries WHERE terminal_id = ? AND seq = ?');
  const recordConflict = db.prepare(
    `INSERT INTO conflicts (terminal_id, kind, seq, idempotency_key, content_hash, stored_idempotency_key, stored_seq, entry_json, first_seen_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (terminal_id, kind, idempotency_key, seq, content_hash) DO UPDATE SET last_seen_at = excluded.last_seen_at, times_seen = times_seen + 1`,
  );

  const reject = (index: number, raw: unknown, error: string): EntryAck => ({ index, ...readableIds(raw), status: 'rejected', error });

  function ingestOne(index: number, raw: unknown, batch: BatchInput): EntryAck {
    const parsed = outboxEntrySchema.safeParse(raw);
    if (!parsed.success) return reject(index, raw, summarise(parsed.error));
    const entry: OutboxEntry = parsed.data;
    if (entry.terminalId !== batch.terminalId) return reject(index, raw, `entry terminalId ${entry.terminalId} is not the authenticated terminal ${batch.terminalId}`);
    const json = JSON.stringify(entry);
    const ids = { index, idempotencyKey: entry.idempotencyKey, seq: entry.seq };
    // A record already held is a duplicate whatever the terminal's store binding says now (its ack was lost
    // before the terminal was bound to another store): the terminal must not park what HQ has.
    const held = byKey.get(entry.terminalId, entry.idempotencyKey);
    if (held !== undefined && held.seq === entry.seq && sameContent(held.entry_json, json, entry)) return { ...ids, status: 'duplicate' };
    if (batch.boundStoreId !== null && entry.storeId !== batch.boundStoreId) {
      return reject(index, raw, `terminal ${batch.terminalId} belongs to store ${batch.boundStoreId}, not ${entry.storeId}`);
    }
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_ENTRY_BYTES) return reject(index, raw, `entry is ${bytes} bytes of JSON, more than ${MAX_ENTRY_BYTES}`);

    const { changes } = insert.run(
      entry.terminalId, entry.storeId, entry.seq, entry.idempotencyKey, entry.kind, entry.schemaVersion,
      entry.businessDate, entry.createdAt, batch.receivedAt, json,
    );
    if (changes === 1) return { ...ids, status: 'stored' };

    const sameKey = byKey.get(entry.terminalId, entry.idempotencyKey);
    if (sameKey !== undefined && sameKey.seq === entry.seq && sameContent(sameKey.entry_json, json, entry)) return { ...ids, status: 'duplicate' };
    const stored = sameKey ?? bySeq.get(entry.terminalId, entry.seq);
    if (stored === undefined) throw new Error(`entry ${entry.idempotencyKey} was neither inserted nor found`);
    const kind: ConflictKind = sameKey !== undefined ? 'key_reused' : 'seq_reused';
    const hash = sha256Hex(canonicalJson(entry));
    recordConflict.run(entry.terminalId, kind, entry.seq, entry.idempotencyKey, hash, stored.idempotency_key, stored.seq, json, batch.receivedAt, batch.receivedAt);
    const error =
      kind === 'seq_reused'
        ? `seq ${entry.seq} of terminal ${entry.terminalId} is already taken by entry ${stored.idempotency_key}: is this terminal's database running on two machines?`
        : `key ${entry.idempotencyKey} was already stored with different content (seq ${stored.seq})`;
    return { ...ids, status: 'conflict', conflict: kind, error };
  }

  const ingestAll = db.transaction((batch: BatchInput): EntryAck[] => batch.entries.map((raw, index) => ingestOne(index, raw, batch)));
  return (batch) => ingestAll(batch);
}
