import { afterEach, describe, expect, it } from 'vitest';
import { entriesResponseSchema, type OutboxEntry } from '../../shared/sync/protocol';
import { sampleSale } from '../../shared/sync/sample-entries';
import { splitAcks } from '../sync/client/acks';
import { probeHq, uploadBatch, type UploadResult } from '../sync/client/upload';
import { batchFaults, mangleAcks, type HqFault } from './faults';
import { ADMIN_TOKEN, clientFor, rawFetch, startTestHq, type TestHq } from './test-hq';

let hq: TestHq;
afterEach(async () => hq.dispose());

const batch = (from: number, to: number): OutboxEntry[] => Array.from({ length: to - from + 1 }, (_, i) => sampleSale({ seq: from + i }));

async function storedCount(): Promise<number> {
  const res = await rawFetch(hq, { method: 'GET', path: '/v1/entries?terminalId=T01', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return entriesResponseSchema.parse(res.json).entries.length;
}

/** Uploads the batch once under the given fault, then once more without: the worker's retry. */
async function faultThenRetry(fault: HqFault, timeoutMs = 5000): Promise<{ first: UploadResult; retry: UploadResult; storedAfterFault: number }> {
  hq = await startTestHq({ faults: batchFaults(fault) });
  const entries = batch(1, 4);
  const first = await uploadBatch(clientFor(hq, 'T01', { timeoutMs }), entries);
  const storedAfterFault = await storedCount();
  const retry = await uploadBatch(clientFor(hq), entries);
  return { first, retry, storedAfterFault };
}

const statuses = (r: UploadResult): string[] => (r.kind === 'acked' ? r.results.map((a) => a.status) : [r.kind]);

describe('client classification of HQ faults, and exactly-once across the retry', () => {
  it.each([
    ['503 before storing', { kind: 'status', status: 503 }, 0, /HTTP 503/],
    ['500 after storing', { kind: 'status', status: 500, afterStore: true }, 4, /HTTP 500/],
    ['429 rate limit', { kind: 'status', status: 429 }, 0, /HTTP 429/],
    ['garbage (proxy HTML page)', { kind: 'garbage' }, 0, /unparsable/],
    ['garbage after storing', { kind: 'garbage', afterStore: true }, 4, /unparsable/],
    ['JSON of the wrong shape', { kind: 'wrong-shape' }, 4, /does not match the protocol/],
    ['connection closed before storing', { kind: 'close-before-store' }, 0, /network error/],
    ['connection closed mid-batch, after storing', { kind: 'close-after-store' }, 4, /network error/],
    ['answer truncated after storing', { kind: 'truncate' }, 4, /network error|terminated/],
  ] as const)('%s → transient; the retry is acked without double storage', async (_name, fault, storedAfterFault, reason) => {
    const result = await faultThenRetry(fault);
    expect(result.first.kind).toBe('transient');
    expect(result.first.kind === 'transient' && result.first.reason).toMatch(reason);
    expect(result.storedAfterFault).toBe(storedAfterFault);
    const expected = storedAfterFault === 4 ? 'duplicate' : 'stored';
    expect(statuses(result.retry)).toEqual([expected, expected, expected, expected]);
    expect(await storedCount()).toBe(4);
  });

  it('a hanging HQ → transient timeout (client timeout, not a long wait)', async () => {
    const result = await faultThenRetry({ kind: 'hang' }, 100);
    expect(result.first).toEqual({ kind: 'transient', reason: 'timeout after 100 ms', noAnswer: true });
    expect(statuses(result.retry)).toEqual(['stored', 'stored', 'stored', 'stored']);
  });

  it('a slow but answering HQ is fine within the timeout', async () => {
    const result = await faultThenRetry({ kind: 'delay', ms: 20 });
    expect(statuses(result.first)).toEqual(['stored', 'stored', 'stored', 'stored']);
  });

  it('a partial ack is returned as such; the worker resends the rest and gets duplicates', async () => {
    hq = await startTestHq({ faults: batchFaults({ kind: 'partial-ack', count: 2 }) });
    const entries = batch(1, 5);
    const first = await uploadBatch(clientFor(hq), entries);
    expect(first).toMatchObject({ kind: 'acked', missingKeys: ['T01-00000003', 'T01-00000004', 'T01-00000005'] });
    expect(statuses(first)).toEqual(['stored', 'stored']);
    const rest = entries.filter((e) => first.kind === 'acked' && first.missingKeys.includes(e.idempotencyKey));
    const retry = await uploadBatch(clientFor(hq), rest);
    expect(statuses(retry)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await storedCount()).toBe(5);
  });

  it('a late ack after storing (client timed out) → transient; the retry gets duplicates', async () => {
    const result = await faultThenRetry({ kind: 'delay', ms: 400, afterStore: true }, 150);
    expect(result.first).toEqual({ kind: 'transient', reason: 'timeout after 150 ms', noAnswer: true });
    expect(result.storedAfterFault).toBe(4);
    expect(statuses(result.retry)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
  });

  it.each([
    ['duplicated', { kind: 'duplicate-acks' }],
    ['reordered', { kind: 'reorder-acks', seed: 3 }],
    ['mixed with acks for foreign entries', { kind: 'foreign-acks' }],
  ] as const)('%s acks: every entry is matched by key and nothing is missing', async (_name, fault) => {
    hq = await startTestHq({ faults: batchFaults(fault) });
    const entries = batch(1, 6);
    const first = await uploadBatch(clientFor(hq), entries);
    expect(first).toMatchObject({ kind: 'acked', missingKeys: [] });
    expect(splitAcks(entries, first.kind === 'acked' ? first.results : []).sent.sort()).toEqual(entries.map((e) => e.idempotencyKey).sort());
    expect(await storedCount()).toBe(6);
  });

  it('dropped acks: the unacked entries are missing, stored anyway, and come back duplicate', async () => {
    hq = await startTestHq({ faults: batchFaults({ kind: 'drop-acks', seed: 11, ratio: 0.5 }) });
    const entries = batch(1, 10);
    const first = await uploadBatch(clientFor(hq), entries);
    if (first.kind !== 'acked') throw new Error(`expected acked, got ${first.kind}`);
    expect(first.missingKeys.length).toBeGreaterThan(0);
    expect(first.missingKeys.length).toBeLessThan(10);
    expect(await storedCount()).toBe(10);
    const retry = await uploadBatch(clientFor(hq), entries.filter((e) => first.missingKeys.includes(e.idempotencyKey)));
    expect(new Set(statuses(retry))).toEqual(new Set(['duplicate']));
  });

  it('store-some: only the acked entries are stored (acks shuffled and doubled); the rest is stored on the retry', async () => {
    hq = await startTestHq({ faults: batchFaults({ kind: 'store-some', seed: 4 }) });
    const entries = batch(1, 10);
    const first = await uploadBatch(clientFor(hq), entries);
    if (first.kind !== 'acked') throw new Error(`expected acked, got ${first.kind}`);
    const sent = splitAcks(entries, first.results).sent;
    expect(sent.length).toBeGreaterThan(0);
    expect(first.missingKeys.length).toBe(10 - sent.length);
    expect(await storedCount()).toBe(sent.length);
    const retry = await uploadBatch(clientFor(hq), entries);
    expect(retry.kind === 'acked' && retry.results.filter((r) => r.status === 'duplicate').map((r) => r.idempotencyKey).sort()).toEqual([...sent].sort());
    expect(await storedCount()).toBe(10);
  });

  it('ack faults are reproducible: a seeded shuffle is a permutation, a seeded drop a subset', () => {
    const acks = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = mangleAcks({ kind: 'reorder-acks', seed: 5 }, acks) ?? [];
    expect(shuffled).not.toEqual(acks);
    expect([...shuffled].sort((a, b) => Number(a) - Number(b))).toEqual(acks);
    expect(mangleAcks({ kind: 'reorder-acks', seed: 5 }, acks)).toEqual(shuffled);
    const kept = mangleAcks({ kind: 'drop-acks', seed: 5 }, acks) ?? [];
    expect(kept.every((a) => acks.includes(Number(a)))).toBe(true);
    expect(kept.length).toBeLessThan(acks.length);
    expect(mangleAcks({ kind: 'duplicate-acks' }, [1, 2])).toEqual([1, 1, 2, 2]);
    expect(mangleAcks({ kind: 'truncate' }, acks)).toBeUndefined();
  });

  it('an unreachable HQ → transient network error; the probe says why', async () => {
    hq = await startTestHq();
    // Closed, not disposed: afterEach disposes it (close is idempotent).
    await hq.close();
    const deadConfig = clientFor(hq);
    const result = await uploadBatch(deadConfig, batch(1, 1));
    expect(result).toMatchObject({ kind: 'transient' });
    expect(result.kind === 'transient' && result.reason).toMatch(/network error/);
    expect(await probeHq(deadConfig)).toMatchObject({ ok: false });
  });

  it('a probe against a faulty HQ reports the fault', async () => {
    hq = await startTestHq({ faults: ({ path }) => (path === '/v1/health' ? { kind: 'status', status: 502 } : undefined) });
    expect(await probeHq({ baseUrl: hq.url, timeoutMs: 1000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/HTTP 502/) as unknown });
  });
});
