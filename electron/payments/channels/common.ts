/** Pieces every adapter shares: dependencies, request validation, China-time formatting, nonces. */
import { PosError } from '../../../shared/api/result';
import { MAX_FEN } from '../../../shared/payments/amount';
import { type Clock, systemClock } from '../../clock';
import { httpSend, type SendFn } from './transport';
import { type ChannelId, type ChannelOperation, type PayRequest, type RefundRequest, type SecurityEvent } from './types';
import { pooledRandomBytes } from '../../random';

export { channelRef } from './channel-ref';

export type AdapterDeps = {
  send?: SendFn;
  clock?: Clock;
  /** Bad/missing signatures and answers about other merchants/orders: for the audit log and alerts. */
  onSecurityEvent?: (event: SecurityEvent) => void;
  /** Random string source (tests make it deterministic). */
  nonce?: () => string;
};

export type ResolvedDeps = Required<AdapterDeps>;

export function resolveDeps(deps: AdapterDeps = {}): ResolvedDeps {
  return {
    send: deps.send ?? httpSend,
    clock: deps.clock ?? systemClock,
    onSecurityEvent: deps.onSecurityEvent ?? (() => undefined),
    nonce: deps.nonce ?? (() => pooledRandomBytes(16).toString('hex')),
  };
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** Order and refund numbers: the strictest common subset of the channels' rules (WeChat ≤32 for orders). */
const ORDER_NO = /^[0-9A-Za-z_-]{1,32}$/;
const REFUND_NO = /^[0-9A-Za-z_-]{1,64}$/;

function invalid(message: string): never {
  throw new PosError('VALIDATION', message);
}

export function assertOrderNo(orderNo: string): void {
  if (typeof orderNo !== 'string' || !ORDER_NO.test(orderNo)) invalid('Order number: 1-32 letters, digits, _ or -');
}

export function assertFen(fen: number, what: string): void {
  if (!Number.isSafeInteger(fen) || fen <= 0 || fen > 10_000_000_000) invalid(`${what}: a positive integer number of fen`);
}

export function assertPayRequest(req: PayRequest): void {
  assertOrderNo(req.orderNo);
  assertFen(req.amountFen, 'Amount');
  if (typeof req.authCode !== 'string' || !/^\d{10,32}$/.test(req.authCode)) invalid('Payment code must be a normalised digit string');
  if (typeof req.subject !== 'string' || req.subject.length === 0 || req.subject.length > 128) invalid('Subject: 1-128 characters');
}

export function assertRefundRequest(req: RefundRequest): void {
  assertOrderNo(req.orderNo);
  if (typeof req.refundNo !== 'string' || !REFUND_NO.test(req.refundNo)) invalid('Refund number: 1-64 letters, digits, _ or -');
  assertFen(req.totalFen, 'Order amount');
  assertFen(req.refundFen, 'Refund amount');
  if (req.refundFen > req.totalFen) invalid('Refund amount exceeds the order amount');
}

export function assertBillDate(date: string): void {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    invalid('Bill date must be YYYY-MM-DD');
  }
}

// ---- China Standard Time (UTC+8, no DST): gateways speak it, we store ISO-8601 with offset ----------------

const CST_OFFSET_MS = 8 * 3600 * 1000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function cstParts(ms: number): [string, string, string, string, string, string] {
  const d = new Date(ms + CST_OFFSET_MS);
  return [pad(d.getUTCFullYear(), 4), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours()), pad(d.getUTCMinutes()), pad(d.getUTCSeconds())];
}

/** yyyyMMddHHmmss in China time (WeChat time_end, UnionPay txnTime). */
export const cstCompact = (ms: number): string => cstParts(ms).join('');
/** yyyy-MM-dd HH:mm:ss in China time (Alipay timestamp / gmt_payment). */
export function cstDateTime(ms: number): string {
  const [y, mo, d, h, mi, s] = cstParts(ms);
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}
/** yyyy-MM-dd in China time. */
export const cstDate = (ms: number): string => cstDateTime(ms).slice(0, 10);
/** ISO-8601 with +08:00 for a China-time instant. */
export const cstIso = (ms: number): string => `${cstDateTime(ms).replace(' ', 'T')}+08:00`;

/** Parse yyyyMMddHHmmss or yyyy-MM-dd HH:mm:ss (China time) to epoch ms; undefined if malformed. */
export function parseCst(text: string | undefined): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - CST_OFFSET_MS;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Gateway time text → ISO with offset, falling back to the local clock when the gateway sent nothing usable. */
export const isoFromCst = (text: string | undefined, fallbackMs: number): string => cstIso(parseCst(text) ?? fallbackMs);

/** Strict non-negative integer from a decimal string field (fen amounts in WeChat/UnionPay answers). */
export function parseFenField(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !/^(0|[1-9]\d{0,14})$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * An amount of money a gateway says moved (paid, refunded): 1 fen up to MAX_FEN. A signed "paid 0 fen" or an
 * amount no till could have asked for is not an answer to act on (the caller makes it `unknown`).
 */
export function parseAmountFen(value: unknown): number | undefined {
  const n = parseFenField(value);
  return n !== undefined && n >= 1 && n <= MAX_FEN ? n : undefined;
}

export function securityEvent(
  deps: ResolvedDeps,
  channel: ChannelId,
  operation: ChannelOperation,
  kind: SecurityEvent['kind'],
  detail: string,
): void {
  try {
    deps.onSecurityEvent({ channel, operation, kind, detail });
  } catch {
    // A failing listener must not change the payment outcome.
  }
}

export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, '')}${path}`;
