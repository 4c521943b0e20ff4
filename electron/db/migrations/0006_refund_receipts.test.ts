import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migration0001 } from './0001_foundation';
import { migration0002 } from './0002_sales_payments';
import { migration0003 } from './0003_devices';
import { migration0006 } from './0006_refund_receipts';

type Job = { id: string; seq: number; kind: string; sale_id: string | null; refund_id?: string | null; copy_number?: number | null; state?: string };

const v3 = () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migration0001.up(db);
  migration0002.up(db);
  migration0003.up(db);
  db.prepare(
    `INSERT INTO sales (id, terminal_id, store_id, business_date, receipt_seq, receipt_no, cashier_id, status, subtotal_fen, discount_fen, total_fen, created_at, updated_at)
     VALUES ('s1', 'T01', 'S001', '2026-11-25', 1, 'T01-20261125-0001', 'u', 'paid', 100, 0, 100, 't', 't')`,
  ).run();
  for (const id of ['r1', 'r2']) {
    db.prepare(`INSERT INTO refunds (id, sale_id, purpose, amount_fen, requested_by, authorized_by, created_at) VALUES (?, 's1', 'refund', 10, 'u', 'm', 't')`).run(id);
  }
  return db;
};

const insert = (db: Database.Database, j: Job) =>
  db
    .prepare(
      `INSERT INTO print_jobs (id, seq, kind, sale_id, refund_id, receipt_no, copy_number, receipt_json, state, created_at, updated_at)
       VALUES (@id, @seq, @kind, @sale_id, @refund_id, NULL, @copy_number, '{}', @state, 't', 't')`,
    )
    .run({ refund_id: null, copy_number: null, state: 'queued', ...j });

describe('migration 0006 refund receipts', () => {
  it('keeps every existing job and stays STRICT', () => {
    const db = v3();
    db.prepare(
      `INSERT INTO print_jobs (id, seq, kind, sale_id, receipt_no, copy_number, receipt_json, state, attempts, target, created_at, updated_at, printed_at)
       VALUES ('j1', 1, 'sale', 's1', 'T01-20261125-0001', NULL, '{"a":1}', 'printed', 1, 'virtual', 't0', 't1', 't1'),
              ('j2', 2, 'copy', 's1', 'T01-20261125-0001', 1, '{}', 'uncertain', 2, '/dev/x', 't2', 't3', NULL)`,
    ).run();
    migration0006.up(db);
    expect(db.prepare('SELECT id, kind, refund_id, copy_number, state, attempts, receipt_json, printed_at FROM print_jobs ORDER BY seq').all()).toEqual([
      { id: 'j1', kind: 'sale', refund_id: null, copy_number: null, state: 'printed', attempts: 1, receipt_json: '{"a":1}', printed_at: 't1' },
      { id: 'j2', kind: 'copy', refund_id: null, copy_number: 1, state: 'uncertain', attempts: 2, receipt_json: '{}', printed_at: null },
    ]);
    const row = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'print_jobs'").get() as { sql: string };
    expect(row.sql).toMatch(/STRICT$/);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE tbl_name = 'print_jobs' AND type = 'index' AND name LIKE 'print_jobs_%'").get()).toEqual({ n: 5 });
  });

  it('one receipt job per refund; refund copies numbered apart from the sale copies', () => {
    const db = v3();
    migration0006.up(db);
    insert(db, { id: 'a', seq: 1, kind: 'sale', sale_id: 's1' });
    insert(db, { id: 'b', seq: 2, kind: 'refund', sale_id: 's1', refund_id: 'r1' });
    expect(() => insert(db, { id: 'c', seq: 3, kind: 'refund', sale_id: 's1', refund_id: 'r1' })).toThrow(/UNIQUE/);
    insert(db, { id: 'd', seq: 4, kind: 'refund', sale_id: 's1', refund_id: 'r2' });
    insert(db, { id: 'e', seq: 5, kind: 'copy', sale_id: 's1', copy_number: 1 });
    insert(db, { id: 'f', seq: 6, kind: 'copy', sale_id: 's1', refund_id: 'r1', copy_number: 1 });
    insert(db, { id: 'g', seq: 7, kind: 'copy', sale_id: 's1', refund_id: 'r2', copy_number: 1 });
    expect(() => insert(db, { id: 'h', seq: 8, kind: 'copy', sale_id: 's1', copy_number: 1 })).toThrow(/UNIQUE/);
    expect(() => insert(db, { id: 'i', seq: 9, kind: 'copy', sale_id: 's1', refund_id: 'r1', copy_number: 1 })).toThrow(/UNIQUE/);
  });

  it('refuses a refund job without its refund, a refund id on a sale or test job, and unknown refunds', () => {
    const db = v3();
    migration0006.up(db);
    expect(() => insert(db, { id: 'a', seq: 1, kind: 'refund', sale_id: 's1' })).toThrow(/CHECK/);
    expect(() => insert(db, { id: 'b', seq: 2, kind: 'sale', sale_id: 's1', refund_id: 'r1' })).toThrow(/CHECK/);
    expect(() => insert(db, { id: 'c', seq: 3, kind: 'test', sale_id: null, refund_id: 'r1' })).toThrow(/CHECK/);
    expect(() => insert(db, { id: 'd', seq: 4, kind: 'refund', sale_id: 's1', refund_id: 'nope' })).toThrow(/FOREIGN KEY/);
    expect(() => insert(db, { id: 'e', seq: 5, kind: 'refund', sale_id: null, refund_id: 'r1' })).toThrow(/CHECK/);
    expect(() => insert(db, { id: 'f', seq: 6, kind: 'void', sale_id: 's1' })).toThrow(/CHECK/);
  });
});
