import { type ConflictKind, type EntryAck, type OutboxEntry } from '../../../shared/sync/protocol';

/**
 * What the sync worker does with each entry of an acked batch (docs/sync-protocol.md §4), as plain lists
 * so the outbox update can be one transaction: mark `sent`, park `rejected`, flag `conflicts`, and leave
 * `unacked` entries queued for the next attempt.
 */
export type AckOutcome = {
  sent: string[];
  rejected: { idempotencyKey: string; error: string }[];
  conflicts: { idempotencyKey: string; conflict: ConflictKind | undefined; error: string }[];
  unacked: string[];
};

export function splitAcks(entries: readonly OutboxEntry[], results: readonly EntryAck[]): AckOutcome {
  const outcome: AckOutcome = { sent: [], rejected: [], conflicts: [], unacked: [] };
  const acked = new Set<number>();
  for (const ack of results) {
    const entry = entries[ack.index];
    // uploadBatch already refused answers whose acks do not match the batch; skip defensively anyway.
    if (entry === undefined || acked.has(ack.index)) continue;
    acked.add(ack.index);
    const key = entry.idempotencyKey;
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
  }
  entries.forEach((entry, index) => {
    if (!acked.has(index)) outcome.unacked.push(entry.idempotencyKey);
  });
  return outcome;
}
