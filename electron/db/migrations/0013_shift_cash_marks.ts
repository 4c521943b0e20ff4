import { type Migration } from './types';

/**
 * Which cash belongs to the open shift: the tenders and refund parts written after it opened, by row order
 * (`tenders_after`, `refund_parts_after`: the last rowid of each table when it opened), not by their times.
 * A wall clock stepped after the shift opened (NTP correcting a dead battery's 2000-01-01, a clock an hour
 * fast) would otherwise pull earlier sales into the drawer's figures, or leave the next hour's out. The
 * open shift at upgrade gets the marks its opening time gives (closed shifts keep their frozen figures).
 */
export const migration0013: Migration = {
  version: 13,
  name: 'shift_cash_marks',
  up(db) {
    db.exec(`
      ALTER TABLE shifts ADD COLUMN tenders_after INTEGER;
      ALTER TABLE shifts ADD COLUMN refund_parts_after INTEGER;
      UPDATE shifts SET
        tenders_after = (SELECT coalesce(max(rowid), 0) FROM tenders WHERE created_at < shifts.opened_at),
        refund_parts_after = (SELECT coalesce(max(rowid), 0) FROM refund_parts WHERE updated_at < shifts.opened_at)
      WHERE status = 'open';
    `);
  },
};
