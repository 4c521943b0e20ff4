import { type Migration } from './types';

/**
 * Refund parts whose money has not landed (created, sent, pending, or failed and not retried). The sales
 * list asks for voided sales still owing a give-back on every page (sales/repo.ts `voidedSalesOwingGiveBack`):
 * without this partial index that read every refund part ever made. Parts leave it when they land, so it
 * holds a handful of rows however long the till's history grows.
 */
export const REFUND_PARTS_UNFINISHED_WHERE = "state <> 'succeeded'";

export const migration0014: Migration = {
  version: 14,
  name: 'refund_parts_unfinished_index',
  up(db) {
    db.exec(`CREATE INDEX refund_parts_unfinished ON refund_parts (refund_id) WHERE ${REFUND_PARTS_UNFINISHED_WHERE}`);
  },
};
