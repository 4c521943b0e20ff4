import { type Db } from '../db/open';
import { type Clock, isoAt } from '../clock';
import { appendAudit } from '../services/audit';
import { PosError } from '../../shared/api/result';
import { type SaleView } from '../../shared/sales/views';
import { type PaymentEngine } from '../payments/engine/engine';
import { activeAttemptForSale } from '../payments/engine/attempts';
import { type RefundService } from '../payments/engine/refunds';
import { type SalesService, requireSale } from './service';
import { getSale, updateSale } from './repo';
import { saleRecord } from './settle';
import { type RecordBus } from '../services/records';
import { saleView } from './view';

export type VoidDeps = { db: Db; clock: Clock; records: RecordBus; engine: PaymentEngine; refunds: RefundService; sales: SalesService };

/**
 * Voids an unpaid sale (manager-approved by the caller). An unresolved code payment is cancelled, which
 * reverses it; money already taken as part payments goes back (code parts by refund, cash over the counter).
 * A completed sale is refunded, not voided.
 */
export async function voidSale(deps: VoidDeps, saleId: string, reason: string | undefined, actor: string, authorizedBy: string): Promise<SaleView> {
  const { db } = deps;
  // Asked first, before the sale is read: nothing is awaited between that read and the void's commit. A code
  // part for a gateway the till does not have now could never leave, so such a void is refused.
  const reachable = await deps.refunds.reachable();
  const sale = requireSale(db, saleId);
  if (sale.status === 'voided') return saleView(db, saleId);
  if (sale.completed_at !== null) throw new PosError('INVALID_STATE', 'the sale is paid: refund it instead of voiding');
  const when = isoAt(deps.clock);
  // The void and the give-back of what was paid are one commit: a crash between them cannot leave a voided
  // sale whose part payments are owed back with nothing on record to send them.
  const giveBack = db.transaction((): string | undefined => {
    updateSale(db, saleId, { status: 'voided', voided_at: when, void_reason: reason ?? null }, when);
    appendAudit(db, when, actor, 'sale.void', { saleId, receiptNo: sale.receipt_no, paidFen: sale.paid_fen, authorizedBy, reason: reason ?? '' });
    const voided = getSale(db, saleId);
    if (voided) deps.records.committed(db, saleRecord(db, voided, when));
    if (sale.paid_fen <= 0) return undefined;
    return deps.refunds.prepare({ saleId, purpose: 'void', reason: reason ?? 'sale voided', actor, authorizedBy }, reachable).id;
  })();
  const active = activeAttemptForSale(db, saleId);
  if (active) deps.engine.cancel(active.id, actor);
  if (giveBack) await deps.refunds.start(giveBack);
  const voided = requireSale(db, saleId);
  deps.sales.changed(voided);
  return saleView(db, saleId);
}
