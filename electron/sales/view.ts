import { type Db } from '../db/open';
import { PosError } from '../../shared/api/result';
import { type SaleStatus, type SaleView, type TenderView } from '../../shared/sales/views';
import { activeAttemptForSale, attemptView, getAttempt } from '../payments/engine/attempts';
import { type SaleRow, getSale, listLines, listTenders } from './repo';

/** Assembles what the renderer sees of a sale: lines, tenders (codes masked) and any unresolved attempt. */
export function saleView(db: Db, saleOrId: string | SaleRow): SaleView {
  const sale = typeof saleOrId === 'string' ? getSale(db, saleOrId) : saleOrId;
  if (!sale) throw new PosError('NOT_FOUND', 'no such sale');
  const tenders: TenderView[] = listTenders(db, sale.id).map((t) => {
    const attempt = t.attempt_id ? getAttempt(db, t.attempt_id) : undefined;
    return {
      id: t.id,
      kind: t.kind,
      amountFen: t.amount_fen,
      givenFen: t.given_fen,
      changeFen: t.change_fen,
      wallet: attempt?.wallet ?? null,
      gateway: attempt?.gateway ?? null,
      maskedCode: attempt?.code_masked ?? null,
      transactionId: attempt?.transaction_id ?? null,
      attemptId: t.attempt_id,
      refundedFen: t.refunded_fen,
      createdAt: t.created_at,
    };
  });
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
