import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_BODY_BYTES } from '../../shared/sync/protocol';
import { sampleSale } from '../../shared/sync/sample-entries';
import { signRequest } from '../sync/client/auth';
import { fetchDailyTotals, probeHq, uploadBatch } from '../sync/client/upload';
import { startHq } from './server';
import { ADMIN_TOKEN, clientFor, rawFetch, SECRETS, signedFetch, startTestHq, type TestHq } from './test-hq';

let hq: TestHq;
afterEach(async () => hq.dispose());

const batchBody = (entries = [sampleSale({ seq: 1 })], terminalId = 'T01'): string => JSON.stringify({ terminalId, entries });

describe('HQ authentication', () => {
  it('answers 401 with a JSON error for a bad signature, unknown terminal or missing headers, and logs it', async () => {
    hq = await startTestHq();
    const wrongSecret = await signedFetch(hq, { method: 'POST', path: '/v1/batches', body: batchBody(), secret: 'not-the-secret' });
    expect(wrongSecret).toMatchObject({ status: 401, json: { error: { code: 'bad_signature' } } });
    const unknown = await signedFetch(hq, { method: 'POST', path: '/v1/batches', body: batchBody(), terminalId: 'T99' });
    expect(unknown).toMatchObject({ status: 401, json: { error: { code: 'unknown_terminal' } } });
    const unsigned = await rawFetch(hq, { method: 'POST', path: '/v1/batches', body: batchBody() });
    expect(unsigned).toMatchObject({ status: 401, json: { error: { code: 'missing_headers' } } });
    const refused = hq.logs.filter((l) => l.msg === 'request refused').map((l) => [l['reason'], l['terminalId']]);
    expect(refused).toEqual([
      ['bad_signature', 'T01'],
      ['unknown_terminal', 'T99'],
      ['missing_headers', undefined],
    ]);
    // Nothing refused was stored.
    const entries = await rawFetch(hq, { method: 'GET', path: '/v1/entries?terminalId=T01', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(entries.json).toEqual({ entries: [] });
    // No secret or signature ever reaches the log.
    expect(JSON.stringify(hq.logs)).not.toContain(SECRETS.T01);
  });

  it('refuses a replayed request and a skewed clock (injected HQ clock)', async () => {
    let now = 1_714_528_800_000;
    hq = await startTestHq({ clock: () => now, replayWindowMs: 60_000 });
    const body = batchBody();
    const headers = signRequest({ terminalId: 'T01', secret: SECRETS.T01, method: 'POST', path: '/v1/batches', body, nowMs: now });
    const send = () => rawFetch(hq, { method: 'POST', path: '/v1/batches', body, headers: { ...headers, 'content-type': 'application/json' } });
    expect((await send()).status).toBe(200);
    now += 30_000;
    expect(await send()).toMatchObject({ status: 401, json: { error: { code: 'replayed_nonce' } } });
    now += 31_000;
    expect(await send()).toMatchObject({ status: 401, json: { error: { code: 'stale_timestamp' } } });
    // A terminal whose clock is 2 minutes ahead is refused with a hint, through the client as 'auth'.
    const skewed = await uploadBatch(clientFor(hq, 'T01', { now: () => now + 120_000 }), [sampleSale({ seq: 2 })]);
    expect(skewed).toMatchObject({ kind: 'auth', status: 401 });
    expect(skewed.kind === 'auth' && skewed.reason).toMatch(/clock/);
  });

  it('lets the admin token read but not upload, and refuses a wrong token', async () => {
    hq = await startTestHq();
    const path = '/v1/totals?date=2024-05-01&storeId=S001';
    expect((await rawFetch(hq, { method: 'GET', path, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
    expect(await rawFetch(hq, { method: 'GET', path, headers: { authorization: 'Bearer wrong-token-wrong-token' } })).toMatchObject({ status: 401, json: { error: { code: 'bad_admin_token' } } });
    const upload = await rawFetch(hq, { method: 'POST', path: '/v1/batches', body: batchBody(), headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(upload.status).toBe(401);
  });

  it('signs the query: a terminal cannot have its totals query altered', async () => {
    hq = await startTestHq();
    const headers = signRequest({ terminalId: 'T01', secret: SECRETS.T01, method: 'GET', path: '/v1/totals?date=2024-05-01&storeId=S001', body: '', nowMs: Date.now() });
    const altered = await rawFetch(hq, { method: 'GET', path: '/v1/totals?date=2024-05-02&storeId=S001', headers });
    expect(altered).toMatchObject({ status: 401, json: { error: { code: 'bad_signature' } } });
  });

  it('limits a terminal to its own data and its bound store', async () => {
    hq = await startTestHq();
    const t01 = await signedFetch(hq, { method: 'GET', path: '/v1/entries?terminalId=T02' });
    expect(t01.status).toBe(403);
    const t03 = await fetchDailyTotals(clientFor(hq, 'T03'), { date: '2024-05-01', storeId: 'S001' });
    expect(t03).toMatchObject({ kind: 'auth', status: 403 });
    const mismatch = await signedFetch(hq, { method: 'POST', path: '/v1/batches', body: batchBody(undefined, 'T02') });
    expect(mismatch).toMatchObject({ status: 403, json: { error: { code: 'terminal_mismatch' } } });
  });
});

describe('HQ request handling', () => {
  it('answers the health probe without authentication', async () => {
    hq = await startTestHq();
    const probe = await probeHq({ baseUrl: hq.url, timeoutMs: 2000 });
    expect(probe.ok).toBe(true);
  });

  it('gives clear errors for bad JSON, bad envelopes, bad queries, unknown paths and wrong methods', async () => {
    hq = await startTestHq();
    expect(await signedFetch(hq, { method: 'POST', path: '/v1/batches', body: '{not json' })).toMatchObject({ status: 400, json: { error: { code: 'invalid_json' } } });
    expect(await signedFetch(hq, { method: 'POST', path: '/v1/batches', body: JSON.stringify({ terminalId: 'T01', entries: [] }) })).toMatchObject({
      status: 400,
      json: { error: { code: 'invalid_batch' } },
    });
    expect(await signedFetch(hq, { method: 'POST', path: '/v1/batches', body: JSON.stringify([1, 2]) })).toMatchObject({ status: 400 });
    expect(await signedFetch(hq, { method: 'GET', path: '/v1/totals?date=2024-13-01&storeId=S001' })).toMatchObject({ status: 400, json: { error: { code: 'invalid_query' } } });
    expect(await signedFetch(hq, { method: 'GET', path: '/v1/totals?date=2024-05-01&storeId=S001&storeId=S002' })).toMatchObject({ status: 400 });
    expect(await rawFetch(hq, { method: 'GET', path: '/v2/anything' })).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect(await rawFetch(hq, { method: 'DELETE', path: '/v1/batches' })).toMatchObject({ status: 405 });
    expect(await rawFetch(hq, { method: 'GET', path: '/constructor' })).toMatchObject({ status: 404 });
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    hq = await startTestHq();
    const res = await rawFetch(hq, { method: 'POST', path: '/v1/batches', body: 'x'.repeat(MAX_BATCH_BODY_BYTES + 1) });
    expect(res).toMatchObject({ status: 413, json: { error: { code: 'too_large' } } });
  });

  it('refuses bad configuration at start with a clear error', async () => {
    hq = await startTestHq();
    const dbPath = `${hq.dir}/other.sqlite`;
    await expect(startHq({ dbPath, terminals: { T01: 'short' } })).rejects.toThrow(/at least 8 characters/);
    await expect(startHq({ dbPath, terminals: { 'bad id': 'long-enough-secret' } })).rejects.toThrow(/terminal id/);
    await expect(startHq({ dbPath, adminToken: 'short' })).rejects.toThrow(/adminToken/);
    await expect(startHq({ dbPath, port: hq.port })).rejects.toThrow(/EADDRINUSE/);
  });

  it('keeps terminals registered in the database across restarts', async () => {
    hq = await startTestHq();
    hq = await hq.restart({ terminals: {} });
    const result = await uploadBatch(clientFor(hq), [sampleSale({ seq: 1 })]);
    expect(result.kind).toBe('acked');
  });
});
