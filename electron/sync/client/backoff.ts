/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * delay = random() × min(maxMs, baseMs × 2^attempt). Full jitter spreads a fleet of terminals that lost
 * HQ at the same moment, so they do not all retry in the same instant when it comes back. Pure:
 * `random` is injected so tests are deterministic.
 */
export type BackoffOptions = {
  /** Upper bound of the first retry's delay (attempt 0). */
  baseMs: number;
  /** Cap of the exponential growth. */
  maxMs: number;
  /** Uniform in [0, 1); Math.random in production, a fixed sequence in tests. */
  random: () => number;
};

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const { baseMs, maxMs, random } = options;
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`backoffDelay: attempt must be an integer ≥ 0, got ${attempt}`);
  if (!Number.isFinite(baseMs) || baseMs <= 0) throw new RangeError(`backoffDelay: baseMs must be > 0, got ${baseMs}`);
  if (!Number.isFinite(maxMs) || maxMs < baseMs) throw new RangeError(`backoffDelay: maxMs must be ≥ baseMs, got ${maxMs}`);
  // 2^attempt overflows to Infinity for large attempts; min() then yields maxMs, which is what we want.
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(unit * ceiling);
}
