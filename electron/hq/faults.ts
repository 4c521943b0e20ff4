/**
 * Fault injection for tests of the terminal's sync worker against the reference HQ. A hook decides, per
 * request, to misbehave in one of the ways a real back office or network does. "afterStore" faults let
 * the batch be stored first, so the terminal sees a failure for a batch HQ actually has: the case
 * exactly-once delivery exists for.
 */
export type HqFault =
  /** Answer with this HTTP status (JSON error body), before storing unless afterStore. */
  | { kind: 'status'; status: number; afterStore?: boolean }
  /** 200 with a body that is not JSON. */
  | { kind: 'garbage'; afterStore?: boolean }
  /** 200 with JSON that is not the protocol's answer (after storing). */
  | { kind: 'wrong-shape' }
  /** Wait, then behave normally. */
  | { kind: 'delay'; ms: number }
  /** Never answer (the client's timeout must fire); the connection is dropped when HQ closes. */
  | { kind: 'hang' }
  /** Store the whole batch but acknowledge only its first `count` entries. */
  | { kind: 'partial-ack'; count: number }
  /** Drop the connection without storing or answering. */
  | { kind: 'close-before-store' }
  /** Store the batch, then drop the connection without answering. */
  | { kind: 'close-after-store' }
  /** Store the batch, send the headers and half of the answer, then drop the connection. */
  | { kind: 'truncate' };

export type FaultContext = {
  method: string;
  /** Path without the query string. */
  path: string;
  /** 1-based count of requests HQ has received since it started. */
  requestNumber: number;
};

export type FaultHook = (context: FaultContext) => HqFault | undefined;

/** Faults that act before the request is handled (nothing is stored). */
export const isBeforeHandling = (fault: HqFault): boolean =>
  fault.kind === 'delay' ||
  fault.kind === 'hang' ||
  fault.kind === 'close-before-store' ||
  ((fault.kind === 'status' || fault.kind === 'garbage') && fault.afterStore !== true);

/** A hook that applies the given faults, in order, to successive batch uploads, then behaves. */
export function batchFaults(...faults: (HqFault | undefined)[]): FaultHook {
  const queue = [...faults];
  return ({ method, path }) => (method === 'POST' && path === '/v1/batches' ? queue.shift() : undefined);
}
