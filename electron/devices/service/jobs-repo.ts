import { stmt } from '../../db/stmt';
import { type Db } from '../../db/open';
import { type PrintJobState, type PrintJobView } from '../../../shared/api/devices';

/**
 * Print jobs in SQLite (migrations 0003, 0006). Every state change is a compare-and-set on the current state, so
 * two callers (a retry button and the queue, two windows) can never both move a job to `printing`.
 */

export type PrintJobKind = 'sale' | 'refund' | 'copy' | 'test';

export type PrintJobRow = {
  id: string;
  seq: number;
  kind: PrintJobKind;
  sale_id: string | null;
  /** Refund receipts and copies of them. */
  refund_id: string | null;
  receipt_no: string | null;
  copy_number: number | null;
  receipt_json: string;
  state: PrintJobState;
  reason: string | null;
  attempts: number;
  target: string | null;
  requested_by: string | null;
  created_at: string;
  updated_at: string;
  printed_at: string | null;
};

export type NewPrintJob = {
  id: string;
  kind: PrintJobKind;
  saleId: string | null;
  refundId: string | null;
  receiptNo: string | null;
  copyNumber: number | null;
  receiptJson: string;
  requestedBy: string | null;
  at: string;
};

export function insertJob(db: Db, job: NewPrintJob): PrintJobRow {
  const { seq } = stmt(db, 'SELECT coalesce(max(seq), 0) + 1 AS seq FROM print_jobs').get() as { seq: number };
  stmt(db, 
    `INSERT INTO print_jobs (id, seq, kind, sale_id, refund_id, receipt_no, copy_number, receipt_json, state, requested_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
  ).run(job.id, seq, job.kind, job.saleId, job.refundId, job.receiptNo, job.copyNumber, job.receiptJson, job.requestedBy, job.at, job.at);
  return requireJob(db, job.id);
}

export const getJob = (db: Db, id: string): PrintJobRow | undefined => stmt(db, 'SELECT * FROM print_jobs WHERE id = ?').get(id) as PrintJobRow | undefined;

export function requireJob(db: Db, id: string): PrintJobRow {
  const row = getJob(db, id);
  if (!row) throw new Error(`print job ${id} vanished`);
  return row;
}

/** The original receipt job of a sale, if one was made. */
export const findSaleJob = (db: Db, saleId: string): PrintJobRow | undefined =>
  stmt(db, "SELECT * FROM print_jobs WHERE sale_id = ? AND kind = 'sale'").get(saleId) as PrintJobRow | undefined;

/** The receipt job of a refund, if one was made. */
export const findRefundJob = (db: Db, refundId: string): PrintJobRow | undefined =>
  stmt(db, "SELECT * FROM print_jobs WHERE refund_id = ? AND kind = 'refund'").get(refundId) as PrintJobRow | undefined;

/** The next copy number of a sale's receipt (`refundId` null) or of one refund's receipt. */
export const nextCopyNumber = (db: Db, saleId: string, refundId: string | null = null): number =>
  (stmt(db, "SELECT coalesce(max(copy_number), 0) + 1 AS n FROM print_jobs WHERE sale_id = ? AND refund_id IS ? AND kind = 'copy'").get(saleId, refundId) as { n: number }).n;

/** The oldest job waiting for the printer. */
export const nextQueued = (db: Db): PrintJobRow | undefined => stmt(db, "SELECT * FROM print_jobs WHERE state = 'queued' ORDER BY seq LIMIT 1").get() as PrintJobRow | undefined;

export const countQueued = (db: Db): number => (stmt(db, "SELECT count(*) AS n FROM print_jobs WHERE state = 'queued'").get() as { n: number }).n;

export function listJobs(db: Db, opts: { saleId?: string; open: boolean; limit: number }): PrintJobRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.saleId !== undefined) {
    where.push('sale_id = ?');
    params.push(opts.saleId);
  }
  if (opts.open) where.push("state IN ('queued', 'printing', 'uncertain')");
  const sql = `SELECT * FROM print_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
  return stmt(db, sql).all(...params, opts.limit) as PrintJobRow[];
}

export type Transition = {
  reason?: string | null;
  target?: string | null;
  /** Count this as a print attempt. */
  attempt?: boolean;
};

/**
 * Moves a job from one of `from` to `to`; returns the updated row, or null when the job was not in one of
 * those states (someone else moved it first).
 */
export function transition(db: Db, id: string, from: readonly PrintJobState[], to: PrintJobState, at: string, t: Transition = {}): PrintJobRow | null {
  const placeholders = from.map(() => '?').join(', ');
  const result = stmt(
    db,
    `UPDATE print_jobs SET state = ?, updated_at = ?,
         reason = CASE WHEN ? THEN ? ELSE reason END,
         target = CASE WHEN ? THEN ? ELSE target END,
         attempts = attempts + ?,
         printed_at = CASE WHEN ? = 'printed' THEN ? ELSE printed_at END
       WHERE id = ? AND state IN (${placeholders})`,
  ).run(to, at, t.reason !== undefined ? 1 : 0, t.reason ?? null, t.target !== undefined ? 1 : 0, t.target ?? null, t.attempt ? 1 : 0, to, at, id, ...from);
  return result.changes === 1 ? requireJob(db, id) : null;
}

/** Updates the waiting reason of a queued job; null when nothing changed. */
export function setQueuedReason(db: Db, id: string, reason: string, at: string): PrintJobRow | null {
  const r = stmt(db, "UPDATE print_jobs SET reason = ?, updated_at = ? WHERE id = ? AND state = 'queued' AND coalesce(reason, '') <> ?").run(reason, at, id, reason);
  return r.changes === 1 ? requireJob(db, id) : null;
}

export const INTERRUPTED_REASON = 'the app stopped while this receipt was being printed: check whether it came out, then print it again or dismiss it';

/** Start-up: a job left `printing` was cut off mid-write. It becomes `uncertain`, never silently reprinted. */
export function markInterrupted(db: Db, at: string): PrintJobRow[] {
  const rows = stmt(db, "SELECT id FROM print_jobs WHERE state = 'printing' ORDER BY seq").all() as { id: string }[];
  return rows.map((r) => transition(db, r.id, ['printing'], 'uncertain', at, { reason: INTERRUPTED_REASON })).filter((r): r is PrintJobRow => r !== null);
}

export function jobView(row: PrintJobRow): PrintJobView {
  return {
    id: row.id,
    kind: row.kind,
    saleId: row.sale_id,
    refundId: row.refund_id,
    receiptNo: row.receipt_no,
    copyNumber: row.copy_number,
    state: row.state,
    reason: row.reason === null ? null : row.reason.slice(0, 300),
    attempts: row.attempts,
    target: row.target,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    printedAt: row.printed_at,
  };
}
