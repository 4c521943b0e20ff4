import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeAction } from './wedge';

/** Feeds keys at fixed intervals, ticking at deadlines like the UI would; returns every action. */
function run(d: WedgeDetector, keys: Array<{ key: string; at: number }>, endAt: number): WedgeAction[] {
  const out: WedgeAction[] = [];
  const tickUntil = (t: number): void => {
    for (let dl = d.deadline(); dl !== null && dl <= t; dl = d.deadline()) out.push(...d.tick(dl));
  };
  for (const k of keys) {
    tickUntil(k.at);
    out.push(...d.key(k));
  }
  tickUntil(endAt);
  return out;
}

const typed = (text: string, start: number, interval: number) => [...text].map((key, i) => ({ key, at: start + i * interval }));
const resolutions = (a: WedgeAction[]) => a.filter((x) => x.type === 'type' || x.type === 'scan');

describe('WedgeDetector', () => {
  it('5 ms/char with Enter: a scan, every key kept from the field', () => {
    const d = new WedgeDetector();
    const keys = [...typed('134567890123456789', 1000, 5), { key: 'Enter', at: 1000 + 18 * 5 }];
    const out = run(d, keys, 2000);
    expect(resolutions(out)).toEqual([{ type: 'scan', code: '134567890123456789', at: 1085 }]);
    expect(out.filter((a) => a.type === 'pass')).toEqual([]);
    expect(out.at(-1)).toEqual({ type: 'swallow' });
  });

  it('5 ms/char without a suffix: the gap ends the scan', () => {
    const d = new WedgeDetector();
    const out = run(d, typed('6901234567892', 0, 5), 1000);
    expect(resolutions(out)).toEqual([{ type: 'scan', code: '6901234567892', at: 60 }]);
  });

  it('120 ms/char human typing: each key released to the field, in order', () => {
    const d = new WedgeDetector();
    const out = run(d, typed('hello world', 0, 120), 5000);
    expect(resolutions(out).map((a) => (a.type === 'type' ? a.text : '?')).join('')).toBe('hello world');
    expect(out.some((a) => a.type === 'scan')).toBe(false);
  });

  it('human typing then Enter: text first, Enter passes', () => {
    const d = new WedgeDetector();
    const out = run(d, [...typed('12', 0, 120), { key: 'Enter', at: 260 }], 1000);
    expect(out.slice(-2)).toEqual([{ type: 'type', text: '2' }, { type: 'pass' }]);
    expect(resolutions(out)).toEqual([{ type: 'type', text: '1' }, { type: 'type', text: '2' }]);
    // Enter pressed while '2' is still held: text is released before the Enter goes through.
    const d2 = new WedgeDetector();
    expect(d2.key({ key: '7', at: 0 })).toEqual([{ type: 'hold' }]);
    expect(d2.key({ key: 'Enter', at: 10 })).toEqual([{ type: 'type', text: '7' }, { type: 'pass' }]);
  });

  it('mixed: a person types, then a scan arrives, then the person types again', () => {
    const d = new WedgeDetector();
    const keys = [...typed('ab', 0, 150), ...typed(']C0281234567890123456', 400, 4), { key: 'Enter', at: 400 + 21 * 4 }, ...typed('cd', 700, 130)];
    const out = run(d, keys, 2000);
    expect(resolutions(out)).toEqual([
      { type: 'type', text: 'a' },
      { type: 'type', text: 'b' },
      { type: 'scan', code: ']C0281234567890123456', at: 480 },
      { type: 'type', text: 'c' },
      { type: 'type', text: 'd' },
    ]);
  });

  it('short fast bursts (rollover) and 35 ms/char are human', () => {
    const d = new WedgeDetector();
    expect(resolutions(run(d, typed('th', 0, 15), 500))).toEqual([{ type: 'type', text: 'th' }]);
    const slow = resolutions(run(new WedgeDetector(), typed('12345678', 0, 35), 1000));
    expect(slow.every((a) => a.type === 'type')).toBe(true);
    expect(slow.map((a) => (a.type === 'type' ? a.text : '')).join('')).toBe('12345678');
  });

  it('Shift between characters (capitals from a scanner) does not break the burst', () => {
    const d = new WedgeDetector();
    const keys = [{ key: 'Shift', at: 0 }, { key: 'A', at: 2 }, ...typed('BC1234', 6, 5), { key: 'Enter', at: 40 }];
    expect(resolutions(run(d, keys, 500))).toEqual([{ type: 'scan', code: 'ABC1234', at: 31 }]);
  });

  it('control keys and shortcuts pass and release what is held', () => {
    const d = new WedgeDetector();
    d.key({ key: 'x', at: 0 });
    expect(d.key({ key: 'Backspace', at: 10 })).toEqual([{ type: 'type', text: 'x' }, { type: 'pass' }]);
    expect(d.key({ key: 'c', at: 20, ctrlKey: true })).toEqual([{ type: 'pass' }]);
    expect(d.deadline()).toBeNull();
  });

  it('configurable thresholds and a Tab suffix', () => {
    const d = new WedgeDetector({ minLength: 3, terminators: ['Enter', 'Tab'] });
    expect(resolutions(run(d, [...typed('123', 0, 5), { key: 'Tab', at: 15 }], 100))).toEqual([{ type: 'scan', code: '123', at: 10 }]);
    expect(() => new WedgeDetector({ maxIntervalMs: 50, endGapMs: 40 })).toThrow(RangeError);
    expect(() => new WedgeDetector({ minLength: 0 })).toThrow(RangeError);
  });

  it('flush releases held keys; time going backwards starts a new burst', () => {
    const d = new WedgeDetector();
    d.key({ key: 'a', at: 100 });
    expect(d.flush()).toEqual([{ type: 'type', text: 'a' }]);
    d.key({ key: 'b', at: 100 });
    expect(d.key({ key: 'c', at: 50 })).toEqual([{ type: 'type', text: 'b' }, { type: 'hold' }]);
  });
});
