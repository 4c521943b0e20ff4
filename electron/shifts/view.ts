import { type Db } from '../db/open';
import { PosError } from '../../shared/api/result';
import { type CashMovementView, type ShiftFigures, type ShiftView } from '../../shared/api/shifts';
import { expectedCashFen } from '../../shared/shifts/drawer';
import { type MovementRow, type ShiftRow, cashFlowsOf, listMovements, userName } from './repo';

/** What the renderer sees of shifts: rows turned into contract views (live figures for the open shift). */

export const movementView = (m: MovementRow): CashMovementView => ({
  id: m.id,
  shiftId: m.shift_id,
  direction: m.direction,
  amountFen: m.amount_fen,
  reason: m.reason,
  actor: m.actor,
  authorizedBy: m.authorized_by,
  createdAt: m.created_at,
});

/** Live figures while open; the figures frozen at close afterwards (later sales belong to no shift of it). */
export function shiftFigures(db: Db, s: ShiftRow): ShiftFigures {
  if (s.status === 'closed') {
    return {
      openingFloatFen: s.opening_float_fen,
      cashSalesFen: s.cash_sales_fen ?? 0,
      cashRefundsFen: s.cash_refunds_fen ?? 0,
      cashInFen: s.cash_in_fen ?? 0,
      cashOutFen: s.cash_out_fen ?? 0,
      expectedCashFen: s.expected_cash_fen ?? 0,
    };
  }
  const flows = cashFlowsOf(db, s);
  const withFloat = { openingFloatFen: s.opening_float_fen, ...flows };
  return { ...withFloat, expectedCashFen: expectedCashFen(withFloat) };
}

export function shiftView(db: Db, s: ShiftRow): ShiftView {
  return {
    id: s.id,
    status: s.status,
    businessDate: s.business_date,
    openedAt: s.opened_at,
    openedBy: s.opened_by,
    openedByName: userName(db, s.opened_by),
    closedAt: s.closed_at,
    closedBy: s.closed_by,
    closedByName: s.closed_by === null ? null : userName(db, s.closed_by),
    figures: shiftFigures(db, s),
    countedCashFen: s.counted_cash_fen,
    differenceFen: s.difference_fen,
    note: s.note,
    movements: listMovements(db, s.id).map(movementView),
  };
}

/**
 * Cash leaving the drawer (a cash out, a cash refund or void): never more than it should hold, or the
 * cashier is told to hand over money the till's own figures say is not there (usually a mistyped amount).
 * `why` says what takes the cash, before the figure; `then` what to do about it.
 */
export function refuseCashBeyondDrawer(db: Db, shift: ShiftRow, cashFen: number, why = '', then = ''): void {
  const { expectedCashFen: holds } = shiftFigures(db, shift);
  if (cashFen > holds) throw new PosError('AMOUNT_INVALID', `${why}the drawer should hold only ${holds} fen${then}`);
}
