import { type HostContext } from '../../api/context';
import { createSalesService } from '../../sales/service';
import { voidSale } from '../../sales/void';
import { type Channels, createPaymentEngine } from './engine';
import { createRefunds } from './refunds';
import { reconcileDay } from '../reconcile/reconcile';
import { type Gateway } from '../../../shared/sales/views';

/**
 * Sales + payment engine + refunds over one host context. `recover()` drives every unfinished attempt and
 * refund to a final state; the host calls it on start and whenever connectivity returns.
 */
export function createPayments(ctx: HostContext, channels: () => Promise<Channels>, channelsVersion?: () => string, routesVersion?: () => string) {
  const deps = { db: ctx.db, clock: ctx.clock, log: ctx.log.child({ component: 'payments' }), events: ctx.events, records: ctx.records, connectivity: ctx.connectivity, settings: ctx.settings, channels, channelsVersion, routesVersion, cashMoved: ctx.cashMoved };
  // Sales refuse money for a sale whose payment state is being checked after an unclean shutdown.
  const sales = createSalesService({ ...deps, paymentUncertain: (saleId) => engine.isUncertain(saleId), uncertainSaleIds: () => engine.uncertainSaleIds() });
  const engine = createPaymentEngine(deps);
  const refunds = createRefunds(deps);
  return {
    db: ctx.db,
    sales,
    engine,
    refunds,
    voidSale: (saleId: string, reason: string | undefined, actor: string, authorizedBy: string) => voidSale({ db: ctx.db, clock: ctx.clock, records: ctx.records, engine, refunds, sales }, saleId, reason, actor, authorizedBy),
    reconcile: (date: string, gateway: Gateway) => reconcileDay({ db: ctx.db, log: deps.log, channels, terminalId: () => ctx.settings().terminal.id, training: () => ctx.settings().terminal.mode === 'sandbox', now: () => ctx.clock.now() }, date, gateway),
    recover(): { attempts: number; refunds: number } {
      return { attempts: engine.recover(), refunds: refunds.recover() };
    },
    stop(): void {
      engine.stop();
      refunds.stop();
    },
  };
}

export type Payments = ReturnType<typeof createPayments>;
