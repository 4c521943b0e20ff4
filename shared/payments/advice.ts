import { type AttemptView } from '../sales/views';
import { declineKind, UNCLEAR_FAILURE_CODES } from './decline-codes';

/**
 * What the cashier should do next, from a payment attempt as the host reports it. The host's `reason` is
 * the channel's own words (`CODE: message`, or `not sent: …`), for the log and for support; this turns it
 * into one of a few situations the checkout explains in the cashier's language. Unknown codes fall back to
 * the general case of their state, never to a guess that money was or was not taken.
 */
export type PaymentAdvice =
  | 'enter_password'
  | 'checking'
  | 'giving_back'
  | 'insufficient_funds'
  | 'code_invalid'
  | 'declined'
  | 'failed_unclear'
  | 'not_sent'
  | 'merchant_setup'
  | 'reversed_nothing_taken'
  | 'reversed_nothing_so_far'
  | 'reversed_given_back'
  | 'refunded_elsewhere'
  | 'reversed_unclear';

/** The channel's code at the head of a reason (`ACQ.BUYER_BALANCE_NOT_ENOUGH: 买家余额不足` → the code). */
export const reasonCode = (reason: string | null): string | null => (reason === null ? null : (/^([A-Za-z0-9_.-]+)(?:: |$)/.exec(reason)?.[1] ?? null));

/** A failure whose code is a channel's error, not a refusal (an aggregator passing it on): maybe charged. */
export const isUnclearFailure = (reason: string | null): boolean => {
  const code = reasonCode(reason);
  return code !== null && UNCLEAR_FAILURE_CODES.has(code);
};

/**
 * How the engine ends a reason it writes (reversal.ts, power-loss.ts): the host's own words, always last (or,
 * for a late check, first), so a gateway's text quoted earlier in the story can never pass for them.
 */
export const REFUNDED_ELSEWHERE_END = 'the order was refunded outside the till; anything left of it is to be given back at the merchant platform';
export const LATE_REFUNDED_ELSEWHERE_START = 'charged after all, then refunded outside the till;';
const HOLDS_NO_PAYMENT_END = /; the channel holds no payment \(([^()]*)\)$/;

export function paymentAdvice(a: Pick<AttemptView, 'state' | 'phase' | 'reason' | 'transactionId'>): PaymentAdvice | null {
  const reason = a.reason ?? '';
  if (a.state === 'succeeded') return null;
  // Charged, then refunded by hand at the merchant platform (found by a give-back or a late check): the
  // rest, if any, is for a person.
  if ((a.state === 'failed' || a.state === 'reversed') && (reason.endsWith(REFUNDED_ELSEWHERE_END) || reason.startsWith(LATE_REFUNDED_ELSEWHERE_START))) return 'refunded_elsewhere';
  if (a.state === 'failed') {
    if (reason.startsWith('not sent') || reason.startsWith('cancelled before sending')) return reason.startsWith('not sent') ? 'not_sent' : null;
    // Ended after a reverse or give-back: the channel holds no payment now. If a charge was seen, it went back.
    if (a.transactionId !== null) return 'reversed_given_back';
    // The order found failed on the channel's own error (an aggregator's state 3 with 20000 / ACQ.SYSTEM_ERROR).
    const holdsNone = HOLDS_NO_PAYMENT_END.exec(reason);
    if (holdsNone) return UNCLEAR_FAILURE_CODES.has(holdsNone[1] ?? '') ? 'failed_unclear' : 'reversed_unclear';
    // An order number found at no gateway after a power cut: its request may still arrive (late check).
    if (reason.endsWith('reached no gateway; never used again')) return 'reversed_nothing_so_far';
    if (isUnclearFailure(a.reason)) return 'failed_unclear';
    const code = reasonCode(a.reason);
    return (code !== null ? declineKind(code) : undefined) ?? 'declined';
  }
  if (a.state === 'reversed') {
    // A charge the till saw (its transaction id), a cancel the channel says it refunded, or a refund of it.
    if (a.transactionId !== null || /(?:^|; )(?:reversed \(refund\)|refunded \([^()]*\))$/.test(reason)) return 'reversed_given_back';
    if (/(?:^|; )reversed \(close\)$/.test(reason)) return 'reversed_nothing_taken';
    // No order found: its request may still arrive and charge; the late check would refund that.
    if (/(?:^|; )reversed \(none\)$/.test(reason)) return 'reversed_nothing_so_far';
    return 'reversed_unclear';
  }
  if (a.phase === 'waiting_password') return 'enter_password';
  if (a.phase === 'reversing' || a.phase === 'refunding' || a.state === 'reversing') return 'giving_back';
  if (a.phase === 'querying' || a.state === 'pending') return 'checking';
  return null; // being sent: a moment, nothing to do yet
}
