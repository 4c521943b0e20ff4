import { type BatchIngest } from './ingest';

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
  /** Wait, then behave normally; afterStore: store first, then hold the answer (a late ack). */
  | { kind: 'delay'; ms: number; afterStore?: boolean }
  /** Never answer (the client's timeout must fire); the connection is dropped when HQ closes. */
  | { kind: 'hang' }
  /** Store the whole batch but acknowledge only its first `count` entries. */
  | { kind: 'partial-ack'; count: number }
  /** Drop the connection without storing or answering. */
  | { kind: 'close-before-store' }
  /** Store the batch, then drop the connection without answering. */
  | { kind: 'close-after-store' }
  /** Store the batch, send the headers and half of the answer, then drop the connection. */
  | { kind: 'truncate' }
  /** Store the batch and answer every ack twice (a replaying proxy, a buggy HQ). */
  | { kind: 'duplicate-acks' }
  /** Store the batch and answer its acks in a shuffled order (seeded). */
  | { kind: 'reorder-acks'; seed: number }
  /** Store the batch but leave out each ack with probability `ratio` (default 1/2, seeded). */
  | { kind: 'drop-acks'; seed: number; ratio?: number }
  /** Store the batch and add acks naming entries the batch does not hold. */
  | { kind: 'foreign-acks' }
  /**
   * Store only a seeded subset of the batch and ack just those, shuffled and each twice: an ack the client
   * pins on the wrong entry then marks an entry sent that HQ never got, which an end-to-end test sees.
   */
  | { kind: 'store-some'; seed: number };

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
  (fault.kind === 'delay' && fault.afterStore !== true) ||
  fault.kind === 'hang' ||
  fault.kind === 'close-before-store' ||
  ((fault.kind === 'status' || fault.kind === 'garbage') && fault.afterStore !== true);

/** A hook that applies the given faults, in order, to successive batch uploads, then behaves. */
export function batchFaults(...faults: (HqFault | undefined)[]): FaultHook {
  const queue = [...faults];
  return ({ method, path }) => (method === 'POST' && path === '/v1/batches' ? queue.shift() : undefined);
}

/** mulberry32: the ack faults are reproducible for a given seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The acks a fault of the ack family answers instead of `results`; undefined for other faults. */
export function mangleAcks(fault: HqFault, results: readonly unknown[]): unknown[] | undefined {
  switch (fault.kind) {
    case 'partial-ack':
      return results.slice(0, Math.max(0, fault.count));
    case 'duplicate-acks':
      return results.flatMap((r) => [r, r]);
    case 'reorder-acks': {
      const random = seeded(fault.seed);
      const out = [...results];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    }
    case 'drop-acks': {
      const random = seeded(fault.seed);
      const ratio = fault.ratio ?? 0.5;
      return results.filter(() => random() >= ratio);
    }
    case 'store-some':
      return (mangleAcks({ kind: 'reorder-acks', seed: fault.seed }, results) ?? []).flatMap((r) => [r, r]);
    case 'foreign-acks':
      return [
        { index: 0, idempotencyKey: 'foreign-entry-1', seq: 999_999_001, status: 'stored' },
        ...results,
        { index: 0, idempotencyKey: 'foreign-entry-2', seq: 999_999_002, status: 'duplicate' },
      ];
    default:
      return undefined;
  }
}

/** For `store-some`: ingests about half of the batch (seeded) and answers for those entries only. */
export function storeSome(ingest: BatchIngest, seed: number): BatchIngest {
  return (batch) => {
    const random = seeded(seed ^ 0x2545f491);
    const picked = batch.entries.map((_, i) => i).filter(() => random() < 0.5);
    const acks = ingest({ ...batch, entries: picked.map((i) => batch.entries[i]) });
    return acks.map((ack) => ({ ...ack, index: picked[ack.index] ?? ack.index }));
  };
}
