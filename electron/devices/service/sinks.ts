import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blockingReason, type StatusReading } from '../escpos/status';
import { type DrawerOutcome, type SerialPrinter } from '../serial/printer';
import { KEEP_RECEIPT_FILES, pruneReceiptFiles } from './receipt-files';

/**
 * Where a print job goes: a serial ESC/POS printer, or the virtual printer (no printer configured), which
 * saves the raw bytes (.bin) and the preview (.txt) under `<dataDir>/receipts/`, keeping the newest
 * receipts only (receipt-files.ts).
 */

export type SinkJob = { id: string; name: string; bytes: Buffer; previewText: string[] };

export type SinkOutcome =
  | { ok: true; file: string | null }
  /** Nothing was written: the job stays queued. `maybePrinted`: bytes went out, the result is unknown. */
  | { ok: false; maybePrinted: boolean; reason: string; problem: string | null };

/** The drawer pulse both ways: ESC p (printer ready) and DLE DC4 1 (executed at once, even offline). */
export type DrawerBytes = { pulse: Buffer; realtime: Buffer };

export type PrintSink = {
  /** The printer's path, or `virtual`. */
  readonly target: string;
  print(job: SinkJob): Promise<SinkOutcome>;
  /** Opens the cash drawer on this printer's drawer port (virtual printers have none). */
  openDrawer?(bytes: DrawerBytes): Promise<DrawerOutcome>;
  /** What currently keeps the printer from printing (null: ready); virtual printers have no status. */
  problem?(): Promise<string | null>;
};

const PROBLEM_TEXT = {
  offline: 'printer is offline',
  'paper-end': 'printer is out of paper',
  'cover-open': 'printer cover is open',
  error: 'printer reports an error (cutter jam or overheated head?)',
  unknown: 'printer does not answer status requests',
} as const;

/** Human text for a status reading, or null when the printer can print. */
export function problemOf(status: StatusReading): string | null {
  const reason = blockingReason(status);
  if (reason === null) return null;
  return reason === 'unknown' && !status.known ? `${PROBLEM_TEXT.unknown} (${status.reason})` : PROBLEM_TEXT[reason];
}

export function serialSink(printer: SerialPrinter, path: string): PrintSink {
  return {
    target: path,
    openDrawer: (bytes) => printer.openDrawer(bytes.pulse, bytes.realtime),
    async print(job) {
      const outcome = await printer.print(job.bytes);
      if (!outcome.ok) {
        if (outcome.reason === 'write-failed') {
          // Bytes may have reached the printer before the failure (unplugged mid-receipt).
          return { ok: false, maybePrinted: true, reason: `printing was cut off: ${outcome.message}`, problem: 'printer disconnected while printing' };
        }
        const problem = problemOf(outcome.status) ?? outcome.message;
        return { ok: false, maybePrinted: false, reason: problem, problem };
      }
      // A write-only device cannot tell: the job counts as printed once the bytes were taken.
      if (!printer.readsStatus) return { ok: true, file: null };
      // The job left the port; ask again so paper running out (or the printer dying) mid-receipt is caught.
      const after = await printer.status();
      const problem = problemOf(after);
      if (problem !== null) return { ok: false, maybePrinted: true, reason: `after printing: ${problem}: the receipt may be incomplete`, problem };
      return { ok: true, file: null };
    },
    async problem() {
      if (!printer.readsStatus) return null;
      return problemOf(await printer.status());
    },
  };
}

/** File-name-safe version of a receipt number. */
const safe = (s: string): string => s.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, 64) || 'receipt';

export function virtualFileBase(dir: string, job: { id: string; name: string }): string {
  return join(dir, `${safe(job.name)}-${job.id}`);
}

/** The virtual printer's folder is pruned after its first receipt and then every this many. */
const PRUNE_EVERY = 50;

export function virtualSink(dir: string, keep = KEEP_RECEIPT_FILES): PrintSink {
  let printed = 0;
  let pruning = false;
  // Off the print's path (not awaited) and one at a time; pruning never fails a print.
  const prune = (): void => {
    if (pruning) return;
    pruning = true;
    void pruneReceiptFiles(dir, keep).finally(() => (pruning = false));
  };
  return {
    target: 'virtual',
    async print(job) {
      const base = virtualFileBase(dir, job);
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(`${base}.bin`, job.bytes);
        await writeFile(`${base}.txt`, `${job.previewText.join('\n')}\n`, 'utf8');
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        return { ok: false, maybePrinted: false, reason: `cannot save the receipt file: ${message}`, problem: 'receipt folder not writable' };
      }
      if (printed++ % PRUNE_EVERY === 0) prune();
      return { ok: true, file: `${base}.txt` };
    },
  };
}
