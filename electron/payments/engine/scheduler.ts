import { type Clock } from '../../clock';
import { type Logger } from '../../log';

/**
 * One driver loop per key (attempt or refund part): at most one step runs at a time; a step requested while
 * one runs runs again right after; timers use the injected clock. Steps read their state from the database,
 * so a lost timer (crash) is harmless: recovery schedules every unfinished key again.
 */
export type Scheduler = {
  /** Run the step for `key` at `atMs` (now or in the past: at once). Replaces an earlier timer. */
  at(key: string, atMs: number): void;
  /** Run now; resolves when this run (or the one already running) is over. */
  run(key: string): Promise<void>;
  isBusy(key: string): boolean;
  stop(): void;
};

export function createScheduler(clock: Clock, log: Logger, step: (key: string) => Promise<void>): Scheduler {
  const timers = new Map<string, { cancel(): void }>();
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let stopped = false;

  const run = (key: string): Promise<void> => {
    if (stopped) return Promise.resolve();
    timers.get(key)?.cancel();
    timers.delete(key);
    const current = running.get(key);
    if (current) {
      again.add(key);
      return current;
    }
    const p = (async () => {
      try {
        await step(key);
      } catch (e) {
        log.error('payment step failed; retrying', { key, error: e });
        if (!stopped) at(key, clock.now() + 5_000);
      } finally {
        running.delete(key);
      }
      if (again.delete(key)) await run(key);
    })();
    running.set(key, p);
    return p;
  };

  const at = (key: string, atMs: number): void => {
    if (stopped) return;
    timers.get(key)?.cancel();
    timers.delete(key);
    // Due now: run without waiting for a timer tick (a manual test clock only fires timers on advance).
    if (atMs <= clock.now()) {
      void run(key);
      return;
    }
    timers.set(
      key,
      clock.setTimeout(() => {
        timers.delete(key);
        void run(key);
      }, Math.max(0, atMs - clock.now())),
    );
  };

  return {
    at,
    run,
    isBusy: (key) => running.has(key),
    stop() {
      stopped = true;
      for (const t of timers.values()) t.cancel();
      timers.clear();
    },
  };
}
