/**
 * Alipay openapi adapter: alipay.trade.pay (scene bar_code), .query, .cancel, .refund,
 * .fastpay.refund.query, and the bill download (PAYMENTS.md §3). Requests are RSA2-signed like alipay-sdk;
 * every answer's signature is checked over the exact raw text before any field is believed.
 */
import { type KeyObject } from 'node:crypto';
import { PosError } from '../../../../shared/api/result';
import { fenToYuan, tryYuanToFen } from '../../../../shared/payments/amount';
import {
  channelRef,
  assertBillDate, assertOrderNo, assertPayRequest, assertRefundRequest, cstDateTime, DEFAULT_TIMEOUT_MS, isoFromCst, resolveDeps,
  securityEvent, type AdapterDeps,
} from '../common';
import { ALIPAY_PAY_FAILURES, ALIPAY_REFUND_FAILURES, ALIPAY_REQUEST_REFUSED } from '../definite-failures';
import { BILL_MAX_RESPONSE_BYTES, BILL_TIMEOUT_MS, transportOutcome } from '../transport';
import {
  type BillOutcome, type ChannelOperation, type NotSent, type OrderRef, type PayOutcome, type PaymentChannel, type PayRequest,
  type QueryOutcome, type RefundOutcome, type RefundQueryOutcome, type RefundRef, type RefundRequest, type ReverseOutcome, type Unknown,
} from '../types';
import { AlipayBillError, parseAlipayBill } from './bill';
import { readAlipayBillZip } from './bill-zip';
import { AlipayKeyError, loadAlipayPrivateKey, loadAlipayPublicKey, rawJsonMember, rsa2Verify, signAlipayParams } from './sign';

export type AlipayConfig = {
  /** Full gateway URL, e.g. https://openapi.alipay.com/gateway.do (or the sandbox's). */
  gatewayUrl: string;
  appId: string;
  /** The app's RSA private key (PEM or bare base64). Secret: never logged. */
  appPrivateKey: string;
  /** Alipay's public key, to verify answers. */
  alipayPublicKey: string;
  /** Service-provider mode: the merchant's app_auth_token. */
  appAuthToken?: string;
  timeoutMs?: number;
};

type Answer = Record<string, unknown>;
type Exchange = { ok: true; body: Answer } | { ok: false; outcome: NotSent | Unknown };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export function createAlipayChannel(config: AlipayConfig, deps?: AdapterDeps): PaymentChannel {
  for (const key of ['gatewayUrl', 'appId', 'appPrivateKey', 'alipayPublicKey'] as const) {
    if (typeof config[key] !== 'string' || config[key] === '') throw new PosError('VALIDATION', `Alipay config: ${key} is required`);
  }
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  try {
    privateKey = loadAlipayPrivateKey(config.appPrivateKey);
    publicKey = loadAlipayPublicKey(config.alipayPublicKey);
  } catch (e) {
    throw new PosError('VALIDATION', e instanceof AlipayKeyError ? e.message : 'Alipay keys cannot be read');
  }
  const d = resolveDeps(deps);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const unknown = (reason: string, code?: string): Unknown => ({ status: 'unknown', reason, retryable: true, ...(code ? { code } : {}) });

  async function call(op: ChannelOperation, method: string, biz: Record<string, unknown>, orderNo?: string): Promise<Exchange> {
    const params: Record<string, string | undefined> = {
      app_id: config.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: cstDateTime(d.clock.now()),
      version: '1.0',
      app_auth_token: config.appAuthToken,
      biz_content: JSON.stringify(biz),
    };
    params.sign = signAlipayParams(params, privateKey);
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, v);

    let text: string;
    try {
      const res = await d.send({
        method: 'POST',
        url: config.gatewayUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: form.toString(),
        timeoutMs,
      });
      if (res.status < 200 || res.status >= 300) return { ok: false, outcome: unknown(`HTTP ${res.status} from Alipay`, `HTTP_${res.status}`) };
      text = res.body.toString('utf8');
    } catch (e) {
      return { ok: false, outcome: transportOutcome(e) };
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, outcome: unknown('Unparsable answer from Alipay', 'UNPARSABLE') };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, outcome: unknown('Unexpected answer shape', 'UNPARSABLE') };
    const responseKey = `${method.replaceAll('.', '_')}_response`;
    const key = responseKey in parsed ? responseKey : 'error_response' in parsed ? 'error_response' : undefined;
    const raw = key ? rawJsonMember(text, key) : undefined;
    // The body is read from the very text the signature covers, never from a parse of the whole answer.
    const body = raw === undefined ? undefined : (JSON.parse(raw) as unknown);
    if (!key || raw === undefined || !body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, outcome: unknown(`Answer has no single ${responseKey}`, 'UNPARSABLE') };
    const sign = (parsed as Record<string, unknown>).sign;
    if (typeof sign !== 'string' || sign === '') {
      securityEvent(d, 'alipay', op, 'missing_signature', `${method}: unsigned answer`);
      return { ok: false, outcome: unknown('Unsigned answer', 'BAD_SIGNATURE') };
    }
    if (!rsa2Verify(raw, sign, publicKey)) {
      securityEvent(d, 'alipay', op, 'bad_signature', `${method}: signature does not verify`);
      return { ok: false, outcome: unknown('Answer signature invalid', 'BAD_SIGNATURE') };
    }
    const answer = body as Answer;
    const answerOrder = str(answer.out_trade_no);
    if (orderNo !== undefined && answerOrder !== undefined && answerOrder !== orderNo) {
      securityEvent(d, 'alipay', op, 'wrong_order', `${method}: answer for another order number`);
      return { ok: false, outcome: unknown('Answer is for another order number', 'WRONG_ORDER') };
    }
    return { ok: true, body: answer };
  }

  const codeOf = (a: Answer): string => str(a.code) ?? '';
  const subCode = (a: Answer): string => str(a.sub_code) ?? str(a.code) ?? 'UNKNOWN';
  const message = (a: Answer): string => str(a.sub_msg) ?? str(a.msg) ?? subCode(a);

  function paidFrom(a: Answer, expectedFen: number | undefined): PayOutcome {
    const tradeNo = channelRef(a.trade_no);
    const paidFen = tryYuanToFen(str(a.total_amount));
    if (!tradeNo || paidFen === undefined || paidFen <= 0) return unknown('Paid answer without a usable trade_no/total_amount', 'INCOMPLETE');
    if (expectedFen !== undefined && paidFen !== expectedFen) return unknown(`Paid ${paidFen} fen, expected ${expectedFen}`, 'AMOUNT_MISMATCH');
    return { status: 'paid', transactionId: tradeNo, paidFen, paidAt: isoFromCst(str(a.gmt_payment), d.clock.now()) };
  }

  return {
    id: 'alipay',

    async pay(req: PayRequest): Promise<PayOutcome> {
      assertPayRequest(req);
      const r = await call('pay', 'alipay.trade.pay', {
        out_trade_no: req.orderNo,
        scene: 'bar_code',
        auth_code: req.authCode,
        subject: req.subject,
        total_amount: fenToYuan(req.amountFen),
        ...(req.storeId ? { store_id: req.storeId } : {}),
        ...(req.terminalId ? { terminal_id: req.terminalId } : {}),
        ...(req.operatorId ? { operator_id: req.operatorId } : {}),
      }, req.orderNo);
      if (!r.ok) return r.outcome;
      const a = r.body;
      switch (codeOf(a)) {
        case '10000':
          return paidFrom(a, req.amountFen);
        case '10003':
          return { status: 'waiting', code: '10003', message: message(a) };
        case '20000':
          return unknown(message(a), subCode(a));
        case '40004': {
          const sub = subCode(a);
          // Only a documented decline is definite. Anything else (ACQ.SYSTEM_ERROR, "this number is already
          // taken / paid", a sub_code we do not know): only a query tells what happened.
          if (ALIPAY_PAY_FAILURES.has(sub)) return { status: 'failed', code: sub, message: message(a) };
          return unknown(message(a), sub);
        }
        case '40001':
        case '40002':
        case '40006':
          return { status: 'failed', code: subCode(a), message: message(a) };
        default:
          return unknown(`Unexpected code ${codeOf(a)}: ${message(a)}`, subCode(a));
      }
    },

    async query(req: OrderRef): Promise<QueryOutcome> {
      assertOrderNo(req.orderNo);
      const r = await call('query', 'alipay.trade.query', { out_trade_no: req.orderNo }, req.orderNo);
      if (!r.ok) return r.outcome;
      const a = r.body;
      if (codeOf(a) !== '10000') {
        if (subCode(a) === 'ACQ.TRADE_NOT_EXIST') return { status: 'not_found' };
        return unknown(message(a), subCode(a));
      }
      const state = str(a.trade_status) ?? '';
      switch (state) {
        case 'TRADE_SUCCESS':
        case 'TRADE_FINISHED':
          return paidFrom(a, undefined);
        case 'WAIT_BUYER_PAY':
          return { status: 'waiting', code: state, message: 'Waiting for the customer' };
        case 'TRADE_CLOSED':
          // Unpaid and timed out/cancelled, or paid and fully refunded.
          return { status: 'failed', code: state, message: 'Trade closed' };
        default:
          return unknown(`Unexpected trade_status "${state}"`, 'UNEXPECTED_STATE');
      }
    },

    async reverse(req: OrderRef): Promise<ReverseOutcome> {
      assertOrderNo(req.orderNo);
      const r = await call('reverse', 'alipay.trade.cancel', { out_trade_no: req.orderNo }, req.orderNo);
      if (!r.ok) return r.outcome;
      const a = r.body;
      if (str(a.retry_flag) === 'Y') return { status: 'retry', reason: message(a) };
      if (codeOf(a) === '10000') {
        // Every cancel answer carries retry_flag. Alipay signs the inner JSON, not the member name around it,
        // so a signed 10000 without one is another method's answer (a query of this order) passed off as ours.
        if (str(a.retry_flag) !== 'N') return unknown('Cancel answer without retry_flag', 'NOT_A_REVERSE_ANSWER');
        // `action` comes back only when the trade exists; none means no trade was found (its pay request may
        // still be on its way: the engine asks again once the code has expired).
        const action = str(a.action);
        return { status: 'reversed', action: action === 'refund' ? 'refund' : action === 'close' ? 'close' : action === undefined || action === '' ? 'none' : 'unspecified' };
      }
      const sub = subCode(a);
      if (sub === 'ACQ.TRADE_NOT_EXIST') return { status: 'reversed', action: 'none' };
      if (codeOf(a) === '20000' || sub === 'ACQ.SYSTEM_ERROR') return { status: 'retry', reason: message(a) };
      return { status: 'failed', code: sub, message: message(a) };
    },

    async refund(req: RefundRequest): Promise<RefundOutcome> {
      assertRefundRequest(req);
      const r = await call('refund', 'alipay.trade.refund', {
        out_trade_no: req.orderNo,
        refund_amount: fenToYuan(req.refundFen),
        out_request_no: req.refundNo,
        ...(req.reason ? { refund_reason: req.reason } : {}),
      }, req.orderNo);
      if (!r.ok) return r.outcome;
      const a = r.body;
      if (codeOf(a) === '10000') {
        const refundId = channelRef(a.trade_no) ?? '';
        // fund_change=N: nothing moved by *this* call (e.g. a repeat); the refund query says where it stands.
        if (str(a.fund_change) === 'Y') return { status: 'succeeded', refundId, refundFen: req.refundFen, refundedAt: isoFromCst(str(a.gmt_refund_pay), d.clock.now()) };
        return { status: 'accepted', refundId, refundFen: req.refundFen };
      }
      const sub = subCode(a);
      // Only a documented refusal is definite; ACQ.SYSTEM_ERROR, 20000, an unknown sub_code or code, or no
      // code at all: queried by out_request_no (Alipay refunds one number once).
      if ((codeOf(a) === '40004' && ALIPAY_REFUND_FAILURES.has(sub)) || ALIPAY_REQUEST_REFUSED.has(codeOf(a))) return { status: 'failed', code: sub, message: message(a) };
      return unknown(message(a) || `Unexpected refund answer code ${codeOf(a) || '(none)'}`, sub || codeOf(a) || 'UNCLEAR');
    },

    async queryRefund(req: RefundRef): Promise<RefundQueryOutcome> {
      assertOrderNo(req.orderNo);
      const r = await call('queryRefund', 'alipay.trade.fastpay.refund.query', { out_trade_no: req.orderNo, out_request_no: req.refundNo }, req.orderNo);
      if (!r.ok) return r.outcome;
      const a = r.body;
      if (codeOf(a) !== '10000') {
        if (subCode(a) === 'ACQ.TRADE_NOT_EXIST') return { status: 'not_found' };
        return unknown(message(a), subCode(a));
      }
      // Alipay: refund_status REFUND_SUCCESS means refunded; "未返回该字段表示退款请求未收到或者退款失败" (not
      // received or failed), for which Alipay's remedy is the refund again under the same out_request_no
      // (one number refunds once): `not_found`, as with no data. An unreadable amount says nothing either.
      const refundFen = tryYuanToFen(str(a.refund_amount));
      if (str(a.out_request_no) !== req.refundNo || refundFen === undefined || refundFen <= 0) return { status: 'not_found' };
      const status = str(a.refund_status);
      if (status === undefined || status === '') return { status: 'not_found' };
      if (status !== 'REFUND_SUCCESS') return { status: 'processing' };
      return { status: 'succeeded', refundId: channelRef(a.trade_no) ?? '', refundFen, refundedAt: isoFromCst(str(a.gmt_refund_pay), d.clock.now()) };
    },

    async downloadBill(date: string): Promise<BillOutcome> {
      assertBillDate(date);
      const r = await call('downloadBill', 'alipay.data.dataservice.bill.downloadurl.query', { bill_type: 'trade', bill_date: date });
      if (!r.ok) return r.outcome;
      const a = r.body;
      if (codeOf(a) !== '10000') {
        if (/bill_not_exist/i.test(subCode(a))) return { status: 'no_bill', message: message(a) };
        return { status: 'failed', code: subCode(a), message: message(a) };
      }
      const url = str(a.bill_download_url);
      if (!url) return unknown('No bill_download_url in answer', 'INCOMPLETE');
      // The URL is valid for about 30 s: fetch it at once. It serves a ZIP of GBK CSV files.
      let body: Buffer;
      try {
        const res = await d.send({ method: 'GET', url, timeoutMs: Math.max(timeoutMs, BILL_TIMEOUT_MS), maxResponseBytes: BILL_MAX_RESPONSE_BYTES });
        if (res.status !== 200) return unknown(`HTTP ${res.status} downloading the bill`, `HTTP_${res.status}`);
        body = res.body;
      } catch (e) {
        return transportOutcome(e);
      }
      return readBill(date, body);
    },
  };
}

/**
 * A downloaded bill archive → rows. A broken file is a typed `bad_bill`, never a throw; a bad line is a
 * counted rejection; and when the file's own totals line disagrees with what was read, the whole bill is
 * refused rather than reconciled short.
 */
export function readBill(date: string, body: Buffer): BillOutcome {
  try {
    const { detailText } = readAlipayBillZip(body);
    const { rows, rejected, declaredCount } = parseAlipayBill(detailText);
    // Every Alipay detail file ends with its totals line: without it the file was cut short.
    if (declaredCount === null) return { status: 'bad_bill', code: 'NOT_A_BILL', message: 'The bill ends before its totals line (#交易合计): cut short?' };
    if (declaredCount !== rows.length + rejected.length) {
      return { status: 'bad_bill', code: 'COUNT_MISMATCH', message: `The bill announces ${declaredCount} rows but has ${rows.length + rejected.length}` };
    }
    return { status: 'ok', date, rows, raw: detailText, rejected };
  } catch (e) {
    if (e instanceof AlipayBillError) return { status: 'bad_bill', code: e.code, message: e.message };
    return { status: 'bad_bill', code: 'CORRUPT_ZIP', message: `The bill cannot be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}
