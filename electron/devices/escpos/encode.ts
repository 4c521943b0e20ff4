import { columnsFor, formatRow, layoutReceipt, type Align, type LayoutOp, type ReceiptLayout, type TextSize } from '../../../shared/receipt/layout';
import { type Receipt } from '../../../shared/receipt/model';
import { type PrinterProfile, PRINTABLE_DOTS } from './profile';
import { qrBitmap, rasterCommand } from './raster-qr';
import { encodeText } from './text';

/**
 * Layout ops → ESC/POS bytes.
 *
 * Hand-written rather than built on a library (HARDWARE.md): @point-of-sale/receipt-printer-encoder only
 * knows single-byte code pages, so Chinese would need a GB18030 side path that bypasses its width logic;
 * receiptline has GB18030 but its own markup and raster-only QR. Our layout ops already carry resolved
 * lines (the CJK column math lives in shared/receipt), so the encoder is a dozen fixed commands, each
 * checked against the command tables by an independent decoder in the tests.
 */

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

export const CMD = {
  init: [ESC, 0x40],
  twoByteOn: [FS, 0x26],
  twoByteOff: [FS, 0x2e],
  codePage437: [ESC, 0x74, 0x00],
} as const;

const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };
/** GS ! n: high nibble = width multiplier − 1, low nibble = height multiplier − 1. */
const SIZE_CODE: Record<TextSize, number> = { normal: 0x00, tall: 0x01, double: 0x11 };
const ECC_CODE = { L: 48, M: 49, Q: 50, H: 51 } as const;
/** Drawer pulse: on 25 × 2 ms = 50 ms, off 250 × 2 ms = 500 ms (the usual solenoid timing). */
const DRAWER_ON = 25;
const DRAWER_OFF = 250;
const NO_CUT_FEED_LINES = 4;

type Style = { align: Align; bold: boolean; size: TextSize };

class EscPosWriter {
  private readonly chunks: Buffer[] = [];
  private style: Style | null = null;

  constructor(private readonly profile: PrinterProfile) {}

  bytes(...values: number[]): void {
    this.chunks.push(Buffer.from(values));
  }

  raw(buf: Buffer): void {
    this.chunks.push(buf);
  }

  /** Emits only the style commands that change. */
  setStyle(next: Style): void {
    const cur = this.style;
    if (!cur || cur.align !== next.align) this.bytes(ESC, 0x61, ALIGN_CODE[next.align]);
    if (!cur || cur.bold !== next.bold) this.bytes(ESC, 0x45, next.bold ? 1 : 0);
    if (!cur || cur.size !== next.size) this.bytes(GS, 0x21, SIZE_CODE[next.size]);
    this.style = next;
  }

  line(text: string, style: Style): void {
    this.setStyle(style);
    this.raw(encodeText(text, this.profile.codepage));
    this.bytes(LF);
  }

  result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function nativeQr(w: EscPosWriter, payload: string, moduleSize: number, ecc: keyof typeof ECC_CODE): void {
  const data = Buffer.from(payload, 'utf8');
  const storeLen = data.length + 3;
  if (storeLen > 0xffff) throw new RangeError('QR payload too long');
  w.bytes(GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 50, 0); // model 2
  w.bytes(GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, moduleSize); // module size in dots
  w.bytes(GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, ECC_CODE[ecc]); // error correction
  w.bytes(GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30); // store (fn 80)
  w.raw(data);
  w.bytes(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30); // print (fn 81)
  w.bytes(LF);
}

/**
 * Raster data is arbitrary bytes and may contain 10 04 n, which some printers execute as a real-time
 * status request even inside an image: the printer then sends an extra status byte, which the status
 * stream parser ignores when no request is pending (SerialPrinter never asks in the middle of a job).
 */
function rasterQr(w: EscPosWriter, profile: PrinterProfile, payload: string, moduleSize: number, ecc: keyof typeof ECC_CODE): void {
  let size = moduleSize;
  let bmp = qrBitmap(payload, ecc, size);
  // Shrink the modules until the symbol fits the printable width.
  while (bmp.width > PRINTABLE_DOTS[profile.paperWidth] && size > 1) bmp = qrBitmap(payload, ecc, --size);
  w.raw(rasterCommand(bmp));
  w.bytes(LF);
}

function encodeOp(w: EscPosWriter, profile: PrinterProfile, columns: number, op: LayoutOp): void {
  switch (op.op) {
    case 'text':
      w.line(op.text, { align: op.align, bold: op.bold, size: op.size });
      return;
    case 'row':
      w.line(formatRow(op.left, op.right, columnsFor(columns, op.size)), { align: 'left', bold: op.bold, size: op.size });
      return;
    case 'separator':
      w.line(op.char.repeat(columns), { align: 'left', bold: false, size: 'normal' });
      return;
    case 'feed':
      if (op.lines > 0) w.bytes(ESC, 0x64, Math.min(255, op.lines)); // ESC d n
      return;
    case 'qr':
      w.setStyle({ align: 'center', bold: false, size: 'normal' });
      if (profile.qr === 'native') nativeQr(w, op.payload, op.moduleSize, op.ecc);
      else rasterQr(w, profile, op.payload, op.moduleSize, op.ecc);
      return;
    case 'cut':
      // GS V 65/66 n: feed to the cutter (+ n motion units) then full (65) / partial (66) cut.
      if (profile.cut === 'full') w.bytes(GS, 0x56, 65, 0);
      else if (profile.cut === 'partial') w.bytes(GS, 0x56, 66, 0);
      else w.bytes(ESC, 0x64, NO_CUT_FEED_LINES); // no cutter: feed past the tear bar
      return;
    case 'drawer':
      w.bytes(ESC, 0x70, profile.drawerPin, DRAWER_ON, DRAWER_OFF); // ESC p m t1 t2
      return;
  }
}

/**
 * DLE DC4 1 m t: the drawer pulse a printer executes the moment it arrives, even offline, out of paper or
 * with its cover open (serial interface; ESC p would wait in its buffer and spring the drawer open once the
 * problem is cleared). t = 1: 100 ms on, 100 ms off.
 */
export function encodeRealtimeDrawerPulse(profile: Pick<PrinterProfile, 'drawerPin'>): Buffer {
  return Buffer.from([0x10, 0x14, 0x01, profile.drawerPin, 0x01]);
}

/** Encodes laid-out ops as one print job for the given printer. */
export function encodeLayout(layout: ReceiptLayout, profile: PrinterProfile): Buffer {
  const w = new EscPosWriter(profile);
  w.bytes(...CMD.init);
  if (profile.codepage === 'gb18030') {
    if (profile.twoByteMode) w.bytes(...CMD.twoByteOn);
  } else {
    w.bytes(...CMD.twoByteOff, ...CMD.codePage437);
  }
  for (const op of layout.ops) encodeOp(w, profile, layout.columns, op);
  return w.result();
}

/** Receipt → ESC/POS job. The printer's paper width wins over the receipt's. */
export function encodeReceipt(receipt: Receipt, profile: PrinterProfile): Buffer {
  return encodeLayout(layoutReceipt({ ...receipt, paperWidth: profile.paperWidth }), profile);
}
