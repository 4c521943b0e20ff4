import { type PosApi, type WireEvent, type WireResponse } from '../../shared/api/client';
import { type Result } from '../../shared/api/result';

type Pending = { resolve: (r: Result<unknown>) => void };

/**
 * Browser-mode transport: the contract over one WebSocket to the host on 127.0.0.1, authenticated by the
 * per-start token from the page URL. Reconnects with backoff; calls made while disconnected fail fast
 * with a clear error instead of hanging the cashier.
 */
export function createWsTransport(opts: { url: string; onStatus?: (connected: boolean) => void }): PosApi {
  let ws: WebSocket | undefined;
  let nextId = 1;
  let retryMs = 250;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let opened: Promise<void>;
  let markOpen: () => void = () => undefined;

  const failAll = (message: string): void => {
    for (const p of pending.values()) p.resolve({ ok: false, error: { code: 'INTERNAL', message } });
    pending.clear();
  };

  const open = (): void => {
    opened = new Promise((resolve) => (markOpen = resolve));
    const socket = new WebSocket(opts.url);
    ws = socket;
    socket.onopen = () => {
      retryMs = 250;
      opts.onStatus?.(true);
      markOpen();
    };
    socket.onmessage = (ev: MessageEvent<string>) => {
      let msg: WireResponse | WireEvent;
      try {
        msg = JSON.parse(ev.data) as WireResponse | WireEvent;
      } catch {
        return;
      }
      if ('event' in msg) {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        return;
      }
      const p = pending.get(msg.id);
      if (p) {
        pending.delete(msg.id);
        p.resolve(msg.result);
      }
    };
    socket.onclose = () => {
      opts.onStatus?.(false);
      failAll('connection to the POS host lost');
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  open();

  return {
    async call(method, input) {
      await Promise.race([opened, new Promise((r) => setTimeout(r, 5000))]);
      const socket = ws;
      if (!socket || socket.readyState !== WebSocket.OPEN) return { ok: false, error: { code: 'INTERNAL', message: 'POS host not reachable' } };
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, { resolve: resolve as Pending['resolve'] });
        socket.send(JSON.stringify({ id, method, params: input }));
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
    },
  };
}
