import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from './testing/harness';
import { getAttempt, insertAttempt, updateAttemptRow } from './attempts';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

// The payment path trusts these rows instead of re-reading them: they must be exactly what a read returns.
describe('attempt rows returned by writes', () => {
  it('insertAttempt and updateAttemptRow return the row as stored, defaults and counters included', async () => {
    t = await startPaymentsHost();
    const db = t.host.ctx.db;
    const saleId = await t.openSale(1200);
    const at = '2026-11-26T01:00:00.000Z';
    const inserted = insertAttempt(db, {
      id: 'attempt-1',
      sale_id: saleId,
      order_no: 'order-1',
      wallet: 'wechat',
      gateway: 'wechat',
      amount_fen: 1200,
      code_hash: 'hash-1',
      code_masked: '1340****1234',
      state: 'sent',
      phase: 'sending',
      created_ms: 1,
      sent_ms: 1,
      created_at: at,
      updated_at: at,
    });
    expect(inserted).toEqual(getAttempt(db, 'attempt-1'));

    let row = inserted;
    const patches = [
      { state: 'pending', phase: 'waiting_password', reason: 'USERPAYING', addQueries: 2 },
      { state: 'reversing', phase: 'reversing', reason: 'deadline', transaction_id: 'tx-1', cancel_requested: 1, addReverseCalls: 1, reverse_refund_no: 'r-1' },
      { state: 'succeeded', phase: 'paid', reason: null, resolved_ms: 99 },
    ] as const;
    for (const [i, patch] of patches.entries()) {
      row = updateAttemptRow(db, row, patch, `2026-11-26T01:00:0${i + 1}.000Z`);
      expect(row).toEqual(getAttempt(db, 'attempt-1'));
    }
    expect(row).toMatchObject({ queries: 2, reverse_calls: 1, transaction_id: 'tx-1', state: 'succeeded', updated_at: '2026-11-26T01:00:03.000Z' });
  });
});
