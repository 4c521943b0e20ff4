import { type Connectivity } from '../../services/connectivity';

/**
 * Channel answers are the best connectivity signal there is: any parsed answer means the network works;
 * a request that could not be sent, or got no answer, counts as a failure. A wrongly signed or odd answer
 * is a channel problem, not a network one, and says nothing either way.
 */
const NO_ANSWER = /^(TIMEOUT|CONNECT_TIMEOUT|TRUNCATED|SEND_FAILED|E[A-Z]+|RESPONSE_ERROR|NETWORK_ERROR)\b/;

/** The peer name a gateway's payments report under (connectivity.ts counts each gateway on its own). */
export const gatewaySource = (gateway: string): string => `payment gateway ${gateway}`;

/**
 * Reverses and refunds count as a peer of their own (`… give-back`): they take another path (WeChat's
 * `/secapi/` with the merchant's client certificate), so one failing there (an expired certificate) says
 * nothing about whether a customer's code can be charged, and never refuses one (connectivity.ts). Refund
 * queries need no certificate: they count with the payment path.
 */
export type ReportedOperation = 'pay' | 'query' | 'reverse' | 'refund' | 'refundQuery';
const GIVE_BACK: ReadonlySet<ReportedOperation> = new Set(['reverse', 'refund']);

export function reportOutcome(connectivity: Connectivity, gateway: string, outcome: { status: string; reason?: string; code?: string }, operation: ReportedOperation): void {
  const source = GIVE_BACK.has(operation) ? `${gatewaySource(gateway)} give-back` : gatewaySource(gateway);
  if (outcome.status === 'not_sent') connectivity.report(false, source, outcome.reason);
  else if (outcome.status === 'unknown') {
    if (outcome.code === undefined && NO_ANSWER.test(outcome.reason ?? '')) connectivity.report(false, source, outcome.reason);
  } else connectivity.report(true, source);
}
