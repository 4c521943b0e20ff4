import { stmt } from '../db/stmt';
import { type Db } from '../db/open';
import { PosError } from '../../shared/api/result';
import { getOpenShift } from '../shifts/repo';
import { nextReceiptSeq, receiptNo, updateSale } from './repo';

/**
 * Training and live never mix. A sale belongs to the mode it was opened in (`sales.training`): its
 * payments, refunds and receipt follow it. So the till switches between training and live mode only when
 * nothing of the other mode is under way: no sale holding a line or money and not finished, and no open
 * shift (a drawer count is all practice or all real). The empty sale the checkout keeps ready for the next
 * customer simply moves to the new mode. Call inside the settings transaction.
 */
export function switchTrainingMode(db: Db, training: boolean, at: string): void {
  refuseUnfinishedSales(db, 'switching between training and live mode');
  if (getOpenShift(db)) throw new PosError('INVALID_STATE', 'a shift is open: close it before switching between training and live mode');
  stmt(db, "UPDATE sales SET training = ?, updated_at = ? WHERE status = 'open' AND training <> ?").run(training ? 1 : 0, at, training ? 1 : 0);
}

/**
 * Refuses `change` while a sale holding a line or money is not finished, or one is `paying` at all (a code
 * payment on it is open or being given back, even with its lines cleared: it comes back to the checkout
 * afterwards, in the series it was numbered in). Names at most three.
 */
export function refuseUnfinishedSales(db: Db, change: string): void {
  const unfinished = stmt(
    db,
    `SELECT receipt_no FROM sales
     WHERE status = 'paying' OR (status = 'open' AND (paid_fen > 0 OR EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = sales.id)))
     ORDER BY created_at LIMIT 4`,
  )
    .pluck()
    .all() as string[];
  if (unfinished.length > 0) {
    const named = unfinished.slice(0, 3).join(', ') + (unfinished.length > 3 ? ', …' : '');
    throw new PosError('INVALID_STATE', `sales not finished (${named}): finish or void them before ${change}`);
  }
}

/**
 * A new terminal or store id: receipt numbers carry the terminal id, and HQ files each sale under the ids it
 * arrives with. So no sale holding a line or money may be under way, and the empty sale the checkout keeps
 * ready moves to the new ids with the next receipt number of the new terminal (never the old series,
 * which the till that keeps that id goes on using). Call inside the settings transaction.
 */
export function moveToTerminal(db: Db, ids: { terminalId: string; storeId: string }, at: string): void {
  refuseUnfinishedSales(db, 'changing the terminal or store id');
  // Its close goes to HQ with the till's ids: a shift opened under the old ones is closed under them.
  if (getOpenShift(db)) throw new PosError('INVALID_STATE', 'a shift is open: close it before changing the terminal or store id');
  const ready = stmt(db, "SELECT id, business_date FROM sales WHERE status = 'open' AND (terminal_id <> ? OR store_id <> ?)").all(ids.terminalId, ids.storeId) as { id: string; business_date: string }[];
  for (const sale of ready) {
    const seq = nextReceiptSeq(db, ids.terminalId, sale.business_date);
    updateSale(db, sale.id, { terminal_id: ids.terminalId, store_id: ids.storeId, receipt_seq: seq, receipt_no: receiptNo(ids.terminalId, sale.business_date, seq) }, at);
  }
}

/** A refund goes back through the mode the sale was paid in: a training sale has no real money to give back. */
export function refuseOtherModeRefund(saleTraining: boolean, liveNow: boolean): void {
  if (saleTraining && liveNow) throw new PosError('INVALID_STATE', 'this sale was made in training mode: nothing real to refund (switch to training mode to practise refunds)');
  if (!saleTraining && !liveNow) throw new PosError('INVALID_STATE', 'this sale was paid in live mode: switch back to live mode to refund it');
}
