import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';
import { applyAcks, compactOutbox, enqueueRecord, outboxCounts, pendingBatch } from './outbox';
import { MAX_ENTRY_BYTES, outboxEntrySchema } from '../../shared/sync/protocol';
import { DEFAULT_SETTINGS } from '../../shared/settings';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

type Row = { seq: number; idempotency_key: string; kind: string; entry: string; state: string; last_error: string | null; sent_at: string | null };
const rows = (h: PaymentsTestHost): Row[] => h.host.ctx.db.prepare('SELECT * FROM outbox ORDER BY seq').all() as Row[];

describe('outbox', () => {
  it('a cash sale writes one valid pending entry in its own transaction', async () => {
    t = await startPaymentsHost();
    const saleId = await t.openSale(1850);
    await t.must('sale.tenderCash', { saleId, givenFen: 2000 });
    const [row, ...rest] = rows(t);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ seq: 1, idempotency_key: saleId, kind: 'sale', state: 'pending', last_error: null });
    const entry = outboxEntrySchema.parse(JSON.parse(row?.entry ?? '{}'));
    expect(entry).toMatchObject({ schemaVersion: 1, terminalId: 'T01', storeId: 'S001', seq: 1, idempotencyKey: saleId, kind: 'sale', payload: { totalFen: 1850, tenders: [{ kind: 'cash', amountFen: 1850 }] } });
  });

  it('a rolled-back sale leaves no entry, and the sale is not paid', async () => {
    t = await startPaymentsHost();
    const saleId = await t.openSale(500);
    const remove = t.host.ctx.records.addSink(() => {
      throw new Error('disk full');
    });
    expect((await t.call('sale.tenderCash', { saleId, givenFen: 500 })).ok).toBe(false);
    remove();
    expect(rows(t)).toEqual([]);
    expect((await t.must('sale.get', { saleId })).status).not.toBe('paid');
    await t.must('sale.tenderCash', { saleId, givenFen: 500 });
    expect(rows(t).map((r) => [r.seq, r.idempotency_key])).toEqual([[1, saleId]]);
  });

  it('an entry that cannot be uploaded is parked with the reason, never lost; a record enqueued twice is kept once', async () => {
    t = await startPaymentsHost();
    const db = t.host.ctx.db;
    const record = (id: string, payload: Record<string, unknown>) => ({ kind: 'sale' as const, id, businessDate: '2026-11-25', createdAt: '2026-11-25T02:00:00.000Z', payload });
    const unserialisable = record('bad-sale-1', { totalFen: 100, lines: [], tenders: [], status: 'completed', big: 1n });
    const oversized = record('bad-sale-2', { totalFen: 100, lines: [], tenders: [], status: 'completed', note: 'x'.repeat(MAX_ENTRY_BYTES) });
    // Shape errors are HQ's to judge (it rejects the entry alone, which parks it: worker.test.ts).
    const misshapen = record('odd-sale-3', { totalFen: 100, lines: [], tenders: [], status: 'completed' });
    db.transaction(() => {
      expect(enqueueRecord(db, unserialisable, DEFAULT_SETTINGS, 'now')).toEqual({ seq: 1, state: 'parked' });
      expect(enqueueRecord(db, unserialisable, DEFAULT_SETTINGS, 'now')).toBeNull();
      expect(enqueueRecord(db, oversized, DEFAULT_SETTINGS, 'now')).toEqual({ seq: 2, state: 'parked' });
      expect(enqueueRecord(db, misshapen, DEFAULT_SETTINGS, 'now')).toEqual({ seq: 3, state: 'pending' });
    })();
    expect(rows(t)).toEqual([
      expect.objectContaining({ state: 'parked', last_error: expect.stringMatching(/payload not serialisable: .*BigInt/) }),
      expect.objectContaining({ state: 'parked', last_error: expect.stringMatching(new RegExp(`bytes, over ${MAX_ENTRY_BYTES}`)) }),
      expect.objectContaining({ state: 'pending', last_error: null }),
    ]);
    expect(JSON.parse(rows(t)[0]?.entry ?? '{}')).toMatchObject({ idempotencyKey: 'bad-sale-1', payload: {} });
    expect(outboxCounts(db)).toMatchObject({ queued: 1, parked: 2 });
    expect((await t.must('sync.parked')).map((p) => [p.idempotencyKey, p.state])).toEqual([
      ['bad-sale-1', 'parked'],
      ['bad-sale-2', 'parked'],
    ]);
  });

  it('compaction deletes old acknowledged entries only, and seq is never reused', async () => {
    t = await startPaymentsHost();
    for (const total of [100, 200, 300]) await t.must('sale.tenderCash', { saleId: await t.openSale(total), givenFen: total });
    const db = t.host.ctx.db;
    db.prepare("UPDATE outbox SET state = 'sent', sent_at = '2026-01-01T00:00:00.000Z' WHERE seq IN (1, 3)").run();
    expect(compactOutbox(db, '2026-01-02T00:00:00.000Z')).toBe(2);
    expect(rows(t).map((r) => r.seq)).toEqual([2]);
    await t.must('sale.tenderCash', { saleId: await t.openSale(400), givenFen: 400 });
    expect(rows(t).map((r) => r.seq)).toEqual([2, 4]);
  });

  it('pendingBatch hands out the stored bytes with the key and seq inside them; applyAcks works by row', async () => {
    t = await startPaymentsHost();
    const ids: string[] = [];
    for (const total of [100, 200]) ids.push(await t.openSale(total));
    for (const [i, saleId] of ids.entries()) await t.must('sale.tenderCash', { saleId, givenFen: (i + 1) * 100 });
    const db = t.host.ctx.db;
    // Row 2 now carries seq 7 inside its entry (as a copied database would): acks must match what was sent.
    db.prepare("UPDATE outbox SET entry = json_set(entry, '$.seq', 7) WHERE seq = 2").run();
    const batch = pendingBatch(db, 10, 1 << 20);
    expect(batch.map((r) => [r.seq, r.sent.seq, r.sent.idempotencyKey])).toEqual([
      [1, 1, ids[0]],
      [2, 7, ids[1]],
    ]);
    expect(JSON.parse(batch[1]?.entry.toString('utf8') ?? '{}')).toMatchObject({ seq: 7, idempotencyKey: ids[1] });
    applyAcks(db, { sent: [1], rejected: [], conflicts: [{ seq: 2, error: 'seq_reused' }], attempted: [1, 2] }, '2026-11-25T02:00:00.000Z');
    expect(rows(t).map((r) => [r.seq, r.state, r.sent_at])).toEqual([
      [1, 'sent', '2026-11-25T02:00:00.000Z'],
      [2, 'conflict', null],
    ]);
    expect(outboxCounts(db)).toMatchObject({ queued: 0, parked: 0, conflicts: 1, oldestPendingAt: null });
  });
});
