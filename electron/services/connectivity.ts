import { type Clock } from '../clock';
import { type EventBus } from '../events';
import { type Logger } from '../log';

export type ConnectivityState = 'online' | 'degraded' | 'offline';

/**
 * Connectivity as observed from real outcomes (channel and HQ requests report here) plus a light periodic
 * probe of HQ. Outcomes are counted per peer (HQ, and each payment gateway on its own): online when every
 * peer heard from last answered; offline when every one failed `offlineAfter` times in a row (nothing
 * answers: the network is down); degraded in between.
 *
 * Code payments are refused at once (`gatewayDown`) only on the record of the gateways' payment path (pay,
 * query), never on HQ's nor on their reverses' and refunds' (another path: an expired client certificate
 * there must not stop the till taking codes). A refusal holds `retryAfterMs` after the gateway's last
 * failure; then the next scan tries again (with no HQ to probe, the state leaves "offline" then too), so a
 * till whose only peer is the gateway is never shut out for good.
 *
 * Listeners (payment recovery, sync) run when a peer answers again after being down (failed `offlineAfter`
 * times in a row), at most once per
 * `wakeMinIntervalMs` (a later one is folded into one run at the end of the interval), so a gateway that
 * fails fast for one request and answers the next cannot set off a storm of recovery passes.
 */
export type Connectivity = {
  state(): ConnectivityState;
  report(ok: boolean, source: string, reason?: string): void;
  /** Why a code payment through this gateway source is refused now, or null to try it. */
  gatewayDown(source: string): string | null;
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
  /** How long a gateway's failures refuse code payments after the last one (default 30 s). */
  retryAfterMs?: number;
  /** Listeners run at most once per this interval (default 10 s). */
  wakeMinIntervalMs?: number;
};

export const DEFAULT_PROBE_INTERVAL_MS = 15_000;
export const GATEWAY_RETRY_AFTER_MS = 30_000;
export const WAKE_MIN_INTERVAL_MS = 10_000;
/** How long a peer's last answer keeps counting toward the state (a failing peer counts until it answers). */
export const ANSWER_FRESH_MS = 120_000;

/** The probe checks HQ; each payment gateway is its own peer (one failing says little about another). */
const peerOf = (source: string): string => (source === 'probe' || source === 'hq' ? 'hq' : source);
/** A gateway's payment path (pay, query, refund query); its reverses and refunds report as `… give-back` (connectivity-report.ts). */
const isChargePath = (peer: string): boolean => peer.startsWith('payment gateway ') && !peer.endsWith(' give-back');

export function createConnectivity(opts: ConnectivityOptions): Connectivity {
  let state: ConnectivityState = opts.initial ?? 'online';
  /**
   * Per peer (appearing once it has reported): consecutive failures, when the last one was, and whether it
   * has been down (`offlineAfter` in a row) since it last answered (kept when `relax` lowers the count).
   */
  type Peer = { n: number; lastMs: number; down: boolean; heardMs: number };
  const failures = new Map<string, Peer>();
  let timer: { cancel(): void } | undefined;
  let running = false;
  let stopped = false;
  const onlineListeners = new Set<() => void>();
  const offlineAfter = opts.offlineAfter ?? 3;
  const retryAfterMs = opts.retryAfterMs ?? GATEWAY_RETRY_AFTER_MS;
  const wakeMinIntervalMs = opts.wakeMinIntervalMs ?? WAKE_MIN_INTERVAL_MS;
  let lastWakeMs: number | null = null;
  let wakeTimer: { cancel(): void } | undefined;

  const setState = (next: ConnectivityState, reason: string): void => {
    if (next === state) return;
    const was = state;
    state = next;
    opts.log.info('connectivity changed', { from: was, to: next, reason });
    opts.events.emit('connectivity.changed', { state: next, reason });
  };

  // A peer failing counts until it answers; one that answered counts while that is recent. A gateway last
  // heard from OK an hour ago says nothing about now, and must not keep a full outage from showing as one.
  const derive = (): ConnectivityState => {
    const now = opts.clock.now();
    const counts = [...failures.values()].filter((f) => f.n > 0 || (now - f.heardMs >= 0 && now - f.heardMs < ANSWER_FRESH_MS)).map((f) => f.n);
    if (counts.every((n) => n === 0)) return 'online';
    return counts.every((n) => n >= offlineAfter) ? 'offline' : 'degraded';
  };

  /**
   * A peer answered again: runs the listeners now, or once at the end of the interval if they ran within it
   * (a peer flapping between failing and answering).
   */
  const wake = (): void => {
    if (stopped || wakeTimer) return;
    // Never longer than the interval, even if the clock was stepped back since the last run.
    const wait = lastWakeMs === null ? 0 : Math.min(wakeMinIntervalMs, lastWakeMs + wakeMinIntervalMs - opts.clock.now());
    const run = (): void => {
      lastWakeMs = opts.clock.now();
      for (const l of [...onlineListeners]) l();
    };
    if (wait <= 0) return run();
    wakeTimer = opts.clock.setTimeout(() => {
      wakeTimer = undefined;
      if (!stopped) run();
    }, wait);
  };

  const report = (ok: boolean, source: string, reason = ''): void => {
    const peer = peerOf(source);
    const prev = failures.get(peer);
    const n = ok ? 0 : (prev?.n ?? 0) + 1;
    failures.set(peer, { n, lastMs: ok ? 0 : opts.clock.now(), down: !ok && (prev?.down === true || n >= offlineAfter), heardMs: opts.clock.now() });
    const was = state;
    setState(derive(), ok ? `${source} answered` : `${source}: ${reason || 'no answer'}`);
    // A peer answering again after it was down (failed `offlineAfter` times in a row), or anything answering
    // while offline: drive what waited for the network (recovery, sync), even if another peer is still down.
    // A peer that fails one request and answers the next is not "back": waiting work keeps its own backoff.
    if (ok && (prev?.down === true || was === 'offline')) wake();
  };

  // A clock stepped back (a time sync) makes the elapsed time negative: counted as the window being over.
  const recentlyDown = (f: Peer | undefined): boolean => {
    if (f === undefined || f.n < offlineAfter) return false;
    const since = opts.clock.now() - f.lastMs;
    return since >= 0 && since < retryAfterMs;
  };

  const gatewayDown = (source: string): string | null => {
    const peer = peerOf(source);
    if (recentlyDown(failures.get(peer))) return `${source} did not answer ${failures.get(peer)?.n ?? 0} times in a row`;
    // A gateway not heard from yet, while nothing answers (every peer failing, a gateway among them lately).
    if (!failures.has(peer) && state === 'offline' && [...failures].some(([p, f]) => isChargePath(p) && recentlyDown(f))) return 'nothing answers: the network is down';
    return null;
  };

  /**
   * Nothing to probe (no HQ configured) while offline: once a gateway's 30 s are over, let the next real
   * request decide again. Waiting work keeps its own backoff (at most a minute, decide.ts): with nothing to
   * probe, its retries are what notice that the network is back.
   */
  const relax = (): void => {
    if (state !== 'offline') return;
    // Only failures older than a gateway's refusal window: a short probe interval does not shorten it.
    const now = opts.clock.now();
    for (const [peer, f] of failures) if (f.n >= offlineAfter && now - f.lastMs >= retryAfterMs) failures.set(peer, { ...f, n: offlineAfter - 1 });
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
      setState(derive(), 'what answered last is no longer recent');
      relax();
      return state;
    }
    report(ok, 'probe');
    return state;
  };

  return {
    state: () => state,
    report,
    gatewayDown,
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
      wakeTimer?.cancel();
      wakeTimer = undefined;
    },
  };
}
