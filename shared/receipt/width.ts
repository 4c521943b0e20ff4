/**
 * Column math for receipt printers and their monospace preview.
 *
 * Width rule (one column = one Font A half-width cell):
 * - 0 columns: combining marks, zero-width characters, variation selectors (they attach to the previous
 *   character and are never split from it);
 * - 1 column: printable ASCII and the East Asian "Halfwidth" forms (U+FF61–U+FFDC, U+FFE8–U+FFEE);
 * - 2 columns: everything else: East Asian Wide and Fullwidth, and also "Ambiguous" (·, ×, …, —, é,
 *   Greek, Cyrillic, box drawing), because a Chinese printer in two-byte mode prints every GB two-byte
 *   character as a 24-dot full-width glyph. Characters the printer font lacks are replaced by the encoder
 *   with a placeholder of the same width, so the printed width always equals the width computed here.
 */

/** Ranges of code points that take no column. */
const ZERO_WIDTH: ReadonlyArray<readonly [number, number]> = [
  [0x0300, 0x036f], // combining diacritical marks
  [0x0483, 0x0489],
  [0x0591, 0x05bd],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x200b, 0x200f], // zero-width space, joiners, direction marks
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f], // variation selectors
  [0xfe20, 0xfe2f],
  [0xfeff, 0xfeff],
  [0xe0100, 0xe01ef],
];

const HALF_WIDTH: ReadonlyArray<readonly [number, number]> = [
  [0xff61, 0xffdc],
  [0xffe8, 0xffee],
];

function inRanges(cp: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  for (const [lo, hi] of ranges) {
    if (cp >= lo && cp <= hi) return true;
  }
  return false;
}

/** Columns one code point takes on the paper (see the rule above). Control characters take 0. */
export function charWidth(cp: number): 0 | 1 | 2 {
  if (cp >= 0x20 && cp <= 0x7e) return 1;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 0;
  if (inRanges(cp, ZERO_WIDTH)) return 0;
  if (inRanges(cp, HALF_WIDTH)) return 1;
  return 2;
}

/** Columns a string takes. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0) ?? 0);
  return width;
}

/**
 * Makes arbitrary text safe to print: control characters (which would be ESC/POS commands), line breaks
 * and tabs become spaces, the half-width yen `¥` becomes the full-width `￥` GB fonts have, no-break and
 * other exotic spaces become plain spaces. Lone surrogates become U+FFFD.
 */
export function sanitizeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029) out += ' ';
    else if (cp === 0x00a5) out += '\uffe5';
    else if (cp === 0x00a0 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x202f || cp === 0x205f) out += ' ';
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return out;
}

/** Splits text into clusters: a base character plus any zero-width characters that follow it. */
function clusters(text: string): string[] {
  const out: string[] = [];
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (w === 0 && out.length > 0) out[out.length - 1] += ch;
    else out.push(ch);
  }
  return out;
}

/**
 * Cuts text to at most `cols` columns, never splitting a character; when cut, the end is marked with
 * `ellipsis` (which must itself fit). Returns the text unchanged when it fits.
 */
export function truncateToWidth(text: string, cols: number, ellipsis = '..'): string {
  if (textWidth(text) <= cols) return text;
  const room = cols - textWidth(ellipsis);
  if (room < 0) return truncateToWidth(text, cols, '');
  let out = '';
  let used = 0;
  for (const cluster of clusters(text)) {
    const w = textWidth(cluster);
    if (used + w > room) break;
    out += cluster;
    used += w;
  }
  return out + ellipsis;
}

/**
 * Wraps text into lines of at most `cols` columns. Breaks at spaces when a word fits on a line, otherwise
 * between characters (CJK text has no spaces); never splits a character or a base from its combining marks.
 */
export function wrapToWidth(text: string, cols: number): string[] {
  if (cols < 2) throw new RangeError(`wrapToWidth: cols must be ≥ 2, got ${cols}`);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let used = 0;
    let lastSpace = -1; // index in `line` just after the last space
    for (const cluster of clusters(paragraph)) {
      const w = textWidth(cluster);
      if (used + w > cols) {
        if (cluster === ' ') {
          lines.push(line.trimEnd());
          line = '';
          used = 0;
          lastSpace = -1;
          continue;
        }
        if (lastSpace > 0 && line.slice(0, lastSpace).trim() !== '') {
          lines.push(line.slice(0, lastSpace).trimEnd());
          line = line.slice(lastSpace);
        } else {
          lines.push(line);
          line = '';
        }
        used = textWidth(line);
        lastSpace = -1;
        if (used + w > cols) {
          lines.push(line);
          line = '';
          used = 0;
        }
      }
      line += cluster;
      used += w;
      if (cluster === ' ') lastSpace = line.length;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Pads text with spaces to exactly `cols` columns for the given alignment (text must already fit). */
export function padToWidth(text: string, cols: number, align: 'left' | 'center' | 'right'): string {
  const gap = Math.max(0, cols - textWidth(text));
  if (align === 'right') return ' '.repeat(gap) + text;
  if (align === 'center') {
    const left = Math.floor(gap / 2);
    return ' '.repeat(left) + text + ' '.repeat(gap - left);
  }
  return text + ' '.repeat(gap);
}
