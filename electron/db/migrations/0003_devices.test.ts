import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migration0001 } from './0001_foundation';
import { migration0002 } from './0002_sales_payments';
import { migration0003 } from './0003_devices';

// Tested on its own until migration 0003 (sync) exists and 0004 joins MIGRATIONS.
const fresh = () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migration0001.up(db);
  migration0002.up(db);
  migration0003.up(db);
  db.prepare(
    `INSERT INTO sales (id, terminal_id, store_id, business_date, receipt_seq, receipt_no, cashier_id, status, subtotal_fen, discount_fen, total_fen, created_at, updated_at)
     VALUES ('s1', 'T01', 'S001', '2026-11-25', 1, 'T01-20261125-0001', 'u', 'paid', 100, 0, 100, 't', 't')`,
  ).run();
  return db;
};

type Job = { id: string; seq: number; kind: string; sale_id: string | null; copy_number: number | null; state?: string; printed_at?: string | null; json?: string };
const insert = (db: Database.Database, j: Job) =>
  db
    .prepare(
      `INSERT INTO print_jobs (id, seq, kind, sale_id, receipt_no, copy_number, receipt_json, state, created_at, updated_at, printed_at)
       VALUES (@id, @seq, @kind, @sale_id, NULL, @copy_number, @json, @state, 't', 't', @printed_at)`,
    )
    .run({ state: 'queued', printed_at: null, json: '{}', ...j });

describe('migration 0004 print jobs', () => {
  it('creates a strict table', () => {
    const db = fresh();
    const row = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'print_jobs'").get() as { sql: string };
    expect(row.sql).toMatch(/STRICT$/);
  });

  it('allows one original receipt job per sale, numbered copies, and test jobs without a sale', () => {
    const db = fresh();
    insert(db, { id: 'j1', seq: 1, kind: 'sale', sale_id: 's1', copy_number: null });
    expect(() => insert(db, { id: 'j2', seq: 2, kind: 'sale', sale_id: 's1', copy_number: null })).toThrow(/UNIQUE/);
    insert(db, { id: 'j3', seq: 3, kind: 'copy', sale_id: 's1', copy_number: 1 });
    expect(() => insert(db, { id: 'j4', seq: 4, kind: 'copy', sale_id: 's1', copy_number: 1 })).toThrow(/UNIQUE/);
    insert(db, { id: 'j5', seq: 5, kind: 'test', sale_id: null, copy_number: null });
    expect(() => insert(db, { id: 'j6', seq: 6, kind: 'test', sale_id: 's1', copy_number: null })).toThrow(/CHECK/);
    expect(() => insert(db, { id: 'j7', seq: 7, kind: 'copy', sale_id: 's1', copy_number: null })).toThrow(/CHECK/);
    expect(() => insert(db, { id: 'j8', seq: 8, kind: 'sale', sale_id: 'nope', copy_number: null })).toThrow(/FOREIGN KEY/);
    expect(() => insert(db, { id: 'j9', seq: 1, kind: 'test', sale_id: null, copy_number: null })).toThrow(/UNIQUE/);
  });

  it('refuses unknown states, bad JSON and a printed job without its time', () => {
    const db = fresh();
    expect(() => insert(db, { id: 'j1', seq: 1, kind: 'test', sale_id: null, copy_number: null, state: 'maybe' })).toThrow(/CHECK/);
    expect(() => insert(db, { id: 'j2', seq: 2, kind: 'test', sale_id: null, copy_number: null, json: '{oops' })).toThrow(/CHECK/);
    expect(() => insert(db, { id: 'j3', seq: 3, kind: 'test', sale_id: null, copy_number: null, state: 'printed' })).toThrow(/CHECK/);
    insert(db, { id: 'j4', seq: 4, kind: 'test', sale_id: null, copy_number: null, state: 'printed', printed_at: 't' });
    expect(() => db.prepare("UPDATE print_jobs SET attempts = -1 WHERE id = 'j4'").run()).toThrow(/CHECK/);
  });
});
