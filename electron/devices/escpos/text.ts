import iconv from 'iconv-lite';
import { charWidth } from '../../../shared/receipt/width';

/**
 * Text → printer bytes, keeping the printed width equal to `charWidth` (shared/receipt/width.ts):
 * a character is printed as itself only when the printer can show it in exactly that many columns.
 * - gb18030: ASCII is one byte; other characters must be GB two-byte characters (one full-width glyph);
 *   four-byte GB18030 characters (emoji, rare ideographs, the half-width ¥) are not in printer fonts and
 *   become `？` (A3 BF, 2 columns) or `?` (1 column).
 * - pc437: ASCII only, `￥` as CP437 0x9D plus a space; everything else `?` per column.
 */
export type TextCodepage = 'gb18030' | 'pc437';

const FULLWIDTH_QUESTION = Buffer.from([0xa3, 0xbf]);
const QUESTION = 0x3f;
const gbCache = new Map<number, Buffer>();

function gbChar(ch: string, cp: number): Buffer {
  const cached = gbCache.get(cp);
  if (cached) return cached;
  const width = charWidth(cp);
  let out: Buffer;
  if (width === 0) {
    out = Buffer.alloc(0);
  } else {
    const bytes = iconv.encode(ch, 'gb18030');
    const printable = bytes.length === 2 && width === 2 && (bytes[0] ?? 0) >= 0x81;
    out = printable ? bytes : width === 2 ? FULLWIDTH_QUESTION : Buffer.from([QUESTION]);
  }
  if (gbCache.size < 20_000) gbCache.set(cp, out);
  return out;
}

function pc437Char(cp: number): number[] {
  const width = charWidth(cp);
  if (cp === 0xffe5 || cp === 0x00a5) return width === 2 ? [0x9d, 0x20] : [0x9d];
  return new Array<number>(width).fill(QUESTION);
}

/** Encodes one line of text. Control characters never reach the printer (they would be commands). */
export function encodeText(text: string, codepage: TextCodepage): Buffer {
  const parts: Buffer[] = [];
  let ascii: number[] = [];
  const flushAscii = (): void => {
    if (ascii.length > 0) parts.push(Buffer.from(ascii));
    ascii = [];
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x20 && cp <= 0x7e) {
      ascii.push(cp);
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      continue; // never a raw control byte (it would be a command); zero columns, as charWidth says
    }
    if (codepage === 'pc437') {
      ascii.push(...pc437Char(cp));
      continue;
    }
    flushAscii();
    parts.push(gbChar(ch, cp));
  }
  flushAscii();
  return Buffer.concat(parts);
}
