import { isoAt } from '../../clock';
import { stmt } from '../../db/stmt';
import { appendAudit } from '../../services/audit';
import { uuidv7 } from '../../ids';
import { PosError } from '../../../shared/api/result';
import { SaleMathError, allocateRefund, businessDate } from '../../../shared/sales/money';
import { type Gateway, type RefundView } from '../../../shared/sales/views';
import { addTenderRefunded, getSale, getTender, listTenders, updateSale } from '../../sales/repo';
import { refuseOtherModeRefund } from '../../sales/training';
import { settleSale } from '../../sales/settle';
import { dueFen } from '../../sales/view';
import { getAttempt } from './attempts';
import { reportOutcome } from './connectivity-report';
import { type RefundDecision, decideRefund, decideRefundQuery } from './decide';
import { type Channels, type EngineDeps } from './engine';
import { type PartRow, type RefundRow, getPart, getRefund, insertPart, insertRefund, listOpenParts, listParts, listRefundsForSale, refundView, reservedByTender, unverifiedHeldFen, updatePart } from './refunds-repo';
import { createScheduler } from './scheduler';
import { SINGLE_USE_REFUND_NUMBERS } from '../channels/types';
import { getOpenShift } from '../../shifts/repo';
import { refuseCashBeyondDrawer } from '../../shifts/view';

/** Refunds run on the same services as payments. */
export type RefundDeps = EngineDeps;

/** The gateways the till had when asked, and the stamp of what they were built from then. */
export type ReachableGateways = { gateways: ReadonlySet<Gateway>; version: string | undefined };

export type RefundInput = { saleId: string; amountFen?: number; reason?: string; requestId?: string; purpose: 'refund' | 'void'; actor: string; authorizedBy: string };

/**
 * Does a request with an existing refund's id ask for that same refund? Undefined when it does, else what
 * differs. The money decides: the sale, the purpose and the amount. An omitted amount ("everything still
 * refundable") matches, since a retry of such a request finds less refundable than the first call did; the
 * reason is only a note, so a retry without it (or reworded) is still the same refund.
 */
function refundRequestDifference(existing: RefundRow, input: RefundInput): string | undefined {
  if (existing.sale_id !== input.saleId) return 'another sale';
  if (existing.purpose !== input.purpose) return `a ${existing.purpose}`;
  if (input.amountFen !== undefined && input.amountFen !== existing.amount_fen) return `${existing.amount_fen} fen, not ${input.amountFen}`;
  return undefined;
}

/**
 * Refunds: never more than was paid (reserved per tender inside the request's transaction), split over the
 * tenders newest first, one part per tender. A code part has its own refund number, fixed before the first
 * request and reused on every retry, so retrying never refunds twice. Cash parts are handed over at once.
 * Each succeeded part lands on the sale (and, for a completed sale, in the outbox) in one transaction.
 */
export function createRefunds(deps: RefundDeps) {
  const { db, clock } = deps;
  const at = (): string => isoAt(clock);
  let stopped = false;

  const emit = (refundId: string): void => {
    const r = getRefund(db, refundId);
    if (!r) return;
    deps.events.emit('refund.progress', refundView(db, r));
    const sale = getSale(db, r.sale_id);
    if (sale) deps.events.emit('sale.changed', { saleId: sale.id, status: sale.status, dueFen: dueFen(sale) });
  };

  /** Inside a transaction: the part's money is back with the customer. */
  function landPart(part: PartRow, refund: RefundRow, when: string, channelRefundId: string | null): void {
    updatePart(db, part.id, { state: 'succeeded', reason: null, channel_refund_id: channelRefundId }, when);
    addTenderRefunded(db, part.tender_id, part.amount_fen);
    const sale = getSale(db, refund.sale_id);
    if (!sale) throw new Error('refund without a sale');
    updateSale(db, sale.id, { refunded_fen: sale.refunded_fen + part.amount_fen }, when);
    settleSale(db, deps, sale.id, when);
    appendAudit(db, when, refund.authorized_by, 'refund.part', { refundId: refund.id, partId: part.id, kind: part.kind, amountFen: part.amount_fen });
    // Only a completed sale reached HQ; money given back on a voided, never-completed sale nets to zero there.
    if (refund.purpose !== 'refund') return;
    const tender = getTender(db, part.tender_id);
    const wallet = tender?.attempt_id ? getAttempt(db, tender.attempt_id)?.wallet : undefined;
    deps.records.committed(db, {
      kind: 'refund',
      id: part.id,
      // The day the money went back (as the drawer counts it), not the sale's: a closed day's totals stay put.
      businessDate: businessDate(Date.parse(when)),
      createdAt: when,
      payload: {
        saleId: sale.id,
        refundId: refund.id,
        receiptNo: sale.receipt_no,
        amountFen: part.amount_fen,
        reason: refund.reason ?? '',
        authorizedBy: refund.authorized_by,
        tenders: [part.kind === 'cash' ? { kind: 'cash', amountFen: part.amount_fen } : { kind: 'code', channel: wallet ?? 'code', amountFen: part.amount_fen }],
        ...(sale.training === 1 ? { training: true } : {}),
      },
    });
  }

  function apply(part: PartRow, d: RefundDecision): void {
    db.transaction(() => {
      const current = getPart(db, part.id);
      const refund = getRefund(db, part.refund_id);
      if (!current || !refund || current.state === 'succeeded' || current.state === 'failed') return;
      const when = at();
      if (d.kind === 'done') landPart(current, refund, when, d.refundId);
      else if (d.kind === 'failed') {
        updatePart(db, part.id, { state: 'failed', reason: d.reason, failureUnverified: d.unverified === true }, when);
        appendAudit(db, when, null, 'refund.failed', { refundId: refund.id, partId: part.id, reason: d.reason });
      } else updatePart(db, part.id, { state: d.kind === 'resend' ? 'created' : 'pending', reason: d.reason }, when);
    })();
    emit(part.refund_id);
    if (d.kind === 'poll' || d.kind === 'resend') scheduler.at(part.id, d.nextAt);
  }

  async function step(partId: string): Promise<void> {
    let channels: Channels | undefined;
    try {
      channels = await deps.channels();
    } catch {
      channels = undefined;
    }
    if (stopped) return;
    const part = getPart(db, partId);
    if (!part || part.state === 'succeeded' || part.state === 'failed' || part.refund_no === null) return;
    const tender = getTender(db, part.tender_id);
    const attempt = tender?.attempt_id ? getAttempt(db, tender.attempt_id) : undefined;
    if (!attempt) throw new Error(`refund part ${partId} has no payment attempt`);
    const channel = channels?.[attempt.gateway];
    const timing = deps.settings().payments.timings[attempt.gateway];
    if (!channel) return scheduler.at(partId, clock.now() + 5_000);
    const ref = { orderNo: attempt.order_no, refundNo: part.refund_no };
    const send = async (): Promise<RefundDecision | undefined> => {
      // Write-ahead: 'sent' is committed before the request; the refund number makes a resend harmless.
      db.transaction(() => updatePart(db, partId, { state: 'sent', addCalls: true }, at()))();
      const refund = getRefund(db, part.refund_id);
      const r = await channel.refund({ ...ref, totalFen: attempt.amount_fen, refundFen: part.amount_fen, reason: (refund?.reason ?? '').slice(0, 80) || undefined });
      if (stopped) return undefined;
      reportOutcome(deps.connectivity, attempt.gateway, r, 'refund');
      return decideRefund(r, { now: clock.now(), timing, expectedFen: part.amount_fen }, part.calls + 1);
    };
    let d: RefundDecision | undefined;
    if (part.state === 'created') d = await send();
    else {
      const q = await channel.queryRefund(ref);
      if (stopped) return;
      reportOutcome(deps.connectivity, attempt.gateway, q, 'refundQuery');
      // Every question counts toward the backoff: one stuck at the bank (CHANGE) is asked less and less often.
      stmt(db, 'UPDATE refund_parts SET calls = calls + 1 WHERE id = ?').run(partId);
      d = decideRefundQuery(q, { now: clock.now(), timing, expectedFen: part.amount_fen }, part.calls + 1);
      if (d.kind === 'resend') d = await send();
    }
    if (d) apply(part, d);
  }

  const scheduler = createScheduler(clock, deps.log, step);

  function requireRefund(id: string): RefundRow {
    const r = getRefund(db, id);
    if (!r) throw new PosError('NOT_FOUND', 'no such refund');
    return r;
  }

  /** Cash goes back from the drawer at once: with a shift open, never more than it should hold (as a cash out). */
  function refuseMoreCashThanTheDrawer(cashFen: number, purpose: RefundInput['purpose']): void {
    const shift = cashFen > 0 ? getOpenShift(db) : undefined;
    // A void gives back everything that was paid: only putting cash in first (a cash in) makes it fit.
    const then = purpose === 'void' ? ': record a cash in first, then void the sale' : ': take cash in first, or give back less';
    if (shift) refuseCashBeyondDrawer(db, shift, cashFen, `${cashFen} fen would go back in cash, but `, then);
  }

  /** Which gateways there are (a request timeout edited meanwhile changes none of them). */
  const routesVersion = (): string | undefined => (deps.routesVersion ?? deps.channelsVersion)?.();

  /** The gateways a code part could go to now (configured and buildable in this mode), as of `version`. */
  async function reachableGateways(): Promise<ReachableGateways> {
    const version = routesVersion();
    const channels = await deps.channels().catch(() => undefined);
    return { gateways: new Set((Object.keys(channels ?? {}) as Gateway[]).filter((g) => channels?.[g] !== undefined)), version };
  }

  /** A code part whose gateway the till does not have now could never leave: said at once, nothing recorded. */
  function refuseUnreachable(tenderId: string, reachable: ReachableGateways | undefined): void {
    if (!reachable) return;
    // Checked in the commit itself: gateways changed while they were being asked about (one removed by
    // another screen) may no longer be the ones this part would go to.
    if (routesVersion() !== reachable.version) throw new PosError('CHANNEL_ERROR', 'the payment gateways changed just now: try again');
    const tender = getTender(db, tenderId);
    const gateway = tender?.attempt_id ? getAttempt(db, tender.attempt_id)?.gateway : undefined;
    if (gateway && !reachable.gateways.has(gateway)) {
      throw new PosError('CHANNEL_ERROR', `the ${gateway} gateway this payment went through is not set up now: set it up (Payment gateways) to refund the code part`);
    }
  }

  function create(input: RefundInput, reachable?: ReachableGateways): { refund: RefundRow; created: boolean } {
    return db.transaction(() => {
      if (input.requestId) {
        const existing = getRefund(db, input.requestId);
        if (existing) {
          // A retry of the same request gets the refund it made; the same id for other money is refused.
          const differs = refundRequestDifference(existing, input);
          if (differs) throw new PosError('CONFLICT', `this request id was already used for a different refund (${differs})`);
          return { refund: existing, created: false };
        }
      }
      const sale = getSale(db, input.saleId);
      if (!sale) throw new PosError('NOT_FOUND', 'no such sale');
      refuseOtherModeRefund(sale.training === 1, deps.settings().terminal.mode === 'live');
      if (input.purpose === 'refund' && sale.completed_at === null) throw new PosError('INVALID_STATE', `the sale is ${sale.status}: only a paid sale can be refunded (void an unpaid one)`);
      const reserved = reservedByTender(db, sale.id);
      const tenders = listTenders(db, sale.id)
        .reverse()
        .map((t) => ({ id: t.id, kind: t.kind, refundableFen: t.amount_fen - (reserved.get(t.id) ?? 0) }));
      const refundable = tenders.reduce((s, t) => s + Math.max(0, t.refundableFen), 0);
      const amount = input.amountFen ?? refundable;
      if (refundable <= 0 || amount > refundable) {
        const held = unverifiedHeldFen(db, sale.id);
        const why = held > 0 ? ` (${held} fen is held by a refund the gateway refused without a signature: retry that refund, under its own number)` : '';
        throw new PosError('REFUND_EXCEEDS_PAID', `at most ${refundable} fen can still be refunded on this sale${why}`);
      }
      let parts: { tender: (typeof tenders)[number]; amountFen: number }[];
      try {
        parts = allocateRefund(tenders, amount);
      } catch (e) {
        if (e instanceof SaleMathError) throw new PosError('AMOUNT_INVALID', e.message);
        throw e;
      }
      for (const p of parts) if (p.tender.kind === 'code') refuseUnreachable(p.tender.id, reachable);
      refuseMoreCashThanTheDrawer(parts.reduce((sum, p) => sum + (p.tender.kind === 'cash' ? p.amountFen : 0), 0), input.purpose);
      const when = at();
      const refund: RefundRow = {
        id: input.requestId ?? uuidv7(clock.now()),
        sale_id: sale.id,
        purpose: input.purpose,
        amount_fen: amount,
        reason: input.reason ?? null,
        requested_by: input.actor,
        authorized_by: input.authorizedBy,
        created_at: when,
      };
      insertRefund(db, refund);
      appendAudit(db, when, input.actor, `${input.purpose}.request`, { refundId: refund.id, saleId: sale.id, amountFen: amount, authorizedBy: input.authorizedBy });
      for (const p of parts) {
        const id = uuidv7(clock.now());
        const refundNo = p.tender.kind === 'code' ? id.replaceAll('-', '') : null;
        insertPart(db, { id, refund_id: refund.id, tender_id: p.tender.id, kind: p.tender.kind, amount_fen: p.amountFen, refund_no: refundNo, state: 'created', created_at: when, updated_at: when });
        // Cash goes back over the counter now.
        if (p.tender.kind === 'cash') landPart(getPart(db, id) as PartRow, refund, when, null);
      }
      return { refund, created: true };
    })();
  }

  /**
   * Runs the first round of every open code part, so the caller sees the channels' first answers. For a
   * refund just made (`fresh`), the cash it hands back left the drawer with its commit: the drawer opens.
   */
  async function firstRound(refundId: string, fresh: boolean): Promise<RefundView> {
    const parts = listParts(db, refundId);
    if (fresh && parts.some((p) => p.kind === 'cash' && p.state === 'succeeded' && p.amount_fen > 0)) deps.cashMoved?.(`cash handed back by ${refundId}`);
    const open = parts.filter((p) => p.state !== 'succeeded' && p.state !== 'failed');
    await Promise.all(open.map((p) => scheduler.run(p.id)));
    emit(refundId);
    return refundView(db, requireRefund(refundId));
  }

  return {
    async request(input: RefundInput): Promise<RefundView> {
      const { refund, created } = create(input, await reachableGateways());
      if (!created) return refundView(db, refund);
      return firstRound(refund.id, true);
    },

    /**
     * Records a refund and its parts (cash parts landed) inside the caller's transaction, so it commits
     * with whatever made it owed (a void); `start` then sends its code parts. Recovery sends them too.
     */
    prepare: (input: RefundInput, reachable?: ReachableGateways): RefundRow => create(input, reachable).refund,
    /** The gateways a code part could go to now: `prepare`'s caller asks before its transaction. */
    reachable: (): Promise<ReachableGateways> => reachableGateways(),
    start: (refundId: string): Promise<RefundView> => firstRound(refundId, true),

    /** A failed part is sent again with its own refund number, if the sale can still give that much back. */
    async retry(refundId: string, actor: string, authorizedBy: string = actor): Promise<RefundView> {
      const refund = requireRefund(refundId);
      const reachable = await reachableGateways();
      db.transaction(() => {
        const sale = getSale(db, refund.sale_id);
        if (sale) refuseOtherModeRefund(sale.training === 1, deps.settings().terminal.mode === 'live');
        const failed = listParts(db, refundId).filter((p) => p.state === 'failed');
        const reserved = reservedByTender(db, refund.sale_id);
        for (const p of failed) {
          if (p.kind === 'code') refuseUnreachable(p.tender_id, reachable);
          const tender = getTender(db, p.tender_id);
          // An unverified failure already holds its amount (reservedByTender): it needs no more room.
          const own = p.failure_unverified === 1 ? p.amount_fen : 0;
          if (!tender || tender.amount_fen - ((reserved.get(p.tender_id) ?? 0) - own) < p.amount_fen) throw new PosError('REFUND_EXCEEDS_PAID', 'the tender has no room left for this part');
          reserved.set(p.tender_id, (reserved.get(p.tender_id) ?? 0) + p.amount_fen - own);
          // A part only fails on a definite answer (nothing moved under its number); a gateway that never
          // takes a number twice gets a fresh one, the others the same one again.
          const gateway = tender?.attempt_id ? getAttempt(db, tender.attempt_id)?.gateway : undefined;
          // A refusal nobody signed keeps the number: the gateway either never recorded it or says what it did.
          const fresh = gateway && SINGLE_USE_REFUND_NUMBERS.has(gateway) && p.failure_unverified !== 1 ? { refund_no: uuidv7(clock.now()).replaceAll('-', '') } : {};
          updatePart(db, p.id, { state: 'created', reason: null, ...fresh }, at());
        }
        appendAudit(db, at(), actor, 'refund.retry', { refundId, parts: failed.length, authorizedBy });
      })();
      return firstRound(refundId, false);
    },

    get: (refundId: string): RefundView => refundView(db, requireRefund(refundId)),
    listForSale: (saleId: string): RefundView[] => listRefundsForSale(db, saleId).map((r) => refundView(db, r)),

    recover(): number {
      const open = listOpenParts(db).filter((p) => p.kind === 'code');
      for (const p of open) if (!scheduler.isBusy(p.id)) scheduler.at(p.id, clock.now());
      return open.length;
    },

    stop(): void {
      stopped = true;
      scheduler.stop();
    },
  };
}

export type RefundService = ReturnType<typeof createRefunds>;
