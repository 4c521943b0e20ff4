import { type Database } from 'better-sqlite3';
import { computeDailyTotals } from '../../shared/sync/totals';
import {
  outboxEntrySchema,
  type ConflictKind,
  type ConflictRecord,
  type DailyTotals,
  type StoredEntry,
  type TotalsQuery,
  type UnreadableEntry,
} from '../../shared/sync/protocol';
import { type OutboxEntry } from '../../shared/sync/entry';

/** Read side of the HQ ledger, as functions of (db, ...) bound to prepared statements. */
export type HqQueries = {
  dailyTotals(query: TotalsQuery): DailyTotals;
  conflicts(filter: { terminalId?: string }): ConflictRecord[];
  entries(filter: { terminalId: string; afterSeq: number; limit: number }): { entries: StoredEntry[]; unreadable: (UnreadableEntry & { receivedAt: string; entry: unknown })[] };
  entryCount(): number;
};

type EntryRow = { terminal_id: string; seq: number; idempotency_key: string; kind: string; received_at: string; entry_json: string };
type ConflictRow = {
  id: number;
  terminal_id: string;
  kind: ConflictKind;
  seq: number;
  idempotency_key: string;
  stored_idempotency_key: string;
  stored_seq: number;
  first_seen_at: string;
  last_seen_at: string;
  times_seen: number;
  entry_json: string;
};

/**
 * Entries were validated before they were stored; re-parsing guards against a hand-edited database or a row
 * stored under an older schema. Such a row is reported with the reason, never allowed to fail the whole read.
 */
function parseStored(json: string): { ok: true; entry: OutboxEntry } | { ok: false; reason: string; raw: unknown } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${e instanceof Error ? e.message.slice(0, 200) : 'unreadable'}`, raw: json.slice(0, 2000) };
  }
  const parsed = outboxEntrySchema.safeParse(raw);
  if (parsed.success) return { ok: true, entry: parsed.data };
  const reason = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`)
    .join('; ')
    .slice(0, 500);
  return { ok: false, reason, raw };
}

export function createHqQueries(db: Database): HqQueries {
  const totalsRows = db.prepare<[string, string], Pick<EntryRow, 'terminal_id' | 'seq' | 'idempotency_key' | 'entry_json'>>(
    `SELECT terminal_id, seq, idempotency_key, entry_json FROM entries WHERE store_id = ? AND business_date = ? AND kind IN ('sale', 'refund', 'void') ORDER BY id`,
  );
  const allConflicts = db.prepare<[], ConflictRow>('SELECT * FROM conflicts ORDER BY id');
  const terminalConflicts = db.prepare<[string], ConflictRow>('SELECT * FROM conflicts WHERE terminal_id = ? ORDER BY id');
  const entriesAfter = db.prepare<[string, number, number], EntryRow>(
    'SELECT terminal_id, seq, idempotency_key, kind, received_at, entry_json FROM entries WHERE terminal_id = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM entries');

  const toConflict = (row: ConflictRow): ConflictRecord => ({
    id: row.id,
    terminalId: row.terminal_id,
    kind: row.kind,
    seq: row.seq,
    idempotencyKey: row.idempotency_key,
    storedIdempotencyKey: row.stored_idempotency_key,
    storedSeq: row.stored_seq,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    timesSeen: row.times_seen,
    entry: JSON.parse(row.entry_json) as unknown,
  });

  return {
    dailyTotals: ({ date, storeId }) => {
      const read: OutboxEntry[] = [];
      const unreadable: UnreadableEntry[] = [];
      for (const row of totalsRows.all(storeId, date)) {
        const p = parseStored(row.entry_json);
        if (p.ok) read.push(p.entry);
        else unreadable.push({ terminalId: row.terminal_id, seq: row.seq, idempotencyKey: row.idempotency_key, reason: p.reason });
      }
      const totals = computeDailyTotals(date, storeId, read);
      return unreadable.length ? { ...totals, unreadable } : totals;
    },
    conflicts: ({ terminalId }) => (terminalId === undefined ? allConflicts.all() : terminalConflicts.all(terminalId)).map(toConflict),
    entries: ({ terminalId, afterSeq, limit }) => {
      const entries: StoredEntry[] = [];
      const unreadable: (UnreadableEntry & { receivedAt: string; entry: unknown })[] = [];
      for (const row of entriesAfter.all(terminalId, afterSeq, limit)) {
        const p = parseStored(row.entry_json);
        const at = { terminalId: row.terminal_id, seq: row.seq, idempotencyKey: row.idempotency_key, receivedAt: row.received_at };
        if (p.ok) entries.push({ ...at, kind: p.entry.kind, entry: p.entry });
        else unreadable.push({ ...at, reason: p.reason, entry: p.raw });
      }
      return { entries, unreadable };
    },
    entryCount: () => count.get()?.n ?? 0,
  };
}
