import { type Clock } from '../clock';
import { type EventBus } from '../events';
import { type Logger } from '../log';

export type ConnectivityState = 'online' | 'degraded' | 'offline';

/**
 * Connectivity as observed from real outcomes (channel and HQ requests report here) plus a light periodic
 * probe of HQ. Outcomes are counted per kind of peer (payment channels, HQ): online when every peer heard
 * from last answered; offline when every one failed `offlineAfter` times in a row (nothing answers: the
 * network is down); degraded in between. So HQ being down alone does not stop code payments while the
 * channels answer. Listeners (payment recovery, sync) run when a peer answers again after failing.
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
  /** Time between probes (default 15 s); a function is read before every wait, so settings can change it. */
  probeIntervalMs?: number | (() => number);
  offlineAfter?: number;
  initial?: ConnectivityState;
};

export const DEFAULT_PROBE_INTERVAL_MS = 15_000;

/** The probe checks HQ; every payment gateway counts as one peer kind (their network path is the same). */
const peerKind = (source: string): string => (source === 'probe' || source === 'hq' ? 'hq' : source.startsWith('payment') ? 'channel' : source);

export function createConnectivity(opts: ConnectivityOptions): Connectivity {
  let state: ConnectivityState = opts.initial ?? 'online';
  /** Consecutive failures per peer kind; a kind appears once it has reported. */
  const failures = new Map<string, number>();
  let timer: { cancel(): void } | undefined;
  let running = false;
  let stopped = false;
  const onlineListeners = new Set<() => void>();
  const offlineAfter = opts.offlineAfter ?? 3;

  const setState = (next: ConnectivityState, reason: string): void => {
    if (next === state) return;
    const was = state;
    state = next;
    opts.log.info('connectivity changed', { from: was, to: next, reason });
    opts.events.emit('connectivity.changed', { state: next, reason });
  };

  const derive = (): ConnectivityState => {
    const counts = [...failures.values()];
    if (counts.every((n) => n === 0)) return 'online';
    return counts.every((n) => n >= offlineAfter) ? 'offline' : 'degraded';
  };

  const report = (ok: boolean, source: string, reason = ''): void => {
    const kind = peerKind(source);
    const before = failures.get(kind) ?? 0;
    failures.set(kind, ok ? 0 : before + 1);
    const was = state;
    setState(derive(), ok ? `${source} answered` : `${source}: ${reason || 'no answer'}`);
    // A peer answering again after failing (or anything answering while offline): drive what waited for the
    // network (recovery, sync), even if another peer is still down.
    if (ok && (before > 0 || was === 'offline')) for (const l of [...onlineListeners]) l();
  };

  /** Nothing to probe while offline (no HQ configured): let the next real request decide again. */
  const relax = (): void => {
    if (state !== 'offline') return;
    for (const [kind, n] of failures) if (n >= offlineAfter) failures.set(kind, offlineAfter - 1);
    setState(derive(), 'no probe target: the next request will try again');
  };

  const interval = (): number => {
    const v = typeof opts.probeIntervalMs === 'function' ? opts.probeIntervalMs() : (opts.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS);
    return Number.isFinite(v) && v > 0 ? v : DEFAULT_PROBE_INTERVAL_MS;
  };

  /** The next probe one interval from now (at most one timer at a time). */
  const schedule = (): void => {
    timer?.cancel();
    timer = undefined;
    if (!running || !opts.probe) return;
    timer = opts.clock.setTimeout(() => {
      timer = undefined;
      void probeNow();
    }, interval());
  };

  // A probe made now (start, new HQ settings) also restarts the periodic timer from now.
  const probeNow = async (): Promise<ConnectivityState> => {
    if (!opts.probe) return state;
    timer?.cancel();
    timer = undefined;
    let ok: boolean | undefined = false;
    try {
      ok = await opts.probe();
    } catch {
      ok = false;
    } finally {
      if (timer === undefined) schedule();
    }
    if (stopped) return state;
    if (ok === undefined) {
      relax();
      return state;
    }
    report(ok, 'probe');
    return state;
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
      if (running) return;
      running = true;
      // Probe at once: after a restart the state should not claim "online" for a whole interval.
      void probeNow();
    },
    stop() {
      running = false;
      stopped = true;
      timer?.cancel();
    },
  };
}
