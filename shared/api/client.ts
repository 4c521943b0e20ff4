import { type Result } from './result';
import { type EventName, type EventPayload, type MethodInput, type MethodName, type MethodOutput } from './contract';

/**
 * The one client shape both transports implement (Electron's `window.pos`, the WebSocket client).
 * Typed by the contract; the host validates everything again on its side.
 */
export type PosApi = {
  call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** Wire frames of the WebSocket transport. */
export type WireRequest = { id: number; method: string; params?: unknown };
export type WireResponse = { id: number; result: Result<unknown> };
export type WireEvent = { event: string; payload: unknown };
