import { type ScanEventPayload, UNREADABLE_SCAN } from '../../shared/api/devices';
import { type AttemptView, type SaleView } from '../../shared/sales/views';
import { type MessageKey } from '../i18n/messages';

const FINAL = new Set(['succeeded', 'failed', 'reversed']);

/** What a scan does on the checkout: pay with it, or the reason nothing happened (a message key). */
export type CheckoutScanAction = { pay: true } | { pay: false; code: 'CODE_UNSUPPORTED' | 'PAYMENT_PENDING' | 'INVALID_STATE'; key: MessageKey };

export function checkoutScanAction(scan: Pick<ScanEventPayload, 'classification' | 'code'> & { test?: boolean }, state: { sale: SaleView | null; attempt: AttemptView | null; busy: boolean }): CheckoutScanAction | null {
  const { sale, attempt, busy } = state;
  if (!sale) return null;
  // A scanner test is running (the Devices screen, maybe on another window): never a payment, but said.
  if (scan.test === true) return { pay: false, code: 'INVALID_STATE', key: 'checkout.scan.testWindow' };
  // The scanner sent bytes that make no code (a bad read, a cable fault): scan again.
  if (scan.code === UNREADABLE_SCAN) return { pay: false, code: 'CODE_UNSUPPORTED', key: 'checkout.scan.unreadable' };
  if (scan.classification.kind !== 'payment') return { pay: false, code: 'CODE_UNSUPPORTED', key: 'checkout.scan.notPayment' };
  // Never a second payment while one is running (or being started): the cashier is told, nothing is sent.
  if (attempt !== null && !FINAL.has(attempt.state)) return { pay: false, code: 'PAYMENT_PENDING', key: 'checkout.scan.running' };
  // Another call is out (a line being added, cash being taken): not a payment running, but not now either.
  if (busy) return { pay: false, code: 'PAYMENT_PENDING', key: 'checkout.scan.busy' };
  // Free items only: there is nothing to charge, the sale is completed as it is.
  if (sale.status === 'open' && sale.totalFen === 0 && sale.lines.length > 0) return { pay: false, code: 'INVALID_STATE', key: 'checkout.scan.freeSale' };
  if (sale.dueFen <= 0 || sale.status === 'paid') return { pay: false, code: 'INVALID_STATE', key: 'checkout.scan.nothingDue' };
  return { pay: true };
}

