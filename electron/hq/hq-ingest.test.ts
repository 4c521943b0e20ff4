import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { conflictsResponseSchema, dailyTotalsSchema, entriesResponseSchema, MAX_ENTRY_BYTES, type OutboxEntry } from '../../shared/sync/protocol';
import { cashTender, codeTender, sampleRefund, sampleSale } from '../../shared/sync/sample-entries';
import { fetchDailyTotals, uploadBatch } from '../sync/client/upload';
import { ADMIN_TOKEN, SECRETS, clientFor, rawFetch, signedFetch, startTestHq, type TestHq } from './test-hq';

let hq: TestHq;
afterEach(async () => hq.dispose());

const sales = (from: number, to: number, terminalId: 'T01' | 'T02' = 'T01'): OutboxEntry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => sampleSale({ terminalId, seq: from + i, tenders: [cashTender(100 * (from + i))] }));

async function storedSeqs(terminalId: string): Promise<number[]> {
  const res = await rawFetch(hq, { method: 'GET', path: `/v1/entries?terminalId=${terminalId}&afterSeq=0`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return entriesResponseSchema.parse(res.json).entries.map((e) => e.seq);
}

async function upload(entries: OutboxEntry[], terminalId: 'T01' | 'T02' | 'T03' = 'T01') {
  const result = await uploadBatch(clientFor(hq, terminalId), entries);
  if (result.kind !== 'acked') throw new Error(`expected acked, got ${result.kind}: ${result.reason}`);
  return result;
}

describe('HQ ingestion', () => {
  it('stores a batch and acknowledges every entry in order', async () => {
    hq = await startTestHq();
    const result = await upload(sales(1, 3));
    expect(result.results.map((r) => [r.index, r.idempotencyKey, r.seq, r.status])).toEqual([
      [0, 'T01-00000001', 1, 'stored'],
      [1, 'T01-00000002', 2, 'stored'],
      [2, 'T01-00000003', 3, 'stored'],
    ]);
    expect(result.missingKeys).toEqual([]);
    expect(await storedSeqs('T01')).toEqual([1, 2, 3]);
  });

  it('stores each entry exactly once under resends, overlaps, reorders and in-batch repeats', async () => {
    hq = await startTestHq();
    await upload(sales(1, 5));
    const again = await upload([...sales(4, 8)].reverse());
    expect(again.results.map((r) => [r.seq, r.status])).toEqual([
      [8, 'stored'],
      [7, 'stored'],
      [6, 'stored'],
      [5, 'duplicate'],
      [4, 'duplicate'],
    ]);
    const inBatch = await upload([...sales(9, 9), ...sales(9, 9), ...sales(1, 1)]);
    expect(inBatch.results.map((r) => r.status)).toEqual(['stored', 'duplicate', 'duplicate']);
    // The same key with its payload keys in another order is still the same content.
    const [first] = sales(2, 2);
    if (first === undefined) throw new Error('fixture');
    const reordered = Object.fromEntries(Object.entries(first).reverse()) as OutboxEntry;
    expect((await upload([reordered])).results[0]?.status).toBe('duplicate');
    expect(await storedSeqs('T01')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('compares content, not bytes: extra payload fields in another order are a duplicate, other values a conflict', async () => {
    hq = await startTestHq();
    const base = sampleSale({ seq: 1 });
    const withExtras = (extras: Record<string, unknown>) => ({ ...base, payload: { ...base.payload, ...extras } }) as OutboxEntry;
    await upload([withExtras({ cashierId: 'u1', shiftId: 's1' })]);
    const swapped = { ...base, payload: Object.fromEntries([['shiftId', 's1'], ['cashierId', 'u1'], ...Object.entries(base.payload)]) } as OutboxEntry;
    expect((await upload([swapped])).results[0]?.status).toBe('duplicate');
    expect((await upload([withExtras({ cashierId: 'u2', shiftId: 's1' })])).results[0]).toMatchObject({ status: 'conflict', conflict: 'key_reused' });
  });

  it('rejects an entry larger than the limit, alone', async () => {
    hq = await startTestHq();
    const base = sampleSale({ seq: 2 });
    const huge = { ...base, payload: { ...base.payload, note: '备'.repeat(MAX_ENTRY_BYTES / 3 + 10) } } as OutboxEntry;
    const result = await upload([...sales(1, 1), huge]);
    expect(result.results.map((r) => r.status)).toEqual(['stored', 'rejected']);
    expect(result.results[1]?.error).toMatch(/bytes of JSON/);
  });

  it('keeps terminals apart: the same seq on two terminals is no conflict', async () => {
    hq = await startTestHq();
    await upload(sales(1, 2));
    const other = await upload(sales(1, 2, 'T02'), 'T02');
    expect(other.results.map((r) => r.status)).toEqual(['stored', 'stored']);
    expect(await storedSeqs('T02')).toEqual([1, 2]);
  });

  it('rejects only the invalid entries of a batch and stores the rest', async () => {
    hq = await startTestHq();
    const good = sales(1, 2);
    const badMoney = { ...sampleSale({ seq: 3 }), payload: { ...sampleSale({ seq: 3 }).payload, totalFen: 10.5 } };
    const otherTerminal = sampleSale({ terminalId: 'T02', seq: 4 });
    const newer = { ...sampleSale({ seq: 5 }), schemaVersion: 2 };
    const garbage = { hello: 'world' };
    const res = await rawBatch([good[0], badMoney, otherTerminal, newer, garbage, good[1]]);
    expect(res.status).toBe(200);
    const results = (res.json as { results: { status: string; idempotencyKey: string | null; error?: string }[] }).results;
    expect(results.map((r) => r.status)).toEqual(['stored', 'rejected', 'rejected', 'rejected', 'rejected', 'stored']);
    expect(results[1]?.error).toMatch(/totalFen/);
    expect(results[2]?.error).toMatch(/not the authenticated terminal/);
    expect(results[3]?.error).toMatch(/schemaVersion/);
    expect(results[4]?.idempotencyKey).toBeNull();
    expect(await storedSeqs('T01')).toEqual([1, 2]);
  });

  it('binds a terminal registered with a store to that store', async () => {
    hq = await startTestHq();
    const result = await upload([sampleSale({ terminalId: 'T03', storeId: 'S002', seq: 1 }), sampleSale({ terminalId: 'T03', storeId: 'S001', seq: 2 })], 'T03');
    expect(result.results.map((r) => r.status)).toEqual(['stored', 'rejected']);
    expect(result.results[1]?.error).toMatch(/belongs to store S002/);
  });

  it('detects a sequence reused with another key (copied database) and records it instead of merging', async () => {
    hq = await startTestHq();
    await upload(sales(1, 3));
    // A second machine running a copy of T01's database makes different sales with the same seqs.
    const clone = [sampleSale({ seq: 3, idempotencyKey: 'clone-3' }), sampleSale({ seq: 4, idempotencyKey: 'clone-4' })];
    const result = await upload(clone);
    expect(result.results.map((r) => [r.status, r.conflict])).toEqual([
      ['conflict', 'seq_reused'],
      ['stored', undefined],
    ]);
    expect(result.results[0]?.error).toMatch(/two machines/);
    await upload([sampleSale({ seq: 3, idempotencyKey: 'clone-3' })]);
    // Same key, different content: a conflict too, never a silent duplicate.
    const changed = sampleSale({ seq: 2, tenders: [cashTender(999)] });
    expect((await upload([changed])).results[0]).toMatchObject({ status: 'conflict', conflict: 'key_reused' });

    const res = await rawFetch(hq, { method: 'GET', path: '/v1/conflicts', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { conflicts } = conflictsResponseSchema.parse(res.json);
    expect(conflicts.map((c) => [c.kind, c.terminalId, c.seq, c.idempotencyKey, c.storedIdempotencyKey, c.timesSeen])).toEqual([
      ['seq_reused', 'T01', 3, 'clone-3', 'T01-00000003', 2],
      ['key_reused', 'T01', 2, 'T01-00000002', 'T01-00000002', 1],
    ]);
    expect(conflicts[0]?.entry).toMatchObject({ idempotencyKey: 'clone-3' });
    expect(await storedSeqs('T01')).toEqual([1, 2, 3, 4]);
    expect(hq.logs.some((l) => l.level === 'warn' && l.msg === 'batch' && l['conflict'] === 1)).toBe(true);
  });

  it('keeps exactly-once across an HQ restart', async () => {
    hq = await startTestHq();
    await upload(sales(1, 3));
    hq = await hq.restart();
    const result = await upload(sales(2, 4));
    expect(result.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'stored']);
  });

  it('computes store-wide daily totals per terminal and tender', async () => {
    hq = await startTestHq();
    await upload([
      sampleSale({ seq: 1, tenders: [cashTender(1000), codeTender('wechat', 2500)] }),
      sampleSale({ seq: 2, tenders: [codeTender('alipay', 800)] }),
      sampleRefund({ seq: 3, saleId: 'T01-00000002', tenders: [codeTender('alipay', 300)] }),
      sampleSale({ seq: 4, businessDate: '2024-05-02' }),
    ]);
    await upload([sampleSale({ terminalId: 'T02', seq: 1, tenders: [cashTender(700)] }), sampleRefund({ terminalId: 'T02', seq: 2, saleId: 'x', tenders: [cashTender(700)], kind: 'void' })], 'T02');
    // Duplicates must not inflate totals.
    await upload([sampleSale({ seq: 1, tenders: [cashTender(1000), codeTender('wechat', 2500)] })]);

    const result = await fetchDailyTotals(clientFor(hq, 'T02'), { date: '2024-05-01', storeId: 'S001' });
    if (result.kind !== 'totals') throw new Error(result.reason);
    const totals = result.totals;
    expect(totals.store).toEqual({ salesCount: 3, salesFen: 5000, refundsCount: 1, refundsFen: 300, voidsCount: 1, voidsFen: 700, netFen: 4000 });
    expect(totals.byTender.map((t) => [t.tender, t.salesFen, t.refundsFen, t.voidsFen, t.netFen])).toEqual([
      ['alipay', 800, 300, 0, 500],
      ['cash', 1700, 0, 700, 1000],
      ['wechat', 2500, 0, 0, 2500],
    ]);
    expect(totals.byTerminal.map((t) => [t.terminalId, t.salesCount, t.netFen])).toEqual([
      ['T01', 2, 4000],
      ['T02', 1, 0],
    ]);
    const admin = await rawFetch(hq, { method: 'GET', path: '/v1/totals?date=2024-05-01&storeId=S001', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(dailyTotalsSchema.parse(admin.json)).toEqual(totals);
  });

  it('a resend of an entry HQ holds is a duplicate even after the terminal was bound to another store', async () => {
    hq = await startTestHq();
    const e = sampleSale({ seq: 1, tenders: [codeTender('wechat', 500)] });
    await upload([e]);
    // The ack was lost; meanwhile HQ re-registered T01 for store S002.
    hq = await hq.restart({ terminals: { T01: { secret: SECRETS.T01, storeId: 'S002' } } });
    expect((await upload([e])).results.map((r) => r.status)).toEqual(['duplicate']);
    expect((await upload([sampleSale({ seq: 2 })])).results.map((r) => r.status)).toEqual(['rejected']);
  });

  it('refuses an amount no till can take (one sale over 100,000,000 yuan): a day\'s sum stays exact', async () => {
    hq = await startTestHq();
    const huge = sampleSale({ seq: 1, tenders: [cashTender(2 ** 52)] });
    expect((await upload([huge])).results.map((r) => r.status)).toEqual(['rejected']);
  });

  it('pages entries by afterSeq', async () => {
    hq = await startTestHq();
    await upload(sales(1, 6));
    const res = await rawFetch(hq, { method: 'GET', path: '/v1/entries?terminalId=T01&afterSeq=2&limit=3', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { entries } = entriesResponseSchema.parse(res.json);
    expect(entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(entries[0]?.entry).toEqual(sales(3, 3)[0]);
  });
});

describe('HQ with a stored entry it can no longer read', () => {
  it('leaves it out of the totals and the entries page, lists it with the reason, and logs it', async () => {
    hq = await startTestHq();
    await upload([sampleSale({ seq: 1, tenders: [cashTender(1000)] }), sampleSale({ seq: 2, tenders: [cashTender(500)] }), sampleSale({ seq: 3, tenders: [cashTender(200)] })]);
    await hq.close();
    // A hand-edited row (or one stored under an older schema): a training flag that is not a boolean, and one that is not JSON.
    const db = new Database(hq.dbPath);
    const row = db.prepare<[], { entry_json: string }>("SELECT entry_json FROM entries WHERE seq = 2 AND terminal_id = 'T01'").get();
    const edited = { ...(JSON.parse(row?.entry_json ?? '{}') as { payload: Record<string, unknown> }) };
    edited.payload = { ...edited.payload, training: 'yes' };
    db.prepare("UPDATE entries SET entry_json = ? WHERE seq = 2 AND terminal_id = 'T01'").run(JSON.stringify(edited));
    db.prepare("UPDATE entries SET entry_json = '{not json' WHERE seq = 3 AND terminal_id = 'T01'").run();
    db.close();
    hq = await hq.restart();

    const res = await rawFetch(hq, { method: 'GET', path: '/v1/totals?date=2024-05-01&storeId=S001', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    const totals = dailyTotalsSchema.parse(res.json);
    expect(totals.store.salesFen).toBe(1000);
    expect(totals.unreadable?.map((u) => [u.terminalId, u.seq, u.idempotencyKey])).toEqual([
      ['T01', 2, 'T01-00000002'],
      ['T01', 3, 'T01-00000003'],
    ]);
    expect(totals.unreadable?.[0]?.reason).toContain('training');
    expect(totals.unreadable?.[1]?.reason).toContain('not JSON');

    const page = await rawFetch(hq, { method: 'GET', path: '/v1/entries?terminalId=T01&afterSeq=0', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const parsed = entriesResponseSchema.parse(page.json);
    expect(parsed.entries.map((e) => e.seq)).toEqual([1]);
    expect(parsed.unreadable?.map((u) => u.seq)).toEqual([2, 3]);
    expect(parsed.unreadable?.[1]?.entry).toBe('{not json');
    expect(hq.logs.filter((l) => l.msg.startsWith('stored entries unreadable')).length).toBe(2);
  });

  it('sends no unreadable list when every row reads', async () => {
    hq = await startTestHq();
    await upload(sales(1, 2));
    const res = await rawFetch(hq, { method: 'GET', path: '/v1/totals?date=2024-05-01&storeId=S001', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(Object.keys(res.json as object)).not.toContain('unreadable');
    const page = await rawFetch(hq, { method: 'GET', path: '/v1/entries?terminalId=T01', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(Object.keys(page.json as object)).toEqual(['entries']);
  });
});

function rawBatch(entries: unknown[]) {
  return signedFetch(hq, { method: 'POST', path: '/v1/batches', body: JSON.stringify({ terminalId: 'T01', entries }) });
}
