import { existsSync } from 'node:fs';
import { isoAt } from '../../clock';
import { inTransaction, stmt } from '../../db/stmt';
import { uuidv7 } from '../../ids';
import { appendAudit } from '../../services/audit';
import { type RecordSink } from '../../services/records';
import { type HostContext } from '../../api/context';
import { PosError } from '../../../shared/api/result';
import { type PrintJobView, type PrintResult } from '../../../shared/api/devices';
import { type SaleView } from '../../../shared/sales/views';
import { type Receipt } from '../../../shared/receipt/model';
import { findRefundJob, findSaleJob, getJob, insertJob, jobView, listJobs, nextCopyNumber, transition, type PrintJobKind, type PrintJobRow } from './jobs-repo';
import { type PrintQueue } from './print-queue';
import { isReceiptable, previewLines, saleReceipt, storedReceipt, testReceipt } from './receipts';
import { loadRefund, refundComplete, refundReceipt, refundReceiptProblem } from './refund-receipt';
import { virtualFileBase } from './sinks';

/**
 * What cashiers and managers ask of the printer: a sale's or a refund's receipt (once each), a marked
 * copy, a test page, the job list, retry and dismiss. Every request is a persisted job printed by the
 * queue; a sale or refund is never touched by anything that happens here.
 */

/** Which receipt: a paid sale's, or a completed refund's. */
export type ReceiptRef = { saleId: string } | { refundId: string };

export type PrintingDeps = {
  ctx: HostContext;
  queue: PrintQueue;
  receiptsDir: string;
  /** False while the print_jobs table is missing (a database the migrations did not reach). */
  available: boolean;
  getSale(saleId: string): SaleView;
  onJob(view: PrintJobView): void;
};

export type Printing = ReturnType<typeof createPrinting>;

export function createPrinting(deps: PrintingDeps) {
  const { ctx, queue } = deps;
  const db = ctx.db;
  const now = (): string => isoAt(ctx.clock);
  const requireAvailable = (): void => {
    if (!deps.available) throw new PosError('DEVICE_ERROR', 'printing is unavailable: the database lacks the print_jobs table (migration 0003)');
  };

  const userName = (id: string | null): string => {
    if (id === null) return '';
    const row = stmt(db, 'SELECT name FROM users WHERE id = ?').get(id) as { name: string } | undefined;
    return row?.name ?? id;
  };

  type Owner = { saleId: string | null; refundId?: string };
  const insert = (kind: PrintJobKind, receipt: Receipt, owner: Owner, copyNumber: number | null, actor: string | null, announce = true): PrintJobRow => {
    const row = insertJob(db, {
      id: uuidv7(ctx.clock.now()),
      kind,
      saleId: owner.saleId,
      refundId: owner.refundId ?? null,
      receiptNo: kind === 'test' ? null : receipt.saleNo,
      copyNumber,
      receiptJson: JSON.stringify(receipt),
      requestedBy: actor,
      at: now(),
    });
    if (announce) deps.onJob(jobView(row));
    return row;
  };

  /** The job after the queue had a go at it (printed, or still queued with the reason). */
  const attempt = async (row: PrintJobRow): Promise<PrintJobRow> => {
    if (row.state === 'queued') await queue.kick();
    return getJob(db, row.id) ?? row;
  };

  const result = (row: PrintJobRow): PrintResult => {
    const receipt = storedReceipt(row.receipt_json);
    const file = row.target === 'virtual' ? `${virtualFileBase(deps.receiptsDir, { id: row.id, name: row.receipt_no ?? row.kind })}.txt` : null;
    return {
      job: jobView(row),
      preview: receipt ? previewLines(receipt, ctx.settings().devices.paperWidth) : [],
      file: file !== null && existsSync(file) ? file : null,
    };
  };

  const requireRow = (jobId: string): PrintJobRow => {
    const row = getJob(db, jobId);
    if (!row) throw new PosError('NOT_FOUND', 'no such print job');
    return row;
  };

  /** The sale's original receipt job, created once (a paid event and a button may both ask). */
  const ensureSaleJob = (saleId: string, actor: string | null, announce = true): PrintJobRow =>
    inTransaction(db, () => {
      const existing = findSaleJob(db, saleId);
      if (existing) return existing;
      const sale = deps.getSale(saleId);
      return insert('sale', saleReceipt(sale, ctx.settings(), userName(sale.cashierId)), { saleId }, null, actor, announce);
    });

  /** A completed refund's receipt job, created once (progress events repeat; a button may ask too). */
  const ensureRefundJob = (refundId: string, actor: string | null, announce = true): PrintJobRow =>
    inTransaction(db, () => {
      const existing = findRefundJob(db, refundId);
      if (existing) return existing;
      const src = loadRefund(db, refundId, deps.getSale);
      return insert('refund', refundReceipt(src, ctx.settings(), userName), { saleId: src.sale.id, refundId }, null, actor, announce);
    });

  const ensureJob = (ref: ReceiptRef, actor: string | null): PrintJobRow => ('saleId' in ref ? ensureSaleJob(ref.saleId, actor) : ensureRefundJob(ref.refundId, actor));

  /** A numbered copy of a sale's or a refund's receipt. */
  const insertCopy = (ref: ReceiptRef, actor: string): PrintJobRow =>
    inTransaction(db, () => {
      if ('refundId' in ref) {
        const src = loadRefund(db, ref.refundId, deps.getSale);
        const problem = refundReceiptProblem(src);
        if (problem !== null) throw new PosError('INVALID_STATE', `${problem}: nothing to reprint`);
        const n = nextCopyNumber(db, src.sale.id, ref.refundId);
        appendAudit(db, now(), actor, 'print.reprint', { saleId: src.sale.id, refundId: ref.refundId, copyNumber: n });
        return insert('copy', refundReceipt(src, ctx.settings(), userName, n), { saleId: src.sale.id, refundId: ref.refundId }, n, actor);
      }
      const sale = deps.getSale(ref.saleId);
      if (!isReceiptable(sale)) throw new PosError('INVALID_STATE', `sale ${sale.receiptNo} is ${sale.status}: nothing to reprint`);
      const n = nextCopyNumber(db, ref.saleId);
      appendAudit(db, now(), actor, 'print.reprint', { saleId: ref.saleId, copyNumber: n });
      return insert('copy', saleReceipt(sale, ctx.settings(), userName(sale.cashierId), n), { saleId: ref.saleId }, n, actor);
    });

  /** After the writer's commit: tell the UI about the job and start printing (unless it was rolled back). */
  const announceLater = (jobId: string): void => {
    setImmediate(() => {
      try {
        if (!db.open) return;
        const row = getJob(db, jobId);
        if (!row) return;
        deps.onJob(jobView(row));
        if (row.state === 'queued') void queue.kick();
      } catch (e) {
        ctx.log.error('cannot start printing a receipt', { jobId, error: e });
      }
    });
  };

  /**
   * Record sink: a completed sale's receipt job is written INSIDE the sale's own completing transaction, and
   * a refund's inside the transaction that lands its last part, so the money and its slip are one commit
   * (one wait for the disk, not two; a crash right after cannot lose the slip). A receipt that cannot be
   * built never holds up the money: its savepoint rolls back, the error is logged, and the `paid` /
   * `refund.progress` event tries again.
   */
  const receiptSink: RecordSink = (_db, record) => {
    if (record.kind === 'sale' && record.payload.status === 'completed') {
      autoQueue(`a completing sale ${record.id} (retried when it is paid)`, () => ensureSaleJob(record.id, null, false), (row) => announceLater(row.id));
      return;
    }
    const refundId = record.kind === 'refund' ? record.payload.refundId : undefined;
    if (typeof refundId !== 'string') return;
    // One record per part: only the part that completes the refund makes its job.
    autoQueue(
      `a completing refund ${refundId} (retried when it is complete)`,
      () => (refundComplete(db, refundId) ? ensureRefundJob(refundId, null, false) : null),
      (row) => announceLater(row.id),
    );
  };

  /** Auto-print: queue a receipt job (idempotent; `ensure` may decline with null) and act on it; never throws. */
  const autoQueue = (what: string, ensure: () => PrintJobRow | null, then: (row: PrintJobRow) => void): void => {
    try {
      if (!ctx.settings().devices.autoPrint || !deps.available) return;
      const row = ensure();
      if (row) then(row);
    } catch (e) {
      ctx.log.error(`cannot queue the receipt of ${what}`, { error: e });
    }
  };
  const kickIfQueued = (row: PrintJobRow): void => {
    if (row.state === 'queued') void queue.kick();
  };

  return {
    receiptSink,

    /** A sale just became paid: queue its receipt (idempotent) and start printing. Never throws. */
    onSalePaid(saleId: string): void {
      autoQueue(`a paid sale ${saleId}`, () => ensureSaleJob(saleId, null), kickIfQueued);
    },

    /**
     * A refund was completed (every part back with the customer): queue its receipt (idempotent) and start
     * printing. A cash part opens the drawer as the receipt prints. Voids print nothing. Never throws.
     */
    onRefundCompleted(refundId: string): void {
      autoQueue(`a completed refund ${refundId}`, () => ensureRefundJob(refundId, null), kickIfQueued);
    },

    async printReceipt(ref: ReceiptRef, actor: string): Promise<PrintResult> {
      requireAvailable();
      return result(await attempt(ensureJob(ref, actor)));
    },

    async reprint(ref: ReceiptRef, actor: string): Promise<PrintResult> {
      requireAvailable();
      return result(await attempt(insertCopy(ref, actor)));
    },

    async testPrint(actor: string): Promise<PrintResult> {
      requireAvailable();
      const n = (db.prepare("SELECT count(*) + 1 AS n FROM print_jobs WHERE kind = 'test'").get() as { n: number }).n;
      const row = insert('test', testReceipt(ctx.settings(), now(), userName(actor), n), { saleId: null }, null, actor);
      return result(await attempt(row));
    },

    jobs: (opts: { saleId?: string; open: boolean; limit: number }): PrintJobView[] => (deps.available ? listJobs(db, opts).map(jobView) : []),

    async retry(jobId: string, actor: string): Promise<PrintJobView> {
      requireAvailable();
      const row = requireRow(jobId);
      if (row.state === 'printed') throw new PosError('INVALID_STATE', 'this receipt was printed: ask for a copy (reprint) instead');
      if (row.state === 'dismissed') throw new PosError('INVALID_STATE', 'this job was dismissed');
      if (row.state === 'printing') throw new PosError('INVALID_STATE', 'this job is being printed right now');
      if (row.state === 'uncertain') {
        // The cashier checked: it did not come out. Only this makes an uncertain job print again.
        const requeued = db.transaction(() => {
          const r = transition(db, jobId, ['uncertain'], 'queued', now(), { reason: null });
          if (r) appendAudit(db, now(), actor, 'print.retryUncertain', { jobId });
          return r;
        })();
        if (!requeued) throw new PosError('CONFLICT', 'the job changed meanwhile; look again');
        deps.onJob(jobView(requeued));
      }
      return jobView(await attempt(requireRow(jobId)));
    },

    dismiss(jobId: string, actor: string): PrintJobView {
      requireAvailable();
      const row = db.transaction(() => {
        const r = transition(db, jobId, ['queued', 'uncertain'], 'dismissed', now(), { reason: `dismissed by ${userName(actor)}` });
        if (r) appendAudit(db, now(), actor, 'print.dismiss', { jobId });
        return r;
      })();
      if (!row) throw new PosError('INVALID_STATE', `a ${requireRow(jobId).state} job cannot be dismissed`);
      deps.onJob(jobView(row));
      return jobView(row);
    },
  };
}
