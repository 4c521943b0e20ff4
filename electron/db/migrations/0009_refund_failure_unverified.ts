import { type Migration } from './types';

/**
 * Whether a refund part failed on an answer nobody signed (issue #3 review: Jeepay's errors are never
 * signed). A retry of such a part goes under the same refund number: if the refusal was true, the gateway
 * never recorded it and takes it now; if it was not, the gateway knows the number and answers what it did
 * with it. Only a signed refusal at a gateway that never takes a number twice needs a fresh one.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'refund_failure_unverified',
  up(db) {
    db.exec('ALTER TABLE refund_parts ADD COLUMN failure_unverified INTEGER NOT NULL DEFAULT 0 CHECK (failure_unverified IN (0, 1))');
  },
};
