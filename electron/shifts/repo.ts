import { stmt } from '../db/stmt';
import { type Db } from '../db/open';
import { type CashDirection } from '../../shared/api/shifts';

/** Shifts and cash movements (migration 0005). Functions of (db, ...); callers own the transaction. */

export type ShiftRow = {
  id: string;
  terminal_id: string;
  store_id: string;
  status: 'open' | 'closed';
  business_date: string;
  opened_at: string;
  opened_by: string;
  opening_float_fen: number;
  closed_at: string | null;
  closed_by: string | null;
  cash_sales_fen: number | null;
  cash_refunds_fen: number | null;
  cash_in_fen: number | null;
  cash_out_fen: number | null;
  expected_cash_fen: number | null;
  counted_cash_fen: number | null;
  difference_fen: number | null;
  note: string | null;
  /** The last tenders / refund_parts rowid when it opened: its cash is in the rows after (migration 0013). */
  tenders_after: number | null;
  refund_parts_after: number | null;
};

export type MovementRow = {
  id: string;
  shift_id: string;
  request_id: string | null;
  direction: CashDirection;
  amount_fen: number;
  reason: string;
  actor: string;
  authorized_by: string | null;
  created_at: string;
  business_date: string;
};

/** Cash that crossed the counter during a shift, apart from its float. */
export type CashFlows = { cashSalesFen: number; cashRefundsFen: number; cashInFen: number; cashOutFen: number };

export const getOpenShift = (db: Db): ShiftRow | undefined => stmt(db, "SELECT * FROM shifts WHERE status = 'open'").get() as ShiftRow | undefined;
export const getShift = (db: Db, id: string): ShiftRow | undefined => stmt(db, 'SELECT * FROM shifts WHERE id = ?').get(id) as ShiftRow | undefined;

/** A new open shift, marking where its cash starts: the tenders and refund parts written from now on. */
export function insertShift(db: Db, row: Pick<ShiftRow, 'id' | 'terminal_id' | 'store_id' | 'business_date' | 'opened_at' | 'opened_by' | 'opening_float_fen'>): void {
  stmt(
    db,
    `INSERT INTO shifts (id, terminal_id, store_id, status, business_date, opened_at, opened_by, opening_float_fen, tenders_after, refund_parts_after)
     VALUES (@id, @terminal_id, @store_id, 'open', @business_date, @opened_at, @opened_by, @opening_float_fen,
       (SELECT coalesce(max(rowid), 0) FROM tenders), (SELECT coalesce(max(rowid), 0) FROM refund_parts))`,
  ).run(row);
}

export type CloseFields = {
  closed_at: string;
  closed_by: string;
  cash_sales_fen: number;
  cash_refunds_fen: number;
  cash_in_fen: number;
  cash_out_fen: number;
  expected_cash_fen: number;
  counted_cash_fen: number;
  difference_fen: number;
  note: string | null;
};

/** Open → closed with the frozen figures; the table re-checks the arithmetic. False when it was not open. */
export function closeShiftRow(db: Db, id: string, f: CloseFields): boolean {
  return (
    stmt(
      db,
      `UPDATE shifts SET status = 'closed', closed_at = @closed_at, closed_by = @closed_by, cash_sales_fen = @cash_sales_fen,
         cash_refunds_fen = @cash_refunds_fen, cash_in_fen = @cash_in_fen, cash_out_fen = @cash_out_fen, expected_cash_fen = @expected_cash_fen,
         counted_cash_fen = @counted_cash_fen, difference_fen = @difference_fen, note = @note
       WHERE id = @id AND status = 'open'`,
    ).run({ ...f, id }).changes === 1
  );
}

export const listClosedShifts = (db: Db, limit: number): ShiftRow[] =>
  stmt(db, "SELECT * FROM shifts WHERE status = 'closed' ORDER BY closed_at DESC, rowid DESC LIMIT ?").all(limit) as ShiftRow[];

export const listMovements = (db: Db, shiftId: string): MovementRow[] =>
  stmt(db, 'SELECT * FROM cash_movements WHERE shift_id = ? ORDER BY created_at, rowid').all(shiftId) as MovementRow[];

export const getMovementByRequest = (db: Db, requestId: string): MovementRow | undefined =>
  stmt(db, 'SELECT * FROM cash_movements WHERE request_id = ?').get(requestId) as MovementRow | undefined;

export const getMovement = (db: Db, id: string): MovementRow | undefined => stmt(db, 'SELECT * FROM cash_movements WHERE id = ?').get(id) as MovementRow | undefined;

export function insertMovement(db: Db, row: MovementRow): void {
  stmt(
    db,
    `INSERT INTO cash_movements (id, shift_id, request_id, direction, amount_fen, reason, actor, authorized_by, created_at, business_date)
     VALUES (@id, @shift_id, @request_id, @direction, @amount_fen, @reason, @actor, @authorized_by, @created_at, @business_date)`,
  ).run(row);
}

/**
 * The cash flows of the open shift. Sales and refunds carry no shift id (they work without a shift), so
 * they belong to the shift by row order: every cash tender and cash refund part written since it opened
 * (a cash part lands in the transaction that writes it). Never by time: a wall clock stepped since the
 * shift opened would move sales in or out of it. Cash tenders count whatever their sale became: a part
 * payment of a voided sale is in the drawer until its give-back, which is a succeeded cash refund part,
 * counted on the other side.
 */
export function cashFlowsOf(db: Db, shift: Pick<ShiftRow, 'id' | 'opened_at' | 'tenders_after' | 'refund_parts_after'>): CashFlows {
  const sales = stmt(db, "SELECT coalesce(sum(amount_fen), 0) AS fen FROM tenders WHERE kind = 'cash' AND rowid > ?").get(shift.tenders_after ?? 0) as { fen: number };
  const back = stmt(db, "SELECT coalesce(sum(amount_fen), 0) AS fen FROM refund_parts WHERE kind = 'cash' AND state = 'succeeded' AND rowid > ?").get(shift.refund_parts_after ?? 0) as { fen: number };
  const moves = stmt(
    db,
    `SELECT coalesce(sum(CASE WHEN direction = 'in' THEN amount_fen END), 0) AS cash_in, coalesce(sum(CASE WHEN direction = 'out' THEN amount_fen END), 0) AS cash_out
     FROM cash_movements WHERE shift_id = ?`,
  ).get(shift.id) as { cash_in: number; cash_out: number };
  return { cashSalesFen: sales.fen, cashRefundsFen: back.fen, cashInFen: moves.cash_in, cashOutFen: moves.cash_out };
}

export const userName = (db: Db, id: string): string => (stmt(db, 'SELECT name FROM users WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? id;
