import { type Connectivity } from '../../services/connectivity';

/**
 * Channel answers are the best connectivity signal there is: any parsed answer means the network works;
 * a request that could not be sent, or got no answer, counts as a failure. A wrongly signed or odd answer
 * is a channel problem, not a network one, and says nothing either way.
 */
const NO_ANSWER = /^(TIMEOUT|CONNECT_TIMEOUT|TRUNCATED|SEND_FAILED|E[A-Z]+|RESPONSE_ERROR|NETWORK_ERROR)\b/;

/** The peer name a gateway reports under (connectivity.ts counts each gateway on its own). */
export const gatewaySource = (gateway: string): string => `payment gateway ${gateway}`;

export function reportOutcome(connectivity: Connectivity, gateway: string, outcome: { status: string; reason?: string; code?: string }): void {
  const source = gatewaySource(gateway);
  if (outcome.status === 'not_sent') connectivity.report(false, source, outcome.reason);
  else if (outcome.status === 'unknown') {
    if (outcome.code === undefined && NO_ANSWER.test(outcome.reason ?? '')) connectivity.report(false, source, outcome.reason);
  } else connectivity.report(true, source);
}
