/**
 * Byte stream from a serial scanner → framed scans.
 *
 * Pure apart from the injected clock/timers. Frames end at CR or LF (whichever the scanner sends: CR, LF
 * and CRLF configurations are all accepted, and the empty line between CR and LF is ignored); with suffix
 * `none` a frame also ends after `interByteTimeoutMs` of silence. Lines that are too long, contain
 * control/binary/non-ASCII bytes, or sat half-received for too long are dropped with a reason; the framer
 * then resynchronises at the next suffix. Memory stays bounded by `maxLength` whatever arrives.
 */

export type ScanSuffix = 'cr' | 'lf' | 'crlf' | 'none';

export type FramedScan = { code: string; symbology?: string };
export type DroppedFrame = { dropped: string };
export type FrameResult = FramedScan | DroppedFrame;

export type FramerTimers = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const realTimers: FramerTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type ScanFramerOptions = {
  suffix: ScanSuffix;
  /** Silence that ends a frame when the scanner sends no suffix. */
  interByteTimeoutMs?: number;
  /** A partial line older than this when the next byte arrives is dropped (a lost suffix would glue scans). */
  stalePartialMs?: number;
  /** Strip a leading AIM symbology id (`]C0`, `]E0`, `]Q1`...) and report it. */
  stripAim?: boolean;
  maxLength?: number;
  minLength?: number;
};

export const FRAMER_DEFAULTS = {
  interByteTimeoutMs: 50,
  stalePartialMs: 500,
  stripAim: true,
  maxLength: 256,
  minLength: 1,
} as const;

const CR = 0x0d;
const LF = 0x0a;
const AIM_ID = /^\][A-Za-z][0-9A-Za-z]/;

export function isDropped(r: FrameResult): r is DroppedFrame {
  return 'dropped' in r;
}

export class ScanFramer {
  private readonly opts: Required<ScanFramerOptions>;
  private buf: number[] = [];
  private length = 0; // bytes in the current line, including the ones not kept
  private badByte: number | null = null;
  private lastByteAt = 0;
  private timer: unknown = null;

  constructor(
    options: ScanFramerOptions,
    private readonly onFrame: (r: FrameResult) => void,
    private readonly timers: FramerTimers = realTimers,
  ) {
    this.opts = { ...FRAMER_DEFAULTS, ...options };
    const { maxLength, minLength, interByteTimeoutMs, stalePartialMs } = this.opts;
    if (!(Number.isInteger(maxLength) && maxLength >= 1 && maxLength <= 65_536)) throw new RangeError(`maxLength out of range: ${maxLength}`);
    if (!(Number.isInteger(minLength) && minLength >= 1 && minLength <= maxLength)) throw new RangeError(`minLength out of range: ${minLength}`);
    if (!(interByteTimeoutMs > 0 && stalePartialMs > 0)) throw new RangeError('timeouts must be positive');
  }

  push(chunk: Uint8Array): void {
    const now = this.timers.now();
    if (this.length > 0 && now - this.lastByteAt > this.opts.stalePartialMs) {
      this.reset();
      this.onFrame({ dropped: `stale partial line discarded (no suffix for ${now - this.lastByteAt} ms)` });
    }
    for (const b of chunk) {
      if (b === CR || b === LF) {
        this.endLine();
        continue;
      }
      this.length++;
      if (this.length <= this.opts.maxLength) this.buf.push(b);
      if (this.badByte === null && (b < 0x20 || b > 0x7e)) this.badByte = b;
    }
    if (chunk.length > 0) this.lastByteAt = now;
    if (this.opts.suffix === 'none') this.armIdleTimer();
  }

  /** Ends a pending line now (e.g. when the port closes). */
  flush(): void {
    this.endLine();
  }

  /** Cancels timers and forgets the partial line. */
  dispose(): void {
    this.clearTimer();
    this.reset();
  }

  private armIdleTimer(): void {
    this.clearTimer();
    if (this.length === 0) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.endLine();
    }, this.opts.interByteTimeoutMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private reset(): void {
    this.buf = [];
    this.length = 0;
    this.badByte = null;
  }

  private endLine(): void {
    if (this.length === 0) return; // CRLF's empty second line, or nothing pending
    const { buf, length, badByte } = this;
    this.reset();
    this.clearTimer();
    this.onFrame(this.classify(buf, length, badByte));
  }

  private classify(buf: number[], length: number, badByte: number | null): FrameResult {
    if (length > this.opts.maxLength) return { dropped: `line too long (${length} bytes, max ${this.opts.maxLength})` };
    if (badByte !== null) {
      const what = badByte < 0x20 || badByte === 0x7f ? 'control' : 'non-ASCII';
      return { dropped: `${what} byte 0x${badByte.toString(16).padStart(2, '0')} in line of ${length} bytes` };
    }
    const text = String.fromCharCode(...buf).trim();
    if (text === '') return { dropped: 'blank line' };
    let code = text;
    let symbology: string | undefined;
    if (this.opts.stripAim && AIM_ID.test(text)) {
      symbology = text.slice(0, 3);
      code = text.slice(3).trim();
      if (code === '') return { dropped: `AIM id ${symbology} without data` };
    }
    if (code.length < this.opts.minLength) return { dropped: `code too short (${code.length} < ${this.opts.minLength})` };
    return symbology === undefined ? { code } : { code, symbology };
  }
}
