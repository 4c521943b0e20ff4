import { type HandlerMap, type HostContext, requireSession } from '../context';
import { appendAudit } from '../../services/audit';
import { isoAt } from '../../clock';
import { liveGatewaysView, saveLiveGateways } from '../../payments/engine/live-gateways';
import { countUnresolved, refuseWhileUnresolved } from '../../payments/engine/unresolved';
import { type Gateway } from '../../../shared/sales/views';

type GatewayMethods = 'payment.gateways' | 'payment.setGateways';

/** Live gateway configuration (manager only): stored as a secret, answered redacted, audited without keys. */
export function gatewayHandlers(ctx: HostContext, gateways: { invalidate(): void }, uncertainSales: () => number): HandlerMap<GatewayMethods> {
  return {
    'payment.gateways': () => liveGatewaysView(ctx.db, ctx.settings().terminal.mode),
    'payment.setGateways': (input, call) => {
      const session = requireSession(call);
      const at = isoAt(ctx.clock);
      // A live gateway's open orders would be asked about (or reversed) at the new merchant or endpoint.
      const touched = (['wechat', 'alipay', 'unionpay', 'jeepay'] as const).filter((g): g is Gateway => input[g] !== undefined);
      if (ctx.settings().terminal.mode === 'live' && touched.length > 0) {
        refuseWhileUnresolved(countUnresolved(ctx.db, uncertainSales(), touched), `changing the ${touched.join(', ')} gateway`);
      }
      ctx.db.transaction(() => {
        const { changed } = saveLiveGateways(ctx.db, input, at);
        // Which gateways changed, never their keys.
        appendAudit(ctx.db, at, session.user.id, 'payment.setGateways', { changed });
      })();
      gateways.invalidate();
      return liveGatewaysView(ctx.db, ctx.settings().terminal.mode);
    },
  };
}
