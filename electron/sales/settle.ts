import { stmt } from '../db/stmt';
import { type Db } from '../db/open';
import { type RecordBus } from '../services/records';
import { uuidv7 } from '../ids';
import { type AttemptRow, activeAttemptForSale } from '../payments/engine/attempts';
import { type SaleRow, getSale, insertTender, listLines, listTenders, updateSale } from './repo';
import { deriveStatus } from './view';

/**
 * Money landing on a sale. Every function here runs INSIDE the caller's transaction: the tender, the sale's
 * new status and (on completion) the outbox record commit together or not at all.
 */

export type SettleDeps = { records: RecordBus };

/** Recomputes the status; a sale whose tenders now cover its total is completed and recorded for HQ. */
export function settleSale(db: Db, deps: SettleDeps, saleId: string, at: string): SaleRow {
  const sale = getSale(db, saleId);
  if (!sale) throw new Error(`sale ${saleId} vanished`);
  const completing = sale.completed_at === null && sale.status !== 'voided' && sale.total_fen > 0 && sale.paid_fen === sale.total_fen;
  const next = { ...sale, completed_at: completing ? at : sale.completed_at };
  const status = deriveStatus(next, activeAttemptForSale(db, saleId) !== undefined);
  if (status !== sale.status || completing) updateSale(db, saleId, { status, ...(completing ? { completed_at: at } : {}) }, at);
  const settled = { ...next, status };
  if (completing) deps.records.committed(db, saleRecord(db, settled, at));
  return settled;
}

/** The outbox record of a sale that ended: completed (with its tenders) or voided (for the record only). */
export function saleRecord(db: Db, sale: SaleRow, at: string) {
  const voided = sale.status === 'voided';
  const wallets = new Map(
    (stmt(db, 'SELECT t.id AS id, a.wallet AS wallet FROM tenders t JOIN payment_attempts a ON a.id = t.attempt_id WHERE t.sale_id = ?').all(sale.id) as { id: string; wallet: string }[]).map((r) => [r.id, r.wallet]),
  );
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
      tenders: voided ? [] : listTenders(db, sale.id).map((t) => (t.kind === 'cash' ? { kind: 'cash', amountFen: t.amount_fen } : { kind: 'code', channel: wallets.get(t.id) ?? 'code', amountFen: t.amount_fen })),
    },
  };
}

export type ApplyResult = { applied: true } | { applied: false; reason: string };

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
  return { applied: true };
}
