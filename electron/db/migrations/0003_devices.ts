import { type Migration } from './types';

/**
 * Print jobs. A job is a receipt model (JSON) waiting for, or sent to, the printer; its id is what makes a
 * retry safe: the state goes queued → printing (committed before the first byte is written) → printed
 * (committed after the printer took the job). A job found `printing` at start-up was interrupted mid-write
 * and becomes `uncertain`: never printed again without the cashier's say-so.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'devices',
  up(db) {
    db.exec(`
      CREATE TABLE print_jobs (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'copy', 'test')),
        sale_id TEXT REFERENCES sales (id),
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
        CHECK ((state = 'printed') = (printed_at IS NOT NULL))
      ) STRICT;
      -- A sale's original receipt is one job, however often a paid event or a button asks for it.
      CREATE UNIQUE INDEX print_jobs_one_original ON print_jobs (sale_id) WHERE kind = 'sale';
      CREATE UNIQUE INDEX print_jobs_copy_numbers ON print_jobs (sale_id, copy_number) WHERE kind = 'copy';
      CREATE INDEX print_jobs_open ON print_jobs (state, seq) WHERE state IN ('queued', 'printing', 'uncertain');
      CREATE INDEX print_jobs_by_sale ON print_jobs (sale_id, seq);
    `);
  },
};
