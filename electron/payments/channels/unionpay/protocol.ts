/**
 * UnionPay QuickPass (云闪付) consumer-presented code payment through an aggregator-style JSON API.
 * This is our documented protocol (the sandbox implements it; a real acquirer's API maps onto it).
 *
 *   POST {baseUrl}/unionpay/gateway          Content-Type: application/json; charset=utf-8
 *
 * Request: a flat JSON object, every value a string.
 *   common   msgType, merId, orderId (≤32, [0-9A-Za-z_-]), txnTime (yyyyMMddHHmmss, China time),
 *            nonce (≤32), signature
 *   pay      txnAmt (fen, decimal digits), qrNo (the 19-digit 62… code), orderDesc, termId?
 *   query    –                              (the order is orderId)
 *   reverse  –                              closes an unpaid order, refunds a paid one
 *   refund   refundId (≤64), refundAmt (fen)
 *   refundQuery refundId
 *   bill     settleDate (yyyyMMdd)
 *
 * Response: a flat JSON object of strings: respCode, respMsg, merId, orderId (echo), signature, plus
 *   pay/query  queryId (UnionPay's transaction id), txnAmt, payTime (yyyyMMddHHmmss),
 *              query only: txnState = PAYING | SUCCESS | FAILED | CLOSED | REVERSED | REFUNDED
 *   reverse    reverseAction = close | refund | none, required (respCode 99: not finished, call reverse again)
 *   refund/refundQuery refundId (required: echoes the request's), refundAmt, refundState = PROCESSING | SUCCESS | FAILED, refundTime
 *   bill       billData: CSV text (header `orderId,queryId,type,amountFen,state,time,refundId`, optionally
 *              followed by `,termId`: the terminal the order was paid on)
 *
 * respCode: 00 success · 02 customer paying (enter password; query) · 12 duplicate order number (query)
 *   · 99 result unknown (query) · 34 no such order/refund · 51 insufficient funds · 54 expired/invalid code
 *   · 61 refund exceeds paid · 94 bill not ready/none · 01 other failure. 99 and 02 are never failures.
 *
 * signature: HMAC-SHA256 (keyed with the merchant key) over all non-empty fields except `signature`,
 *   sorted by name (ASCII), `k=v` joined with `&`, then `&key=<merchant key>`; lower-case hex.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const UNIONPAY_PATH = '/unionpay/gateway';

export type UnionpayMessage = Record<string, string>;

export function unionpaySignString(fields: Record<string, string | undefined>, key: string): string {
  const parts = Object.keys(fields)
    .filter((k) => k !== 'signature' && fields[k] !== undefined && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k] as string}`);
  return `${parts.join('&')}&key=${key}`;
}

export function unionpaySign(fields: Record<string, string | undefined>, key: string): string {
  return createHmac('sha256', key).update(unionpaySignString(fields, key), 'utf8').digest('hex');
}

export function verifyUnionpaySign(fields: Record<string, string>, key: string): 'valid' | 'missing' | 'invalid' {
  const given = fields.signature;
  if (!given) return 'missing';
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(unionpaySign(fields, key), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b) ? 'valid' : 'invalid';
}

/** Parse a flat all-strings JSON object; undefined when the text is anything else. */
export function parseFlatStringJson(text: string): UnionpayMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const out: UnionpayMessage = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') return undefined;
    out[k] = v;
  }
  return out;
}

export const UNIONPAY_BILL_HEADER = 'orderId,queryId,type,amountFen,state,time,refundId';
