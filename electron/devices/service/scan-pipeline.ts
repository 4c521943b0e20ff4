import { classifyPaymentCode, maskPaymentCode, normalisePaymentCode, type ClassifierOptions } from '../../../shared/payments/code';
import { createScanDeduper, type ScanDeduper } from '../../../shared/scan/dedupe';
import { type ScanEvent } from '../../../shared/scan/types';
import { type ScanClassification, type ScanEventPayload, type ScanSummary, UNREADABLE_SCAN } from '../../../shared/api/devices';
import { type Settings } from '../../../shared/settings';

/**
 * The one scan pipeline: serial scans (from the host's scanner driver), keyboard-wedge and camera scans
 * (reported by screens) are de-duplicated across sources, classified, kept in a short in-memory history for
 * the test view (payment codes masked), and emitted once each as a `scan` event. The screen decides what
 * a scan means.
 */

export const RECENT_SCANS = 50;

export type ScanPipelineDeps = {
  now(): number;
  iso(): string;
  settings(): Settings;
  emit(payload: ScanEventPayload): void;
};

export type ScanPipeline = {
  /** The event for an accepted scan, or null for a duplicate. */
  accept(event: ScanEvent): ScanEventPayload | null;
  /**
   * A scan the device read but could not frame (odd bytes, cut short): listed and emitted like a scan that
   * is no code at all (`unknown`, the reason in `detail`), so the screen says it did not read.
   */
  unreadable(event: Omit<ScanEvent, 'code' | 'symbology'>, reason: string): ScanEventPayload;
  recent(): ScanSummary[];
  /**
   * Opens a test window for `seconds` (0 closes it) on behalf of `owner` (the connection asking); returns
   * when it ends, or null. Opening again (any owner) replaces the window.
   */
  openTestWindow(seconds: number, owner?: string): string | null;
  /** Closes the test window if `owner` opened it: its connection went away or its session ended. */
  closeTestWindowOf(owner: string): void;
};

/** GS1 check digit of EAN-8 / UPC-A / EAN-13 / GTIN-14. */
export function isRetailBarcode(code: string): boolean {
  if (!/^\d+$/.test(code) || ![8, 12, 13, 14].includes(code.length)) return false;
  const digits = [...code].map(Number);
  const check = digits.pop() ?? -1;
  let sum = 0;
  digits.reverse().forEach((d, i) => (sum += d * (i % 2 === 0 ? 3 : 1)));
  return (10 - (sum % 10)) % 10 === check;
}

export function classifyScan(code: string, symbology: string | undefined, options: ClassifierOptions): ScanClassification {
  const payment = classifyPaymentCode(code, options);
  if (payment.ok) return { kind: 'payment', channel: payment.channel, detail: null };
  const normalised = normalisePaymentCode(code);
  const ean = symbology !== undefined && /^\]E/.test(symbology);
  if (ean || isRetailBarcode(normalised)) return { kind: 'product', channel: null, detail: payment.message };
  return { kind: 'unknown', channel: null, detail: payment.message };
}

/**
 * What the test view shows: payment codes masked, control characters (a QR may hold any) made visible. A
 * scan that is not a payable code may still hold one (a wallet switched off, two codes run together, a
 * stray character): every run of 15 or more digits is masked too (retail barcodes have at most 14).
 */
function display(code: string, c: ScanClassification): string {
  if (c.kind === 'payment') return maskPaymentCode(normalisePaymentCode(code));
  const visible = [...code].map((ch) => ((ch.codePointAt(0) ?? 0) < 0x20 || ch === '\u007f' ? '\u2424' : ch)).join('');
  // Full-width digits (a Chinese input method) are digits too: a code typed that way is masked the same.
  return visible.replace(/[0-9\uFF10-\uFF19]{15,}/g, (run) => maskPaymentCode(normalisePaymentCode(run))).slice(0, 512);
}

export function createScanPipeline(deps: ScanPipelineDeps): ScanPipeline {
  let windowMs = -1;
  let deduper: ScanDeduper | null = null;
  let seq = 0;
  let testUntil = 0;
  // Who opened the window: it must not outlive that screen's session (scans would be skipped as tests).
  let testOwner: string | undefined;
  const history: ScanSummary[] = [];

  const currentDeduper = (): ScanDeduper => {
    const wanted = deps.settings().devices.dedupeWindowMs;
    if (!deduper || wanted !== windowMs) {
      windowMs = wanted;
      deduper = createScanDeduper({ windowMs, now: deps.now });
    }
    return deduper;
  };

  /** Kept in the history (newest first) and emitted as the `scan` event. */
  const publish = (summary: ScanSummary, code: string): ScanEventPayload => {
    history.unshift(summary);
    history.length = Math.min(history.length, RECENT_SCANS);
    const payload: ScanEventPayload = { ...summary, code };
    deps.emit(payload);
    return payload;
  };

  return {
    accept(event) {
      if (!currentDeduper().accept(event)) return null;
      const classification = classifyScan(event.code, event.symbology, deps.settings().payments.wallets);
      const summary: ScanSummary = {
        seq: ++seq,
        source: event.source,
        deviceId: event.deviceId,
        display: display(event.code, classification),
        symbology: event.symbology ?? null,
        at: event.at,
        receivedAt: deps.iso(),
        classification,
        test: deps.now() < testUntil,
      };
      return publish(summary, event.code);
    },
    unreadable(event, reason) {
      const summary: ScanSummary = {
        seq: ++seq,
        source: event.source,
        deviceId: event.deviceId,
        display: UNREADABLE_SCAN,
        symbology: null,
        at: event.at,
        receivedAt: deps.iso(),
        classification: { kind: 'unknown', channel: null, detail: `unreadable scan: ${reason}`.slice(0, 200) },
        test: deps.now() < testUntil,
      };
      return publish(summary, UNREADABLE_SCAN);
    },
    recent: () => history.map((s) => ({ ...s, classification: { ...s.classification } })),
    openTestWindow(seconds, owner) {
      testUntil = seconds > 0 ? deps.now() + seconds * 1000 : 0;
      testOwner = testUntil > 0 ? owner : undefined;
      return testUntil > 0 ? new Date(testUntil).toISOString() : null;
    },
    closeTestWindowOf(owner) {
      if (testOwner !== owner) return;
      testUntil = 0;
      testOwner = undefined;
    },
  };
}
