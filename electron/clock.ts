/** Injectable time source: tests drive payment polling and lockouts without waiting. */
export type Clock = {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
  /**
   * Elapsed time that a time sync never steps (ms, any origin), where the clock has one: lets the payment
   * engine notice the wall clock being stepped (clock-steps.ts). Timers already run on it.
   */
  monotonic?(): number;
};

/** Node runs a timer longer than this (about 24.8 days) after 1 ms: longer waits go in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(fn, ms) {
    // A wait weeks long happens (a clock far behind at boot puts a stored time weeks ahead); it must not
    // become a 1 ms busy loop.
    let t: ReturnType<typeof setTimeout>;
    const arm = (left: number): void => {
      t = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), Math.min(left, MAX_TIMER_MS));
      t.unref?.();
    };
    arm(Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

/** A manual clock for tests: `advance(ms)` fires due timers in order. */
export function createManualClock(start = Date.UTC(2026, 10, 25, 2, 0, 0)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const runDue = (): void => {
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of timers) if (entry[1].at <= now && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) return;
      timers.delete(due[0]);
      due[1].fn();
    }
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return { cancel: () => void timers.delete(id) };
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let nextAt = Infinity;
        for (const t of timers.values()) if (t.at <= target && t.at < nextAt) nextAt = t.at;
        if (nextAt === Infinity) break;
        now = Math.max(now, nextAt);
        runDue();
      }
      now = target;
    },
    set(ms) {
      now = ms;
      runDue();
    },
  };
}

export const isoAt = (clock: Clock): string => new Date(clock.now()).toISOString();

/**
 * For tests of a wall clock that a time sync steps: timers and `monotonic` run on elapsed time (`advance`),
 * and `step(ms)` moves only `now()`, as NTP correcting a wrong clock does.
 */
export function createSteppableClock(): Clock & { monotonic(): number; advance(ms: number): void; step(ms: number): void } {
  const elapsed = createManualClock();
  let offset = 0;
  return {
    now: () => elapsed.now() + offset,
    monotonic: () => elapsed.now(),
    setTimeout: (fn, ms) => elapsed.setTimeout(fn, ms),
    advance: (ms) => elapsed.advance(ms),
    step: (ms) => void (offset += ms),
  };
}
