import { type ConflictKind, type EntryAck, type OutboxEntry } from '../../../shared/sync/protocol';

/**
 * What the sync worker does with each entry of an acked batch (docs/sync-protocol.md §4), as plain lists
 * so the outbox update can be one transaction: mark `sent`, park `rejected`, flag `conflicts`, and leave
 * `unacked` entries queued for the next attempt.
 *
 * Acks are matched to entries by idempotencyKey (and seq), never by position alone: an answer that comes
 * back reordered, with acks repeated, missing or naming entries this batch does not hold (a confused
 * proxy, a buggy HQ) can then never mark the wrong entry. Unknown or mismatching acks are ignored; an
 * entry with contradicting acks (say `stored` and `conflict`) is left unacked so the resend asks HQ again.
 */
export type AckOutcome = {
  sent: string[];
  rejected: { idempotencyKey: string; error: string }[];
  conflicts: { idempotencyKey: string; conflict: ConflictKind | undefined; error: string }[];
  unacked: string[];
  /** Acks that matched no entry of the batch, or repeated / contradicted another ack for the same entry. */
  ignored: number;
};

/** What matching needs of an entry: the key and seq it was sent with. */
export type AckRef = Pick<OutboxEntry, 'idempotencyKey' | 'seq'>;

type Verdict = 'sent' | 'rejected' | 'conflict';
const verdictOf = (ack: EntryAck): Verdict => (ack.status === 'stored' || ack.status === 'duplicate' ? 'sent' : ack.status);

/** The entry an ack is about, or undefined when it names none of the batch. */
function entryFor(ack: EntryAck, entries: readonly AckRef[], byKey: ReadonlyMap<string, number>): number | undefined {
  if (ack.idempotencyKey === null) {
    // HQ could not read the key: only a rejection may say so, and then only its index identifies the entry.
    const entry = entries[ack.index];
    return ack.status === 'rejected' && entry !== undefined && (ack.seq === null || ack.seq === entry.seq) ? ack.index : undefined;
  }
  const index = byKey.get(ack.idempotencyKey);
  return index !== undefined && entries[index]?.seq === ack.seq ? index : undefined;
}

export function splitAcks(entries: readonly AckRef[], results: readonly EntryAck[]): AckOutcome {
  const byKey = new Map<string, number>();
  entries.forEach((e, i) => byKey.set(e.idempotencyKey, i));
  const chosen = new Map<number, EntryAck>();
  const contradicted = new Set<number>();
  let ignored = 0;
  for (const ack of results) {
    const index = entryFor(ack, entries, byKey);
    if (index === undefined) {
      ignored++;
      continue;
    }
    const first = chosen.get(index);
    if (first === undefined) chosen.set(index, ack);
    else {
      ignored++;
      if (verdictOf(first) !== verdictOf(ack)) contradicted.add(index);
    }
  }
  const outcome: AckOutcome = { sent: [], rejected: [], conflicts: [], unacked: [], ignored };
  entries.forEach((entry, index) => {
    const key = entry.idempotencyKey;
    const ack = chosen.get(index);
    if (ack === undefined || contradicted.has(index)) {
      outcome.unacked.push(key);
      return;
    }
    switch (ack.status) {
      case 'stored':
      case 'duplicate':
        outcome.sent.push(key);
        break;
      case 'rejected':
        outcome.rejected.push({ idempotencyKey: key, error: ack.error ?? 'rejected by HQ' });
        break;
      case 'conflict':
        outcome.conflicts.push({ idempotencyKey: key, conflict: ack.conflict, error: ack.error ?? 'conflict at HQ' });
        break;
    }
  });
  return outcome;
}
