import { type Database } from 'better-sqlite3';
import { computeDailyTotals } from '../../shared/sync/totals';
import {
  outboxEntrySchema,
  type ConflictKind,
  type ConflictRecord,
  type DailyTotals,
  type StoredEntry,
  type TotalsQuery,
} from '../../shared/sync/protocol';

/** Read side of the HQ ledger, as functions of (db, ...) bound to prepared statements. */
export type HqQueries = {
  dailyTotals(query: TotalsQuery): DailyTotals;
  conflicts(filter: { terminalId?: string }): ConflictRecord[];
  entries(filter: { terminalId: string; afterSeq: number; limit: number }): StoredEntry[];
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

/** Entries were validated before they were stored; re-parsing guards against a hand-edited database. */
const parseStored = (json: string) => outboxEntrySchema.parse(JSON.parse(json));

export function createHqQueries(db: Database): HqQueries {
  const totalsRows = db.prepare<[string, string], { entry_json: string }>(
    `SELECT entry_json FROM entries WHERE store_id = ? AND business_date = ? AND kind IN ('sale', 'refund', 'void') ORDER BY id`,
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
    dailyTotals: ({ date, storeId }) => computeDailyTotals(date, storeId, totalsRows.all(storeId, date).map((r) => parseStored(r.entry_json))),
    conflicts: ({ terminalId }) => (terminalId === undefined ? allConflicts.all() : terminalConflicts.all(terminalId)).map(toConflict),
    entries: ({ terminalId, afterSeq, limit }) =>
      entriesAfter.all(terminalId, afterSeq, limit).map((row) => {
        const entry = parseStored(row.entry_json);
        return { terminalId: row.terminal_id, seq: row.seq, idempotencyKey: row.idempotency_key, kind: entry.kind, receivedAt: row.received_at, entry };
      }),
    entryCount: () => count.get()?.n ?? 0,
  };
}
