import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeSignature, createNonceCache, sha256Hex, signingString, signRequest, verifyRequest, type NonceCache } from './auth';

const SECRET = 'terminal-secret-01';
const NOW = 1_714_528_800_000; // 2024-05-01T02:00:00Z
const WINDOW = 5 * 60 * 1000;
const BODY = '{"terminalId":"T01","entries":[]}';

const secretFor = (id: string): string | undefined => (id === 'T01' ? SECRET : undefined);

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function signed(overrides: { nowMs?: number; secret?: string; terminalId?: string; nonce?: string } = {}) {
  return lowerCase(
    signRequest({
      terminalId: overrides.terminalId ?? 'T01',
      secret: overrides.secret ?? SECRET,
      method: 'POST',
      path: '/v1/batches',
      body: BODY,
      nowMs: overrides.nowMs ?? NOW,
      nonce: overrides.nonce ?? 'nonce-0123456789abcdef',
    }),
  );
}

function verify(headers: Record<string, string>, opts: { nowMs?: number; nonces?: NonceCache; body?: string | Uint8Array; path?: string; method?: string } = {}) {
  return verifyRequest(
    { headers, method: opts.method ?? 'POST', path: opts.path ?? '/v1/batches', body: opts.body ?? BODY },
    { secretFor, nowMs: opts.nowMs ?? NOW, windowMs: WINDOW, nonces: opts.nonces ?? createNonceCache(WINDOW) },
  );
}

describe('signing string', () => {
  it('matches the documented layout and a fixed vector', () => {
    const request = { method: 'post', path: '/v1/batches', body: BODY, timestampMs: NOW, nonce: 'nonce-0123456789abcdef' };
    const text = signingString(request);
    expect(text).toBe(`${NOW}\nnonce-0123456789abcdef\nPOST\n/v1/batches\n${sha256Hex(BODY)}`);
    expect(computeSignature(SECRET, request)).toBe(createHmac('sha256', SECRET).update(text).digest('hex'));
    // Empty body: the hash of the empty string (the GET case).
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('reproduces the test vector of docs/sync-protocol.md', () => {
    const request = { method: 'POST', path: '/v1/batches', body: BODY, timestampMs: 1714528800000, nonce: '3f1c0e5a9b7d4c2e8f6a1b0c9d8e7f60' };
    expect(sha256Hex(BODY)).toBe('924b2f45591da244128f2bc633bb5d8d16d855c913feb5bc58c9fcd225c51ab1');
    expect(computeSignature('example-secret-T01', request)).toBe('ed1b49259b885307247f3cb1c196720555e5fd1371c8255a701b02289dc20784');
  });
});

describe('verifyRequest', () => {
  it('accepts a correctly signed request', () => {
    expect(verify(signed())).toEqual({ ok: true, terminalId: 'T01' });
  });

  it('accepts bodies given as bytes the same as strings', () => {
    expect(verify(signed(), { body: Buffer.from(BODY) }).ok).toBe(true);
  });

  it.each([
    ['a wrong secret', () => verify(signed({ secret: 'another-secret' }))],
    ['a tampered body', () => verify(signed(), { body: BODY.replace('T01', 'T02') })],
    ['a tampered path', () => verify(signed(), { path: '/v1/batches?x=1' })],
    ['a different method', () => verify(signed(), { method: 'PUT' })],
  ])('refuses %s as bad_signature', (_name, run) => {
    expect(run()).toMatchObject({ ok: false, reason: 'bad_signature', terminalId: 'T01' });
  });

  it('refuses an unknown terminal', () => {
    expect(verify(signed({ terminalId: 'T99' }))).toMatchObject({ ok: false, reason: 'unknown_terminal' });
  });

  it('refuses missing and malformed headers', () => {
    const headers = signed();
    const { 'x-signature': _dropped, ...missing } = headers;
    expect(verify(missing)).toMatchObject({ ok: false, reason: 'missing_headers' });
    expect(verify({ ...headers, 'x-timestamp': '12e5' })).toMatchObject({ ok: false, reason: 'malformed_headers' });
    expect(verify({ ...headers, 'x-nonce': 'short' })).toMatchObject({ ok: false, reason: 'malformed_headers' });
    expect(verify({ ...headers, 'x-signature': 'ZZ' })).toMatchObject({ ok: false, reason: 'malformed_headers' });
  });

  it('refuses a replay of the same request inside the window', () => {
    const nonces = createNonceCache(WINDOW);
    const headers = signed();
    expect(verify(headers, { nonces }).ok).toBe(true);
    expect(verify(headers, { nonces, nowMs: NOW + 1000 })).toMatchObject({ ok: false, reason: 'replayed_nonce' });
    expect(nonces.size()).toBe(1);
  });

  it('refuses timestamps outside the window in both directions, accepts the edges', () => {
    expect(verify(signed({ nowMs: NOW - WINDOW - 1 }))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verify(signed({ nowMs: NOW + WINDOW + 1 }))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verify(signed({ nowMs: NOW - WINDOW })).ok).toBe(true);
    expect(verify(signed({ nowMs: NOW + WINDOW })).ok).toBe(true);
  });

  it('does not let a bad signature consume the nonce', () => {
    const nonces = createNonceCache(WINDOW);
    expect(verify(signed({ secret: 'wrong-secret' }), { nonces }).ok).toBe(false);
    expect(verify(signed(), { nonces }).ok).toBe(true);
  });

  it('forgets nonces once their timestamp is out of the window', () => {
    const nonces = createNonceCache(WINDOW);
    expect(nonces.remember('T01', 'n1', NOW, NOW)).toBe(true);
    expect(nonces.remember('T01', 'n1', NOW, NOW + WINDOW)).toBe(false);
    expect(nonces.remember('T02', 'n1', NOW, NOW)).toBe(true);
    expect(nonces.remember('T01', 'n2', NOW + 2 * WINDOW, NOW + 2 * WINDOW)).toBe(true);
    expect(nonces.size()).toBe(1);
  });
});
