import { type z } from 'zod';
import { hostMethods } from './host';
import { sessionMethods } from './session';
import { eventSchemas as baseEvents } from './events';
import { saleMethods } from './sales';
import { paymentEventSchemas, paymentMethods } from './payments';
import { deviceEventSchemas, deviceMethods } from './devices';
import { syncEventSchemas, syncMethods } from './sync';
import { shiftEventSchemas, shiftMethods } from './shifts';

/**
 * The whole API between renderer and host: `domain.verb` method names with zod schemas for input and
 * output, and the event stream. Add a domain by spreading its method map here.
 */
export const methods = {
  ...hostMethods,
  ...sessionMethods,
  ...saleMethods,
  ...paymentMethods,
  ...deviceMethods,
  ...syncMethods,
  ...shiftMethods,
} as const;

export const events = {
  ...baseEvents,
  ...paymentEventSchemas,
  ...deviceEventSchemas,
  ...syncEventSchemas,
  ...shiftEventSchemas,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller may send (defaults not yet applied). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives (parsed, defaults applied). */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export type AnyEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export const isMethodName = (name: string): name is MethodName => Object.hasOwn(methods, name);
export const isEventName = (name: string): name is EventName => Object.hasOwn(events, name);
