import { stmt } from '../../db/stmt';
import { type Db } from '../../db/open';
import { type Clock } from '../../clock';
import { type Logger } from '../../log';
import { type Connectivity } from '../../services/connectivity';
import { appendAudit } from '../../services/audit';
import { uuidv7 } from '../../ids';
import { type Settings } from '../../../shared/settings';
import { type PaymentChannel, REVERSE_AT_ANY_AGE, SINGLE_USE_REFUND_NUMBERS } from '../channels/types';
import { type AttemptRow, BURNT_CODE_PREFIX, getAttempt, updateAttempt } from './attempts';
import { type Gateway } from '../../../shared/sales/views';
import { backoff, decideRefund, decideRefundQuery, decideReverse, usable } from './decide';
import { reportOutcome } from './connectivity-report';
import { LATE_REFUNDED_ELSEWHERE_START, reasonCode, REFUNDED_ELSEWHERE_END } from '../../../shared/payments/advice';

/**
 * When a reverse found no order, how long after the pay request to ask once more: a payment code lives about
 * a minute, so a pay request that has not arrived by then can no longer charge anyone.
 */
export const LATE_CHARGE_CHECK_AFTER_MS = 5 * 60_000;

/** Refund refusals meaning "more than is left on the order" (Alipay: 退款金额超限). */
const OVER_REFUNDABLE: ReadonlySet<string> = new Set(['ACQ.REFUND_AMT_NOT_EQUAL_TOTAL']);

export type ReversalDeps = {
  db: Db;
  clock: Clock;
  log: Logger;
  connectivity: Connectivity;
  settings: () => Settings;
  commit(id: string, change: (row: AttemptRow, when: string, now: number) => void): AttemptRow;
  fail(id: string, reason: string, releaseCode: boolean, lateCheckAt?: number | null): AttemptRow;
  schedule(id: string, atMs: number): void;
  stopped(): boolean;
  /** Moves open attempts' times with a wall-clock step noticed since (clock-steps.ts); call after an await. */
  followClockSteps?(): void;
  /** The attempt's stored time (a late check) was just written from this process's clock (clock-steps.ts). */
  ownTimes?(id: string): void;
};

/**
 * The `reversing` state: reverse/cancel no sooner than the channel allows, again while it says so, and past
 * the reverse window (or when the channel refuses to reverse a paid order) refund the whole charge with a
 * refund number of its own, fixed once and reused on every retry.
 */
export function createReversal(deps: ReversalDeps) {
  const { db, clock } = deps;
  const timingOf = (row: AttemptRow) => deps.settings().payments.timings[row.gateway];
  /**
   * The wallet's own wait counts too: a WeChat code routed through an aggregator is still a WeChat order,
   * which WeChat asks not to reverse sooner than 15 s after the pay request, whoever forwards the reverse.
   */
  const minReverseAfterMs = (row: AttemptRow): number => {
    const timings = deps.settings().payments.timings;
    const wallet = row.wallet in timings ? timings[row.wallet as keyof typeof timings] : undefined;
    return Math.max(timings[row.gateway].minReverseAfterMs, wallet?.minReverseAfterMs ?? 0);
  };

  /** `lateCheckAt`: when to ask once more whether the pay request arrived after all (a reverse of "no such order"). */
  const done = (row: AttemptRow, how: string, lateCheckAt: number | null = null): void => {
    deps.commit(row.id, (r, when, now) => {
      // How it ended is kept whole (the screen's advice reads it); the story before it is cut if need be.
      const end = how.slice(0, 300);
      const before = r.reason ? `${r.reason.slice(0, Math.max(0, 300 - end.length - 2))}; ` : '';
      updateAttempt(db, row.id, { state: 'reversed', phase: 'reversed', reason: `${before}${end}`.slice(0, 300), resolved_ms: now, late_check_ms: lateCheckAt }, when);
      appendAudit(db, when, null, 'payment.reversed', { attemptId: row.id, orderNo: row.order_no, amountFen: row.reverse_refund_fen ?? row.amount_fen, how });
    });
    if (lateCheckAt !== null) deps.schedule(row.id, lateCheckAt);
  };

  /** No order found while its pay request could still arrive: when to ask again (null: it can no longer arrive). */
  const lateCheckAt = (row: AttemptRow): number | null => {
    // Asked after a gateway's answer: a clock stepped while it was awaited moves the send time first.
    deps.followClockSteps?.();
    const current = getAttempt(db, row.id) ?? row;
    const at = (current.sent_ms ?? current.created_ms) + LATE_CHARGE_CHECK_AFTER_MS;
    return clock.now() < at ? at : null;
  };

  const note = (row: AttemptRow, reason: string, nextAt: number): void => {
    deps.commit(row.id, (_r, when) => updateAttempt(db, row.id, { reason: reason.slice(0, 300) }, when));
    deps.schedule(row.id, nextAt);
  };

  const calls = (row: AttemptRow): number => {
    stmt(db, 'UPDATE payment_attempts SET reverse_calls = reverse_calls + 1 WHERE id = ?').run(row.id);
    return row.reverse_calls + 1;
  };

  /** Is the order paid? Paid → refund it; definitely not → nothing to give back; unclear → later. */
  async function check(row: AttemptRow, channel: PaymentChannel, why: string): Promise<void> {
    const answer = await channel.query({ orderNo: row.order_no });
    if (deps.stopped()) return;
    reportOutcome(deps.connectivity, row.gateway, answer, 'query');
    const q = usable(answer);
    const t = timingOf(row);
    if (q.status === 'paid') {
      // The refund returns what the channel charged, which may not be what this attempt asked for.
      const refundNo = uuidv7(clock.now()).replaceAll('-', '');
      const refundFen = q.paidFen;
      const refunded = q.refunded ? ' (the channel reports refunds on it already)' : '';
      deps.commit(row.id, (_r, when) => updateAttempt(db, row.id, { phase: 'refunding', reverse_refund_no: refundNo, reverse_refund_fen: refundFen, reason: `${why}; refunding the charge of ${refundFen} fen${refunded}` }, when));
      deps.schedule(row.id, clock.now());
    } else if (q.status === 'failed' || q.status === 'not_found') {
      // The end is the host's own words, whole (the screen's advice reads it: shared/payments/advice.ts).
      deps.fail(row.id, `${why.slice(0, 200)}; the channel holds no payment (${q.status === 'failed' ? q.code.slice(0, 60) : 'no such order'})`, false, q.status === 'not_found' ? lateCheckAt(row) : null);
    } else note(row, `${why}; order state unclear, will check again`, backoff({ now: clock.now(), timing: t }, calls(row)));
  }

  /**
   * After a definite refusal of a give-back refund of the whole charge: was some or all of it refunded
   * outside the till? Yes when the order shows refunds (WeChat, UnionPay, Jeepay), when the refusal says the
   * amount is over what is left (Alipay's query has no refund field: a partly refunded trade is still
   * TRADE_SUCCESS), or when the order, seen paid, is now closed (Alipay closes a trade refunded in full).
   */
  async function refundedElsewhere(row: AttemptRow, channel: PaymentChannel, refusal: string): Promise<boolean> {
    const q = await channel.query({ orderNo: row.order_no });
    if (deps.stopped()) return false; // the caller checks `stopped()` too and writes nothing
    reportOutcome(deps.connectivity, row.gateway, q, 'query');
    if (q.status === 'paid') return q.refunded === true || OVER_REFUNDABLE.has(reasonCode(refusal) ?? '');
    return q.status === 'failed';
  }

  async function refund(row: AttemptRow, channel: PaymentChannel, refundNo: string): Promise<void> {
    const t = timingOf(row);
    const ref = { orderNo: row.order_no, refundNo };
    const q = await channel.queryRefund(ref);
    if (deps.stopped()) return;
    reportOutcome(deps.connectivity, row.gateway, q, 'refundQuery');
    const charged = row.reverse_refund_fen ?? row.amount_fen;
    let d = decideRefundQuery(q, { now: clock.now(), timing: t, expectedFen: charged }, calls(row));
    if (d.kind === 'resend' || d.kind === 'failed') {
      const r = await channel.refund({ ...ref, totalFen: charged, refundFen: charged, reason: 'payment given back' });
      if (deps.stopped()) return;
      reportOutcome(deps.connectivity, row.gateway, r, 'refund');
      d = decideRefund(r, { now: clock.now(), timing: t, expectedFen: charged }, calls(row));
    }
    if (d.kind === 'done') return done(row, `refunded (${d.refundId.replace(/[()]/g, '')})`); // no brackets: the advice reads this ending
    // Asked after any refusal, signed or not: a refusal nobody signed (Jeepay) is retried under the same
    // number for ever otherwise, even when the order shows it refunded already.
    const elsewhere = d.kind === 'failed' && (await refundedElsewhere(row, channel, d.reason));
    if (deps.stopped()) return;
    if (elsewhere) {
      // The whole charge cannot go back because some or all of it already did, by hand at the merchant
      // platform; how much is left the order does not say. A person settles the rest (the day's bill shows
      // it): retrying the same refusal for ever would only hold the sale and the till's mode.
      deps.log.error('a charge to give back was refunded outside the till: anything left of it is for a person to give back', { attemptId: row.id, orderNo: row.order_no, reason: d.reason });
      return done(row, `refund refused (${d.reason.slice(0, 150)}): ${REFUNDED_ELSEWHERE_END}`);
    }
    // Only a signed refusal retires the number; after one nobody signed, the same number goes again.
    if (d.kind === 'failed' && SINGLE_USE_REFUND_NUMBERS.has(row.gateway) && d.unverified !== true) {
      // Refused for good under this number (nothing moved), which this gateway will never take again.
      const fresh = uuidv7(clock.now()).replaceAll('-', '');
      deps.log.error('refund of a charge to give back failed; retrying under a new refund number', { attemptId: row.id, reason: d.reason });
      deps.commit(row.id, (_r, when) => updateAttempt(db, row.id, { reverse_refund_no: fresh }, when));
      return note(row, `refund refused: ${d.reason}`, backoff({ now: clock.now(), timing: t }, calls(row)));
    }
    if (d.kind === 'failed') {
      // Needs attention, but never dropped: retried with the same refund number.
      deps.log.error('refund of a charge to give back failed; retrying', { attemptId: row.id, reason: d.reason });
      return note(row, `refund refused: ${d.reason}`, backoff({ now: clock.now(), timing: t }, calls(row)));
    }
    note(row, d.reason, d.nextAt);
  }

  async function step(row: AttemptRow, channel: PaymentChannel): Promise<void> {
    const t = timingOf(row);
    const now = clock.now();
    const earliest = (row.sent_ms ?? row.created_ms) + minReverseAfterMs(row);
    if (now < earliest) return deps.schedule(row.id, earliest);
    if (row.reverse_refund_no) return refund(row, channel, row.reverse_refund_no);
    if (now > row.created_ms + t.reverseWindowHours * 3_600_000 && !REVERSE_AT_ANY_AGE.has(row.gateway)) return check(row, channel, 'past the reverse window');
    const outcome = await channel.reverse({ orderNo: row.order_no });
    if (deps.stopped()) return;
    reportOutcome(deps.connectivity, row.gateway, outcome, 'reverse');
    const d = decideReverse(outcome, { now: clock.now(), timing: t }, calls(row));
    if (d.kind === 'reversed') return done(row, d.reason, d.nothingThere ? lateCheckAt(row) : null);
    if (d.kind === 'retry') return note(row, d.reason, d.nextAt);
    return check(row, channel, `reverse refused: ${d.reason}`);
  }

  /**
   * A pay request that may still have been on its way when its attempt ended with nothing charged (a reverse
   * of "no such order", a refusal nobody signed, a number found nowhere after a power loss): once the code
   * has surely expired, ask whether it was charged after all. Charged: refund it (the sale has moved on).
   * Nothing there: done. Unclear: ask again later; kept across restarts until it has an answer. A number
   * burnt after a power loss may have gone to any gateway: every one is asked, as the power-loss check did.
   */
  async function lateCheck(row: AttemptRow, channels: Partial<Record<Gateway, PaymentChannel>>): Promise<void> {
    if (row.late_check_ms === null) return;
    if (clock.now() < row.late_check_ms) return deps.schedule(row.id, row.late_check_ms);
    const gateways = row.code_hash.startsWith(BURNT_CODE_PREFIX) ? (Object.keys(channels) as Gateway[]) : [row.gateway];
    const asked = gateways.flatMap((g) => (channels[g] ? [[g, channels[g]] as const] : []));
    let unclear = asked.length === 0;
    for (const [gateway, channel] of asked) {
      const answer = await channel.query({ orderNo: row.order_no });
      if (deps.stopped()) return;
      reportOutcome(deps.connectivity, gateway, answer, 'query');
      const q = usable(answer);
      if (q.status === 'paid' && q.refunded === true) {
        // Charged and already refunded (by the channel, or by hand at the merchant platform): nothing is
        // left to give back that the till could know the amount of. For a person to look at, not to repeat.
        deps.log.error('a payment that ended with nothing charged was charged afterwards and refunded elsewhere', { attemptId: row.id, orderNo: row.order_no, gateway });
        // Said on the attempt too, so the screen no longer says "nothing charged so far".
        deps.commit(row.id, (r, when) => updateAttempt(db, row.id, { late_check_ms: null, reason: `${LATE_REFUNDED_ELSEWHERE_START} anything left of it is to be given back at the merchant platform; ${r.reason ?? ''}`.slice(0, 300) }, when));
        return;
      }
      if (q.status === 'paid') return refundLateCharge(row, gateway, q.paidFen);
      if (q.status !== 'failed' && q.status !== 'not_found') unclear = true;
    }
    if (!unclear) {
      stmt(db, 'UPDATE payment_attempts SET late_check_ms = NULL WHERE id = ?').run(row.id);
      return;
    }
    // After the gateways' answers: a step meanwhile is followed before the time is written (and owned).
    deps.followClockSteps?.();
    const next = backoff({ now: clock.now(), timing: timingOf(row) }, calls(row));
    stmt(db, 'UPDATE payment_attempts SET late_check_ms = ? WHERE id = ?').run(next, row.id);
    deps.ownTimes?.(row.id);
    deps.schedule(row.id, next);
  }

  function refundLateCharge(row: AttemptRow, gateway: Gateway, paidFen: number): void {
    const refundNo = uuidv7(clock.now()).replaceAll('-', '');
    deps.log.error('a payment that ended with nothing charged was charged afterwards: refunding it', { attemptId: row.id, orderNo: row.order_no, gateway, amountFen: paidFen });
    deps.commit(row.id, (_r, when) => {
      const reason = `the pay request arrived late and was charged: refunding the charge of ${paidFen} fen`;
      // A burnt number's amount was a guess (power-loss.ts): the charge found says what it was.
      const burnt = row.code_hash.startsWith(BURNT_CODE_PREFIX);
      const where = { ...(gateway === row.gateway ? {} : { gateway, wallet: gateway === 'jeepay' ? row.wallet : gateway }), ...(burnt ? { amount_fen: paidFen } : {}) };
      updateAttempt(db, row.id, { ...where, state: 'reversing', phase: 'refunding', reason, resolved_ms: null, late_check_ms: null, reverse_refund_no: refundNo, reverse_refund_fen: paidFen }, when);
      appendAudit(db, when, null, 'payment.late_charge', { attemptId: row.id, orderNo: row.order_no, gateway, amountFen: paidFen });
    });
    deps.schedule(row.id, clock.now());
  }

  return { step, lateCheck, lateCheckAt };
}
