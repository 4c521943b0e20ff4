import { describe, expect, it } from 'vitest';
import { createScanDeduper } from './dedupe';
import { scanEventSchema, type ScanEvent } from './types';

const ev = (code: string, source: ScanEvent['source'] = 'serial'): ScanEvent => ({ source, deviceId: 'd1', code, at: 0 });

function setup(windowMs = 500) {
  let t = 1_000;
  const d = createScanDeduper({ windowMs, now: () => t });
  return { d, advance: (ms: number) => (t += ms) };
}

describe('createScanDeduper', () => {
  it('drops the same code within the window across sources', () => {
    const { d, advance } = setup();
    expect(d.accept(ev('134567890123456789', 'serial'))).toBe(true);
    advance(100);
    expect(d.accept(ev('134567890123456789', 'camera'))).toBe(false);
    expect(d.accept(ev('134567890123456789', 'wedge'))).toBe(false);
  });

  it('the same code with an AIM prefix or a CR/LF from one source and bare from another is one scan', () => {
    const { d, advance } = setup();
    expect(d.accept(ev(']Q1134567890123456789', 'wedge'))).toBe(true);
    advance(100);
    expect(d.accept(ev('134567890123456789', 'camera'))).toBe(false);
    expect(d.accept(ev('134567890123456789\r\n', 'serial'))).toBe(false);
  });

  it('accepts the code again once it has been gone for the window', () => {
    const { d, advance } = setup();
    expect(d.accept(ev('A'))).toBe(true);
    advance(501);
    expect(d.accept(ev('A'))).toBe(true);
  });

  it('slides while a code stays in view of the camera', () => {
    const { d, advance } = setup();
    expect(d.accept(ev('Q', 'camera'))).toBe(true);
    for (let i = 0; i < 20; i++) {
      advance(100);
      expect(d.accept(ev('Q', 'camera'))).toBe(false);
    }
    advance(600);
    expect(d.accept(ev('Q', 'camera'))).toBe(true);
  });

  it('different codes do not interfere', () => {
    const { d, advance } = setup();
    expect(d.accept(ev('A'))).toBe(true);
    advance(10);
    expect(d.accept(ev('B'))).toBe(true);
    advance(10);
    expect(d.accept(ev('A'))).toBe(false);
  });

  it('window 0 only drops exact repeats at the same instant, and memory stays bounded', () => {
    let t = 0;
    const d = createScanDeduper({ windowMs: 0, now: () => t, maxEntries: 10 });
    expect(d.accept(ev('A'))).toBe(true);
    expect(d.accept(ev('A'))).toBe(false);
    t = 1;
    expect(d.accept(ev('A'))).toBe(true);
    for (let i = 0; i < 1000; i++) d.accept(ev(`c${i}`));
    expect(() => createScanDeduper({ windowMs: -1 })).toThrow(RangeError);
  });

  it('a clock going backwards never suppresses forever', () => {
    let t = 10_000;
    const d = createScanDeduper({ windowMs: 500, now: () => t });
    d.accept(ev('A'));
    t = 0;
    expect(d.accept(ev('A'))).toBe(true);
  });
});

describe('scanEventSchema', () => {
  it('keeps codes as strings and validates AIM ids', () => {
    expect(scanEventSchema.safeParse({ source: 'serial', deviceId: 'x', code: 1345678901234, at: 1 }).success).toBe(false);
    expect(scanEventSchema.safeParse({ source: 'wedge', deviceId: 'x', code: '1', symbology: ']C0', at: 1 }).success).toBe(true);
    expect(scanEventSchema.safeParse({ source: 'wedge', deviceId: 'x', code: '1', symbology: 'C0', at: 1 }).success).toBe(false);
  });
});
