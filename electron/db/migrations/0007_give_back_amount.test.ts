import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migration0001 } from './0001_foundation';
import { migration0002 } from './0002_sales_payments';
import { migration0007 } from './0007_give_back_amount';

describe('migration 0007 give-back amount', () => {
  it('adds a nullable positive reverse_refund_fen; existing attempts keep NULL (their own amount)', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migration0001.up(db);
    migration0002.up(db);
    db.prepare(
      `INSERT INTO sales (id, terminal_id, store_id, business_date, receipt_seq, receipt_no, cashier_id, status, subtotal_fen, discount_fen, total_fen, created_at, updated_at)
       VALUES ('s1', 'T01', 'S001', '2026-11-25', 1, 'T01-20261125-0001', 'u', 'paying', 400, 0, 400, 't', 't')`,
    ).run();
    const attempt = (id: string, orderNo: string) =>
      db
        .prepare(
          `INSERT INTO payment_attempts (id, sale_id, order_no, wallet, gateway, amount_fen, code_hash, code_masked, state, phase, created_ms, created_at, updated_at)
           VALUES (?, 's1', ?, 'wechat', 'wechat', 400, ?, '13****', 'reversing', 'reversing', 0, 't', 't')`,
        )
        .run(id, orderNo, `h-${id}`);
    attempt('a1', 'O1');
    migration0007.up(db);
    expect(db.prepare('SELECT reverse_refund_fen FROM payment_attempts WHERE id = ?').get('a1')).toEqual({ reverse_refund_fen: null });
    attempt('a2', 'O2');
    db.prepare('UPDATE payment_attempts SET reverse_refund_fen = 1 WHERE id = ?').run('a2');
    expect(() => db.prepare('UPDATE payment_attempts SET reverse_refund_fen = 0 WHERE id = ?').run('a2')).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE payment_attempts SET reverse_refund_fen = '5' WHERE id = ?").run('a2')).not.toThrow();
    expect(() => db.prepare("UPDATE payment_attempts SET reverse_refund_fen = 'x' WHERE id = ?").run('a2')).toThrow(/cannot store TEXT/);
  });
});
