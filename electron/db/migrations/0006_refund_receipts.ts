import { type Migration } from './types';

const COLUMNS = 'id, seq, kind, sale_id, receipt_no, copy_number, receipt_json, state, reason, attempts, target, requested_by, created_at, updated_at, printed_at';

/**
 * Refund receipts (issue #5): a print job may now be a refund's receipt (`kind = 'refund'`, one per
 * refund) or a copy of one (`kind = 'copy'` with `refund_id` set). SQLite cannot change a CHECK
 * constraint in place, so print_jobs is rebuilt with the same rows; nothing references it. Copies are
 * numbered per receipt: the sale's copies and each refund's copies count separately.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'refund_receipts',
  up(db) {
    db.exec(`
      CREATE TABLE print_jobs_v6 (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'copy', 'test')),
        sale_id TEXT REFERENCES sales (id),
        refund_id TEXT REFERENCES refunds (id),
        receipt_no TEXT,
        copy_number INTEGER CHECK (copy_number IS NULL OR copy_number > 0),
        receipt_json TEXT NOT NULL CHECK (json_valid(receipt_json)),
        state TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'printed', 'uncertain', 'dismissed')),
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        target TEXT,
        requested_by TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        printed_at TEXT,
        CHECK ((kind = 'test') = (sale_id IS NULL)),
        CHECK ((kind = 'copy') = (copy_number IS NOT NULL)),
        CHECK (kind <> 'refund' OR refund_id IS NOT NULL),
        CHECK (kind IN ('refund', 'copy') OR refund_id IS NULL),
        CHECK ((state = 'printed') = (printed_at IS NOT NULL))
      ) STRICT;
      INSERT INTO print_jobs_v6 (${COLUMNS}) SELECT ${COLUMNS} FROM print_jobs;
      DROP TABLE print_jobs;
      ALTER TABLE print_jobs_v6 RENAME TO print_jobs;
      -- A sale's original receipt is one job, and so is each refund's, however often events or buttons ask.
      CREATE UNIQUE INDEX print_jobs_one_original ON print_jobs (sale_id) WHERE kind = 'sale';
      CREATE UNIQUE INDEX print_jobs_one_refund ON print_jobs (refund_id) WHERE kind = 'refund';
      CREATE UNIQUE INDEX print_jobs_copy_numbers ON print_jobs (sale_id, ifnull(refund_id, ''), copy_number) WHERE kind = 'copy';
      CREATE INDEX print_jobs_open ON print_jobs (state, seq) WHERE state IN ('queued', 'printing', 'uncertain');
      CREATE INDEX print_jobs_by_sale ON print_jobs (sale_id, seq);
    `);
  },
};
