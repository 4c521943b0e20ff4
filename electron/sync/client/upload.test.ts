import { describe, expect, it } from 'vitest';
import { MAX_BATCH_ENTRIES } from '../../../shared/sync/protocol';
import { sampleSale } from '../../../shared/sync/sample-entries';
import { createNonceCache, verifyRequest } from './auth';
import { fetchDailyTotals, probeHq, uploadBatch, uploadSerializedBatch, type SyncClientConfig } from './upload';

const NOW = 1_714_528_800_000;
const entries = [sampleSale({ seq: 1 }), sampleSale({ seq: 2 })];

type Seen = { url: string; method: string; headers: Record<string, string>; body: string };

/** A fetch double answering with a fixed status and body, recording what it was sent. */
function fakeFetch(status: number, body: unknown, seen: Seen[] = []): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, body: typeof init?.body === 'string' ? init.body : init?.body instanceof Uint8Array ? Buffer.from(init.body).toString('utf8') : '' });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as typeof fetch;
}

const config = (fetchImpl: typeof fetch, extra: Partial<SyncClientConfig> = {}): SyncClientConfig => ({
  baseUrl: 'http://hq.test',
  terminalId: 'T01',
  secret: 'secret-of-terminal-01',
  timeoutMs: 1000,
  fetch: fetchImpl,
  now: () => NOW,
  ...extra,
});

const ack = (index: number, status = 'stored') => ({ index, idempotencyKey: entries[index]?.idempotencyKey ?? 'x', seq: index + 1, status });

describe('uploadBatch', () => {
  it('sends a signed POST that HQ verification accepts, including under a base path', async () => {
    const seen: Seen[] = [];
    const result = await uploadBatch(config(fakeFetch(200, { results: [ack(0), ack(1, 'duplicate')] }, seen), { baseUrl: 'https://hq.test/pos/' }), entries);
    expect(result).toMatchObject({ kind: 'acked', missingKeys: [] });
    const sent = seen[0];
    if (sent === undefined) throw new Error('nothing sent');
    expect(sent.url).toBe('https://hq.test/pos/v1/batches');
    const headers = Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const verified = verifyRequest(
      { headers, method: 'POST', path: '/pos/v1/batches', body: sent.body },
      { secretFor: () => 'secret-of-terminal-01', nowMs: NOW, windowMs: 300_000, nonces: createNonceCache(300_000) },
    );
    expect(verified).toEqual({ ok: true, terminalId: 'T01' });
    expect(JSON.parse(sent.body)).toEqual({ terminalId: 'T01', entries });
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [400, 'refused'],
    [404, 'refused'],
    [413, 'refused'],
    [408, 'transient'],
    [429, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
  ])('classifies HTTP %i as %s, with HQ’s error message', async (status, kind) => {
    const result = await uploadBatch(config(fakeFetch(status, { error: { code: 'some_code', message: 'explained' } })), entries);
    expect(result.kind).toBe(kind);
    expect(result.kind !== 'acked' && result.reason).toBe(`HTTP ${status}: some_code: explained`);
  });

  it.each([
    ['an unknown status', { results: [ack(0, 'maybe')] }],
    ['no results at all', {}],
    ['more acks than twice the largest batch', { results: Array.from({ length: 2 * MAX_BATCH_ENTRIES + 1 }, () => ack(0)) }],
  ])('treats an answer with %s as transient (nothing marked sent)', async (_name, body) => {
    expect((await uploadBatch(config(fakeFetch(200, body)), entries)).kind).toBe('transient');
  });

  it.each([
    ['an index outside the batch (matched by key)', { results: [ack(0), { ...ack(1), index: 7 }] }, []],
    ['two acks for one entry', { results: [ack(0), ack(0)] }, [entries[1]?.idempotencyKey]],
    ['acks in reverse order', { results: [ack(1), ack(0)] }, []],
    ['an ack naming another key', { results: [{ ...ack(0), idempotencyKey: 'someone-else' }, ack(1)] }, [entries[0]?.idempotencyKey]],
    ['a null key on a non-rejected ack', { results: [{ ...ack(0), idempotencyKey: null }] }, entries.map((e) => e.idempotencyKey)],
  ])('accepts an answer with %s; entries without a matching ack are missing (resent)', async (_name, body, missing) => {
    expect(await uploadBatch(config(fakeFetch(200, body)), entries)).toMatchObject({ kind: 'acked', missingKeys: missing });
  });

  it('accepts a rejected ack without a key', async () => {
    const body = { results: [{ index: 0, idempotencyKey: null, seq: null, status: 'rejected', error: 'bad' }] };
    expect(await uploadBatch(config(fakeFetch(200, body)), entries)).toMatchObject({ kind: 'acked', missingKeys: [entries[1]?.idempotencyKey] });
  });

  it('a pre-serialised batch goes out byte for byte as JSON.stringify of the request would send it', async () => {
    const seen: Seen[] = [];
    const cjk = [sampleSale({ seq: 1 }), { ...sampleSale({ seq: 2 }), payload: { ...sampleSale({ seq: 2 }).payload, note: '矿泉水 ￥1.50' } }];
    const result = await uploadSerializedBatch(config(fakeFetch(200, { results: [] }, seen)), cjk, cjk.map((e) => Buffer.from(JSON.stringify(e))));
    expect(result).toMatchObject({ kind: 'acked', missingKeys: cjk.map((e) => e.idempotencyKey) });
    expect(seen[0]?.body).toBe(JSON.stringify({ terminalId: 'T01', entries: cjk }));
    expect(await uploadSerializedBatch(config(fakeFetch(200, { results: [] })), cjk, [])).toMatchObject({ kind: 'refused' });
  });

  it('refuses what cannot succeed before sending anything', async () => {
    const seen: Seen[] = [];
    const f = fakeFetch(200, { results: [] }, seen);
    expect(await uploadBatch(config(f, { baseUrl: 'not a url' }), entries)).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/invalid HQ URL/) as unknown });
    expect(await uploadBatch(config(f, { baseUrl: 'ftp://hq.test' }), entries)).toMatchObject({ kind: 'refused' });
    const tooMany = Array.from({ length: MAX_BATCH_ENTRIES + 1 }, (_, i) => sampleSale({ seq: i + 1 }));
    expect(await uploadBatch(config(f), tooMany)).toMatchObject({ kind: 'refused' });
    expect(await uploadBatch(config(f), [])).toEqual({ kind: 'acked', results: [], missingKeys: [] });
    expect(seen).toEqual([]);
  });

  it('turns a throwing fetch into a transient network error', async () => {
    const throwing = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED 127.0.0.1:9') });
    }) as typeof fetch;
    expect(await uploadBatch(config(throwing), entries)).toEqual({ kind: 'transient', reason: 'network error: fetch failed: ECONNREFUSED 127.0.0.1:9', noAnswer: true });
  });
});

describe('probeHq and fetchDailyTotals', () => {
  it('probe: ok on a health answer, not ok on anything else', async () => {
    const health = { ok: true, service: 'pos-hq', protocolVersion: 1, time: '2024-05-01T00:00:00.000Z' };
    expect(await probeHq({ baseUrl: 'http://hq.test', timeoutMs: 100, fetch: fakeFetch(200, health), now: () => NOW })).toEqual({ ok: true, latencyMs: 0 });
    expect((await probeHq({ baseUrl: 'http://hq.test', timeoutMs: 100, fetch: fakeFetch(200, { ok: true }) })).ok).toBe(false);
  });

  it('totals: a signed GET with the query in the signed path; bad answers are transient', async () => {
    const seen: Seen[] = [];
    const result = await fetchDailyTotals(config(fakeFetch(200, { nope: 1 }, seen)), { date: '2024-05-01', storeId: 'S001' });
    expect(result.kind).toBe('transient');
    expect(seen[0]?.url).toBe('http://hq.test/v1/totals?date=2024-05-01&storeId=S001');
    expect(seen[0]?.headers['X-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });
});
