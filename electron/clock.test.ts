import { describe, expect, it } from 'vitest';
import { systemClock } from './clock';

describe('systemClock.setTimeout', () => {
  it('a wait longer than Node allows (about 24.8 days) waits, never firing at once (no 1 ms busy loop)', async () => {
    let fired = 0;
    const t = systemClock.setTimeout(() => fired++, 30 * 24 * 3_600_000);
    await new Promise((r) => setTimeout(r, 50));
    t.cancel();
    expect(fired).toBe(0);
  });

  it('a short wait fires once; a cancelled one never', async () => {
    let fired = 0;
    systemClock.setTimeout(() => fired++, 5);
    systemClock.setTimeout(() => (fired += 10), 5).cancel();
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toBe(1);
  });
});
