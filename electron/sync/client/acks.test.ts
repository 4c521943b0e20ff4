import { describe, expect, it } from 'vitest';
import { type EntryAck } from '../../../shared/sync/protocol';
import { sampleSale } from '../../../shared/sync/sample-entries';
import { splitAcks } from './acks';

const entries = [1, 2, 3, 4, 5].map((seq) => sampleSale({ seq, idempotencyKey: `k${seq}` }));
const ack = (seq: number, status: EntryAck['status'] = 'stored', over: Partial<EntryAck> = {}): EntryAck => ({ index: seq - 1, idempotencyKey: `k${seq}`, seq, status, ...over });

describe('splitAcks', () => {
  it('sorts every entry into exactly one list', () => {
    const outcome = splitAcks(entries, [
      { index: 0, idempotencyKey: 'k1', seq: 1, status: 'stored' },
      { index: 1, idempotencyKey: 'k2', seq: 2, status: 'duplicate' },
      { index: 2, idempotencyKey: null, seq: null, status: 'rejected', error: 'bad' },
      { index: 3, idempotencyKey: 'k4', seq: 4, status: 'conflict', conflict: 'seq_reused', error: 'taken' },
    ]);
    expect(outcome).toEqual({
      sent: ['k1', 'k2'],
      rejected: [{ idempotencyKey: 'k3', error: 'bad' }],
      conflicts: [{ idempotencyKey: 'k4', conflict: 'seq_reused', error: 'taken' }],
      unacked: ['k5'],
      ignored: 0,
    });
  });

  it('leaves everything unacked for an empty ack list', () => {
    expect(splitAcks(entries, []).unacked).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
  });

  it('reordered acks: the same outcome as in order', () => {
    const inOrder = [ack(1), ack(2, 'duplicate'), ack(3, 'rejected', { error: 'bad' }), ack(4), ack(5)];
    expect(splitAcks(entries, [...inOrder].reverse())).toEqual(splitAcks(entries, inOrder));
  });

  it('matches by key, not position: an ack carrying another entry’s index still lands on its own key', () => {
    const outcome = splitAcks(entries, [ack(2, 'stored', { index: 0 }), ack(1, 'conflict', { index: 1, conflict: 'key_reused', error: 'x' })]);
    expect(outcome.sent).toEqual(['k2']);
    expect(outcome.conflicts).toEqual([{ idempotencyKey: 'k1', conflict: 'key_reused', error: 'x' }]);
  });

  it('repeated acks count once; the repeats are reported as ignored', () => {
    const outcome = splitAcks(entries, [ack(1), ack(1), ack(2), ack(2, 'duplicate'), ack(1)]);
    expect(outcome).toMatchObject({ sent: ['k1', 'k2'], unacked: ['k3', 'k4', 'k5'], ignored: 3 });
  });

  it('contradicting acks for one entry leave it unacked (the resend asks HQ again)', () => {
    const outcome = splitAcks(entries, [ack(1), ack(1, 'conflict', { conflict: 'seq_reused' }), ack(2, 'rejected'), ack(2)]);
    expect(outcome).toMatchObject({ sent: [], rejected: [], conflicts: [], unacked: ['k1', 'k2', 'k3', 'k4', 'k5'], ignored: 2 });
  });

  it('ignores acks for keys not in the batch, with a wrong seq, or a keyless ack that is not a rejection', () => {
    const outcome = splitAcks(entries, [
      ack(1, 'stored', { idempotencyKey: 'someone-else' }),
      ack(2, 'stored', { seq: 99 }),
      ack(3, 'stored', { idempotencyKey: null, seq: null }),
      ack(4, 'rejected', { idempotencyKey: null, seq: 7 }),
      ack(5, 'rejected', { idempotencyKey: null, seq: null, index: 42 }),
    ]);
    expect(outcome).toMatchObject({ sent: [], rejected: [], unacked: ['k1', 'k2', 'k3', 'k4', 'k5'], ignored: 5 });
  });

  it('dropped acks: only the acked entries move, the rest is resent', () => {
    expect(splitAcks(entries, [ack(5), ack(2)])).toMatchObject({ sent: ['k2', 'k5'], unacked: ['k1', 'k3', 'k4'], ignored: 0 });
  });
});
