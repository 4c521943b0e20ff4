import zxing from '@zxing/library';

/**
 * TEST ORACLE ONLY (imported by tests, never by product code).
 *
 * An ESC/POS decoder written from the command tables (HARDWARE.md, Epson ESC/POS reference), sharing no
 * code with the encoder: it turns a job's bytes back into printed lines (text decoded from GB18030 by the
 * platform's TextDecoder, not iconv-lite), the column width the printer would use for each line (counted
 * from bytes: one column per single-byte character, two per two-byte character, times the width
 * multiplier), QR payloads, raster images, cuts, drawer pulses and feeds. Anything it does not know is a
 * DecodeError: the oracle is strict on purpose.
 */

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'DecodeError';
  }
}

export type DecodedLine = {
  text: string;
  align: 'left' | 'center' | 'right';
  bold: boolean;
  widthMul: number;
  heightMul: number;
  /** Columns of Font A the line occupies (character columns × width multiplier). */
  columns: number;
};
export type DecodedQr = { data: string; model: number; moduleSize: number; ecc: 'L' | 'M' | 'Q' | 'H' };
export type DecodedRaster = { width: number; height: number; pixels: Uint8Array };
export type DecodedEvent =
  | { type: 'init' }
  | { type: 'twoByte'; on: boolean }
  | { type: 'codePage'; n: number }
  | ({ type: 'line' } & DecodedLine)
  | { type: 'feed'; lines: number }
  | ({ type: 'qr' } & DecodedQr)
  | ({ type: 'raster' } & DecodedRaster)
  | { type: 'cut'; mode: 'full' | 'partial'; feed: number }
  | { type: 'pulse'; pin: 2 | 5; onMs: number; offMs: number; realtime?: true }
  | { type: 'realtime'; n: number };

export type DecodedJob = {
  events: DecodedEvent[];
  lines: DecodedLine[];
  qrs: DecodedQr[];
  rasters: DecodedRaster[];
  cuts: Array<{ mode: 'full' | 'partial'; feed: number }>;
  pulses: Array<{ pin: 2 | 5; onMs: number; offMs: number; realtime?: true }>;
};

const gbDecoder = new TextDecoder('gb18030', { fatal: true });
const ECC_BY_CODE: Record<number, DecodedQr['ecc']> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };

export function decodeEscPos(input: Uint8Array, opts: { startInTwoByteMode?: boolean } = {}): DecodedJob {
  const bytes = input;
  const events: DecodedEvent[] = [];
  let i = 0;
  let twoByte = opts.startInTwoByteMode ?? false;
  let align: DecodedLine['align'] = 'left';
  let bold = false;
  let widthMul = 1;
  let heightMul = 1;
  let text = '';
  let columns = 0;
  let qrModel = 2;
  let qrSize = 3;
  let qrEcc: DecodedQr['ecc'] = 'L';
  let qrData: Uint8Array | null = null;

  const need = (n: number, what: string): void => {
    if (i + n > bytes.length) throw new DecodeError(`truncated ${what}`, i);
  };
  const at = (k: number): number => bytes[k] ?? 0;
  const resetStyle = (): void => {
    align = 'left';
    bold = false;
    widthMul = 1;
    heightMul = 1;
  };
  const flushLine = (): void => {
    events.push({ type: 'line', text, align, bold, widthMul, heightMul, columns: columns * widthMul });
    text = '';
    columns = 0;
  };
  const styleChange = (what: string): void => {
    if (text !== '') throw new DecodeError(`${what} changed in the middle of a line`, i);
  };

  while (i < bytes.length) {
    const b = at(i);
    if (b === 0x0a) {
      flushLine();
      i += 1;
    } else if (b === 0x1b) {
      need(2, 'ESC command');
      const c = at(i + 1);
      if (c === 0x40) {
        if (text !== '') throw new DecodeError('ESC @ discards a pending line', i);
        resetStyle();
        events.push({ type: 'init' });
        i += 2;
      } else if (c === 0x61) {
        need(3, 'ESC a');
        styleChange('alignment');
        const n = at(i + 2);
        align = n === 0 || n === 48 ? 'left' : n === 1 || n === 49 ? 'center' : n === 2 || n === 50 ? 'right' : (() => {
          throw new DecodeError(`ESC a with bad n=${n}`, i);
        })();
        i += 3;
      } else if (c === 0x45) {
        need(3, 'ESC E');
        bold = (at(i + 2) & 1) === 1;
        i += 3;
      } else if (c === 0x64) {
        need(3, 'ESC d');
        if (text !== '') flushLine();
        events.push({ type: 'feed', lines: at(i + 2) });
        i += 3;
      } else if (c === 0x74) {
        need(3, 'ESC t');
        events.push({ type: 'codePage', n: at(i + 2) });
        i += 3;
      } else if (c === 0x70) {
        need(5, 'ESC p');
        const m = at(i + 2);
        if (![0, 1, 48, 49].includes(m)) throw new DecodeError(`ESC p with bad pin m=${m}`, i);
        events.push({ type: 'pulse', pin: m === 0 || m === 48 ? 2 : 5, onMs: at(i + 3) * 2, offMs: at(i + 4) * 2 });
        i += 5;
      } else {
        throw new DecodeError(`unknown command ESC 0x${c.toString(16)}`, i);
      }
    } else if (b === 0x1d) {
      need(2, 'GS command');
      const c = at(i + 1);
      if (c === 0x21) {
        need(3, 'GS !');
        styleChange('character size');
        const n = at(i + 2);
        widthMul = (n >> 4) + 1;
        heightMul = (n & 0x0f) + 1;
        if (widthMul > 8 || heightMul > 8) throw new DecodeError(`GS ! with bad n=${n}`, i);
        i += 3;
      } else if (c === 0x56) {
        need(3, 'GS V');
        const m = at(i + 2);
        if (text !== '') throw new DecodeError('cut with a pending line', i);
        if (m === 65 || m === 66) {
          need(4, 'GS V m n');
          events.push({ type: 'cut', mode: m === 65 ? 'full' : 'partial', feed: at(i + 3) });
          i += 4;
        } else if (m === 0 || m === 48 || m === 1 || m === 49) {
          events.push({ type: 'cut', mode: m === 0 || m === 48 ? 'full' : 'partial', feed: 0 });
          i += 3;
        } else {
          throw new DecodeError(`GS V with bad m=${m}`, i);
        }
      } else if (c === 0x28) {
        need(5, 'GS ( command');
        const fnClass = at(i + 2);
        const len = at(i + 3) + 256 * at(i + 4);
        need(5 + len, 'GS ( parameters');
        if (fnClass !== 0x6b) throw new DecodeError(`unknown GS ( 0x${fnClass.toString(16)}`, i);
        const p = bytes.subarray(i + 5, i + 5 + len);
        const cn = p[0];
        const fn = p[1];
        if (cn !== 49) throw new DecodeError(`GS ( k for symbol cn=${String(cn)} (only QR, 49, expected)`, i);
        if (fn === 65) qrModel = (p[2] ?? 0) - 48;
        else if (fn === 67) qrSize = p[2] ?? 0;
        else if (fn === 69) {
          const ecc = ECC_BY_CODE[p[2] ?? 0];
          if (!ecc) throw new DecodeError(`QR ECC code ${String(p[2])}`, i);
          qrEcc = ecc;
        } else if (fn === 80) {
          if (p[2] !== 48) throw new DecodeError('QR store with m≠48', i);
          qrData = p.slice(3);
        } else if (fn === 81) {
          if (!qrData) throw new DecodeError('QR print with no stored data', i);
          events.push({ type: 'qr', data: new TextDecoder('utf-8', { fatal: true }).decode(qrData), model: qrModel, moduleSize: qrSize, ecc: qrEcc });
        } else {
          throw new DecodeError(`unknown QR function ${String(fn)}`, i);
        }
        i += 5 + len;
      } else if (c === 0x76) {
        need(8, 'GS v 0 header');
        if (at(i + 2) !== 0x30) throw new DecodeError('GS v not followed by 0', i);
        const xBytes = at(i + 4) + 256 * at(i + 5);
        const height = at(i + 6) + 256 * at(i + 7);
        need(8 + xBytes * height, 'raster data');
        const width = xBytes * 8;
        const pixels = new Uint8Array(width * height);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const byte = at(i + 8 + y * xBytes + Math.floor(x / 8));
            pixels[y * width + x] = (byte >> (7 - (x % 8))) & 1;
          }
        }
        events.push({ type: 'raster', width, height, pixels });
        i += 8 + xBytes * height;
      } else {
        throw new DecodeError(`unknown command GS 0x${c.toString(16)}`, i);
      }
    } else if (b === 0x1c) {
      need(2, 'FS command');
      const c = at(i + 1);
      if (c === 0x26) twoByte = true;
      else if (c === 0x2e) twoByte = false;
      else throw new DecodeError(`unknown command FS 0x${c.toString(16)}`, i);
      events.push({ type: 'twoByte', on: twoByte });
      i += 2;
    } else if (b === 0x10 && at(i + 1) === 0x14) {
      need(5, 'DLE DC4');
      const m = at(i + 3);
      if (at(i + 2) !== 1 || (m !== 0 && m !== 1)) throw new DecodeError(`DLE DC4 with bad fn/m ${at(i + 2)}/${m}`, i);
      events.push({ type: 'pulse', pin: m === 0 ? 2 : 5, onMs: at(i + 4) * 100, offMs: at(i + 4) * 100, realtime: true });
      i += 5;
    } else if (b === 0x10 && at(i + 1) === 0x04) {
      need(3, 'DLE EOT');
      events.push({ type: 'realtime', n: at(i + 2) });
      i += 3;
    } else if (b < 0x20 || b === 0x7f) {
      throw new DecodeError(`unexpected control byte 0x${b.toString(16)}`, i);
    } else if (b < 0x80) {
      text += String.fromCharCode(b);
      columns += 1;
      i += 1;
    } else if (twoByte) {
      need(2, 'two-byte character');
      const second = at(i + 1);
      if (b === 0x80 || b === 0xff || second < 0x40 || second === 0x7f || second === 0xff) {
        throw new DecodeError(`not a GB two-byte character: ${b.toString(16)} ${second.toString(16)}`, i);
      }
      text += gbDecoder.decode(bytes.subarray(i, i + 2));
      columns += 2;
      i += 2;
    } else {
      text += b === 0x9d ? '¥' : '\ufffd'; // single-byte mode: CP437
      columns += 1;
      i += 1;
    }
  }
  if (text !== '') throw new DecodeError('job ends with an unterminated line', i);

  const pick = <T extends DecodedEvent['type']>(t: T) => events.filter((e): e is Extract<DecodedEvent, { type: T }> => e.type === t);
  return {
    events,
    lines: pick('line').map(({ type: _t, ...line }) => line),
    qrs: pick('qr').map(({ type: _t, ...qr }) => qr),
    rasters: pick('raster').map(({ type: _t, ...r }) => r),
    cuts: pick('cut').map(({ type: _t, ...c }) => c),
    pulses: pick('pulse').map(({ type: _t, ...p }) => p),
  };
}

/** Reads a QR symbol back from a decoded raster image (independent of the encoder's QR library path). */
export function readQrFromRaster(r: DecodedRaster): string {
  const { RGBLuminanceSource, BinaryBitmap, HybridBinarizer, QRCodeReader } = zxing;
  const lum = new Uint8ClampedArray(r.width * r.height);
  for (let k = 0; k < lum.length; k++) lum[k] = r.pixels[k] === 1 ? 0 : 255;
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(lum, r.width, r.height)));
  return new QRCodeReader().decode(bitmap).getText();
}
