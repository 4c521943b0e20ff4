import { type Clock } from '../../clock';
import { type Db } from '../../db/open';
import { type Logger } from '../../log';
import { shiftAttemptTimes, timedAttempts } from './attempts';

/** A wall clock moving this much more or less than elapsed time has been stepped (a sync, by hand). */
export const CLOCK_STEP_THRESHOLD_MS = 2_000;
/** How often the engine checks for a step when it has nothing due sooner. */
export const CLOCK_STEP_TICK_MS = 30_000;

/**
 * Payment timings (the 45-60 s deadline, WeChat's 15 s before a reverse, the reverse window, the late-charge
 * check, the abandoned-sale rule) are wall-clock times on the attempt, compared with the wall clock, while
 * timers run on elapsed time. A time sync that steps the wall clock (NTP soon after boot, a dead clock
 * battery) would move every such limit by the step: a reverse an hour late, or sooner than WeChat allows.
 * `check()` compares the wall clock with the clock's monotonic time and returns the step since the last
 * call (0 when none, or when the clock has no monotonic time), so the engine can move the stored times
 * with it and what has elapsed stays what really elapsed. (A machine suspended mid-payment counts as such a
 * step too: the monotonic clock stops while suspended, so the payment resumes its schedule where it left
 * off, queried before it is reversed: later, never sooner, than the channel's rules.)
 */
export function createClockStepWatch(clock: Clock, thresholdMs = CLOCK_STEP_THRESHOLD_MS): { check(): number } {
  const monotonic = clock.monotonic?.bind(clock);
  if (!monotonic) return { check: () => 0 };
  let offset = clock.now() - monotonic();
  return {
    check() {
      const now = clock.now() - monotonic();
      const step = Math.round(now - offset);
      if (Math.abs(step) < thresholdMs) return 0;
      offset = now;
      return step;
    },
  };
}

/**
 * The engine's side: `follow()` moves the stored times of the attempts this process timed (`own`) with a step
 * noticed since the last call (call it before reading an attempt, and again after awaiting a gateway).
 * `epoch()` counts the steps followed, so a row read at one epoch is known to be current while the epoch is
 * unchanged. Timers already set run on elapsed time and stay right: nothing of ours is rescheduled (a
 * recall=Y wait or a backoff is never cut short by a sync).
 *
 * Times an earlier run wrote are not moved: they were read from that run's clock, usually the right one (a
 * till that lost power boots with its dead battery's time, which NTP then corrects; moving the previous
 * run's payments by that correction would put their deadlines and late checks weeks away). Their timers,
 * though, were set from this run's clock before the step: `reschedule` gets those attempts, to be looked
 * at again now.
 */
export function createClockStepFollower(clock: Clock, db: Db, log: Logger, reschedule: (ids: string[]) => void): { follow(): void; epoch(): number; own(id: string): void } {
  const watch = createClockStepWatch(clock);
  let epoch = 0;
  const owned = new Set<string>();
  const keepOnly = (ids: readonly string[]): void => {
    owned.clear();
    for (const id of ids) owned.add(id);
  };
  return {
    follow() {
      const stepMs = watch.check();
      if (stepMs === 0) return;
      const ids = shiftAttemptTimes(db, stepMs, [...owned]);
      keepOnly(ids);
      epoch++;
      const foreign = timedAttempts(db).filter((id) => !owned.has(id));
      log.warn('the wall clock was stepped: open payments keep their real timings', { stepMs, attempts: ids.length, earlierRun: foreign.length });
      if (foreign.length > 0) reschedule(foreign);
    },
    epoch: () => epoch,
    /** The attempt's stored times were just written from this process's clock. */
    own(id) {
      owned.add(id);
      // Ended attempts need no following: forgotten now and then, so a till running for months stays small.
      if (owned.size > OWNED_PRUNE_AT) keepOnly(timedAttempts(db, [...owned]));
    },
  };
}

const OWNED_PRUNE_AT = 2_000;
