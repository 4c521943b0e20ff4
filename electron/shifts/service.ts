import { type Db } from '../db/open';
import { type Clock, isoAt } from '../clock';
import { type EventBus } from '../events';
import { type RecordBus } from '../services/records';
import { appendAudit } from '../services/audit';
import { uuidv7 } from '../ids';
import { PosError } from '../../shared/api/result';
import { businessDate } from '../../shared/sales/money';
import { cashDifferenceFen } from '../../shared/shifts/drawer';
import { type CashDirection, type CashMovementView, type ShiftView } from '../../shared/api/shifts';
import { type Settings } from '../../shared/settings';
import { type MovementRow, type ShiftRow, closeShiftRow, getMovementByRequest, getOpenShift, getShift, insertMovement, insertShift, listClosedShifts } from './repo';
import { cashMovementRecord, shiftCloseRecord } from './records';
import { movementView, refuseCashBeyondDrawer, shiftFigures, shiftView } from './view';

export type ShiftDeps = {
  db: Db;
  clock: Clock;
  events: EventBus;
  records: RecordBus;
  settings: () => Settings;
  /** Cash went into or out of the drawer (committed): it opens. */
  cashMoved?: (why: string) => void;
};

export type CashMovementInput = {
  direction: CashDirection;
  amountFen: number;
  reason: string;
  requestId?: string;
  actor: string;
  /** The approving manager; required for cash out (the caller checked the approval). */
  authorizedBy: string | null;
};

function requireOpen(db: Db, what: string): ShiftRow {
  const shift = getOpenShift(db);
  if (!shift) throw new PosError('INVALID_STATE', `no shift is open: open a shift before ${what}`);
  return shift;
}

/**
 * Shifts and cash movements. Every state change is ONE synchronous transaction holding the row, its audit
 * entry and (for cash movements and closes) its outbox record, so HQ never hears of a movement or a close
 * the terminal does not have, nor the other way round. Events go out after the commit.
 */
export function createShiftService(deps: ShiftDeps) {
  const { db, clock } = deps;

  const changed = (shift: ShiftView): void => deps.events.emit('shift.changed', { shiftId: shift.id, status: shift.status, expectedCashFen: shift.figures.expectedCashFen });

  const viewOf = (id: string): ShiftView => {
    const row = getShift(db, id);
    if (!row) throw new Error(`shift ${id} vanished`);
    return shiftView(db, row);
  };

  return {
    current(): ShiftView | null {
      const open = getOpenShift(db);
      return open ? shiftView(db, open) : null;
    },

    open(openingFloatFen: number, actor: string): ShiftView {
      const now = clock.now();
      const at = isoAt(clock);
      const s = deps.settings();
      const id = uuidv7(now);
      db.transaction(() => {
        const already = getOpenShift(db);
        if (already) throw new PosError('INVALID_STATE', `a shift is already open (since ${already.opened_at}): close it first`);
        insertShift(db, { id, terminal_id: s.terminal.id, store_id: s.store.id, business_date: businessDate(now), opened_at: at, opened_by: actor, opening_float_fen: openingFloatFen });
        appendAudit(db, at, actor, 'shift.open', { shiftId: id, openingFloatFen });
      })();
      const view = viewOf(id);
      changed(view);
      if (openingFloatFen > 0) deps.cashMoved?.('opening float');
      return view;
    },

    cashMovement(input: CashMovementInput): { movement: CashMovementView; shift: ShiftView } {
      if (input.direction === 'out' && input.authorizedBy === null) throw new PosError('NOT_AUTHORIZED', 'cash out needs a manager');
      const now = clock.now();
      const at = isoAt(clock);
      const result = db.transaction((): { movement: MovementRow; fresh: boolean } => {
        // A retried request returns what the first one recorded, even if the shift has closed since.
        if (input.requestId !== undefined) {
          const earlier = getMovementByRequest(db, input.requestId);
          if (earlier) {
            if (earlier.direction !== input.direction || earlier.amount_fen !== input.amountFen || earlier.reason !== input.reason) {
              throw new PosError('CONFLICT', 'this request id was already used for a different cash movement');
            }
            return { movement: earlier, fresh: false };
          }
        }
        const shift = requireOpen(db, 'moving cash');
        if (input.direction === 'out') refuseCashBeyondDrawer(db, shift, input.amountFen);
        const movement: MovementRow = {
          id: uuidv7(now),
          shift_id: shift.id,
          request_id: input.requestId ?? null,
          direction: input.direction,
          amount_fen: input.amountFen,
          reason: input.reason,
          actor: input.actor,
          authorized_by: input.authorizedBy,
          created_at: at,
          business_date: businessDate(now),
        };
        insertMovement(db, movement);
        appendAudit(db, at, input.actor, 'shift.cashMovement', {
          shiftId: shift.id,
          movementId: movement.id,
          direction: movement.direction,
          amountFen: movement.amount_fen,
          reason: movement.reason,
          authorizedBy: movement.authorized_by,
        });
        deps.records.committed(db, cashMovementRecord(movement, deps.settings().terminal.mode === 'sandbox'));
        return { movement, fresh: true };
      })();
      const shift = viewOf(result.movement.shift_id);
      if (result.fresh) {
        changed(shift);
        deps.cashMoved?.(`cash ${result.movement.direction}`);
      }
      return { movement: movementView(result.movement), shift };
    },

    close(countedCashFen: number, note: string | undefined, actor: string): ShiftView {
      const at = isoAt(clock);
      const id = db.transaction(() => {
        const shift = requireOpen(db, 'closing it');
        const figures = shiftFigures(db, shift);
        const differenceFen = cashDifferenceFen(countedCashFen, figures.expectedCashFen);
        const kept = note === undefined || note === '' ? null : note;
        const closed = closeShiftRow(db, shift.id, {
          closed_at: at,
          closed_by: actor,
          cash_sales_fen: figures.cashSalesFen,
          cash_refunds_fen: figures.cashRefundsFen,
          cash_in_fen: figures.cashInFen,
          cash_out_fen: figures.cashOutFen,
          expected_cash_fen: figures.expectedCashFen,
          counted_cash_fen: countedCashFen,
          difference_fen: differenceFen,
          note: kept,
        });
        if (!closed) throw new Error(`shift ${shift.id} was not open`);
        appendAudit(db, at, actor, 'shift.close', { shiftId: shift.id, expectedCashFen: figures.expectedCashFen, countedCashFen, differenceFen });
        deps.records.committed(db, shiftCloseRecord(shift, figures, { at, by: actor, countedCashFen, differenceFen, note: kept }, deps.settings().terminal.mode === 'sandbox'));
        return shift.id;
      })();
      const view = viewOf(id);
      changed(view);
      return view;
    },

    list: (limit: number): ShiftView[] => listClosedShifts(db, limit).map((s) => shiftView(db, s)),
  };
}

export type ShiftService = ReturnType<typeof createShiftService>;
