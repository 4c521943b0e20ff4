import { describe, expect, it } from 'vitest';
import { sampleSale } from '../../../shared/sync/sample-entries';
import { splitAcks } from './acks';

const entries = [1, 2, 3, 4, 5].map((seq) => sampleSale({ seq, idempotencyKey: `k${seq}` }));

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
    });
  });

  it('leaves everything unacked for an empty ack list', () => {
    expect(splitAcks(entries, []).unacked).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
  });
});
