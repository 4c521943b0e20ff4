import { type Migration } from './types';

/**
 * A sale made in training mode (payments to the in-process sandbox) is marked, so its receipt says so, it
 * is refunded only in training mode, and HQ keeps it out of the real figures. Sales made before this
 * version take the till's mode at the upgrade: a till still in training mode (the first-start default)
 * has only ever trained. A till in live mode now keeps its earlier sales as live (as HQ already has them).
 */
export const migration0011: Migration = {
  version: 11,
  name: 'training_sales',
  up(db) {
    db.exec('ALTER TABLE sales ADD COLUMN training INTEGER NOT NULL DEFAULT 0 CHECK (training IN (0, 1))');
    // An unreadable terminal section reads as the defaults (settings-store.ts): training mode.
    db.exec(`
      UPDATE sales SET training = 1
      WHERE coalesce((SELECT CASE WHEN json_valid(value) THEN json_extract(value, '$.mode') END FROM settings WHERE key = 'terminal'), 'sandbox') <> 'live'`);
  },
};
