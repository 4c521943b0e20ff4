import { type HandlerMap, type HostContext, requireSession } from '../context';
import { appendAudit } from '../../services/audit';
import { isoAt } from '../../clock';
import { liveGatewaysView, saveLiveGateways } from '../../payments/engine/live-gateways';

type GatewayMethods = 'payment.gateways' | 'payment.setGateways';

/** Live gateway configuration (manager only): stored as a secret, answered redacted, audited without keys. */
export function gatewayHandlers(ctx: HostContext, gateways: { invalidate(): void }): HandlerMap<GatewayMethods> {
  return {
    'payment.gateways': () => liveGatewaysView(ctx.db, ctx.settings().terminal.mode),
    'payment.setGateways': (input, call) => {
      const session = requireSession(call);
      const at = isoAt(ctx.clock);
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
