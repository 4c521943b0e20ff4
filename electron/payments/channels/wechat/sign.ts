/**
 * WeChat Pay API v2 signature (安全规范, PAYMENTS.md §2): all non-empty fields except `sign`, sorted by
 * name (ASCII), `k=v` joined by `&`, then `&key=API_KEY`; MD5, or HMAC-SHA256 keyed with the API key over the
 * same string; upper-case hex. `sign_type`, when present, is signed like any other field.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type WechatSignType = 'MD5' | 'HMAC-SHA256';

export function wechatSignString(fields: Record<string, string | number | undefined>, apiKey: string): string {
  const parts = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${String(fields[k])}`);
  return `${parts.join('&')}&key=${apiKey}`;
}

export function wechatSign(fields: Record<string, string | number | undefined>, apiKey: string, signType: WechatSignType = 'MD5'): string {
  const text = wechatSignString(fields, apiKey);
  const digest = signType === 'MD5' ? createHash('md5').update(text, 'utf8') : createHmac('sha256', apiKey).update(text, 'utf8');
  return digest.digest('hex').toUpperCase();
}

export type WechatSignCheck = 'valid' | 'missing' | 'invalid';

/** Verify a received document. The sign type is the one we asked for (answers follow the request's). */
export function verifyWechatSign(fields: Record<string, string>, apiKey: string, signType: WechatSignType): WechatSignCheck {
  const given = fields.sign;
  if (given === undefined || given === '') return 'missing';
  // Always the type we asked for: a `sign_type` field in the answer must not choose the algorithm.
  const expected = wechatSign(fields, apiKey, signType);
  const a = Buffer.from(given.toUpperCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b) ? 'valid' : 'invalid';
}
