import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleSale } from '../../shared/sync/sample-entries';
import { signRequest } from '../sync/client/auth';
import { SECRETS, startTestHq, type TestHq } from './test-hq';

// Test-only self-signed certificate for 127.0.0.1 (never used outside tests).
const key = readFileSync(new URL('./testdata/localhost-key.pem', import.meta.url));
const cert = readFileSync(new URL('./testdata/localhost-cert.pem', import.meta.url));

let hq: TestHq;
afterEach(async () => hq.dispose());

function httpsCall(url: string, method: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method, headers, ca: cert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('HQ over HTTPS', () => {
  it('serves the same protocol with a key and certificate', async () => {
    hq = await startTestHq({ tls: { key, cert } });
    expect(hq.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await httpsCall(hq.url, 'GET', '/v1/health', '', {})).toMatchObject({ status: 200, json: { ok: true } });
    const body = JSON.stringify({ terminalId: 'T01', entries: [sampleSale({ seq: 1 })] });
    const headers = signRequest({ terminalId: 'T01', secret: SECRETS.T01, method: 'POST', path: '/v1/batches', body, nowMs: Date.now() });
    const res = await httpsCall(hq.url, 'POST', '/v1/batches', body, { ...headers, 'content-type': 'application/json' });
    expect(res).toMatchObject({ status: 200, json: { results: [{ status: 'stored' }] } });
  });
});
