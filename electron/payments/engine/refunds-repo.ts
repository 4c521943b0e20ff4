import { stmt } from '../../db/stmt';
import { type Db } from '../../db/open';
import { type RefundView } from '../../../shared/sales/views';

/** Refunds and their parts (one per tender touched). Callers own the transaction. */

export type RefundRow = {
  id: string;
  sale_id: string;
  purpose: 'refund' | 'void';
  amount_fen: number;
  reason: string | null;
  requested_by: string;
  authorized_by: string;
  created_at: string;
};

export type PartState = 'created' | 'sent' | 'pending' | 'succeeded' | 'failed';
export type PartRow = {
  id: string;
  refund_id: string;
  tender_id: string;
  kind: 'cash' | 'code';
  amount_fen: number;
  refund_no: string | null;
  state: PartState;
  reason: string | null;
  channel_refund_id: string | null;
  calls: number;
  /** 1: it failed on an answer nobody signed; a retry keeps its refund number (migration 9). */
  failure_unverified: number;
  created_at: string;
  updated_at: string;
};

export const getRefund = (db: Db, id: string): RefundRow | undefined => stmt(db, 'SELECT * FROM refunds WHERE id = ?').get(id) as RefundRow | undefined;
export const getPart = (db: Db, id: string): PartRow | undefined => stmt(db, 'SELECT * FROM refund_parts WHERE id = ?').get(id) as PartRow | undefined;
export const listParts = (db: Db, refundId: string): PartRow[] => stmt(db, 'SELECT * FROM refund_parts WHERE refund_id = ? ORDER BY rowid').all(refundId) as PartRow[];
export const listRefundsForSale = (db: Db, saleId: string): RefundRow[] => stmt(db, 'SELECT * FROM refunds WHERE sale_id = ? ORDER BY rowid').all(saleId) as RefundRow[];
export const listOpenParts = (db: Db): PartRow[] => stmt(db, "SELECT * FROM refund_parts WHERE state NOT IN ('succeeded', 'failed') ORDER BY created_at, id").all() as PartRow[];

/**
 * Money already given back or on its way, per tender. A failed part holds nothing, except one refused by an
 * answer nobody signed (`failure_unverified`, Jeepay): its number may still have been taken, so its amount
 * stays held until a retry under that same number settles it; never free for a refund under another number.
 */
export function reservedByTender(db: Db, saleId: string): Map<string, number> {
  const rows = stmt(
    db,
    "SELECT p.tender_id AS tender_id, sum(p.amount_fen) AS fen FROM refund_parts p JOIN refunds r ON r.id = p.refund_id WHERE r.sale_id = ? AND (p.state != 'failed' OR p.failure_unverified = 1) GROUP BY p.tender_id",
  ).all(saleId) as { tender_id: string; fen: number }[];
  return new Map(rows.map((r) => [r.tender_id, r.fen]));
}

/** What refunds refused without a signature hold on a sale (see reservedByTender). */
export const unverifiedHeldFen = (db: Db, saleId: string): number =>
  (stmt(db, "SELECT coalesce(sum(p.amount_fen), 0) AS fen FROM refund_parts p JOIN refunds r ON r.id = p.refund_id WHERE r.sale_id = ? AND p.state = 'failed' AND p.failure_unverified = 1").get(saleId) as { fen: number }).fen;

export function insertRefund(db: Db, row: RefundRow): void {
  stmt(db, 
    `INSERT INTO refunds (id, sale_id, purpose, amount_fen, reason, requested_by, authorized_by, created_at)
     VALUES (@id, @sale_id, @purpose, @amount_fen, @reason, @requested_by, @authorized_by, @created_at)`,
  ).run(row);
}

export function insertPart(db: Db, row: Omit<PartRow, 'reason' | 'channel_refund_id' | 'calls' | 'failure_unverified'>): void {
  stmt(db, 
    `INSERT INTO refund_parts (id, refund_id, tender_id, kind, amount_fen, refund_no, state, created_at, updated_at)
     VALUES (@id, @refund_id, @tender_id, @kind, @amount_fen, @refund_no, @state, @created_at, @updated_at)`,
  ).run(row);
}

export function updatePart(db: Db, id: string, patch: { state?: PartState; reason?: string | null; channel_refund_id?: string | null; refund_no?: string; addCalls?: boolean; failureUnverified?: boolean }, at: string): void {
  stmt(db, 
    `UPDATE refund_parts SET state = coalesce(@state, state), reason = CASE WHEN @setReason THEN @reason ELSE reason END,
       channel_refund_id = coalesce(@channel_refund_id, channel_refund_id), refund_no = coalesce(@refund_no, refund_no),
       failure_unverified = coalesce(@failure_unverified, failure_unverified), calls = calls + @calls, updated_at = @at WHERE id = @id`,
  ).run({
    failure_unverified: patch.failureUnverified === undefined ? null : patch.failureUnverified ? 1 : 0,
    id,
    at,
    refund_no: patch.refund_no ?? null,
    state: patch.state ?? null,
    setReason: patch.reason !== undefined ? 1 : 0,
    reason: patch.reason ?? null,
    channel_refund_id: patch.channel_refund_id ?? null,
    calls: patch.addCalls ? 1 : 0,
  });
}

export function refundView(db: Db, refund: RefundRow): RefundView {
  const parts = listParts(db, refund.id);
  const final = parts.every((p) => p.state === 'succeeded' || p.state === 'failed');
  const state = !final ? 'pending' : parts.every((p) => p.state === 'succeeded') ? 'succeeded' : 'failed';
  return {
    id: refund.id,
    saleId: refund.sale_id,
    purpose: refund.purpose,
    amountFen: refund.amount_fen,
    state,
    reason: refund.reason,
    authorizedBy: refund.authorized_by,
    parts: parts.map((p) => ({
      id: p.id,
      tenderId: p.tender_id,
      kind: p.kind,
      amountFen: p.amount_fen,
      refundNo: p.refund_no,
      state: p.state,
      reason: p.reason === null ? null : p.reason.slice(0, 300),
      holdsAmount: p.state !== 'failed' || p.failure_unverified === 1,
    })),
    createdAt: refund.created_at,
  };
}
