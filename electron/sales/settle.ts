import { type Db } from '../db/open';
import { type RecordBus } from '../services/records';
import { uuidv7 } from '../ids';
import { type AttemptRow, activeAttemptForSale } from '../payments/engine/attempts';
import { type SaleRow, getSale, insertTender, listLines, updateSale } from './repo';
import { deriveStatus, tendersWithAttempts } from './view';

/**
 * Money landing on a sale. Every function here runs INSIDE the caller's transaction: the tender, the sale's
 * new status and (on completion) the outbox record commit together or not at all.
 */

export type SettleDeps = { records: RecordBus };

/**
 * What the caller already knows, to save re-reading it on the payment path: `sale`, the row as stored in
 * this transaction; `attemptActive`, whether an attempt is now open on it. `nothingDue`: the cashier
 * completes a sale whose total is 0 fen (free or fully discounted items), which no tender ever completes.
 */
export type SettleKnown = { sale?: SaleRow; attemptActive?: boolean; nothingDue?: boolean };

/** Recomputes the status; a sale whose tenders now cover its total is completed and recorded for HQ. */
export function settleSale(db: Db, deps: SettleDeps, saleId: string, at: string, known: SettleKnown = {}): SaleRow {
  const sale = known.sale ?? getSale(db, saleId);
  if (!sale) throw new Error(`sale ${saleId} vanished`);
  // A 0-fen sale is never completed by the arithmetic alone: its first free line would end it.
  const covered = sale.total_fen > 0 ? sale.paid_fen === sale.total_fen : known.nothingDue === true && sale.paid_fen === 0;
  const completing = sale.completed_at === null && sale.status !== 'voided' && covered;
  const next = { ...sale, completed_at: completing ? at : sale.completed_at };
  const status = deriveStatus(next, known.attemptActive ?? activeAttemptForSale(db, saleId) !== undefined);
  const changed = status !== sale.status || completing;
  if (changed) updateSale(db, saleId, { status, ...(completing ? { completed_at: at } : {}) }, at);
  const settled = { ...next, status, updated_at: changed ? at : sale.updated_at };
  if (completing) deps.records.committed(db, saleRecord(db, settled, at));
  return settled;
}

/** The outbox record of a sale that ended: completed (with its tenders) or voided (for the record only). */
export function saleRecord(db: Db, sale: SaleRow, at: string) {
  const voided = sale.status === 'voided';
  // The tenders with the wallet of their code payment, in one read.
  const tenders = voided ? [] : tendersWithAttempts(db, sale.id);
  return {
    kind: 'sale' as const,
    id: sale.id,
    businessDate: sale.business_date,
    createdAt: at,
    payload: {
      status: voided ? 'voided' : 'completed',
      receiptNo: sale.receipt_no,
      cashierId: sale.cashier_id,
      subtotalFen: sale.subtotal_fen,
      discountFen: sale.discount_fen,
      totalFen: sale.total_fen,
      openedAt: sale.created_at,
      ...(voided ? { voidedAt: at, voidReason: sale.void_reason ?? '', returnedFen: sale.paid_fen } : { completedAt: at }),
      lines: listLines(db, sale.id).map((l) => ({
        name: l.name,
        ...(l.sku ? { sku: l.sku } : {}),
        quantity: l.quantity,
        unitPriceFen: l.unit_price_fen,
        discountFen: l.discount_fen,
        amountFen: l.total_fen,
      })),
      // What a voided sale took went back to the customer: it keeps no tender.
      tenders: tenders.map((t) => (t.kind === 'cash' ? { kind: 'cash', amountFen: t.amount_fen } : { kind: 'code', channel: t.wallet ?? 'code', amountFen: t.amount_fen })),
      ...(sale.training === 1 ? { training: true } : {}),
    },
  };
}

/** `sale`: the sale as stored after the tender (for settleSale). */
export type ApplyResult = { applied: true; sale: SaleRow } | { applied: false; reason: string };

/**
 * A confirmed charge joins its sale only if the sale still wants it: not voided, the amount still due and
 * the charge not confirmed so late that the customer has surely gone (`abandonAfterMs`). Otherwise the
 * caller gives the money back (reverse or refund): a charge is never kept silently.
 */
export function applyCodeTender(db: Db, deps: SettleDeps, attempt: AttemptRow, nowMs: number, abandonAfterMs: number, at: string): ApplyResult {
  const sale = getSale(db, attempt.sale_id);
  if (!sale) return { applied: false, reason: 'sale not found' };
  if (sale.status === 'voided') return { applied: false, reason: 'sale was voided' };
  if (sale.completed_at !== null) return { applied: false, reason: 'sale was already paid' };
  if (sale.total_fen - sale.paid_fen < attempt.amount_fen) return { applied: false, reason: 'amount is no longer due' };
  if (nowMs - attempt.created_ms > abandonAfterMs) return { applied: false, reason: 'confirmed too late: sale abandoned' };
  insertTender(db, { id: uuidv7(nowMs), sale_id: sale.id, kind: 'code', amount_fen: attempt.amount_fen, given_fen: null, change_fen: null, attempt_id: attempt.id, created_at: at });
  updateSale(db, sale.id, { paid_fen: sale.paid_fen + attempt.amount_fen }, at);
  return { applied: true, sale: { ...sale, paid_fen: sale.paid_fen + attempt.amount_fen, updated_at: at } };
}
