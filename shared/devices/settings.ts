import { z } from 'zod';
import { parsePrinterPath } from './printer-path';

/**
 * The `devices` settings section (flat, so a patch can change one field). Empty paths mean "none": no
 * serial scanner (keyboard-wedge and camera scanning still work) and no serial printer (receipts go to the
 * virtual printer, which saves each one as a preview file and shows it on screen).
 */

/** A device path: empty (none), an absolute path (`/dev/ttyUSB0`, `/dev/serial/by-id/...`) or `COM3`. */
export const devicePathSchema = z
  .string()
  .trim()
  .max(255)
  .regex(/^(|\/[\x21-\x7e]{1,254}|COM\d{1,3})$/, 'an absolute device path (/dev/ttyUSB0) or COMn, or empty for none');

/**
 * A printer path: empty (virtual printer), a serial path as for the scanner, a raw device file
 * (`/dev/usb/lp0`, `/dev/lp0`) or a network printer `tcp://host[:port]` (port 9100 by default).
 */
export const printerPathSchema = z
  .string()
  .trim()
  .max(255)
  .superRefine((value, ctx) => {
    const parsed = parsePrinterPath(value);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  });

export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;
const baudSchema = z.literal(BAUD_RATES);

export const devicesSettingsSchema = z.strictObject({
  /** Serial / USB-CDC scanner; '' = none. */
  scannerPath: devicePathSchema,
  scannerBaud: baudSchema,
  /** What the scanner sends after each code ('none': a pause ends the code). */
  scannerSuffix: z.enum(['cr', 'lf', 'crlf', 'none']),
  /** Strip a leading AIM symbology id (]C0, ]E0, ]Q1) and report it with the scan. */
  stripAim: z.boolean(),
  /**
   * ESC/POS printer: a serial port, a raw device file (/dev/usb/lp0), or tcp://host[:port];
   * '' = virtual printer (preview files under <dataDir>/receipts).
   */
  printerPath: printerPathSchema,
  printerBaud: baudSchema,
  /** gb18030: Chinese printer; pc437: single-byte printer without a Chinese font. */
  printerCodepage: z.enum(['gb18030', 'pc437']),
  /** Send FS & (two-byte mode) at the start of each job; off for printers that start in it and reject FS &. */
  printerTwoByteMode: z.boolean(),
  printerCut: z.enum(['full', 'partial', 'none']),
  /** native: the printer's QR engine (GS ( k); raster: a bitmap for printers without one. */
  printerQr: z.enum(['native', 'raster']),
  /** Cash drawer connector pin: 0 = pin 2, 1 = pin 5. */
  drawerPin: z.union([z.literal(0), z.literal(1)]),
  paperWidth: z.union([z.literal(58), z.literal(80)]),
  /** Print the receipt as soon as a sale is paid. */
  autoPrint: z.boolean(),
  /** Keyboard-wedge scanner detection (typing bursts) on the screens that take scans. */
  wedgeEnabled: z.boolean(),
  /** Largest gap between two characters of one scan. */
  wedgeMaxIntervalMs: z.number().int().min(5).max(100),
  /** Silence after which a burst is over (≥ wedgeMaxIntervalMs). */
  wedgeEndGapMs: z.number().int().min(5).max(500),
  /** Fewest characters that make a scan. */
  wedgeMinLength: z.number().int().min(3).max(64),
  /** Camera for scanning (a MediaDeviceInfo.deviceId); '' = the default camera. */
  cameraDeviceId: z.string().max(256),
  /** The same code from any source within this window counts once. */
  dedupeWindowMs: z.number().int().min(0).max(10_000),
});
export type DevicesSettings = z.infer<typeof devicesSettingsSchema>;

export const DEFAULT_DEVICES_SETTINGS: DevicesSettings = {
  scannerPath: '',
  scannerBaud: 9600,
  scannerSuffix: 'cr',
  stripAim: true,
  printerPath: '',
  printerBaud: 9600,
  printerCodepage: 'gb18030',
  printerTwoByteMode: true,
  printerCut: 'partial',
  printerQr: 'native',
  drawerPin: 0,
  paperWidth: 58,
  autoPrint: true,
  wedgeEnabled: true,
  wedgeMaxIntervalMs: 30,
  wedgeEndGapMs: 40,
  wedgeMinLength: 6,
  cameraDeviceId: '',
  dedupeWindowMs: 800,
};
