/**
 * Jeepay-compatible aggregator adapter (PAYMENTS.md §4): one endpoint takes any wallet's code
 * (wayCode=AUTO_BAR) and classifies it server-side. JSON in, `{code, msg, data, sign}` out.
 *
 * Protocol notes (checked against Jeepay's source: ApiRes.okWithSign / customFail, AbstractPayOrderController):
 * - Success answers (code 0) carry `data` signed with the merchant key; we verify before believing it. Every
 *   definite business result comes this way, failures included: a declined payment is code 0 with signed
 *   `orderState=3` and `errCode`/`errMsg`.
 * - Error answers (code ≠ 0, in practice 9999 "custom fail") are never signed, and Jeepay sends them for
 *   anything it throws: a refused request, "order number already exists", "order does not exist", but also
 *   "系统异常" or "更新订单异常" after the upstream channel was called (the customer may have been charged), and
 *   "商户不存在" for a wrong merchant number. Their text alone is not proof of anything: `unknown`
 *   (code UNSIGNED_ERROR, the text kept for the logs), and the engine queries, then reverses. One exception,
 *   because Jeepay has no other way to say it: 订单不存在 / 退款订单不存在 to a query, close or refund query
 *   is `not_found`. A pay or refund refused with an unsigned error is asked about at once, and is `failed`
 *   only when Jeepay then says it recorded no such number (it records one before asking the wallet).
 * - Jeepay has no reverse call: `reverse` queries, closes an unpaid order, or refunds a paid one in full
 *   with the fixed refund number `<orderNo>RV` (so repeating reverse never refunds twice; `RV2`… once Jeepay
 *   has signed the one before as failed, since it never takes a number again).
 */
import { PosError } from '../../../../shared/api/result';
import { UNCLEAR_FAILURE_CODES } from '../../../../shared/payments/decline-codes';
import { assertBillDate, assertOrderNo, assertPayRequest, assertRefundRequest, channelRef, cstIso, DEFAULT_TIMEOUT_MS, joinUrl, parseAmountFen, parseFenField, resolveDeps, securityEvent, type AdapterDeps } from '../common';
import { type BillParse, keepRow } from '../bill-rows';
import { BILL_MAX_RESPONSE_BYTES, BILL_TIMEOUT_MS, transportOutcome } from '../transport';
import {
  type BillOutcome, type BillRow, type ChannelOperation, type NotSent, type OrderRef, type Paid, type PayOutcome, type PaymentChannel,
  type PayRequest, type QueryOutcome, type RefundOutcome, type RefundQueryOutcome, type RefundRef, type RefundRequest, type ReverseOutcome, type Unknown,
} from '../types';
import { isFlatData, JEEPAY_CUSTOM_FAIL, JEEPAY_PATHS, jeepaySign, verifyJeepaySign, type JeepayValue } from './sign';

export type JeepayConfig = {
  baseUrl: string;
  mchNo: string;
  appId: string;
  /** Merchant/app private key for MD5 signing. Secret: never logged. */
  apiKey: string;
  timeoutMs?: number;
};

type Data = Record<string, JeepayValue>;
type Exchange = { ok: true; data: Data } | { ok: false; code: number; msg: string } | { ok: 'outcome'; outcome: NotSent | Unknown };

/**
 * Jeepay's answer to a query, close or refund query for a number it never recorded (订单不存在 /
 * 退款订单不存在). Jeepay signs no error, so this exact text is the only "no such order" it can give; it is
 * the one unsigned answer believed, and only there (never on pay or refund, never "商户不存在").
 */
const NO_SUCH_ORDER = /^(退款)?订单不存在/;
/**
 * The refund numbers a reversal gives a paid order back under, in order, each used only after the one before
 * failed for good: `<order>RV`, `RV2`…`RV9`. The engine does not store them; reconciliation reads a refund
 * under one of them as the order's reversal.
 */
export const jeepayReverseRefundNos = (orderNo: string): string[] => Array.from({ length: 9 }, (_, i) => `${orderNo}RV${i === 0 ? '' : i + 1}`.slice(-64));
/** Bill download only (no money moves on it, as with WeChat's unsigned bill errors). */
// The bill itself is missing (账单不存在, 该日账单数据不存在, bill does not exist); 商户/应用不存在 names no bill: a
// setup error, said as one, never "no bill".
const isNoBill = (msg: string): boolean => /账单|bill/i.test(msg) && /不存在|未生成|not\s*exist|not\s*found/i.test(msg);
const s = (v: JeepayValue): string | undefined => (v === null || v === undefined ? undefined : String(v));

export function createJeepayChannel(config: JeepayConfig, deps?: AdapterDeps): PaymentChannel {
  for (const k of ['baseUrl', 'mchNo', 'appId', 'apiKey'] as const) {
    if (typeof config[k] !== 'string' || config[k] === '') throw new PosError('VALIDATION', `Jeepay config: ${k} is required`);
  }
  const d = resolveDeps(deps);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const unknown = (reason: string, code?: string): Unknown => ({ status: 'unknown', reason, retryable: true, ...(code ? { code } : {}) });
  /** An error answer carries no signature, so it proves nothing: not a refusal, not "no such order". */
  const unsignedError = (r: { code: number; msg: string }): Unknown =>
    unknown(`Unsigned error answer from the aggregator (code ${r.code}), not proof of anything: ${r.msg.slice(0, 160) || '(no message)'}`, 'UNSIGNED_ERROR');
  const noSuchOrder = (r: { code: number; msg: string }): boolean => r.code === JEEPAY_CUSTOM_FAIL && NO_SUCH_ORDER.test(r.msg.trim());
  /**
   * A pay or refund answered by an unsigned error: Jeepay records an order (a refund) before it asks the
   * wallet, so if it then says it has no such number, the request was refused before anything could move.
   * Anything else (the number exists, or the question gets no clear answer) stays unknown: the engine
   * queries it on its schedule.
   */
  const refusedIfUnrecorded = (r: { code: number; msg: string }, after: { status: string }): { status: 'failed'; code: string; message: string; unverified: true } | Unknown =>
    after.status === 'not_found' ? { status: 'failed', code: 'JEEPAY_REFUSED', message: r.msg.slice(0, 200) || `code ${r.code}`, unverified: true } : unsignedError(r);

  async function call(op: ChannelOperation, path: string, fields: Record<string, JeepayValue>, orderNo?: string): Promise<Exchange> {
    const body: Record<string, JeepayValue> = { mchNo: config.mchNo, appId: config.appId, ...fields, reqTime: String(d.clock.now()), version: '1.0', signType: 'MD5' };
    body.sign = jeepaySign(body, config.apiKey);
    let text: string;
    try {
      const res = await d.send({ method: 'POST', url: joinUrl(config.baseUrl, path), headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body), ...(op === 'downloadBill' ? { maxResponseBytes: BILL_MAX_RESPONSE_BYTES, timeoutMs: Math.max(timeoutMs, BILL_TIMEOUT_MS) } : { timeoutMs }) });
      if (res.status < 200 || res.status >= 300) return { ok: 'outcome', outcome: unknown(`HTTP ${res.status} from aggregator`, `HTTP_${res.status}`) };
      text = res.body.toString('utf8');
    } catch (e) {
      return { ok: 'outcome', outcome: transportOutcome(e) };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: 'outcome', outcome: unknown('Unparsable answer from aggregator', 'UNPARSABLE') };
    }
    if (!parsed || typeof parsed !== 'object' || typeof (parsed as { code?: unknown }).code !== 'number') {
      return { ok: 'outcome', outcome: unknown('Unexpected answer shape', 'UNPARSABLE') };
    }
    const answer = parsed as { code: number; msg?: unknown; data?: unknown; sign?: unknown };
    const msg = typeof answer.msg === 'string' ? answer.msg : '';
    if (answer.code !== 0) return { ok: false, code: answer.code, msg };
    if (!isFlatData(answer.data)) return { ok: 'outcome', outcome: unknown('Answer without usable data', 'UNPARSABLE') };
    const check = verifyJeepaySign(answer.data, answer.sign, config.apiKey);
    if (check !== 'valid') {
      securityEvent(d, 'jeepay', op, check === 'missing' ? 'missing_signature' : 'bad_signature', `${path}: ${check} signature`);
      return { ok: 'outcome', outcome: unknown(`Answer signature ${check}`, 'BAD_SIGNATURE') };
    }
    const data = answer.data;
    if ((data.mchNo !== undefined && data.mchNo !== config.mchNo) || (data.appId !== undefined && data.appId !== config.appId)) {
      securityEvent(d, 'jeepay', op, 'wrong_merchant', `${path}: answer for another merchant`);
      return { ok: 'outcome', outcome: unknown('Answer is for another merchant', 'WRONG_MERCHANT') };
    }
    if (orderNo !== undefined && data.mchOrderNo !== undefined && data.mchOrderNo !== orderNo) {
      securityEvent(d, 'jeepay', op, 'wrong_order', `${path}: answer for another order number`);
      return { ok: 'outcome', outcome: unknown('Answer is for another order number', 'WRONG_ORDER') };
    }
    return { ok: true, data };
  }

  const paid = (data: Data, fallbackFen: number | undefined): Paid | Unknown => {
    // An amount that is there but unreadable is not "the amount we asked": only an absent one falls back.
    const paidFen = data.amount === undefined || data.amount === null ? fallbackFen : parseAmountFen(data.amount);
    const id = channelRef(data.payOrderId);
    if (!id || paidFen === undefined) return unknown('Paid answer without a usable payOrderId/amount', 'INCOMPLETE');
    if (fallbackFen !== undefined && data.amount !== undefined && paidFen !== fallbackFen) return unknown(`Paid ${paidFen} fen, expected ${fallbackFen}`, 'AMOUNT_MISMATCH');
    const at = typeof data.successTime === 'number' ? data.successTime : d.clock.now();
    return { status: 'paid', transactionId: id, paidFen, paidAt: cstIso(at) };
  };
  const errOf = (data: Data, fallback: string): { code: string; message: string } => ({ code: s(data.errCode) ?? fallback, message: s(data.errMsg) ?? fallback });

  async function query(req: OrderRef): Promise<QueryOutcome> {
    assertOrderNo(req.orderNo);
    const r = await call('query', JEEPAY_PATHS.query, { mchOrderNo: req.orderNo }, req.orderNo);
    if (r.ok === 'outcome') return r.outcome;
    if (r.ok === false) return noSuchOrder(r) ? { status: 'not_found' } : unsignedError(r);
    const state = r.data.state;
    switch (state) {
      case 0:
      case 1:
        return { status: 'waiting', code: `STATE_${state}`, message: 'Customer is paying' };
      case 2:
        return paid(r.data, undefined);
      case 5: {
        const p = paid(r.data, undefined);
        return p.status === 'paid' ? { ...p, refunded: true } : p;
      }
      case 3:
        return { status: 'failed', ...errOf(r.data, 'FAILED') };
      case 4:
        return { status: 'failed', code: 'REVERSED', message: 'Order reversed' };
      case 6:
        return { status: 'failed', code: 'CLOSED', message: 'Order closed' };
      default:
        return unknown(`Unexpected state ${String(state)}`, 'UNEXPECTED_STATE');
    }
  }

async function queryRefund(req: RefundRef): Promise<RefundQueryOutcome> {
    assertOrderNo(req.orderNo);
    const r = await call('queryRefund', JEEPAY_PATHS.refundQuery, { mchRefundNo: req.refundNo }, req.orderNo);
    if (r.ok === 'outcome') return r.outcome;
    if (r.ok === false) return noSuchOrder(r) ? { status: 'not_found' } : unsignedError(r);
    // Refund answers always name the refund; `state` 2 also means "paid" in a pay answer, so none is not ours.
    if (r.data.mchRefundNo !== req.refundNo) return unknown('Answer is for another refund', 'WRONG_REFUND');
    const refundFen = parseAmountFen(r.data.refundAmount);
    switch (r.data.state) {
      case 0:
      case 1:
        return { status: 'processing' };
      case 2:
        if (refundFen === undefined) return unknown('Refund answer without amount', 'INCOMPLETE');
        return { status: 'succeeded', refundId: channelRef(r.data.refundOrderId) ?? '', refundFen, refundedAt: cstIso(typeof r.data.successTime === 'number' ? r.data.successTime : d.clock.now()) };
      case 3:
      case 4:
        return { status: 'failed', ...errOf(r.data, 'REFUND_FAILED') };
      default:
        return unknown(`Unexpected refund state ${String(r.data.state)}`, 'UNEXPECTED_STATE');
    }
  }

  /**
   * A refund answered by an unsigned error (refused, or 商户退款订单号已存在 for a number Jeepay already holds):
   * what Jeepay signs about that number decides; a number it never recorded means nothing moved.
   */
  function refundAfterError(r: { code: number; msg: string }, q: RefundQueryOutcome, refundFen: number): RefundOutcome {
    switch (q.status) {
      case 'succeeded':
        return { status: 'succeeded', refundId: q.refundId, refundFen: q.refundFen, refundedAt: q.refundedAt };
      case 'processing':
        return { status: 'accepted', refundId: '', refundFen };
      case 'failed':
        return q;
      default:
        return refusedIfUnrecorded(r, q);
    }
  }

  /**
   * A paid order is given back in full under a fixed refund number, so repeating reverse never refunds
   * twice: `<order>RV`. Jeepay keeps a refused refund order under its number for good, so once that
   * number is signed as failed the next reverse goes under `<order>RV2`, and so on (at most RV9). At most
   * one refund request per call: each number is looked up first and only a never-recorded one is sent.
   */
  async function reverseByRefund(orderNo: string, paidFen: number): Promise<ReverseOutcome> {
    let lastFailure: Extract<RefundQueryOutcome, { status: 'failed' }> | undefined;
    for (const refundNo of jeepayReverseRefundNos(orderNo)) {
      const seen = await queryRefund({ orderNo, refundNo });
      // Given back only when all of it is: any other amount is not this reverse's refund to trust.
      if (seen.status === 'succeeded') return seen.refundFen === paidFen ? { status: 'reversed', action: 'refund' } : unknown(`Reverse refund ${refundNo} returned ${seen.refundFen} fen of ${paidFen}`, 'AMOUNT_MISMATCH');
      if (seen.status === 'processing') return { status: 'retry', reason: 'Refund in progress' };
      if (seen.status === 'failed') {
        lastFailure = seen; // signed: nothing moved under this number, and Jeepay will not take it again
        continue;
      }
      if (seen.status === 'unknown' || seen.status === 'not_sent') return seen;
      const rf = await refund({ orderNo, refundNo, totalFen: paidFen, refundFen: paidFen, reason: 'reverse' });
      if ((rf.status === 'succeeded' || rf.status === 'accepted') && rf.refundFen !== paidFen) return unknown(`Reverse refund ${refundNo} returned ${rf.refundFen} fen of ${paidFen}`, 'AMOUNT_MISMATCH');
      if (rf.status === 'succeeded') return { status: 'reversed', action: 'refund' };
      if (rf.status === 'accepted') return { status: 'retry', reason: 'Refund in progress' };
      return rf;
    }
    return lastFailure ?? unknown('No reverse refund number left', 'REVERSE_NUMBERS_USED');
  }

  async function refund(req: RefundRequest): Promise<RefundOutcome> {
    assertRefundRequest(req);
    const r = await call('refund', JEEPAY_PATHS.refund, {
      mchOrderNo: req.orderNo, mchRefundNo: req.refundNo, refundAmount: req.refundFen, currency: 'cny', refundReason: req.reason ?? 'refund',
    }, req.orderNo);
    if (r.ok === 'outcome') return r.outcome;
    if (r.ok === false) return refundAfterError(r, await queryRefund({ orderNo: req.orderNo, refundNo: req.refundNo }), req.refundFen);
    if (r.data.mchRefundNo !== req.refundNo) return unknown('Answer is for another refund', 'WRONG_REFUND');
    const refundId = channelRef(r.data.refundOrderId) ?? '';
    const given = r.data.refundAmount;
    const refundFen = given === undefined || given === null ? req.refundFen : parseAmountFen(given);
    if (refundFen === undefined) return unknown('Refund answer with an unreadable refundAmount', 'INCOMPLETE');
    switch (r.data.state) {
      case 0:
      case 1:
        return { status: 'accepted', refundId, refundFen };
      case 2:
        return { status: 'succeeded', refundId, refundFen, refundedAt: cstIso(typeof r.data.successTime === 'number' ? r.data.successTime : d.clock.now()) };
      case 3:
      case 4:
        return { status: 'failed', ...errOf(r.data, 'REFUND_FAILED') };
      default:
        return unknown(`Unexpected refund state ${String(r.data.state)}`, 'UNEXPECTED_STATE');
    }
  }

  return {
    id: 'jeepay',

    async pay(req: PayRequest): Promise<PayOutcome> {
      assertPayRequest(req);
      const r = await call('pay', JEEPAY_PATHS.pay, {
        mchOrderNo: req.orderNo, wayCode: 'AUTO_BAR', amount: req.amountFen, currency: 'cny', subject: req.subject, body: req.subject,
        clientIp: req.clientIp, channelExtra: JSON.stringify({ authCode: req.authCode }),
      }, req.orderNo);
      if (r.ok === 'outcome') return r.outcome;
      // Declines come signed (orderState 3 below); an unsigned 9999 may follow a charge ("系统异常").
      if (r.ok === false) return refusedIfUnrecorded(r, await query({ orderNo: req.orderNo }));
      switch (r.data.orderState) {
        case 2:
          return paid(r.data, req.amountFen);
        case 0:
        case 1:
          return { status: 'waiting', code: `STATE_${String(r.data.orderState)}`, message: 'Customer is paying' };
        case 3:
        case 4:
        case 6:
          return { status: 'failed', ...errOf(r.data, 'FAILED') };
        default:
          return unknown(`Unexpected orderState ${String(r.data.orderState)}`, 'UNEXPECTED_STATE');
      }
    },

    query,

    async reverse(req: OrderRef): Promise<ReverseOutcome> {
      assertOrderNo(req.orderNo);
      const q = await query(req);
      switch (q.status) {
        case 'not_sent':
        case 'unknown':
          return q;
        case 'not_found':
          return { status: 'reversed', action: 'none' };
        case 'failed':
          // Jeepay records a wallet's system error (20000, ACQ.SYSTEM_ERROR) as failed and never asks again:
          // no proof nothing was charged, and nothing Jeepay can close or refund: said as it is (the engine
          // ends the attempt with that code, for a person to check at the wallet's merchant platform).
          if (UNCLEAR_FAILURE_CODES.has(q.code)) return { status: 'failed', code: q.code, message: `aggregator: ${q.message}`.slice(0, 100) };
          return { status: 'reversed', action: q.code === 'REVERSED' ? 'unspecified' : 'close' };
        case 'waiting': {
          const r = await call('reverse', JEEPAY_PATHS.close, { mchOrderNo: req.orderNo }, req.orderNo);
          if (r.ok === 'outcome') return r.outcome;
          // Refused, unsigned (closing raced with the customer paying, or anything else): look again later.
          if (r.ok === false) return unsignedError(r);
          // Jeepay signs a close only once the channel confirmed it, with nothing in `data` (ClosePayOrderRS
          // serialises no field); a signed answer that names another state (paid, still paying) contradicts
          // itself: ask again.
          const named = [r.data.orderState, r.data.state].filter((v) => v !== undefined && v !== null);
          if (named.every((v) => v === 6)) return { status: 'reversed', action: 'close' };
          return unknown(`Close answered state ${named.map(String).join('/')}, not closed`, 'NOT_CLOSED');
        }
        case 'paid':
          return q.refunded ? { status: 'reversed', action: 'refund' } : reverseByRefund(req.orderNo, q.paidFen);
      }
    },

    refund,

    queryRefund,

    async downloadBill(date: string): Promise<BillOutcome> {
      assertBillDate(date);
      const r = await call('downloadBill', JEEPAY_PATHS.bill, { billDate: date.replaceAll('-', '') });
      if (r.ok === 'outcome') return r.outcome;
      if (r.ok === false) return isNoBill(r.msg) ? { status: 'no_bill', message: r.msg } : { status: 'failed', code: `JEEPAY_${r.code}`, message: r.msg };
      const raw = s(r.data.records) ?? '';
      try {
        return { status: 'ok', date, ...parseJeepayBillRecords(raw), raw };
      } catch (e) {
        return { status: 'bad_bill', code: 'NOT_A_BILL', message: e instanceof Error ? e.message.slice(0, 200) : 'Unreadable bill' };
      }
    },
  };
}

/**
 * The bill's `records`: a JSON array of {kind, mchOrderNo, payOrderId, mchRefundNo?, amount, state, time}
 * → rows plus per-record rejections (bill-rows.ts; `line` is the record's 1-based position). Throws only
 * when `records` is not a JSON list. A record is rejected for an unknown kind, a state other than SUCCESS
 * (no money moved), or a row any bill parser refuses (ids, amount; a refund needs its mchRefundNo).
 */
export function parseJeepayBillRecords(raw: string): BillParse {
  const list: unknown = JSON.parse(raw);
  if (!Array.isArray(list)) throw new Error('Bill records are not a list');
  const out: BillParse = { rows: [], rejected: [] };
  list.forEach((item: unknown, i) => {
    const r = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const text = JSON.stringify(item) ?? String(item);
    const kind = r.kind === 'refund' || r.kind === 'reversal' || r.kind === 'payment' ? r.kind : undefined;
    const amountFen = parseFenField(r.amount);
    let row: BillRow | string;
    if (!kind) row = `unknown kind ${JSON.stringify(r.kind ?? null)?.slice(0, 16)}`;
    else if (r.state !== 'SUCCESS') row = `state ${JSON.stringify(r.state ?? null)?.slice(0, 16)}: no money moved`;
    else if (amountFen === undefined) row = 'bad amount';
    else {
      const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
      row = { kind, orderNo: str(r.mchOrderNo), transactionId: str(r.payOrderId), amountFen, status: 'SUCCESS', time: str(r.time) };
      if (r.mchRefundNo !== undefined) row.refundNo = str(r.mchRefundNo);
    }
    keepRow(out, i + 1, text, row);
  });
  return out;
}
