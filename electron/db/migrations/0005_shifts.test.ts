import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './index';
import { migration0005 } from './0005_shifts';

const fresh = () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  for (const m of MIGRATIONS) m.up(db);
  return db;
};

const openShift = (db: Database.Database, id: string, floatFen = 10_000) =>
  db
    .prepare(
      `INSERT INTO shifts (id, terminal_id, store_id, status, business_date, opened_at, opened_by, opening_float_fen)
       VALUES (?, 'T01', 'S001', 'open', '2026-11-25', '2026-11-25T01:00:00.000Z', 'u1', ?)`,
    )
    .run(id, floatFen);

type Close = { sales: number; refunds: number; cashIn: number; cashOut: number; expected: number; counted: number; difference: number };
const close = (db: Database.Database, id: string, c: Close) =>
  db
    .prepare(
      `UPDATE shifts SET status = 'closed', closed_at = '2026-11-25T09:00:00.000Z', closed_by = 'u1', cash_sales_fen = @sales, cash_refunds_fen = @refunds,
         cash_in_fen = @cashIn, cash_out_fen = @cashOut, expected_cash_fen = @expected, counted_cash_fen = @counted, difference_fen = @difference WHERE id = @id`,
    )
    .run({ ...c, id });

const move = (db: Database.Database, id: string, shiftId: string, direction: string, amount: number, authorizedBy: string | null = null, reason = '备用金') =>
  db
    .prepare(
      `INSERT INTO cash_movements (id, shift_id, direction, amount_fen, reason, actor, authorized_by, created_at, business_date)
       VALUES (?, ?, ?, ?, ?, 'u1', ?, '2026-11-25T02:00:00.000Z', '2026-11-25')`,
    )
    .run(id, shiftId, direction, amount, reason, authorizedBy);

describe('migration 0005 shifts and cash movements', () => {
  it('is version 5, registered, and creates strict tables', () => {
    expect(migration0005.version).toBe(5);
    expect(MIGRATIONS[4]).toBe(migration0005);
    const db = fresh();
    const tables = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name IN ('shifts', 'cash_movements')").all() as { sql: string }[];
    expect(tables).toHaveLength(2);
    for (const t of tables) expect(t.sql).toMatch(/STRICT$/);
  });

  it('allows at most one open shift, and another once it is closed', () => {
    const db = fresh();
    openShift(db, 'a');
    expect(() => openShift(db, 'b')).toThrow(/UNIQUE/);
    close(db, 'a', { sales: 500, refunds: 100, cashIn: 0, cashOut: 0, expected: 10_400, counted: 10_300, difference: -100 });
    openShift(db, 'b');
    expect(db.prepare("SELECT count(*) AS n FROM shifts WHERE status = 'open'").get()).toEqual({ n: 1 });
  });

  it('checks the drawer arithmetic of a closed shift and freezes it', () => {
    const db = fresh();
    openShift(db, 'a', 10_000);
    expect(() => close(db, 'a', { sales: 500, refunds: 0, cashIn: 0, cashOut: 0, expected: 10_000, counted: 10_500, difference: 500 })).toThrow(/CHECK/);
    expect(() => close(db, 'a', { sales: 500, refunds: 0, cashIn: 0, cashOut: 0, expected: 10_500, counted: 10_500, difference: 1 })).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE shifts SET status = 'closed' WHERE id = 'a'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE shifts SET opening_float_fen = 10.5 WHERE id = 'a'").run()).toThrow();
    expect(() => db.prepare("UPDATE shifts SET opening_float_fen = -1 WHERE id = 'a'").run()).toThrow(/CHECK/);
    close(db, 'a', { sales: 500, refunds: 200, cashIn: 300, cashOut: 100, expected: 10_500, counted: 10_450, difference: -50 });
    expect(() => db.prepare("UPDATE shifts SET counted_cash_fen = 10500, difference_fen = 0 WHERE id = 'a'").run()).toThrow(/closed shift/);
    expect(() => db.prepare("DELETE FROM shifts WHERE id = 'a'").run()).toThrow(/never deleted/);
  });

  it('cash movements: positive amounts, a reason, a manager for cash out, an open shift, append-only', () => {
    const db = fresh();
    openShift(db, 'a');
    move(db, 'm1', 'a', 'in', 100);
    move(db, 'm2', 'a', 'out', 50, 'manager');
    expect(() => move(db, 'm3', 'a', 'out', 50)).toThrow(/CHECK/);
    expect(() => move(db, 'm4', 'a', 'in', 0)).toThrow(/CHECK/);
    expect(() => move(db, 'm5', 'a', 'sideways', 10)).toThrow(/CHECK/);
    expect(() => move(db, 'm6', 'a', 'in', 10, null, '')).toThrow(/CHECK/);
    expect(() => move(db, 'm7', 'a', 'in', 10, null, 'x'.repeat(257))).toThrow(/CHECK/);
    expect(() => move(db, 'm8', 'nope', 'in', 10)).toThrow(/open shift|FOREIGN KEY/);
    expect(() => db.prepare("UPDATE cash_movements SET amount_fen = 1 WHERE id = 'm1'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM cash_movements WHERE id = 'm1'").run()).toThrow(/append-only/);
    close(db, 'a', { sales: 0, refunds: 0, cashIn: 100, cashOut: 50, expected: 10_050, counted: 10_050, difference: 0 });
    expect(() => move(db, 'm9', 'a', 'in', 10)).toThrow(/open shift/);
  });
});
