import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './index';
import { SALES_ENDED_LATE_WHERE, migration0012 } from './0012_sales_ended_late_index';

describe('migration 0012 sales ended late index', () => {
  it('indexes only sales that ended after their business date, and the list query uses it', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = OFF');
    for (const m of MIGRATIONS.filter((x) => x.version < 12)) m.up(db);
    migration0012.up(db);
    const insert = db.prepare(
      `INSERT INTO sales (id, terminal_id, store_id, business_date, receipt_seq, receipt_no, cashier_id, status, subtotal_fen, discount_fen, total_fen, paid_fen, created_at, updated_at, completed_at, voided_at)
       VALUES (?, 'T01', 'S001', ?, ?, ?, 'c1', ?, 100, 0, 100, 100, ?, ?, ?, ?)`,
    );
    // Paid the same day; paid two days later; voided three days later; still open.
    insert.run('same', '2026-11-20', 1, 'R1', 'paid', '2026-11-20T02:00:00.000Z', '2026-11-20T02:00:00.000Z', '2026-11-20T02:01:00.000Z', null);
    insert.run('late', '2026-11-20', 2, 'R2', 'paid', '2026-11-20T03:00:00.000Z', '2026-11-22T01:00:00.000Z', '2026-11-22T01:00:00.000Z', null);
    insert.run('void', '2026-11-20', 3, 'R3', 'voided', '2026-11-20T04:00:00.000Z', '2026-11-23T01:00:00.000Z', null, '2026-11-23T01:00:00.000Z');
    insert.run('open', '2026-11-20', 4, 'R4', 'open', '2026-11-20T05:00:00.000Z', '2026-11-20T05:00:00.000Z', null, null);
    const indexed = db.prepare(`SELECT id FROM sales INDEXED BY sales_ended_late WHERE ${SALES_ENDED_LATE_WHERE} AND coalesce(completed_at, voided_at) >= '' ORDER BY id`).pluck().all();
    expect(indexed).toEqual(['late', 'void']);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM sales WHERE ${SALES_ENDED_LATE_WHERE} AND coalesce(completed_at, voided_at) >= ? AND business_date < ?`)
      .all('2026-11-22T16:00:00.000Z', '2026-11-22') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('sales_ended_late');
  });
});
