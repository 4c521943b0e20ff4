import { describe, expect, it } from 'vitest';
import { seededRandom, TestClock } from '../test-clock';
import { isDropped, ScanFramer, type FrameResult, type ScanFramerOptions } from './framer';

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

function setup(options: ScanFramerOptions) {
  const clock = new TestClock();
  const out: FrameResult[] = [];
  const framer = new ScanFramer(options, (r) => out.push(r), clock);
  return { clock, out, framer };
}

describe('ScanFramer with a suffix', () => {
  for (const [suffix, end] of [['cr', '\r'], ['lf', '\n'], ['crlf', '\r\n']] as const) {
    it(`frames codes ending in ${JSON.stringify(end)}, across chunk boundaries`, () => {
      const { out, framer } = setup({ suffix });
      const stream = `134567890123456789${end}6901234567892${end}`;
      for (let i = 0; i < stream.length; i += 5) framer.push(bytes(stream.slice(i, i + 5)));
      expect(out).toEqual([{ code: '134567890123456789' }, { code: '6901234567892' }]);
    });
  }

  it('keeps payment codes as strings (no number precision loss)', () => {
    const { out, framer } = setup({ suffix: 'cr' });
    framer.push(bytes('28763443825664394\r'));
    expect(out).toEqual([{ code: '28763443825664394' }]);
  });

  it('strips AIM ids and reports the symbology', () => {
    const { out, framer } = setup({ suffix: 'crlf' });
    framer.push(bytes(']C0134567890123456789\r\n]E06901234567892\r\n]Q1\r\n'));
    expect(out).toEqual([
      { code: '134567890123456789', symbology: ']C0' },
      { code: '6901234567892', symbology: ']E0' },
      { dropped: 'AIM id ]Q1 without data' },
    ]);
  });

  it('keeps the AIM prefix when stripping is off', () => {
    const { out, framer } = setup({ suffix: 'cr', stripAim: false });
    framer.push(bytes(']C0123\r'));
    expect(out).toEqual([{ code: ']C0123' }]);
  });

  it('drops a 10 kB line with a reason and resyncs at the next suffix', () => {
    const { out, framer } = setup({ suffix: 'cr' });
    framer.push(bytes('9'.repeat(10_000)));
    framer.push(bytes('\r6901234567892\r'));
    expect(out).toEqual([{ dropped: 'line too long (10000 bytes, max 256)' }, { code: '6901234567892' }]);
  });

  it('drops lines with NUL, control or binary bytes', () => {
    const { out, framer } = setup({ suffix: 'cr' });
    framer.push(Uint8Array.from([0x31, 0x00, 0x32, 0x0d, 0x31, 0xff, 0x0d, 0x1b, 0x40, 0x0d]));
    expect(out.map((r) => (isDropped(r) ? r.dropped : r.code))).toEqual([
      'control byte 0x00 in line of 3 bytes',
      'non-ASCII byte 0xff in line of 2 bytes',
      'control byte 0x1b in line of 2 bytes',
    ]);
  });

  it('drops blank and too-short lines, ignores empty ones', () => {
    const { out, framer } = setup({ suffix: 'cr', minLength: 4 });
    framer.push(bytes('\r\r   \r12\r1234\r'));
    expect(out).toEqual([{ dropped: 'blank line' }, { dropped: 'code too short (2 < 4)' }, { code: '1234' }]);
  });

  it('drops a stale partial line instead of gluing it to the next scan', () => {
    const { out, framer, clock } = setup({ suffix: 'cr' });
    framer.push(bytes('12345'));
    clock.advance(2_000);
    framer.push(bytes('6901234567892\r'));
    expect(out).toEqual([{ dropped: 'stale partial line discarded (no suffix for 2000 ms)' }, { code: '6901234567892' }]);
  });

  it('refuses nonsense options with a typed error', () => {
    expect(() => setup({ suffix: 'cr', maxLength: 0 })).toThrow(RangeError);
    expect(() => setup({ suffix: 'cr', minLength: 300 })).toThrow(RangeError);
  });
});

describe('ScanFramer without a suffix (inter-byte timeout)', () => {
  it('ends a frame after the configured silence', () => {
    const { out, framer, clock } = setup({ suffix: 'none', interByteTimeoutMs: 50 });
    framer.push(bytes('1345678901'));
    clock.advance(10);
    framer.push(bytes('23456789'));
    clock.advance(49);
    expect(out).toEqual([]);
    clock.advance(1);
    expect(out).toEqual([{ code: '134567890123456789' }]);
    framer.push(bytes('6901234567892'));
    clock.advance(100);
    expect(out).toHaveLength(2);
    expect(clock.timerCount).toBe(0);
  });

  it('dispose cancels the timer', () => {
    const { out, framer, clock } = setup({ suffix: 'none' });
    framer.push(bytes('123'));
    framer.dispose();
    clock.advance(1000);
    expect(out).toEqual([]);
    expect(clock.timerCount).toBe(0);
  });
});

describe('ScanFramer under random binary noise', () => {
  /** Every emitted code must be printable ASCII, within limits, and appear in the input between suffixes. */
  function assertNoBogus(out: FrameResult[], input: string): void {
    for (const r of out) {
      if (isDropped(r)) continue;
      expect(r.code).toMatch(/^[\x20-\x7e]+$/);
      expect(r.code.length).toBeLessThanOrEqual(256);
      const raw = (r.symbology ?? '') + r.code;
      expect(input.includes(raw)).toBe(true);
    }
  }

  for (const seed of [1, 2, 3, 42, 1337]) {
    it(`seed ${seed}: 200 kB of noise never crashes or yields a code that was not sent`, () => {
      const rnd = seededRandom(seed);
      const { out, framer, clock } = setup({ suffix: seed % 2 === 0 ? 'none' : 'crlf' });
      let input = '';
      for (let n = 0; n < 2000; n++) {
        const chunk = Uint8Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
        input += Buffer.from(chunk).toString('latin1');
        expect(() => framer.push(chunk)).not.toThrow();
        clock.advance(Math.floor(rnd() * 80));
      }
      framer.flush();
      assertNoBogus(out, input);
    });
  }

  it('real codes interleaved with noise bursts all come through exactly once', () => {
    const rnd = seededRandom(99);
    const { out, framer, clock } = setup({ suffix: 'cr' });
    const sent: string[] = [];
    for (let n = 0; n < 300; n++) {
      // a noise burst (may contain CRs), then a terminator so the scanner resyncs, then a real code
      const noise = Uint8Array.from({ length: Math.floor(rnd() * 600) }, () => Math.floor(rnd() * 256));
      framer.push(noise);
      framer.push(bytes('\r'));
      clock.advance(5);
      const code = String(10 + Math.floor(rnd() * 5)) + Array.from({ length: 16 }, () => Math.floor(rnd() * 10)).join('');
      sent.push(code);
      const whole = bytes(`${code}\r`);
      const cut = Math.floor(rnd() * whole.length);
      framer.push(whole.subarray(0, cut));
      framer.push(whole.subarray(cut));
      clock.advance(5);
    }
    const codes = out.filter((r) => !isDropped(r)).map((r) => (isDropped(r) ? '' : r.code));
    const real = codes.filter((c) => /^1[0-4]\d{16}$/.test(c));
    expect(real).toEqual(sent);
  });
});
