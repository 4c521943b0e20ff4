import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './index';
import { migration0011 } from './0011_training_sales';

function before11(terminal: string | null, liveGateways = false): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = OFF');
  for (const m of MIGRATIONS.filter((x) => x.version < 11)) m.up(db);
  if (terminal !== null) db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('terminal', ?, '2026-11-27T00:00:00Z')").run(terminal);
  if (liveGateways) db.prepare("INSERT INTO secrets (key, value, updated_at) VALUES ('payments.channels', '{}', '2026-11-27T00:00:00Z')").run();
  db.prepare(
    `INSERT INTO sales (id, terminal_id, store_id, business_date, receipt_seq, receipt_no, cashier_id, status, subtotal_fen, discount_fen, total_fen, created_at, updated_at)
     VALUES ('s1', 'T01', 'S001', '2026-11-27', 1, 'T01-20261127-0001', 'u1', 'open', 0, 0, 0, '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z')`,
  ).run();
  return db;
}
const training = (db: Database.Database): unknown => db.prepare("SELECT training FROM sales WHERE id = 's1'").pluck().get();

describe('migration 0011 training sales', () => {
  it('marks the sales of a till in training mode (set, default, unreadable or not an object) and not those of a live one', () => {
    for (const [terminal, expected] of [
      ['{"id":"T01","mode":"sandbox"}', 1],
      [null, 1],
      ['{not json', 1],
      ['[1]', 1],
      ['"live"', 1],
      ['{"mode":"LIVE"}', 1],
      ['{"mode":null}', 1],
      ['{"id":"T01","mode":"live"}', 0],
    ] as const) {
      const db = before11(terminal);
      migration0011.up(db);
      expect(training(db)).toBe(expected);
    }
  });

  it('keeps the sales of a till that ever had live gateways real, even back in training mode', () => {
    const db = before11('{"id":"T01","mode":"sandbox"}', true);
    migration0011.up(db);
    expect(training(db)).toBe(0);
  });

  it('takes only 0 or 1, 0 when not said', () => {
    const db = before11('{"mode":"live"}');
    migration0011.up(db);
    expect(() => db.prepare("UPDATE sales SET training = 2 WHERE id = 's1'").run()).toThrow(/CHECK/);
  });
});
