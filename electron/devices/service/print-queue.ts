import { type Db } from '../../db/open';
import { type Logger } from '../../log';
import { type Timers } from '../serial/port';
import { type Receipt } from '../../../shared/receipt/model';
import { type PrintJobView } from '../../../shared/api/devices';
import { jobView, markInterrupted, nextQueued, setQueuedReason, transition, type PrintJobRow } from './jobs-repo';
import { type DrawerBytes, type PrintSink } from './sinks';
import { storedReceipt } from './receipts';

/**
 * The print queue: one job at a time, oldest first, each exactly once.
 *
 * - queued → printing is committed before a byte is written; printing → printed after the printer took it.
 * - A printer that refuses (offline, paper out, cover open, no status reply) leaves the job queued with the
 *   reason; the queue tries again on `kick()` (printer reconnected, status recovered, a retry) and on a
 *   periodic poll while jobs wait. Jobs behind it wait too (the printer is blocked for all of them).
 * - Bytes that may have gone out without a clean finish (unplugged mid-receipt, paper ran out during the
 *   job) make the job `uncertain`: only the cashier's retry prints it again.
 */

export type PrintQueueDeps = {
  db: Db;
  log: Logger;
  now(): string;
  /** The printer to use now; null when one is configured but not connected. */
  sink(): PrintSink | null;
  /** Why `sink()` is null. */
  unavailableReason(): string;
  render(receipt: Receipt): { bytes: Buffer; previewText: string[] };
  /** The bytes that open the cash drawer on the configured pin (ESC p, and DLE DC4 1 for a printer in trouble). */
  renderDrawerPulse(): DrawerBytes;
  onJob(view: PrintJobView): void;
  /** What the last attempt learned about the printer (null: fine). */
  onProblem(problem: string | null): void;
  /** Called after each printed job with the file the virtual printer wrote, if any. */
  onPrinted?(jobId: string, file: string | null): void;
  timers: Timers;
  pollMs: number;
};

export type PrintQueue = {
  /** Marks jobs cut off by a crash as uncertain; call once at start. */
  recover(): void;
  /** Tries the queue now; resolves when this pass (and any pass asked for meanwhile) is over. */
  kick(): Promise<void>;
  /**
   * Opens the cash drawer once, between jobs (never inside a receipt's bytes), as soon as the printer is
   * free. Not a job: nothing is kept. A printer that cannot print (out of paper, cover open) still gets the
   * real-time pulse, executed at once; an absent one leaves the drawer shut (the cashier uses its key) rather
   * than springing it open minutes later. The virtual printer has no drawer.
   */
  pulseDrawer(why: string): Promise<void>;
  /** Stops polling; waits (at most `maxWaitMs`) for a job being written to finish. */
  stop(maxWaitMs: number): Promise<void>;
};

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createPrintQueue(deps: PrintQueueDeps): PrintQueue {
  const { db, log } = deps;
  let running: Promise<void> | null = null;
  let rerun = false;
  let stopped = false;
  let pollTimer: unknown = null;

  const emit = (row: PrintJobRow | null): void => {
    if (row) deps.onJob(jobView(row));
  };

  const schedulePoll = (): void => {
    if (stopped || pollTimer !== null) return;
    pollTimer = deps.timers.setTimeout(() => {
      pollTimer = null;
      void kick();
    }, deps.pollMs);
  };

  const printOne = async (row: PrintJobRow, sink: PrintSink): Promise<'next' | 'blocked'> => {
    const receipt = storedReceipt(row.receipt_json);
    if (!receipt) {
      emit(transition(db, row.id, ['queued'], 'dismissed', deps.now(), { reason: 'the stored receipt is not readable; it was not printed' }));
      return 'next';
    }
    let rendered: { bytes: Buffer; previewText: string[] };
    try {
      rendered = deps.render(receipt);
    } catch (e) {
      emit(transition(db, row.id, ['queued'], 'dismissed', deps.now(), { reason: `cannot render the receipt: ${messageOf(e)}` }));
      return 'next';
    }
    const printing = transition(db, row.id, ['queued'], 'printing', deps.now(), { attempt: true, target: sink.target });
    if (!printing) return 'next'; // dismissed or retried elsewhere meanwhile
    emit(printing);
    const outcome = await sink.print({ id: row.id, name: row.receipt_no ?? row.kind, bytes: rendered.bytes, previewText: rendered.previewText }).catch((e: unknown) => ({
      ok: false as const,
      maybePrinted: true,
      reason: `printer driver failed: ${messageOf(e)}`,
      problem: null,
    }));
    if (outcome.ok) {
      emit(transition(db, row.id, ['printing'], 'printed', deps.now(), { reason: null }));
      deps.onProblem(null);
      deps.onPrinted?.(row.id, outcome.file);
      return 'next';
    }
    deps.onProblem(outcome.problem);
    if (!outcome.maybePrinted) {
      emit(transition(db, row.id, ['printing'], 'queued', deps.now(), { reason: outcome.reason }));
      log.warn('print job waits', { jobId: row.id, reason: outcome.reason });
      return 'blocked';
    }
    emit(transition(db, row.id, ['printing'], 'uncertain', deps.now(), { reason: outcome.reason }));
    log.warn('print job uncertain', { jobId: row.id, reason: outcome.reason });
    return 'next';
  };

  let drawerWanted: string | null = null;
  const pulseIfWanted = async (): Promise<void> => {
    const why = drawerWanted;
    drawerWanted = null;
    if (why === null) return;
    const sink = deps.sink();
    if (!sink) return log.warn('cash drawer not opened: the printer it hangs on is not connected', { why });
    if (sink.target === 'virtual') return;
    const bytes = deps.renderDrawerPulse();
    if (!sink.openDrawer) {
      const printed = await sink.print({ id: `drawer-${Date.now()}`, name: 'drawer', bytes: bytes.pulse, previewText: [] }).catch((e: unknown) => ({ ok: false as const, reason: messageOf(e) }));
      if (!printed.ok) log.warn('cash drawer not opened', { why, reason: printed.reason });
      return;
    }
    const outcome = await sink.openDrawer(bytes).catch((e: unknown) => ({ ok: false as const, message: messageOf(e) }));
    if (!outcome.ok) log.warn('cash drawer not opened', { why, reason: outcome.message });
    else if (outcome.problem !== null) log.warn('cash drawer opened with the real-time pulse', { why, problem: outcome.problem });
  };

  const drain = async (): Promise<void> => {
    for (;;) {
      if (stopped) return;
      await pulseIfWanted();
      const row = nextQueued(db);
      if (!row) return;
      const sink = deps.sink();
      if (!sink) {
        emit(setQueuedReason(db, row.id, deps.unavailableReason(), deps.now()));
        schedulePoll();
        return;
      }
      if ((await printOne(row, sink)) === 'blocked') {
        schedulePoll();
        return;
      }
    }
  };

  const kick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      rerun = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          rerun = false;
          await drain();
        } while (rerun && !stopped);
      } catch (e) {
        // The database may be closing under a late write; the job stays `printing` and is recovered as uncertain.
        log.error('print queue failed', { error: e });
      } finally {
        running = null;
      }
    })();
    return running;
  };

  return {
    recover() {
      for (const row of markInterrupted(db, deps.now())) {
        log.warn('print job was interrupted by a stop; marked uncertain', { jobId: row.id });
        emit(row);
      }
    },
    kick,
    pulseDrawer(why) {
      drawerWanted = why;
      return kick();
    },
    async stop(maxWaitMs) {
      stopped = true;
      if (pollTimer !== null) deps.timers.clearTimeout(pollTimer);
      pollTimer = null;
      const current = running;
      if (!current) return;
      let timer: unknown = null;
      await Promise.race([current, new Promise<void>((resolve) => (timer = deps.timers.setTimeout(resolve, maxWaitMs)))]);
      deps.timers.clearTimeout(timer);
    },
  };
}
