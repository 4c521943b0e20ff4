import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migration0001 } from './0001_foundation';
import { migration0002 } from './0002_sales_payments';
import { migration0007 } from './0007_give_back_amount';
import { migration0008 } from './0008_late_charge_check';

describe('migration 0008 late-charge check', () => {
  it('adds a nullable late_check_ms; existing attempts have nothing to check; the partial index is used', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migration0001.up(db);
    migration0002.up(db);
    migration0007.up(db);
    db.prepare(
      `INSERT INTO sales (id, terminal_id, store_id, business_date, receipt_seq, receipt_no, cashier_id, status, subtotal_fen, discount_fen, total_fen, created_at, updated_at)
       VALUES ('s1', 'T01', 'S001', '2026-11-25', 1, 'T01-20261125-0001', 'u', 'open', 400, 0, 400, 't', 't')`,
    ).run();
    const attempt = (id: string, orderNo: string) =>
      db
        .prepare(
          `INSERT INTO payment_attempts (id, sale_id, order_no, wallet, gateway, amount_fen, code_hash, code_masked, state, phase, created_ms, created_at, updated_at)
           VALUES (?, 's1', ?, 'wechat', 'wechat', 400, ?, '13****', 'reversed', 'reversed', 0, 't', 't')`,
        )
        .run(id, orderNo, `h-${id}`);
    attempt('a1', 'O1');
    migration0008.up(db);
    expect(db.prepare('SELECT late_check_ms FROM payment_attempts WHERE id = ?').get('a1')).toEqual({ late_check_ms: null });
    attempt('a2', 'O2');
    db.prepare('UPDATE payment_attempts SET late_check_ms = 300000 WHERE id = ?').run('a2');
    expect(db.prepare('SELECT id FROM payment_attempts WHERE late_check_ms IS NOT NULL').all()).toEqual([{ id: 'a2' }]);
    const plan = JSON.stringify(db.prepare('EXPLAIN QUERY PLAN SELECT * FROM payment_attempts WHERE late_check_ms IS NOT NULL ORDER BY late_check_ms').all());
    expect(plan).toContain('payment_attempts_late_check');
    expect(() => db.prepare("UPDATE payment_attempts SET late_check_ms = 'x' WHERE id = ?").run('a2')).toThrow(/cannot store TEXT/);
  });
});
