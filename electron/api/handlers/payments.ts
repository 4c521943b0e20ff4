import { type HandlerMap, requireSession } from '../context';
import { type Payments } from '../../payments/engine/compose';
import { listAttemptsForSale, attemptView } from '../../payments/engine/attempts';

type PaymentMethods = 'payment.start' | 'payment.cancel' | 'payment.query' | 'payment.get' | 'payment.unresolved' | 'payment.listForSale' | 'payment.reconcile';

export function paymentHandlers(p: Payments): HandlerMap<PaymentMethods> {
  return {
    'payment.start': (input, call) => p.engine.start({ saleId: input.saleId, code: input.code, amountFen: input.amountFen, actor: requireSession(call).user.id }),
    'payment.cancel': (input, call) => p.engine.cancel(input.attemptId, requireSession(call).user.id),
    'payment.query': (input) => p.engine.queryNow(input.attemptId),
    'payment.get': (input) => (input.waitMs ? p.engine.waitFor(input.attemptId, input.waitMs) : p.engine.get(input.attemptId)),
    'payment.unresolved': () => p.engine.unresolved(),
    'payment.listForSale': (input) => listAttemptsForSale(p.db, input.saleId).map(attemptView),
    'payment.reconcile': (input) => p.reconcile(input.date, input.gateway),
  };
}
