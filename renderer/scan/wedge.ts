/**
 * Keyboard-wedge scanner detection from key timing (pure; the Devices/cart UI wires it to keydown).
 *
 * Scanners "type" 1-20 ms per character, people 100+ ms. Printable keys are held back (the UI calls
 * preventDefault) while they arrive in a burst (≤ maxIntervalMs apart). The burst is resolved when a gap
 * longer than endGapMs passes, a slower key arrives, or a terminator (Enter) comes:
 * - at least minLength characters → a scan; the keys (and the Enter) never reach the focused field;
 * - fewer → human typing; the UI inserts the held text into the focused field (a person waits ≤ ~40 ms).
 *
 * Usage:
 *   const actions = detector.key({ key: e.key, at: e.timeStamp, ctrlKey: e.ctrlKey, ... });
 *   apply each action in order: 'type' → insert text at the caret; 'scan' → hand to the scan pipeline;
 *   the last action is the current key's fate: 'hold' or 'swallow' → e.preventDefault(); 'pass' → nothing.
 *   Then schedule `detector.tick(now)` at `detector.deadline()` (if not null) and apply its actions too.
 */

export type WedgeKeyEvent = { key: string; at: number; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean };

export type WedgeAction =
  /** Current key: keep it from the field for now (preventDefault). */
  | { type: 'hold' }
  /** Current key: let it through. */
  | { type: 'pass' }
  /** Current key: a scan terminator; keep it from the field (preventDefault). */
  | { type: 'swallow' }
  /** Held keys were human typing: insert this text into the focused field. */
  | { type: 'type'; text: string }
  /** Held keys were a scan. */
  | { type: 'scan'; code: string; at: number };

export type WedgeOptions = {
  /** Largest gap between two characters of one burst. */
  maxIntervalMs?: number;
  /** Silence after which a burst is over. */
  endGapMs?: number;
  /** Fewest characters that make a scan. */
  minLength?: number;
  /** Keys that end a scan (scanner suffix). */
  terminators?: readonly string[];
  /** A burst this long is resolved at once (bounds memory). */
  maxLength?: number;
};

export const WEDGE_DEFAULTS = {
  maxIntervalMs: 30,
  endGapMs: 40,
  minLength: 6,
  terminators: ['Enter'] as readonly string[],
  maxLength: 256,
};

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock']);

function isPrintable(e: WedgeKeyEvent): boolean {
  if (e.ctrlKey || e.altKey || e.metaKey) return false;
  const chars = [...e.key];
  return chars.length === 1 && (chars[0]?.codePointAt(0) ?? 0) >= 0x20;
}

export class WedgeDetector {
  private readonly opts: typeof WEDGE_DEFAULTS;
  private held = '';
  private heldCount = 0;
  private lastAt = 0;

  constructor(options: WedgeOptions = {}) {
    this.opts = { ...WEDGE_DEFAULTS, ...options };
    const { maxIntervalMs, endGapMs, minLength, maxLength } = this.opts;
    if (!(maxIntervalMs > 0 && endGapMs >= maxIntervalMs)) throw new RangeError('need 0 < maxIntervalMs ≤ endGapMs');
    if (!(Number.isInteger(minLength) && minLength >= 1 && minLength <= maxLength)) throw new RangeError('need 1 ≤ minLength ≤ maxLength');
  }

  key(e: WedgeKeyEvent): WedgeAction[] {
    if (MODIFIERS.has(e.key)) return [{ type: 'pass' }]; // scanners press Shift for capitals: not a gap
    const out: WedgeAction[] = [];
    const gap = e.at - this.lastAt;

    if (isPrintable(e)) {
      if (this.heldCount > 0 && (gap > this.opts.maxIntervalMs || gap < 0 || this.heldCount >= this.opts.maxLength)) {
        out.push(this.resolve());
      }
      this.held += e.key;
      this.heldCount++;
      this.lastAt = e.at;
      out.push({ type: 'hold' });
      return out;
    }

    if (this.opts.terminators.includes(e.key) && !e.ctrlKey && !e.altKey && !e.metaKey && this.heldCount > 0) {
      const quick = gap >= 0 && gap <= this.opts.endGapMs;
      if (quick && this.heldCount >= this.opts.minLength) {
        out.push(this.resolve(), { type: 'swallow' });
        return out;
      }
    }
    if (this.heldCount > 0) out.push(this.resolve());
    out.push({ type: 'pass' });
    return out;
  }

  /** Call at `deadline()`: resolves a burst that has gone quiet. */
  tick(now: number): WedgeAction[] {
    if (this.heldCount === 0 || now - this.lastAt <= this.opts.endGapMs) return [];
    return [this.resolve()];
  }

  /** When `tick` should next be called, or null when nothing is held. */
  deadline(): number | null {
    return this.heldCount === 0 ? null : this.lastAt + this.opts.endGapMs + 1;
  }

  /** Releases whatever is held (focus moved, screen changed): as a scan if it qualifies, else as typing. */
  flush(): WedgeAction[] {
    return this.heldCount === 0 ? [] : [this.resolve()];
  }

  private resolve(): WedgeAction {
    const text = this.held;
    const count = this.heldCount;
    this.held = '';
    this.heldCount = 0;
    if (count >= this.opts.minLength && text.trim() !== '') return { type: 'scan', code: text.trim(), at: this.lastAt };
    return { type: 'type', text };
  }
}
