import { normalisePaymentCode } from '../payments/code';
import { type ScanEvent } from './types';

/**
 * Drops repeats of the same code within a short window, whatever the source: a camera sees a held-up code
 * every ~100 ms, and a payment code may reach us from the serial scanner and the camera at once.
 *
 * The window slides: each repeat restarts it, so a code held in front of the camera stays suppressed
 * until it has been gone for `windowMs`. A different code in between does not reset anything, so
 * scanning A, B, A quickly yields all three. The clock is injected.
 */
export type ScanDeduperOptions = {
  windowMs?: number;
  now?: () => number;
  /** Bound on remembered codes (oldest forgotten first). */
  maxEntries?: number;
};

export type ScanDeduper = {
  /** True when the event should be used; false for a duplicate. */
  accept(event: ScanEvent): boolean;
  reset(): void;
};

export const DEFAULT_DEDUPE_WINDOW_MS = 800;

export function createScanDeduper(options: ScanDeduperOptions = {}): ScanDeduper {
  const windowMs = options.windowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const now = options.now ?? (() => Date.now());
  const maxEntries = options.maxEntries ?? 256;
  if (!(windowMs >= 0 && Number.isFinite(windowMs))) throw new RangeError(`windowMs must be ≥ 0, got ${windowMs}`);
  const lastSeen = new Map<string, number>();

  const prune = (t: number): void => {
    for (const [code, at] of lastSeen) {
      if (t - at > windowMs) lastSeen.delete(code);
    }
    while (lastSeen.size >= maxEntries) {
      const oldest = lastSeen.keys().next();
      if (oldest.done) break;
      lastSeen.delete(oldest.value);
    }
  };

  return {
    accept(event) {
      const t = now();
      // The same code from two sources may differ around the digits (a wedge's AIM prefix, a serial CR/LF).
      const code = normalisePaymentCode(event.code);
      const prev = lastSeen.get(code);
      const duplicate = prev !== undefined && t - prev >= 0 && t - prev <= windowMs;
      lastSeen.delete(code); // re-insert so Map order stays oldest-first
      if (!duplicate) prune(t);
      lastSeen.set(code, t);
      return !duplicate;
    },
    reset() {
      lastSeen.clear();
    },
  };
}
