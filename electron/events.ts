import { type AnyEvent, type EventName, type EventPayload, events } from '../shared/api/contract';
import { type Logger } from './log';

/**
 * The host's event bus. Payloads are validated against the contract before they leave, so a service bug
 * shows up as a logged error here rather than as a malformed event in the UI.
 */
export type EventBus = {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  subscribe(listener: (event: AnyEvent) => void): () => void;
};

export function createEventBus(log: Logger): EventBus {
  const listeners = new Set<(event: AnyEvent) => void>();
  return {
    emit(event, payload) {
      const parsed = events[event].safeParse(payload);
      if (!parsed.success) {
        log.error('event payload does not match the contract; dropped', { event, issues: parsed.error.issues.slice(0, 3) });
        return;
      }
      const frame = { event, payload: parsed.data } as AnyEvent;
      for (const l of [...listeners]) {
        try {
          l(frame);
        } catch (e) {
          log.error('event listener failed', { event, error: e });
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
