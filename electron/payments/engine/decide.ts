import { type PayOutcome, type QueryOutcome, type RefundOutcome, type RefundQueryOutcome, type ReverseOutcome } from '../channels/types';
import { type ChannelTiming } from '../../../shared/sales/payment-settings';
import { channelRef } from '../channels/channel-ref';
import { MAX_FEN } from '../../../shared/payments/amount';

/**
 * Pure decisions of the attempt state machine (ARCHITECTURE §4): what a channel answer means for the
 * attempt, and when to act next. No I/O here, so every branch is unit-tested without a channel.
 *
 * The rules that prevent double charges: only a correctly signed definite answer is "failed"; a request
 * that may have arrived is pending and is queried; still unclear at the deadline → reverse.
 */
export type PayDecision =
  | { kind: 'succeed'; transactionId: string }
  | { kind: 'fail'; reason: string }
  | { kind: 'wait'; phase: 'waiting_password' | 'querying'; reason: string; nextAt: number }
  | { kind: 'reverse'; reason: string };

export type DecideContext = { now: number; sentMs: number; amountFen: number; timing: ChannelTiming };

export const deadlineOf = (c: Pick<DecideContext, 'sentMs' | 'timing'>): number => c.sentMs + c.timing.payDeadlineMs;

function paid(o: { transactionId: string; paidFen: number }, c: DecideContext): PayDecision {
  // A charge for another amount is never accepted as this sale's payment: give it back.
  if (o.paidFen !== c.amountFen) return { kind: 'reverse', reason: `channel reports ${o.paidFen} fen paid, ${c.amountFen} fen expected` };
  return { kind: 'succeed', transactionId: o.transactionId };
}

const describe = (o: { reason?: string; code?: string; message?: string }): string => [o.code, o.message ?? o.reason].filter(Boolean).join(': ').slice(0, 300);

/** A "paid" whose transaction id cannot be stored or shown is a malformed answer: unknown, queried (adapters check too). */
export function usable<T extends PayOutcome | QueryOutcome>(o: T): T | { status: 'unknown'; reason: string; retryable: true } {
  if (o.status === 'paid' && channelRef(o.transactionId) === undefined) return { status: 'unknown', reason: 'paid answer with an unusable transaction id', retryable: true };
  // Nothing to keep and nothing a give-back could return (a refund of 0 fen is refused before it is sent).
  if (o.status === 'paid' && !(Number.isSafeInteger(o.paidFen) && o.paidFen >= 1 && o.paidFen <= MAX_FEN)) return { status: 'unknown', reason: `paid answer with an unusable amount (${String(o.paidFen).slice(0, 20)})`, retryable: true };
  return o;
}

/** The answer to the pay request itself. */
export function decidePay(answer: PayOutcome, c: DecideContext): PayDecision {
  const o = usable(answer);
  switch (o.status) {
    case 'paid':
      return paid(o, c);
    case 'failed':
      return { kind: 'fail', reason: describe(o) };
    case 'not_sent':
      return { kind: 'fail', reason: `not sent: ${o.reason}`.slice(0, 300) };
    case 'waiting':
      return { kind: 'wait', phase: 'waiting_password', reason: describe(o), nextAt: Math.min(c.now + c.timing.queryIntervalMs, deadlineOf(c)) };
    case 'unknown':
      return { kind: 'wait', phase: 'querying', reason: describe(o), nextAt: Math.min(c.now + c.timing.firstQueryMs, deadlineOf(c)) };
  }
}

/** A query while pending. Past the deadline anything still unclear is reversed (after this last query). */
export function decideQuery(answer: QueryOutcome, c: DecideContext): PayDecision {
  const o = usable(answer);
  // Paid, but (some of) it was refunded since, outside this till: not a payment the sale can keep, and what
  // is left of it goes back.
  if (o.status === 'paid' && o.refunded) return { kind: 'reverse', reason: 'the channel reports this order paid and since refunded: not usable as the sale’s payment' };
  if (o.status === 'paid') return paid(o, c);
  if (o.status === 'failed') return { kind: 'fail', reason: describe(o) };
  const reason = o.status === 'not_found' ? 'order not found at the channel yet' : describe(o as { reason?: string; code?: string; message?: string });
  if (c.now >= deadlineOf(c)) return { kind: 'reverse', reason: `still unclear at the deadline (${reason})`.slice(0, 300) };
  const phase = o.status === 'waiting' ? 'waiting_password' : 'querying';
  return { kind: 'wait', phase, reason, nextAt: Math.min(c.now + c.timing.queryIntervalMs, deadlineOf(c)) };
}

export type ReverseDecision =
  /** `nothingThere`: the channel had no such order (yet): the pay request may still arrive late. */
  | { kind: 'reversed'; reason: string; nothingThere: boolean }
  | { kind: 'retry'; nextAt: number; reason: string }
  /** The channel refused to reverse: look at the order to decide (refund it if paid, done if not). */
  | { kind: 'check'; reason: string };

/**
 * Backoff for answers that did not arrive: the reverse retry interval doubling up to a minute. A minute, not
 * more: with no HQ to probe, these retries are what notice the network is back (connectivity.ts), and the
 * sale they hold waits on them; one request a minute per waiting item is no load on a gateway.
 */
export const BACKOFF_MAX_MS = 60_000;
export const backoff = (c: { now: number; timing: ChannelTiming }, calls: number): number => c.now + Math.min(c.timing.reverseRetryMs * 2 ** Math.min(Math.max(calls - 1, 0), 8), BACKOFF_MAX_MS);

/** recall=Y / retry_flag=Y answers repeated at the channel's retry interval before backing off. */
export const RECALLS_AT_PACE = 3;

export function decideReverse(o: ReverseOutcome, c: { now: number; timing: ChannelTiming }, calls: number): ReverseDecision {
  switch (o.status) {
    case 'reversed':
      return { kind: 'reversed', reason: `reversed (${o.action})`, nothingThere: o.action === 'none' };
    case 'retry':
      // WeChat recall=Y / Alipay retry_flag=Y: call again, at the channel's pace for the first few, then
      // backing off (a reverse stuck on recall=Y would otherwise go every 5 s for the whole window).
      return { kind: 'retry', nextAt: Math.max(c.now + c.timing.reverseRetryMs, calls <= RECALLS_AT_PACE ? 0 : backoff(c, calls - RECALLS_AT_PACE + 1)), reason: `reverse again: ${o.reason}`.slice(0, 300) };
    case 'failed':
      return { kind: 'check', reason: describe(o) };
    case 'unknown':
    case 'not_sent':
      return { kind: 'retry', nextAt: backoff(c, calls), reason: `reverse not confirmed: ${o.reason}`.slice(0, 300) };
  }
}

export type RefundDecision =
  | { kind: 'done'; refundId: string }
  | { kind: 'poll'; nextAt: number; reason: string }
  /** Send the refund again, with the same refund number (the channel refunds each number once). */
  | { kind: 'resend'; nextAt: number; reason: string }
  /** `unverified`: refused by an answer nobody signed (the refund number may still be taken again). */
  | { kind: 'failed'; reason: string; unverified?: true };

/** What a refund decision needs: the clock, the channel's timing, and the amount this refund number asked for. */
export type RefundContext = { now: number; timing: ChannelTiming; expectedFen: number };

/**
 * A refund in progress is asked about at the channel's query interval, then less and less often: a refund
 * to a bank card can stay "processing" for days.
 */
const inProgressPoll = (c: RefundContext, calls: number): number => Math.max(c.now + c.timing.queryIntervalMs, backoff(c, calls));

/** A refund the channel reports done for another amount is not landed: kept open, and looked at again. */
const otherAmount = (refundFen: number, c: RefundContext, calls: number): RefundDecision | undefined =>
  refundFen === c.expectedFen ? undefined : { kind: 'poll', nextAt: backoff(c, calls), reason: `the channel reports ${refundFen} fen refunded, ${c.expectedFen} fen asked: check it with the channel` };

export function decideRefund(o: RefundOutcome, c: RefundContext, calls: number): RefundDecision {
  switch (o.status) {
    case 'succeeded':
      return otherAmount(o.refundFen, c, calls) ?? { kind: 'done', refundId: o.refundId };
    case 'accepted':
      return { kind: 'poll', nextAt: inProgressPoll(c, calls), reason: 'refund accepted, in progress' };
    case 'failed':
      return { kind: 'failed', reason: describe(o), ...(o.unverified === true ? { unverified: true as const } : {}) };
    case 'unknown':
      // Backing off: an answer that keeps coming back unclear (an undocumented refusal, a frequency limit) is
      // asked about, and the number resent, less and less often instead of every few seconds.
      return { kind: 'poll', nextAt: Math.max(c.now + c.timing.queryIntervalMs, backoff(c, calls)), reason: describe(o) };
    case 'not_sent':
      return { kind: 'resend', nextAt: backoff(c, calls), reason: `not sent: ${o.reason}`.slice(0, 300) };
  }
}

export function decideRefundQuery(o: RefundQueryOutcome, c: RefundContext, calls: number): RefundDecision {
  switch (o.status) {
    case 'succeeded':
      return otherAmount(o.refundFen, c, calls) ?? { kind: 'done', refundId: o.refundId };
    case 'processing':
      return { kind: 'poll', nextAt: inProgressPoll(c, calls), reason: 'refund in progress' };
    case 'not_found':
      // The refund request never arrived: sending it again with the same number is safe.
      return { kind: 'resend', nextAt: c.now, reason: 'refund not found at the channel' };
    case 'failed':
      return { kind: 'failed', reason: describe(o) };
    case 'unknown':
    case 'not_sent':
      return { kind: 'poll', nextAt: backoff(c, calls), reason: describe(o as { reason?: string }) };
  }
}
