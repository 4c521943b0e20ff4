import { type Db } from '../db/open';
import { PosError } from '../../shared/api/result';
import { type SaleStatus, type SaleView, type TenderView } from '../../shared/sales/views';
import { stmt } from '../db/stmt';
import { type AttemptRow, activeAttemptForSale, attemptView } from '../payments/engine/attempts';
import { type SaleRow, type TenderRow, getSale, listLines } from './repo';

/** Null attempt columns for a cash tender (no attempt). */
export type TenderWithAttempt = TenderRow & { wallet: AttemptRow['wallet'] | null; gateway: AttemptRow['gateway'] | null; code_masked: string | null; transaction_id: string | null };

/** A sale's tenders in order, each with its code payment's wallet, gateway, masked code and transaction id (null for cash). */
export const tendersWithAttempts = (db: Db, saleId: string): TenderWithAttempt[] =>
  stmt(
    db,
    `SELECT t.*, a.wallet AS wallet, a.gateway AS gateway, a.code_masked AS code_masked, a.transaction_id AS transaction_id
       FROM tenders t LEFT JOIN payment_attempts a ON a.id = t.attempt_id WHERE t.sale_id = ? ORDER BY t.rowid`,
  ).all(saleId) as TenderWithAttempt[];

/** Assembles what the renderer sees of a sale: lines, tenders (codes masked) and any unresolved attempt. */
export function saleView(db: Db, saleOrId: string | SaleRow): SaleView {
  const sale = typeof saleOrId === 'string' ? getSale(db, saleOrId) : saleOrId;
  if (!sale) throw new PosError('NOT_FOUND', 'no such sale');
  const tenders: TenderView[] = tendersWithAttempts(db, sale.id).map((t) => ({
    id: t.id,
    kind: t.kind,
    amountFen: t.amount_fen,
    givenFen: t.given_fen,
    changeFen: t.change_fen,
    wallet: t.wallet,
    gateway: t.gateway,
    maskedCode: t.code_masked,
    transactionId: t.transaction_id,
    attemptId: t.attempt_id,
    refundedFen: t.refunded_fen,
    createdAt: t.created_at,
  }));
  const active = activeAttemptForSale(db, sale.id);
  return {
    id: sale.id,
    receiptNo: sale.receipt_no,
    businessDate: sale.business_date,
    terminalId: sale.terminal_id,
    cashierId: sale.cashier_id,
    status: sale.status,
    lines: listLines(db, sale.id).map((l) => ({
      id: l.id,
      seq: l.seq,
      kind: l.kind,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPriceFen: l.unit_price_fen,
      grossFen: l.gross_fen,
      discountFen: l.discount_fen,
      totalFen: l.total_fen,
    })),
    tenders,
    subtotalFen: sale.subtotal_fen,
    discountFen: sale.discount_fen,
    totalFen: sale.total_fen,
    paidFen: sale.paid_fen,
    dueFen: dueFen(sale),
    refundedFen: sale.refunded_fen,
    activeAttempt: active ? attemptView(active) : null,
    createdAt: sale.created_at,
    completedAt: sale.completed_at,
    voidedAt: sale.voided_at,
    training: sale.training === 1,
  };
}

export const dueFen = (sale: SaleRow): number => (sale.status === 'voided' ? 0 : sale.total_fen - sale.paid_fen);

/** The status a sale's money says it has (voided stays voided). */
export function deriveStatus(sale: Pick<SaleRow, 'status' | 'total_fen' | 'paid_fen' | 'refunded_fen' | 'completed_at'>, hasActiveAttempt: boolean): SaleStatus {
  if (sale.status === 'voided') return 'voided';
  if (sale.completed_at !== null) {
    if (sale.refunded_fen === 0) return 'paid';
    return sale.refunded_fen >= sale.paid_fen ? 'refunded' : 'partly_refunded';
  }
  return sale.paid_fen > 0 || hasActiveAttempt ? 'paying' : 'open';
}
