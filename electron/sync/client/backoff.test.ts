import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const opts = (r: number) => ({ baseMs: 1000, maxMs: 60_000, random: () => r });

describe('backoffDelay', () => {
  it('grows exponentially up to the cap (upper bound at random → 1)', () => {
    const almostOne = 0.999999;
    expect([0, 1, 2, 3, 5, 6, 7, 100, 5000].map((a) => backoffDelay(a, opts(almostOne)))).toEqual([999, 1999, 3999, 7999, 31999, 59999, 59999, 59999, 59999]);
  });

  it('applies full jitter: anywhere from 0 to the ceiling', () => {
    expect(backoffDelay(3, opts(0))).toBe(0);
    expect(backoffDelay(3, opts(0.5))).toBe(4000);
  });

  it('clamps a misbehaving random source', () => {
    expect(backoffDelay(0, opts(Number.NaN))).toBe(0);
    expect(backoffDelay(0, opts(7))).toBe(1000);
  });

  it('refuses bad arguments with a clear error', () => {
    expect(() => backoffDelay(-1, opts(0))).toThrow(/attempt/);
    expect(() => backoffDelay(1.5, opts(0))).toThrow(/attempt/);
    expect(() => backoffDelay(1, { ...opts(0), baseMs: 0 })).toThrow(/baseMs/);
    expect(() => backoffDelay(1, { ...opts(0), maxMs: 10 })).toThrow(/maxMs/);
  });
});
