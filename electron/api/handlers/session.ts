import { type HandlerMap, type HostContext, requireSession } from '../context';
import { checkPin, createUser, listUsers, setUserActive, setUserPin } from '../../services/users';
import { appendAudit } from '../../services/audit';
import { isoAt } from '../../clock';
import { PosError } from '../../../shared/api/result';

type SessionMethods = 'users.list' | 'users.create' | 'users.setPin' | 'users.setActive' | 'session.login' | 'session.logout' | 'session.current' | 'session.authorize';

export function sessionHandlers(ctx: HostContext): HandlerMap<SessionMethods> {
  const policy = () => ctx.settings().security;
  return {
    'users.list': () => listUsers(ctx.db),
    'users.create': (input, call) => createUser(ctx.db, ctx.clock, requireSession(call).user.id, input),
    'users.setPin': (input, call) => {
      setUserPin(ctx.db, ctx.clock, requireSession(call).user.id, input.userId, input.pin);
      return { userId: input.userId };
    },
    'users.setActive': (input, call) => setUserActive(ctx.db, ctx.clock, requireSession(call).user.id, input.userId, input.active),
    'session.login': (input, call) => {
      const user = checkPin(ctx.db, ctx.clock, policy(), input.userId, input.pin, 'login');
      const session = { user, startedAt: isoAt(ctx.clock) };
      call.setSession(session);
      return session;
    },
    'session.logout': (_input, call) => {
      if (!call.session) return { loggedOut: false };
      appendAudit(ctx.db, isoAt(ctx.clock), call.session.user.id, 'logout', {});
      call.setSession(null);
      return { loggedOut: true };
    },
    'session.current': (_input, call) => call.session,
    'session.authorize': (input) => {
      const user = checkPin(ctx.db, ctx.clock, policy(), input.userId, input.pin, 'authorize');
      if (user.role !== 'manager') throw new PosError('NOT_AUTHORIZED', `${user.name} is not a manager`);
      return user;
    },
  };
}
