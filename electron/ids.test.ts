import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids';
import { pooledRandomBytes } from './random';

describe('uuidv7', () => {
  it('carries the time in its first 48 bits, version 7 and the RFC variant', () => {
    const ms = Date.UTC(2026, 10, 26, 4, 30, 0, 123);
    const id = uuidv7(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(ms);
    expect(uuidv7(0).startsWith('00000000-0000-7')).toBe(true);
    expect(parseInt(uuidv7(2 ** 48 - 1).replaceAll('-', '').slice(0, 12), 16)).toBe(2 ** 48 - 1);
  });

  it('ids made in the same millisecond sort in the order they were made', () => {
    const ids = Array.from({ length: 500 }, () => uuidv7(1_700_000_000_123));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by creation time and never repeats', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => uuidv7(1_700_000_000_000 + Math.floor(i / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    const byTime = ids.filter((_, i) => i % 10 === 0);
    expect([...byTime].sort()).toEqual(byTime);
  });
});

describe('pooledRandomBytes', () => {
  it('hands out each pooled byte once, across refills, and serves large requests directly', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const b = pooledRandomBytes(16);
      expect(b).toHaveLength(16);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(2_000); // 32 kB drawn: several refills of the 4 kB pool
    const kept = pooledRandomBytes(8);
    const copy = Buffer.from(kept);
    for (let i = 0; i < 1_000; i++) pooledRandomBytes(16); // refills must not change what was handed out
    expect(kept.equals(copy)).toBe(true);
    expect(pooledRandomBytes(10_000)).toHaveLength(10_000);
  });
});
