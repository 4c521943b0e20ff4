import { type Migration } from './types';

/**
 * The till's sale list shows, besides the day's sales, any sale of an earlier day still being paid
 * (sales/repo.ts `listSales`): this partial index finds those few without reading every sale ever made.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'sales_paying_index',
  up(db) {
    db.exec("CREATE INDEX sales_paying ON sales (business_date) WHERE status = 'paying'");
  },
};
