import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SYNC_HEADERS } from '../../../shared/sync/protocol';

/**
 * Request signing between a terminal and HQ (docs/sync-protocol.md §Authentication). Used by both the
 * terminal's client and the HQ receiver, so the two can never disagree on the signing string.
 *
 *   X-Signature = hex(HMAC-SHA256(secret, `${timestamp}\n${nonce}\n${METHOD}\n${path}\n${hex(sha256(body))}`))
 *
 * `path` is the request target exactly as sent (path plus query string), so a query cannot be altered.
 */
export type SignableRequest = {
  method: string;
  /** Path and query as sent on the wire, e.g. `/v1/totals?date=2024-05-01&storeId=S001`. */
  path: string;
  body: string | Uint8Array;
  timestampMs: number;
  nonce: string;
};

const NONCE_PATTERN = /^[0-9A-Za-z_-]{16,64}$/;
const TIMESTAMP_PATTERN = /^\d{1,16}$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export const signingString = (r: SignableRequest): string =>
  `${r.timestampMs}\n${r.nonce}\n${r.method.toUpperCase()}\n${r.path}\n${sha256Hex(r.body)}`;

export const computeSignature = (secret: string, r: SignableRequest): string =>
  createHmac('sha256', secret).update(signingString(r)).digest('hex');

/** 128 random bits, hex: unique per request, which is all the replay check needs. */
export const newNonce = (): string => randomBytes(16).toString('hex');

export type SignedHeaders = Record<'X-Terminal-Id' | 'X-Timestamp' | 'X-Nonce' | 'X-Signature', string>;

export function signRequest(opts: {
  terminalId: string;
  secret: string;
  method: string;
  path: string;
  body: string | Uint8Array;
  nowMs: number;
  nonce?: string;
}): SignedHeaders {
  const request: SignableRequest = {
    method: opts.method,
    path: opts.path,
    body: opts.body,
    timestampMs: Math.trunc(opts.nowMs),
    nonce: opts.nonce ?? newNonce(),
  };
  return {
    'X-Terminal-Id': opts.terminalId,
    'X-Timestamp': String(request.timestampMs),
    'X-Nonce': request.nonce,
    'X-Signature': computeSignature(opts.secret, request),
  };
}

/**
 * Remembers (terminal, nonce) pairs until their timestamp leaves the replay window, so the same signed
 * request cannot be played twice inside the window. Only verified requests are recorded, so
 * unauthenticated traffic cannot fill it.
 */
export type NonceCache = {
  /** Records the nonce; false when it was already seen (a replay). */
  remember(terminalId: string, nonce: string, timestampMs: number, nowMs: number): boolean;
  size(): number;
};

export function createNonceCache(windowMs: number): NonceCache {
  const expiries = new Map<string, number>();
  let lastSweepMs = Number.NEGATIVE_INFINITY;
  const sweep = (nowMs: number): void => {
    for (const [key, expiresAt] of expiries) if (expiresAt < nowMs) expiries.delete(key);
    lastSweepMs = nowMs;
  };
  return {
    remember(terminalId, nonce, timestampMs, nowMs) {
      if (nowMs - lastSweepMs > windowMs / 4) sweep(nowMs);
      const key = `${terminalId}\n${nonce}`;
      const expiresAt = expiries.get(key);
      if (expiresAt !== undefined && expiresAt >= nowMs) return false;
      // The request is acceptable until timestamp + window; remember it at least that long.
      expiries.set(key, timestampMs + windowMs);
      return true;
    },
    size: () => expiries.size,
  };
}

export type AuthFailure = 'missing_headers' | 'malformed_headers' | 'unknown_terminal' | 'stale_timestamp' | 'bad_signature' | 'replayed_nonce';

export type AuthResult = { ok: true; terminalId: string } | { ok: false; reason: AuthFailure; terminalId?: string; message: string };

type HeaderBag = Record<string, string | string[] | undefined>;

const single = (headers: HeaderBag, name: string): string | undefined => {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
};

const fail = (reason: AuthFailure, message: string, terminalId?: string): AuthResult =>
  terminalId === undefined ? { ok: false, reason, message } : { ok: false, reason, message, terminalId };

/**
 * Verifies a signed request (Node's lower-cased header bag). Order matters: cheap format and clock checks
 * first, the signature next, and only a correctly signed request may consume its nonce.
 */
export function verifyRequest(
  request: { headers: HeaderBag; method: string; path: string; body: string | Uint8Array },
  opts: { secretFor: (terminalId: string) => string | undefined; nowMs: number; windowMs: number; nonces: NonceCache },
): AuthResult {
  const terminalId = single(request.headers, SYNC_HEADERS.terminalId);
  const timestamp = single(request.headers, SYNC_HEADERS.timestamp);
  const nonce = single(request.headers, SYNC_HEADERS.nonce);
  const signature = single(request.headers, SYNC_HEADERS.signature);
  if (terminalId === undefined || timestamp === undefined || nonce === undefined || signature === undefined) {
    return fail('missing_headers', 'X-Terminal-Id, X-Timestamp, X-Nonce and X-Signature are required');
  }
  if (!TIMESTAMP_PATTERN.test(timestamp) || !NONCE_PATTERN.test(nonce) || !SIGNATURE_PATTERN.test(signature) || terminalId.length > 64) {
    return fail('malformed_headers', 'X-Timestamp must be milliseconds, X-Nonce 16-64 of [0-9A-Za-z_-], X-Signature 64 lowercase hex');
  }
  const secret = opts.secretFor(terminalId);
  if (secret === undefined) return fail('unknown_terminal', 'unknown terminal', terminalId);
  const timestampMs = Number(timestamp);
  if (Math.abs(opts.nowMs - timestampMs) > opts.windowMs) {
    return fail('stale_timestamp', `timestamp is more than ${opts.windowMs} ms away from HQ time; check the terminal clock`, terminalId);
  }
  const expected = Buffer.from(computeSignature(secret, { ...request, timestampMs, nonce }), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail('bad_signature', 'signature does not match', terminalId);
  }
  if (!opts.nonces.remember(terminalId, nonce, timestampMs, opts.nowMs)) {
    return fail('replayed_nonce', 'this request was already received (nonce reused)', terminalId);
  }
  return { ok: true, terminalId };
}
