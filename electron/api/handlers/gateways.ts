import { type HandlerMap, type HostContext, requireSession } from '../context';
import { appendAudit } from '../../services/audit';
import { isoAt } from '../../clock';
import { gatewaysStrandedBy, liveGatewaysView, saveLiveGateways } from '../../payments/engine/live-gateways';
import { countUnresolved, refuseWhileUnresolved } from '../../payments/engine/unresolved';
import { type Gateway } from '../../../shared/sales/views';

type GatewayMethods = 'payment.gateways' | 'payment.setGateways';

/** Live gateway configuration (manager only): stored as a secret, answered redacted, audited without keys. */
export function gatewayHandlers(ctx: HostContext, gateways: { invalidate(changed?: boolean): void }, uncertainSales: () => number): HandlerMap<GatewayMethods> {
  return {
    'payment.gateways': () => liveGatewaysView(ctx.db, ctx.settings().terminal.mode),
    'payment.setGateways': (input, call) => {
      const session = requireSession(call);
      const at = isoAt(ctx.clock);
      // A live gateway's open orders would be asked about (or reversed) at a merchant that never saw them.
      const stranded: Gateway[] = gatewaysStrandedBy(ctx.db, input);
      if (ctx.settings().terminal.mode === 'live' && stranded.length > 0) {
        refuseWhileUnresolved(countUnresolved(ctx.db, uncertainSales(), stranded), `removing the ${stranded.join(', ')} gateway or changing its merchant`);
      }
      const changed = ctx.db.transaction(() => {
        const saved = saveLiveGateways(ctx.db, input, at);
        // Which gateways changed, never their keys.
        appendAudit(ctx.db, at, session.user.id, 'payment.setGateways', { changed: saved.changed });
        return saved.changed;
      })();
      gateways.invalidate(changed.length > 0);
      return liveGatewaysView(ctx.db, ctx.settings().terminal.mode);
    },
  };
}
