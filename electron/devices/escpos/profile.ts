import { z } from 'zod';

/**
 * What we need to know about a receipt printer to talk to it.
 * - codepage `gb18030`: Chinese text as GB18030 two-byte characters. With `twoByteMode: true` the job
 *   enters two-byte (Chinese) mode with `FS &`; with `false` the printer is trusted to start in it (many
 *   Chinese models do, and some reject FS &).
 * - codepage `pc437`: single-byte printers without a Chinese font: the job leaves two-byte mode (`FS .`),
 *   selects code page 437 (`ESC t 0`) and prints non-ASCII characters as `?` placeholders.
 * - `drawerPin`: 0 = connector pin 2, 1 = pin 5.
 * - `qr`: `native` uses the printer's QR engine (GS ( k); `raster` prints a bitmap for printers without one.
 */
export const printerProfileSchema = z.strictObject({
  paperWidth: z.union([z.literal(58), z.literal(80)]),
  codepage: z.enum(['gb18030', 'pc437']),
  twoByteMode: z.boolean(),
  cut: z.enum(['full', 'partial', 'none']),
  drawerPin: z.union([z.literal(0), z.literal(1)]),
  qr: z.enum(['native', 'raster']),
});
export type PrinterProfile = z.infer<typeof printerProfileSchema>;

export const DEFAULT_PRINTER_PROFILE: PrinterProfile = {
  paperWidth: 58,
  codepage: 'gb18030',
  twoByteMode: true,
  cut: 'partial',
  drawerPin: 0,
  qr: 'native',
};

/** Printable dots per line (203 dpi heads): used to size raster images. */
export const PRINTABLE_DOTS: Record<PrinterProfile['paperWidth'], number> = { 58: 384, 80: 576 };
