import { type CommittedRecord } from '../services/records';
import { type ShiftFigures } from '../../shared/api/shifts';
import { type MovementRow, type ShiftRow } from './repo';

/**
 * The outbox records of shifts (see shared/sync/entry.ts `cashMovementPayloadSchema` and
 * `shiftClosePayloadSchema`). Required fields first; the rest is the record as kept on the terminal.
 */

/** `training`: made in training mode (a shift never spans a switch between training and live, sales/training.ts). */
export function cashMovementRecord(m: MovementRow, training: boolean): CommittedRecord {
  return {
    kind: 'cash_movement',
    id: m.id,
    businessDate: m.business_date,
    createdAt: m.created_at,
    payload: {
      direction: m.direction,
      amountFen: m.amount_fen,
      reason: m.reason,
      shiftId: m.shift_id,
      actor: m.actor,
      ...(m.authorized_by === null ? {} : { authorizedBy: m.authorized_by }),
      ...(training ? { training: true } : {}),
    },
  };
}

/**
 * A closed shift. Its business date is the day it opened (a shift past midnight still reports with the
 * day it started, as a Z report does); the record id is the shift id, unique like every other key.
 */
export function shiftCloseRecord(s: ShiftRow, f: ShiftFigures, closed: { at: string; by: string; countedCashFen: number; differenceFen: number; note: string | null }, training: boolean): CommittedRecord {
  return {
    kind: 'shift_close',
    id: s.id,
    businessDate: s.business_date,
    createdAt: closed.at,
    payload: {
      shiftId: s.id,
      closedAt: closed.at,
      expectedCashFen: f.expectedCashFen,
      countedCashFen: closed.countedCashFen,
      differenceFen: closed.differenceFen,
      openedAt: s.opened_at,
      openedBy: s.opened_by,
      closedBy: closed.by,
      openingFloatFen: f.openingFloatFen,
      cashSalesFen: f.cashSalesFen,
      cashRefundsFen: f.cashRefundsFen,
      cashInFen: f.cashInFen,
      cashOutFen: f.cashOutFen,
      ...(closed.note === null ? {} : { note: closed.note }),
      ...(training ? { training: true } : {}),
    },
  };
}
