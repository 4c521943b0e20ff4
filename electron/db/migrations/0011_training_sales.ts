import { type Migration } from './types';

/**
 * A sale made in training mode (payments to the in-process sandbox) is marked, so its receipt says so, it
 * is refunded only in training mode, and HQ keeps it out of the real figures. Sales made before this
 * version are marked training only on a till that never had live gateways set up (the secret
 * `payments.channels`, live-gateways.ts) and is in training mode now (the first-start default): it has
 * only ever trained. Any other till keeps its earlier sales as real (as HQ already has them): a till back
 * in training mode to teach new staff must not turn its real sales into practice.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'training_sales',
  up(db) {
    db.exec('ALTER TABLE sales ADD COLUMN training INTEGER NOT NULL DEFAULT 0 CHECK (training IN (0, 1))');
    // An unreadable terminal section reads as the defaults (settings-store.ts): training mode.
    db.exec(`
      UPDATE sales SET training = 1
      WHERE coalesce((SELECT CASE WHEN json_valid(value) THEN json_extract(value, '$.mode') END FROM settings WHERE key = 'terminal'), 'sandbox') IS NOT 'live'
        AND NOT EXISTS (SELECT 1 FROM secrets WHERE key = 'payments.channels')`);
  },
};
