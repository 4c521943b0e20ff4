/**
 * Alipay openapi (gateway.do) RSA2, the way alipay-sdk does it (PAYMENTS.md §3):
 * - request: every parameter except `sign` (with `biz_content` as its JSON text), sorted by name,
 *   `k=v` joined with `&`, NOT url-encoded; SHA256withRSA; base64.
 * - response: the signature covers the exact raw JSON text of the `<method>_response` (or
 *   `error_response`) member, as sent. Re-serialising parsed JSON would break it, so we cut the text out.
 */
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

export class AlipayKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlipayKeyError';
  }
}

/**
 * Parsed keys by their text. Parsing an RSA key costs far more than using it, and callers that hold only
 * the text (the sandbox, per request) would otherwise pay it every time. KeyObjects are immutable, so
 * sharing them is safe; the cache is small and bounded (a till has a handful of keys).
 */
const KEY_CACHE_MAX = 32;
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, key: string, load: (key: string) => KeyObject): KeyObject {
  const hit = cache.get(key);
  if (hit) return hit;
  const loaded = load(key); // throws for an unreadable key: nothing is cached
  if (cache.size >= KEY_CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, loaded);
  return loaded;
}

function parsePrivateKey(key: string): KeyObject {
  try {
    if (key.includes('-----BEGIN')) return createPrivateKey(key);
    const der = Buffer.from(key.replace(/\s+/g, ''), 'base64');
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
    }
  } catch {
    throw new AlipayKeyError('Alipay private key cannot be read');
  }
}

function parsePublicKey(key: string): KeyObject {
  try {
    if (key.includes('-----BEGIN')) return createPublicKey(key);
    return createPublicKey({ key: Buffer.from(key.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new AlipayKeyError('Alipay public key cannot be read');
  }
}

/** Accept PEM (PKCS#1 or PKCS#8) or the bare base64 the Alipay console shows. Parsed once per key text. */
export const loadAlipayPrivateKey = (key: string): KeyObject => cached(privateKeys, key, parsePrivateKey);

/** PEM or bare base64 (SPKI). Parsed once per key text. */
export const loadAlipayPublicKey = (key: string): KeyObject => cached(publicKeys, key, parsePublicKey);

export function alipaySignContent(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k] as string}`)
    .join('&');
}

export function rsa2Sign(content: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64');
}

export function rsa2Verify(content: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

export function signAlipayParams(params: Record<string, string | undefined>, privateKey: KeyObject): string {
  return rsa2Sign(alipaySignContent(params), privateKey);
}

// ---- raw JSON member extraction ----------------------------------------------------------------------

/** End index (exclusive) of the JSON string starting at `i` (which is a `"`), or -1. */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return -1;
}

/** End index (exclusive) of the JSON value starting at `i`, or -1 when malformed/truncated. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const ch = text[j];
      if (ch === '"') {
        j = skipString(text, j) - 1;
        if (j < 0) return -1;
      } else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  const m = /^(?:-?\d[\d.eE+-]*|true|false|null)/.exec(text.slice(i, i + 64));
  return m ? i + m[0].length : -1;
}

/**
 * The exact text of a top-level member's value in a JSON object, e.g. the `{...}` after
 * `"alipay_trade_pay_response":`. Walks the whole top level properly, so the key appearing inside a string
 * value cannot fool it. Returns undefined when absent, malformed, or present more than once (a signed member
 * followed by a forged one of the same name: a JSON parser would keep the forged one).
 */
export function rawJsonMember(text: string, key: string): string | undefined {
  let i = text.indexOf('{');
  if (i < 0 || text.slice(0, i).trim() !== '') return undefined;
  i++;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  let found: string | undefined;
  for (;;) {
    ws();
    if (text[i] === '}') return text.slice(i + 1).trim() === '' ? found : undefined;
    if (text[i] !== '"') return undefined;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return undefined;
    let name: unknown;
    try {
      name = JSON.parse(text.slice(i, keyEnd));
    } catch {
      return undefined;
    }
    i = keyEnd;
    ws();
    if (text[i] !== ':') return undefined;
    i++;
    ws();
    const end = skipValue(text, i);
    if (end < 0) return undefined;
    if (name === key) {
      if (found !== undefined) return undefined;
      found = text.slice(i, end);
    }
    i = end;
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return undefined;
  }
}
