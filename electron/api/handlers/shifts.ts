import { type HandlerMap, type HostContext, requireSession } from '../context';
import { authorizeManager } from '../../sales/authorize';
import { createShiftService } from '../../shifts/service';

type ShiftMethods = 'shift.current' | 'shift.open' | 'shift.cashMovement' | 'shift.close' | 'shift.list';

export function shiftHandlers(ctx: HostContext): HandlerMap<ShiftMethods> {
  const shifts = createShiftService({ db: ctx.db, clock: ctx.clock, events: ctx.events, records: ctx.records, settings: ctx.settings, cashMoved: ctx.cashMoved });
  return {
    'shift.current': () => shifts.current(),
    'shift.open': (input, call) => shifts.open(input.openingFloatFen, requireSession(call).user.id),
    'shift.cashMovement': (input, call) => {
      const actor = requireSession(call).user.id;
      // Cash out is approved like a refund (manager session or manager PIN); cash in is any cashier's job.
      const authorizedBy = input.direction === 'out' ? authorizeManager(ctx, call, input.authorize) : null;
      return shifts.cashMovement({ direction: input.direction, amountFen: input.amountFen, reason: input.reason, requestId: input.requestId, actor, authorizedBy });
    },
    'shift.close': (input, call) => shifts.close(input.countedCashFen, input.note, requireSession(call).user.id),
    'shift.list': (input) => shifts.list(input.limit),
  };
}
