import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migration0001 } from './0001_foundation';
import { migration0002 } from './0002_sales_payments';

const fresh = () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migration0001.up(db);
  migration0002.up(db);
  return db;
};

const insertSale = (db: Database.Database, id: string, seq: number, total = 1000) =>
  db
    .prepare(
      `INSERT INTO sales (id, terminal_id, store_id, business_date, receipt_seq, receipt_no, cashier_id, status, subtotal_fen, discount_fen, total_fen, created_at, updated_at)
       VALUES (?, 'T01', 'S001', '2026-11-25', ?, ?, 'u', 'open', ?, 0, ?, 't', 't')`,
    )
    .run(id, seq, `T01-20261125-${seq}`, total, total);

const insertAttempt = (db: Database.Database, id: string, orderNo: string, codeHash: string) =>
  db
    .prepare(
      `INSERT INTO payment_attempts (id, sale_id, order_no, wallet, gateway, amount_fen, code_hash, code_masked, state, phase, created_ms, created_at, updated_at)
       VALUES (?, 's1', ?, 'wechat', 'wechat', 1000, ?, '1300**********1234', 'created', 'sending', 0, 't', 't')`,
    )
    .run(id, orderNo, codeHash);

describe('migration 0002 sales and payments', () => {
  it('creates strict tables', () => {
    const db = fresh();
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name IN ('sales','sale_lines','tenders','payment_attempts','refunds','refund_parts','receipt_counters')").all() as { name: string; sql: string }[];
    expect(tables).toHaveLength(7);
    for (const t of tables) expect(t.sql).toMatch(/STRICT$/);
  });

  it('refuses a reused order number, a resubmitted code, a duplicate receipt number and float money', () => {
    const db = fresh();
    insertSale(db, 's1', 1);
    expect(() => insertSale(db, 's2', 1)).toThrow(/UNIQUE/);
    insertAttempt(db, 'a1', 'O1', 'h1');
    expect(() => insertAttempt(db, 'a2', 'O1', 'h2')).toThrow(/UNIQUE/);
    expect(() => insertAttempt(db, 'a3', 'O3', 'h1')).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE sales SET total_fen = 10.5 WHERE id = 's1'").run()).toThrow();
    expect(() => db.prepare("UPDATE payment_attempts SET state = 'maybe' WHERE id = 'a1'").run()).toThrow();
  });

  it('keeps paid ≤ total and refunded ≤ paid, and a code tender needs its attempt', () => {
    const db = fresh();
    insertSale(db, 's1', 1, 1000);
    expect(() => db.prepare("UPDATE sales SET paid_fen = 1001 WHERE id = 's1'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE sales SET paid_fen = 500 WHERE id = 's1'").run();
    expect(() => db.prepare("UPDATE sales SET refunded_fen = 501 WHERE id = 's1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO tenders (id, sale_id, kind, amount_fen, created_at) VALUES ('t1', 's1', 'code', 100, 't')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO tenders (id, sale_id, kind, amount_fen, created_at) VALUES ('t1', 'nope', 'cash', 100, 't')").run()).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO tenders (id, sale_id, kind, amount_fen, created_at) VALUES ('t1', 's1', 'cash', 100, 't')").run();
    expect(() => db.prepare("UPDATE tenders SET refunded_fen = 101 WHERE id = 't1'").run()).toThrow(/CHECK/);
  });
});
