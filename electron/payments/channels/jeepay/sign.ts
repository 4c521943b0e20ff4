/**
 * Jeepay-compatible aggregator signature (JeepayKit.getSign): every field whose value is neither null nor
 * "" becomes `k=v&`; the pieces are sorted case-insensitively (Java String.CASE_INSENSITIVE_ORDER); then
 * `key=<apiKey>` is appended; MD5, upper-case hex. Answers `{code,msg,data,sign}` sign `data` the same way.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type JeepayValue = string | number | boolean | null | undefined;

const text = (v: JeepayValue): string => String(v);

function caseInsensitive(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function jeepaySignString(fields: Record<string, JeepayValue>, apiKey: string): string {
  const parts = Object.entries(fields)
    .filter(([k, v]) => k !== 'sign' && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${text(v)}&`)
    .sort(caseInsensitive);
  return `${parts.join('')}key=${apiKey}`;
}

export function jeepaySign(fields: Record<string, JeepayValue>, apiKey: string): string {
  return createHash('md5').update(jeepaySignString(fields, apiKey), 'utf8').digest('hex').toUpperCase();
}

export function verifyJeepaySign(data: Record<string, JeepayValue>, sign: unknown, apiKey: string): 'valid' | 'missing' | 'invalid' {
  if (typeof sign !== 'string' || sign === '') return 'missing';
  const a = Buffer.from(sign.toUpperCase(), 'utf8');
  const b = Buffer.from(jeepaySign(data, apiKey), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b) ? 'valid' : 'invalid';
}

/** Only flat data objects (string/number/boolean/null values) can be signed and verified. */
export function isFlatData(v: unknown): v is Record<string, JeepayValue> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.values(v).every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));
}

export const JEEPAY_PATHS = {
  pay: '/api/pay/unifiedOrder',
  query: '/api/pay/query',
  close: '/api/pay/close',
  refund: '/api/refund/refundOrder',
  refundQuery: '/api/refund/query',
  /** Not in upstream Jeepay: our aggregator's daily bill, same signing. */
  bill: '/api/bill/download',
} as const;

/** orderState of a pay order (Jeepay). */
export const JEEPAY_ORDER_STATE = { CREATED: 0, PAYING: 1, SUCCESS: 2, FAILED: 3, REVERSED: 4, REFUNDED: 5, CLOSED: 6 } as const;
/** state of a refund order (Jeepay). */
export const JEEPAY_REFUND_STATE = { CREATED: 0, REFUNDING: 1, SUCCESS: 2, FAILED: 3, CLOSED: 4 } as const;
/** Jeepay's "business failure" answer code; the text says what (e.g. the order number already exists). */
export const JEEPAY_CUSTOM_FAIL = 9999;
