import { type Migration } from './types';

/**
 * The check for a pay request that arrives after its reverse (issue #3): when a reverse is answered "no such
 * order", the pay request may still have been on its way (sent, timed out, delayed). The attempt ends
 * `reversed` at once (the sale is free again), and `late_check_ms` says when to ask the channel once more,
 * after the payment code has surely expired; a charge found then is refunded. NULL: nothing to check.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'late_charge_check',
  up(db) {
    db.exec('ALTER TABLE payment_attempts ADD COLUMN late_check_ms INTEGER');
    db.exec('CREATE INDEX payment_attempts_late_check ON payment_attempts (late_check_ms) WHERE late_check_ms IS NOT NULL');
  },
};
