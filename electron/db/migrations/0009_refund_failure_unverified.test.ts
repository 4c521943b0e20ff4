import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './index';
import { migration0009 } from './0009_refund_failure_unverified';

describe('migration 0009 refund failure unverified', () => {
  it('adds failure_unverified, 0 for existing parts, only 0 or 1', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = OFF');
    for (const m of MIGRATIONS.filter((x) => x.version < 9)) m.up(db);
    const insert = (id: string) =>
      db
        .prepare("INSERT INTO refund_parts (id, refund_id, tender_id, kind, amount_fen, refund_no, state, created_at, updated_at) VALUES (?, 'r', 't', 'code', 100, ?, 'failed', 't', 't')")
        .run(id, `N-${id}`);
    insert('p1');
    migration0009.up(db);
    expect(db.prepare('SELECT failure_unverified FROM refund_parts WHERE id = ?').pluck().get('p1')).toBe(0);
    insert('p2');
    db.prepare('UPDATE refund_parts SET failure_unverified = 1 WHERE id = ?').run('p2');
    expect(() => db.prepare('UPDATE refund_parts SET failure_unverified = 2 WHERE id = ?').run('p2')).toThrow(/CHECK/);
  });
});
