import { type Migration } from './types';

/**
 * What a give-back refund returns (issue #3 review): when a charge is given back by a refund (past the
 * reverse window, or the channel refused to reverse), the refund is for what the channel says was charged,
 * which can differ from the amount the attempt asked for (that difference is why some charges are given
 * back at all). Fixed with the refund number when the order is found paid and reused on every retry.
 * NULL on older rows: the attempt's own amount, as before.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'give_back_amount',
  up(db) {
    db.exec('ALTER TABLE payment_attempts ADD COLUMN reverse_refund_fen INTEGER CHECK (reverse_refund_fen IS NULL OR reverse_refund_fen > 0)');
  },
};
