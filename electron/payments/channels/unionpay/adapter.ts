/** UnionPay QuickPass adapter over the JSON protocol documented in ./protocol. */
import { PosError } from '../../../../shared/api/result';
import {
  channelRef,
  assertBillDate, assertOrderNo, assertPayRequest, assertRefundRequest, cstCompact, DEFAULT_TIMEOUT_MS, isoFromCst, joinUrl, parseAmountFen, parseFenField,
  resolveDeps, securityEvent, type AdapterDeps,
} from '../common';
import { BILL_MAX_RESPONSE_BYTES, BILL_TIMEOUT_MS, transportOutcome } from '../transport';
import { type BillParse, keepRow } from '../bill-rows';
import { UNIONPAY_PAY_FAILURES, UNIONPAY_REFUND_FAILURES } from '../definite-failures';
import {
  type BillOutcome, type BillRow, type ChannelOperation, type NotSent, type OrderRef, type PayOutcome, type PaymentChannel, type PayRequest,
  type QueryOutcome, type RefundOutcome, type RefundQueryOutcome, type RefundRef, type RefundRequest, type ReverseOutcome, type Unknown,
} from '../types';
import { parseFlatStringJson, UNIONPAY_BILL_HEADER, UNIONPAY_PATH, unionpaySign, verifyUnionpaySign, type UnionpayMessage } from './protocol';

export type UnionpayConfig = {
  baseUrl: string;
  merId: string;
  /** Merchant signing key. Secret: never logged. */
  key: string;
  timeoutMs?: number;
};

type Exchange = { ok: true; msg: UnionpayMessage } | { ok: false; outcome: NotSent | Unknown };

const UNIONPAY_BILL_KINDS: Record<string, BillRow['kind']> = { payment: 'payment', refund: 'refund', reversal: 'reversal' };

/**
 * The bill's CSV → rows plus per-line rejections (bill-rows.ts). Throws only when the text is not a
 * UnionPay bill. A line is rejected for another number of fields than the header, an unknown type, a state
 * other than SUCCESS (no money moved), or a row any bill parser refuses (ids, amount).
 */
export function parseUnionpayBill(csv: string): BillParse {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  const header = lines[headerAt]?.trim();
  if (header !== UNIONPAY_BILL_HEADER && header !== `${UNIONPAY_BILL_HEADER},termId`) throw new Error('Not a UnionPay bill');
  const width = header.split(',').length;
  const out: BillParse = { rows: [], rejected: [] };
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const f = line.split(',');
    const [orderNo = '', transactionId = '', type = '', amount = '', state = '', time = '', refundNo = '', terminalId = ''] = f;
    const kind = UNIONPAY_BILL_KINDS[type];
    const amountFen = parseFenField(amount);
    let row: BillRow | string;
    if (f.length !== width) row = `${f.length} fields, the header has ${width}`;
    else if (!kind) row = `unknown type "${type.slice(0, 16)}"`;
    else if (state !== 'SUCCESS') row = `state "${state.slice(0, 16)}": no money moved`;
    else if (amountFen === undefined) row = `bad amount "${amount.slice(0, 16)}"`;
    else row = { kind, orderNo, transactionId, amountFen, status: state, time, ...(refundNo ? { refundNo } : {}), ...(terminalId ? { terminalId } : {}) };
    keepRow(out, i + 1, line, row);
  }
  return out;
}

export function createUnionpayChannel(config: UnionpayConfig, deps?: AdapterDeps): PaymentChannel {
  for (const k of ['baseUrl', 'merId', 'key'] as const) {
    if (typeof config[k] !== 'string' || config[k] === '') throw new PosError('VALIDATION', `UnionPay config: ${k} is required`);
  }
  const d = resolveDeps(deps);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const unknown = (reason: string, code?: string): Unknown => ({ status: 'unknown', reason, retryable: true, ...(code ? { code } : {}) });

  async function call(op: ChannelOperation, fields: Record<string, string | undefined>, orderNo: string): Promise<Exchange> {
    const msg: Record<string, string | undefined> = { merId: config.merId, orderId: orderNo, txnTime: cstCompact(d.clock.now()), nonce: d.nonce().slice(0, 32), ...fields };
    msg.signature = unionpaySign(msg, config.key);
    let text: string;
    try {
      const res = await d.send({
        method: 'POST',
        url: joinUrl(config.baseUrl, UNIONPAY_PATH),
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(msg),
        ...(op === 'downloadBill' ? { maxResponseBytes: BILL_MAX_RESPONSE_BYTES, timeoutMs: Math.max(timeoutMs, BILL_TIMEOUT_MS) } : { timeoutMs }),
      });
      if (res.status < 200 || res.status >= 300) return { ok: false, outcome: unknown(`HTTP ${res.status} from UnionPay`, `HTTP_${res.status}`) };
      text = res.body.toString('utf8');
    } catch (e) {
      return { ok: false, outcome: transportOutcome(e) };
    }
    const answer = parseFlatStringJson(text);
    if (!answer || !answer.respCode) return { ok: false, outcome: unknown('Unparsable answer from UnionPay', 'UNPARSABLE') };
    const check = verifyUnionpaySign(answer, config.key);
    if (check !== 'valid') {
      securityEvent(d, 'unionpay', op, check === 'missing' ? 'missing_signature' : 'bad_signature', `${fields.msgType ?? '?'}: ${check} signature`);
      return { ok: false, outcome: unknown(`Answer signature ${check}`, 'BAD_SIGNATURE') };
    }
    if (answer.merId !== undefined && answer.merId !== config.merId) {
      securityEvent(d, 'unionpay', op, 'wrong_merchant', 'answer for another merchant');
      return { ok: false, outcome: unknown('Answer is for another merchant', 'WRONG_MERCHANT') };
    }
    if (answer.orderId !== undefined && answer.orderId !== orderNo) {
      securityEvent(d, 'unionpay', op, 'wrong_order', 'answer for another order number');
      return { ok: false, outcome: unknown('Answer is for another order number', 'WRONG_ORDER') };
    }
    return { ok: true, msg: answer };
  }

  const failed = (m: UnionpayMessage): { status: 'failed'; code: string; message: string } => ({ status: 'failed', code: m.respCode ?? '01', message: m.respMsg ?? 'failed' });

  function paidFrom(m: UnionpayMessage, expectedFen: number | undefined): PayOutcome {
    const paidFen = parseAmountFen(m.txnAmt);
    const queryId = channelRef(m.queryId);
    if (!queryId || paidFen === undefined) return unknown('Paid answer without a usable queryId/txnAmt', 'INCOMPLETE');
    if (expectedFen !== undefined && paidFen !== expectedFen) return unknown(`Paid ${paidFen} fen, expected ${expectedFen}`, 'AMOUNT_MISMATCH');
    return { status: 'paid', transactionId: queryId, paidFen, paidAt: isoFromCst(m.payTime, d.clock.now()) };
  }

  return {
    id: 'unionpay',

    async pay(req: PayRequest): Promise<PayOutcome> {
      assertPayRequest(req);
      const r = await call('pay', { msgType: 'pay', txnAmt: String(req.amountFen), qrNo: req.authCode, orderDesc: req.subject, termId: req.terminalId }, req.orderNo);
      if (!r.ok) return r.outcome;
      const m = r.msg;
      switch (m.respCode) {
        case '00':
          return paidFrom(m, req.amountFen);
        case '02':
          return { status: 'waiting', code: '02', message: m.respMsg ?? 'Customer is paying' };
        default:
          // 12 (duplicate number), 99, 03-05 (in process) and any code not documented as a decline: query.
          return UNIONPAY_PAY_FAILURES.has(m.respCode ?? '') ? failed(m) : unknown(m.respMsg ?? 'Result unknown', m.respCode);
      }
    },

    async query(req: OrderRef): Promise<QueryOutcome> {
      assertOrderNo(req.orderNo);
      const r = await call('query', { msgType: 'query' }, req.orderNo);
      if (!r.ok) return r.outcome;
      const m = r.msg;
      if (m.respCode === '34') return { status: 'not_found' };
      if (m.respCode !== '00') return unknown(m.respMsg ?? 'Query failed', m.respCode);
      switch (m.txnState) {
        case 'SUCCESS':
          return paidFrom(m, undefined);
        case 'REFUNDED': {
          const paid = paidFrom(m, undefined);
          return paid.status === 'paid' ? { ...paid, refunded: true } : paid;
        }
        case 'PAYING':
          return { status: 'waiting', code: 'PAYING', message: m.respMsg ?? 'Customer is paying' };
        case 'FAILED':
        case 'CLOSED':
        case 'REVERSED':
          return { status: 'failed', code: m.txnState, message: m.respMsg ?? m.txnState };
        default:
          return unknown(`Unexpected txnState "${m.txnState ?? ''}"`, 'UNEXPECTED_STATE');
      }
    },

    async reverse(req: OrderRef): Promise<ReverseOutcome> {
      assertOrderNo(req.orderNo);
      const r = await call('reverse', { msgType: 'reverse' }, req.orderNo);
      if (!r.ok) return r.outcome;
      const m = r.msg;
      if (m.respCode === '00') {
        // Every msgType posts to one URL and the answer does not repeat it: only `reverseAction` says this
        // answers a reverse (a signed pay or query answer, replayed or misrouted, is not a reversal).
        const a = m.reverseAction;
        if (a === 'close' || a === 'refund' || a === 'none') return { status: 'reversed', action: a };
        return unknown(`Not a reverse answer (reverseAction "${a ?? ''}")`, 'NOT_A_REVERSE_ANSWER');
      }
      if (m.respCode === '99' || m.respCode === '02') return { status: 'retry', reason: m.respMsg ?? 'try again' };
      return failed(m);
    },

    async refund(req: RefundRequest): Promise<RefundOutcome> {
      assertRefundRequest(req);
      const r = await call('refund', { msgType: 'refund', refundId: req.refundNo, refundAmt: String(req.refundFen) }, req.orderNo);
      if (!r.ok) return r.outcome;
      const m = r.msg;
      if (m.respCode === '00') {
        // The answer names the refund it is about: none (a pay or query answer) or another is not this refund's.
        if (m.refundId !== req.refundNo) return unknown('Answer is for another refund', 'WRONG_REFUND');
        const refundFen = parseAmountFen(m.refundAmt);
        if (m.refundAmt !== undefined && refundFen === undefined) return unknown('Refund answer with an unreadable refundAmt', 'INCOMPLETE');
        if (m.refundState === 'SUCCESS') return { status: 'succeeded', refundId: channelRef(m.refundId) ?? req.refundNo, refundFen: refundFen ?? req.refundFen, refundedAt: isoFromCst(m.refundTime, d.clock.now()) };
        if (m.refundState === 'FAILED') return { status: 'failed', code: 'FAILED', message: m.respMsg ?? 'Refund failed' };
        return { status: 'accepted', refundId: channelRef(m.refundId) ?? req.refundNo, refundFen: refundFen ?? req.refundFen };
      }
      // 02-05 (in process), 12 (number taken), 98, 99 and any code not documented as a refusal: queried.
      return UNIONPAY_REFUND_FAILURES.has(m.respCode ?? '') ? failed(m) : unknown(m.respMsg ?? 'Result unknown', m.respCode);
    },

    async queryRefund(req: RefundRef): Promise<RefundQueryOutcome> {
      assertOrderNo(req.orderNo);
      const r = await call('queryRefund', { msgType: 'refundQuery', refundId: req.refundNo }, req.orderNo);
      if (!r.ok) return r.outcome;
      const m = r.msg;
      if (m.respCode === '34') return { status: 'not_found' };
      if (m.respCode !== '00') return unknown(m.respMsg ?? 'Refund query failed', m.respCode);
      if (m.refundId !== req.refundNo) return unknown('Answer is for another refund', 'WRONG_REFUND');
      const refundFen = parseAmountFen(m.refundAmt);
      if (m.refundState === 'SUCCESS' && refundFen !== undefined) return { status: 'succeeded', refundId: channelRef(m.refundId) ?? req.refundNo, refundFen, refundedAt: isoFromCst(m.refundTime, d.clock.now()) };
      if (m.refundState === 'PROCESSING') return { status: 'processing' };
      if (m.refundState === 'FAILED') return { status: 'failed', code: 'FAILED', message: m.respMsg ?? 'Refund failed' };
      return unknown(`Unexpected refundState "${m.refundState ?? ''}"`, 'UNEXPECTED_STATE');
    },

    async downloadBill(date: string): Promise<BillOutcome> {
      assertBillDate(date);
      const settleDate = date.replaceAll('-', '');
      const r = await call('downloadBill', { msgType: 'bill', settleDate }, `BILL${settleDate}`);
      if (!r.ok) return r.outcome;
      const m = r.msg;
      if (m.respCode === '94') return { status: 'no_bill', message: m.respMsg ?? 'No bill' };
      if (m.respCode !== '00' || m.billData === undefined) return { status: 'failed', code: m.respCode ?? '01', message: m.respMsg ?? 'Bill failed' };
      try {
        return { status: 'ok', date, ...parseUnionpayBill(m.billData), raw: m.billData };
      } catch (e) {
        return { status: 'bad_bill', code: 'NOT_A_BILL', message: e instanceof Error ? e.message : 'Unreadable bill' };
      }
    },
  };
}
