import { type HostContext, type CallContext, requireSession } from '../api/context';
import { checkPin } from '../services/users';
import { PosError } from '../../shared/api/result';

/**
 * Manager approval for refunds and voids: a manager's own session, or a manager's userId + PIN typed at a
 * cashier's till (checked with lockout and audited by `checkPin`). Returns the approving manager's id.
 */
export function authorizeManager(ctx: HostContext, call: CallContext, authorize: { userId: string; pin: string } | undefined): string {
  const session = requireSession(call);
  if (authorize) {
    const user = checkPin(ctx.db, ctx.clock, ctx.settings().security, authorize.userId, authorize.pin, 'authorize');
    if (user.role !== 'manager') throw new PosError('NOT_AUTHORIZED', `${user.name} is not a manager`);
    return user.id;
  }
  if (session.user.role === 'manager') return session.user.id;
  throw new PosError('NOT_AUTHORIZED', 'a manager must approve this (manager PIN)');
}
