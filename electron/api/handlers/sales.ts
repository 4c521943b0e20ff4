import { type HandlerMap, type HostContext, requireSession } from '../context';
import { authorizeManager } from '../../sales/authorize';
import { type Payments } from '../../payments/engine/compose';
import { dayTotals } from '../../sales/day-totals';
import { businessDate } from '../../../shared/sales/money';

type SaleMethods = 'sale.open' | 'sale.addLine' | 'sale.removeLine' | 'sale.get' | 'sale.find' | 'report.day' | 'sale.list' | 'sale.tenderCash' | 'sale.complete' | 'sale.void' | 'refund.request' | 'refund.get' | 'refund.retry' | 'refund.list';

export function saleHandlers(ctx: HostContext, p: Payments): HandlerMap<SaleMethods> {
  return {
    'sale.open': (_input, call) => p.sales.open(requireSession(call).user.id),
    'sale.addLine': (input) => p.sales.addLine(input),
    'sale.removeLine': (input) => p.sales.removeLine(input.saleId, input.lineId),
    'sale.get': (input) => p.sales.get(input.saleId),
    'sale.find': (input) => p.sales.find(input.receiptNo),
    'report.day': (input) => {
      const s = ctx.settings();
      return dayTotals(ctx.db, input.date ?? businessDate(ctx.clock.now()), s.store.id, s.terminal.id);
    },
    'sale.list': (input) => p.sales.list(input.status, input.limit, input.before),
    'sale.tenderCash': (input, call) => p.sales.tenderCash(input.saleId, input.givenFen, input.amountFen, requireSession(call).user.id),
    'sale.complete': (input, call) => p.sales.complete(input.saleId, requireSession(call).user.id),
    'sale.void': (input, call) => {
      const by = authorizeManager(ctx, call, input.authorize);
      return p.voidSale(input.saleId, input.reason, requireSession(call).user.id, by);
    },
    'refund.request': (input, call) => {
      const by = authorizeManager(ctx, call, input.authorize);
      return p.refunds.request({ saleId: input.saleId, amountFen: input.amountFen, reason: input.reason, requestId: input.requestId, purpose: 'refund', actor: requireSession(call).user.id, authorizedBy: by });
    },
    'refund.get': (input) => p.refunds.get(input.refundId),
    'refund.retry': (input, call) => {
      const by = authorizeManager(ctx, call, input.authorize);
      return p.refunds.retry(input.refundId, requireSession(call).user.id, by);
    },
    'refund.list': (input) => p.refunds.listForSale(input.saleId),
  };
}
