import { z } from 'zod';
import { method } from './define';
import { emptyInput, idSchema, isoTimeSchema } from './common';
import { paymentChannelSchema } from '../payments/channel';
import { scanSourceSchema } from '../scan/types';

/**
 * Devices: serial scanner and printer states, the scan pipeline (serial, keyboard-wedge and camera scans,
 * de-duplicated, each classified), and persisted print jobs. Managers configure and test; cashiers report
 * scans and print.
 */

export const deviceIdSchema = z.enum(['scanner', 'printer']);
export type DeviceId = z.infer<typeof deviceIdSchema>;

/**
 * connecting / connected / reconnecting (unplugged: retrying with backoff) / error (cannot open: retrying
 * more slowly, see reason) / stopped / virtual (no printer configured: receipts become preview files) /
 * not-configured (no serial scanner: wedge and camera still work).
 */
export const deviceConnectionSchema = z.enum(['connecting', 'connected', 'reconnecting', 'error', 'stopped', 'virtual', 'not-configured']);

export const deviceStateViewSchema = z.strictObject({
  id: deviceIdSchema,
  path: z.string().max(256).nullable(),
  state: deviceConnectionSchema,
  /** Why it is not connected (open error, unplugged, path already in use...). */
  reason: z.string().max(300).nullable(),
  retryInMs: z.number().int().nonnegative().nullable(),
  /** Printer only: what keeps it from printing right now (out of paper, cover open, offline, no reply). */
  problem: z.string().max(300).nullable(),
  since: isoTimeSchema,
});
export type DeviceStateView = z.infer<typeof deviceStateViewSchema>;

/** What a scan looks like: a payment code (and whose), a retail product barcode (EAN/UPC), or unknown. */
export const scanClassificationSchema = z.strictObject({
  kind: z.enum(['payment', 'product', 'unknown']),
  channel: paymentChannelSchema.nullable(),
  /** For non-payment scans: why it is not a payment code. */
  detail: z.string().max(200).nullable(),
});
export type ScanClassification = z.infer<typeof scanClassificationSchema>;

/** A scan as listed in the test view: payment codes masked. */
export const scanSummarySchema = z.strictObject({
  seq: z.number().int().positive(),
  source: scanSourceSchema,
  deviceId: z.string().min(1).max(64),
  /** The code for display (payment codes masked). */
  display: z.string().max(512),
  symbology: z.string().max(3).nullable(),
  /** Epoch ms on the source's clock. */
  at: z.number().int().nonnegative(),
  receivedAt: isoTimeSchema,
  classification: scanClassificationSchema,
  /** Taken while a test-scan window was open: screens do not act on it. */
  test: z.boolean(),
});
export type ScanSummary = z.infer<typeof scanSummarySchema>;

/**
 * The `scan` event: one per accepted (not duplicate) scan. It carries the full code because the screen
 * decides what the scan means (a payment code starts the payment); it is never stored or logged in full.
 */
/** The code (and display) of a scan the device read but could not frame: odd bytes, cut short, too long. */
export const UNREADABLE_SCAN = '(unreadable)';

export const scanEventPayloadSchema = scanSummarySchema.extend({ code: z.string().min(1).max(512) });
export type ScanEventPayload = z.infer<typeof scanEventPayloadSchema>;

/**
 * queued: waiting for the printer (reason says why) · printing: being written · printed · uncertain: it may
 * or may not have come out (the app stopped or the printer failed mid-receipt): the cashier decides to print
 * it again (retry) or dismiss it · dismissed.
 */
export const PRINT_JOB_STATES = ['queued', 'printing', 'printed', 'uncertain', 'dismissed'] as const;
export const printJobStateSchema = z.enum(PRINT_JOB_STATES);
export type PrintJobState = z.infer<typeof printJobStateSchema>;

/** sale / refund: a sale's or a refund's own receipt (one each) · copy: a marked reprint of either · test. */
export const printJobKindSchema = z.enum(['sale', 'refund', 'copy', 'test']);

export const printJobViewSchema = z.strictObject({
  id: idSchema,
  kind: printJobKindSchema,
  saleId: idSchema.nullable(),
  /** Refund receipts and their copies: the refund. */
  refundId: idSchema.nullable(),
  /** The sale number, or a refund's own number (`<sale number>-R<n>`). */
  receiptNo: z.string().max(64).nullable(),
  /** For copies: 1 for the first copy, ... */
  copyNumber: z.number().int().positive().nullable(),
  state: printJobStateSchema,
  reason: z.string().max(300).nullable(),
  attempts: z.number().int().nonnegative(),
  /** Where it was printed: a serial path, or `virtual`. */
  target: z.string().max(300).nullable(),
  createdAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  printedAt: isoTimeSchema.nullable(),
});
export type PrintJobView = z.infer<typeof printJobViewSchema>;

export const previewLineSchema = z.strictObject({ text: z.string().max(400), bold: z.boolean(), size: z.enum(['normal', 'tall', 'double']) });
export type PreviewLineView = z.infer<typeof previewLineSchema>;

export const printResultSchema = z.strictObject({
  job: printJobViewSchema,
  /** The receipt as monospace lines (the same layout as the printout). */
  // 500 lines of long names wrapped on 58 mm paper stay well under this.
  preview: z.array(previewLineSchema).max(20_000),
  /** Virtual printer: the preview text file written for this job. */
  file: z.string().max(1024).nullable(),
});
export type PrintResult = z.infer<typeof printResultSchema>;

export const portsViewSchema = z.strictObject({
  /** unavailable: the system cannot list ports here (no udevadm, sandbox): type the path by hand. */
  discovery: z.enum(['available', 'unavailable']),
  reason: z.string().max(300).nullable(),
  ports: z
    .array(
      z.strictObject({
        path: z.string().max(256),
        manufacturer: z.string().max(128).nullable(),
        vendorId: z.string().max(16).nullable(),
        productId: z.string().max(16).nullable(),
        serialNumber: z.string().max(128).nullable(),
      }),
    )
    .max(256),
});
export type PortsView = z.infer<typeof portsViewSchema>;

export const scanReportInputSchema = z.strictObject({
  source: z.enum(['wedge', 'camera']),
  /** `wedge`, or the camera's label/id. */
  deviceId: z.string().trim().min(1).max(64),
  code: z.string().trim().min(1).max(512),
  /** AIM-style id when the decoder knows it (`]Q1` QR, `]C0` Code 128). */
  symbology: z
    .string()
    .regex(/^\][A-Za-z][0-9A-Za-z]$/)
    .optional(),
  at: z.number().int().nonnegative(),
});

const jobRef = z.strictObject({ jobId: idSchema });
/** A paid sale's receipt, or a completed refund's receipt. */
const receiptRef = z.union([z.strictObject({ saleId: idSchema }), z.strictObject({ refundId: idSchema })]);

export const deviceMethods = {
  /** Scanner and printer states (what the status bar and the Devices screen show). */
  'devices.status': method('cashier', emptyInput, z.array(deviceStateViewSchema)),
  /** Serial ports the system can list, or why it cannot (then type the path). */
  'devices.ports': method('manager', emptyInput, portsViewSchema),
  /** Prints a test receipt (Chinese text, ￥, QR, cut) on the configured printer; returns its preview. */
  'devices.testPrint': method('manager', emptyInput, printResultSchema),
  /** Opens (seconds > 0) or closes (0) a test-scan window and returns the recent scans. */
  'devices.testScan': method(
    'manager',
    z.strictObject({ seconds: z.number().int().min(0).max(600).default(120) }).default({ seconds: 120 }),
    z.strictObject({ testUntil: isoTimeSchema.nullable(), scans: z.array(scanSummarySchema).max(100) }),
  ),
  /** The last scans from every source, newest first. */
  'devices.recentScans': method('manager', emptyInput, z.array(scanSummarySchema).max(100)),
  /** Prints a paid sale's or a completed refund's receipt (once: asking again returns the same job). */
  'devices.printReceipt': method('cashier', receiptRef, printResultSchema),
  /** Prints a copy of a sale's or a refund's receipt, marked as such and numbered. */
  'devices.reprint': method('cashier', receiptRef, printResultSchema),
  /** Print jobs, newest first; `open` = queued, printing or uncertain only. */
  'devices.printJobs': method(
    'cashier',
    z.strictObject({ saleId: idSchema.optional(), open: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(50) }).default({ open: false, limit: 50 }),
    z.array(printJobViewSchema),
  ),
  /**
   * "No sale": opens the cash drawer with no money moving (change for a customer, a wrong float), with the
   * reason on record (audit log). `sent`: the pulse went to the printer the drawer hangs on; otherwise
   * `message` says why not (no printer, printer not connected) and the drawer's key opens it.
   */
  'devices.openDrawer': method(
    'cashier',
    z.strictObject({ reason: z.string().trim().min(1).max(200).regex(/^[^\p{Cc}]*$/u, 'no control characters') }),
    z.strictObject({ sent: z.boolean(), message: z.string().max(300) }),
  ),
  /** A queued job: try now. An uncertain job: the cashier saw it did not come out: print it again. */
  'devices.retryJob': method('cashier', jobRef, printJobViewSchema),
  /** An uncertain or queued job: do not print it. */
  'devices.dismissJob': method('cashier', jobRef, printJobViewSchema),
  /** A keyboard-wedge or camera scan from a screen; duplicates within the window are not accepted. */
  'scan.report': method('cashier', scanReportInputSchema, z.strictObject({ accepted: z.boolean(), scan: scanEventPayloadSchema.nullable() })),
} as const;

export const deviceEventSchemas = {
  'device.state': deviceStateViewSchema,
  scan: scanEventPayloadSchema,
  'print.job': printJobViewSchema,
} as const;
