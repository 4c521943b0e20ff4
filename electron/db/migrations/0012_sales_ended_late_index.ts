import { type Migration } from './types';

/**
 * A sale that ends (paid or voided) two or more days after the business day it was opened on, e.g. a
 * payment left unresolved over an offline weekend, belongs on the till's list the day it ends
 * (sales/repo.ts `listSales`). This partial index holds only sales that ended at least one UTC date after
 * their business date (a handful: ordinary sales never match, so it costs them no page write), keyed on
 * when they ended, so that list finds them without reading every earlier day.
 */
/**
 * "Ended on a later UTC date than its business date": an ISO time `YYYY-MM-DDT…` sorts after
 * `business_date || 'U'` only when its date is later ('T' < 'U'). Written as one column compare, not with
 * substr(), because SQLite uses a partial index only when it can match its WHERE that way.
 */
export const SALES_ENDED_LATE_WHERE = "coalesce(completed_at, voided_at) > business_date || 'U'";

export const migration0012: Migration = {
  version: 12,
  name: 'sales_ended_late_index',
  up(db) {
    db.exec(`CREATE INDEX sales_ended_late ON sales (coalesce(completed_at, voided_at)) WHERE ${SALES_ENDED_LATE_WHERE}`);
  },
};
