import { type Database } from 'better-sqlite3';
import { storeIdSchema, terminalIdSchema } from '../../shared/sync/protocol';

/** Terminal registry of the HQ database: who may upload, with which secret, for which store. */
export type TerminalRegistration = { secret: string; storeId?: string };
export type TerminalsOption = Record<string, string | TerminalRegistration>;
export type TerminalRecord = { terminalId: string; secret: string; storeId: string | null };

/** Short secrets make the HMAC guessable; refuse them at registration, not at the first upload. */
export const MIN_SECRET_LENGTH = 8;

export function validateRegistration(terminalId: string, value: string | TerminalRegistration): TerminalRecord {
  const reg = typeof value === 'string' ? { secret: value } : value;
  if (!terminalIdSchema.safeParse(terminalId).success) throw new Error(`terminal id "${terminalId}": 1-32 letters, digits, _ or -`);
  if (typeof reg.secret !== 'string' || reg.secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`terminal ${terminalId}: secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (reg.storeId !== undefined && !storeIdSchema.safeParse(reg.storeId).success) throw new Error(`terminal ${terminalId}: invalid store id "${reg.storeId}"`);
  return { terminalId, secret: reg.secret, storeId: reg.storeId ?? null };
}

export function upsertTerminals(db: Database, terminals: TerminalsOption, nowIso: string): TerminalRecord[] {
  const records = Object.entries(terminals).map(([id, value]) => validateRegistration(id, value));
  const upsert = db.prepare(
    `INSERT INTO terminals (terminal_id, secret, store_id, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (terminal_id) DO UPDATE SET secret = excluded.secret, store_id = excluded.store_id, updated_at = excluded.updated_at`,
  );
  db.transaction(() => {
    for (const r of records) upsert.run(r.terminalId, r.secret, r.storeId, nowIso);
  })();
  return records;
}

type TerminalRow = { terminal_id: string; secret: string; store_id: string | null };

/** A lookup bound to prepared statements; called on every authenticated request. */
export function createTerminalLookup(db: Database): { find(terminalId: string): TerminalRecord | undefined; list(): TerminalRecord[] } {
  const one = db.prepare<[string], TerminalRow>('SELECT terminal_id, secret, store_id FROM terminals WHERE terminal_id = ?');
  const all = db.prepare<[], TerminalRow>('SELECT terminal_id, secret, store_id FROM terminals ORDER BY terminal_id');
  const toRecord = (row: TerminalRow): TerminalRecord => ({ terminalId: row.terminal_id, secret: row.secret, storeId: row.store_id });
  return {
    find(terminalId) {
      const row = one.get(terminalId);
      return row === undefined ? undefined : toRecord(row);
    },
    list: () => all.all().map(toRecord),
  };
}
