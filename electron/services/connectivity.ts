import { type Clock } from '../clock';
import { type EventBus } from '../events';
import { type Logger } from '../log';

export type ConnectivityState = 'online' | 'degraded' | 'offline';

/**
 * Connectivity as observed from real outcomes (channel and HQ requests report here) plus a light periodic
 * probe. One failure makes the state degraded; `offlineAfter` failures in a row make it offline; any
 * success makes it online. Listeners (payment recovery, sync) run when the state returns to online.
 */
export type Connectivity = {
  state(): ConnectivityState;
  report(ok: boolean, source: string, reason?: string): void;
  onOnline(listener: () => void): () => void;
  probeNow(): Promise<ConnectivityState>;
  start(): void;
  stop(): void;
};

export type ConnectivityOptions = {
  clock: Clock;
  events: EventBus;
  log: Logger;
  /**
   * Resolves true when the outside world answers, undefined when there is nothing to probe right now (the
   * state then stays as reports made it). No probe: the state comes from reports only.
   */
  probe?: () => Promise<boolean | undefined>;
  probeIntervalMs?: number;
  offlineAfter?: number;
  initial?: ConnectivityState;
};

export function createConnectivity(opts: ConnectivityOptions): Connectivity {
  let state: ConnectivityState = opts.initial ?? 'online';
  let failures = 0;
  let timer: { cancel(): void } | undefined;
  let running = false;
  const onlineListeners = new Set<() => void>();
  const offlineAfter = opts.offlineAfter ?? 3;

  const setState = (next: ConnectivityState, reason: string): void => {
    if (next === state) return;
    const was = state;
    state = next;
    opts.log.info('connectivity changed', { from: was, to: next, reason });
    opts.events.emit('connectivity.changed', { state: next, reason });
    if (next === 'online') for (const l of [...onlineListeners]) l();
  };

  const report = (ok: boolean, source: string, reason = ''): void => {
    if (ok) {
      failures = 0;
      setState('online', `${source} answered`);
      return;
    }
    failures++;
    setState(failures >= offlineAfter ? 'offline' : 'degraded', `${source}: ${reason || 'no answer'}`);
  };

  const probeNow = async (): Promise<ConnectivityState> => {
    if (!opts.probe) return state;
    let ok: boolean | undefined = false;
    try {
      ok = await opts.probe();
    } catch {
      ok = false;
    }
    if (ok === undefined) return state;
    report(ok, 'probe');
    return state;
  };

  const schedule = (): void => {
    if (!running || !opts.probe) return;
    timer = opts.clock.setTimeout(() => {
      void probeNow().finally(schedule);
    }, opts.probeIntervalMs ?? 15_000);
  };

  return {
    state: () => state,
    report,
    onOnline(listener) {
      onlineListeners.add(listener);
      return () => void onlineListeners.delete(listener);
    },
    probeNow,
    start() {
      running = true;
      schedule();
    },
    stop() {
      running = false;
      timer?.cancel();
    },
  };
}
