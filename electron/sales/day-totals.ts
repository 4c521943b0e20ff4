import { type Db } from '../db/open';
import { stmt } from '../db/stmt';
import { outboxEntrySchema, type DailyTotals, type OutboxEntry, type UnreadableEntry } from '../../shared/sync/protocol';
import { computeDailyTotals } from '../../shared/sync/totals';

/**
 * A business day's totals on this till, from its own HQ records (the outbox keeps them `retentionDays`
 * after HQ acknowledged them, and for ever while unsent), computed by the same code HQ uses: what HQ shows
 * for this till once it has every record (one it refused, parked here for the manager, counts here: it is
 * real money). A record that no longer reads as an entry is listed apart, never counted.
 */
export function dayTotals(db: Db, date: string, storeId: string, terminalId: string): DailyTotals {
  const rows = stmt(db, "SELECT seq, idempotency_key, entry FROM outbox WHERE json_valid(entry) AND json_extract(entry, '$.businessDate') = ? ORDER BY seq").all(date) as {
    seq: number;
    idempotency_key: string;
    entry: string;
  }[];
  const entries: OutboxEntry[] = [];
  const unreadable: UnreadableEntry[] = [];
  for (const row of rows) {
    const parsed = outboxEntrySchema.safeParse(JSON.parse(row.entry) as unknown);
    if (parsed.success) entries.push(parsed.data);
    else unreadable.push({ terminalId, seq: row.seq, idempotencyKey: row.idempotency_key, reason: parsed.error.issues[0]?.message ?? 'not an entry' });
  }
  const totals = computeDailyTotals(date, storeId, entries);
  return unreadable.length > 0 ? { ...totals, unreadable: unreadable.slice(0, 100) } : totals;
}
