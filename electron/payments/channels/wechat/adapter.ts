/**
 * WeChat Pay API v2 付款码支付 adapter (PAYMENTS.md §2): micropay, orderquery, reverse, refund,
 * refundquery, downloadbill. Every answer is parsed strictly and its signature verified before any field
 * is believed.
 */
import { PosError } from '../../../../shared/api/result';
import {
  channelRef,
  assertBillDate, assertOrderNo, assertPayRequest, assertRefundRequest, DEFAULT_TIMEOUT_MS, isoFromCst, joinUrl, parseAmountFen, parseFenField,
  resolveDeps, securityEvent, type AdapterDeps, type ResolvedDeps,
} from '../common';
import { WECHAT_PAY_FAILURES, WECHAT_REFUND_FAILURES } from '../definite-failures';
import { BILL_MAX_RESPONSE_BYTES, BILL_TIMEOUT_MS, transportOutcome, type TlsClientOptions } from '../transport';
import {
  type BillOutcome, type ChannelOperation, type NotSent, type OrderRef, type PayOutcome, type PaymentChannel, type QueryOutcome,
  type RefundOutcome, type RefundQueryOutcome, type RefundRef, type RefundRequest, type ReverseOutcome, type Unknown, type PayRequest,
} from '../types';
import { parseWechatBill, WechatBillError } from './bill';
import { verifyWechatSign, wechatSign, type WechatSignType } from './sign';
import { buildWechatXml, parseWechatXml, WechatXmlError, type WechatFields } from './xml';

export type WechatConfig = {
  /** https://api.mch.weixin.qq.com (or the sandbox). Paths are appended. */
  baseUrl: string;
  appId: string;
  mchId: string;
  /** API v2 key (32 chars). Secret: never logged. */
  apiKey: string;
  /** Service-provider (服务商) mode: the sub-merchant the shop is. */
  subMchId?: string;
  subAppId?: string;
  signType?: WechatSignType;
  /** Per request; micropay can take several seconds on WeChat's side. */
  timeoutMs?: number;
  /** Client certificate for /secapi/ (reverse, refund) on the real gateway; the sandbox needs none. */
  tls?: TlsClientOptions;
  /** spbill_create_ip: the terminal's IP as WeChat wants it. */
  clientIp?: string;
};

type Exchange = { ok: true; fields: WechatFields } | { ok: false; outcome: NotSent | Unknown };
type RawExchange = { ok: true; text: string } | { ok: false; outcome: NotSent | Unknown };

/** micropay `body` is String(128) counted in bytes by WeChat: a Chinese store name is 3 bytes a character. */
export const WECHAT_BODY_MAX_BYTES = 127;

/** The longest prefix of `text` within `maxBytes` of UTF-8, never cutting a character in two. */
export function utf8Prefix(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

export function createWechatChannel(config: WechatConfig, deps?: AdapterDeps): PaymentChannel {
  for (const key of ['baseUrl', 'appId', 'mchId', 'apiKey'] as const) {
    if (typeof config[key] !== 'string' || config[key] === '') throw new PosError('VALIDATION', `WeChat config: ${key} is required`);
  }
  const d: ResolvedDeps = resolveDeps(deps);
  const signType: WechatSignType = config.signType ?? 'HMAC-SHA256';
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const unknown = (reason: string, code?: string): Unknown => ({ status: 'unknown', reason, retryable: true, ...(code ? { code } : {}) });

  function signed(fields: Record<string, string | number | undefined>): string {
    const all: Record<string, string | number | undefined> = {
      appid: config.appId,
      mch_id: config.mchId,
      sub_appid: config.subAppId,
      sub_mch_id: config.subMchId,
      nonce_str: d.nonce().slice(0, 32),
      sign_type: signType,
      ...fields,
    };
    return buildWechatXml({ ...all, sign: wechatSign(all, config.apiKey, signType) });
  }

  async function post(path: string, xml: string, useCert: boolean, maxResponseBytes?: number): Promise<RawExchange> {
    try {
      const res = await d.send({
        method: 'POST',
        url: joinUrl(config.baseUrl, path),
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: xml,
        ...(maxResponseBytes !== undefined ? { maxResponseBytes, timeoutMs: Math.max(timeoutMs, BILL_TIMEOUT_MS) } : { timeoutMs }),
        ...(useCert && config.tls ? { tls: config.tls } : {}),
      });
      if (res.status < 200 || res.status >= 300) return { ok: false, outcome: unknown(`HTTP ${res.status} from WeChat`, `HTTP_${res.status}`) };
      return { ok: true, text: res.body.toString('utf8') };
    } catch (e) {
      return { ok: false, outcome: transportOutcome(e) };
    }
  }

  /**
   * Is a (correctly signed) answer about us? Absent ids are tolerated; a present one must be ours. In
   * service-provider mode the sub-merchant counts like the merchant: an answer for another sub-merchant
   * of the same provider is signed with the same key, and must not be believed. A `sub_mch_id` in a
   * direct merchant's answer is another merchant's too. `sub_appid` is compared only when we send one
   * (WeChat may name the sub-merchant's bound app on its own).
   */
  function sameMerchant(answer: WechatFields): boolean {
    if (answer.appid !== undefined && answer.appid !== config.appId) return false;
    if (answer.mch_id !== undefined && answer.mch_id !== config.mchId) return false;
    if (answer.sub_mch_id !== undefined && answer.sub_mch_id !== '' && answer.sub_mch_id !== config.subMchId) return false;
    if (config.subAppId !== undefined && answer.sub_appid !== undefined && answer.sub_appid !== '' && answer.sub_appid !== config.subAppId) return false;
    return true;
  }

  /** Send, parse, check return_code, signature, merchant (and sub-merchant) and order number. */
  async function exchange(op: ChannelOperation, path: string, fields: Record<string, string | number | undefined>, orderNo?: string): Promise<Exchange> {
    const raw = await post(path, signed(fields), path.startsWith('/secapi/'));
    if (!raw.ok) return raw;
    let answer: WechatFields;
    try {
      answer = parseWechatXml(raw.text);
    } catch (e) {
      return { ok: false, outcome: unknown(`Unparsable answer: ${e instanceof WechatXmlError ? e.message : 'error'}`, 'UNPARSABLE') };
    }
    if (answer.return_code !== 'SUCCESS') {
      // Communication-level failure: carries no business result and usually no signature.
      return { ok: false, outcome: unknown(`return_code=${answer.return_code ?? '?'}: ${answer.return_msg ?? ''}`, 'RETURN_FAIL') };
    }
    const check = verifyWechatSign(answer, config.apiKey, signType);
    if (check !== 'valid') {
      securityEvent(d, 'wechat', op, check === 'missing' ? 'missing_signature' : 'bad_signature', `${path}: ${check} signature`);
      return { ok: false, outcome: unknown(`Answer signature ${check}`, 'BAD_SIGNATURE') };
    }
    if (!sameMerchant(answer)) {
      securityEvent(d, 'wechat', op, 'wrong_merchant', `${path}: answer for another merchant`);
      return { ok: false, outcome: unknown('Answer is for another merchant', 'WRONG_MERCHANT') };
    }
    if (orderNo !== undefined && answer.out_trade_no !== undefined && answer.out_trade_no !== orderNo) {
      securityEvent(d, 'wechat', op, 'wrong_order', `${path}: answer for another order number`);
      return { ok: false, outcome: unknown('Answer is for another order number', 'WRONG_ORDER') };
    }
    return { ok: true, fields: answer };
  }

  function paidFrom(f: WechatFields, expectedFen: number | undefined): PayOutcome {
    const paidFen = parseAmountFen(f.total_fee);
    const transactionId = channelRef(f.transaction_id);
    if (!transactionId || paidFen === undefined) return unknown('Paid answer without a usable transaction_id/total_fee', 'INCOMPLETE');
    if (expectedFen !== undefined && paidFen !== expectedFen) return unknown(`Paid ${paidFen} fen, expected ${expectedFen}`, 'AMOUNT_MISMATCH');
    return { status: 'paid', transactionId, paidFen, paidAt: isoFromCst(f.time_end, d.clock.now()) };
  }

  return {
    id: 'wechat',

    async pay(req: PayRequest): Promise<PayOutcome> {
      assertPayRequest(req);
      const r = await exchange('pay', '/pay/micropay', {
        body: utf8Prefix(req.subject, WECHAT_BODY_MAX_BYTES),
        out_trade_no: req.orderNo,
        total_fee: req.amountFen,
        fee_type: 'CNY',
        // Required by micropay: an empty value would be left out of the XML.
        spbill_create_ip: req.clientIp || config.clientIp || '127.0.0.1',
        auth_code: req.authCode,
        device_info: req.terminalId,
      }, req.orderNo);
      if (!r.ok) return r.outcome;
      const f = r.fields;
      if (f.result_code === 'SUCCESS') return paidFrom(f, req.amountFen);
      const code = f.err_code ?? 'UNKNOWN';
      const message = f.err_code_des ?? code;
      if (code === 'USERPAYING') return { status: 'waiting', code, message };
      // Only a documented decline is definite. Anything else (SYSTEMERROR, BANKERROR, "the number is taken":
      // ORDERPAID, OUT_TRADE_NO_USED, where an earlier request with it may have been paid) only a query can tell.
      // And only under result_code=FAIL: a missing or odd result_code is no answer to believe.
      if (f.result_code === 'FAIL' && WECHAT_PAY_FAILURES.has(code)) return { status: 'failed', code, message };
      return unknown(message, code);
    },

    async query(req: OrderRef): Promise<QueryOutcome> {
      assertOrderNo(req.orderNo);
      const r = await exchange('query', '/pay/orderquery', { out_trade_no: req.orderNo }, req.orderNo);
      if (!r.ok) return r.outcome;
      const f = r.fields;
      if (f.result_code !== 'SUCCESS') {
        if (f.err_code === 'ORDERNOTEXIST') return { status: 'not_found' };
        return unknown(f.err_code_des ?? f.err_code ?? 'query failed', f.err_code);
      }
      const state = f.trade_state ?? '';
      switch (state) {
        case 'SUCCESS':
          return paidFrom(f, undefined);
        case 'REFUND': {
          const paid = paidFrom(f, undefined);
          return paid.status === 'paid' ? { ...paid, refunded: true } : paid;
        }
        case 'NOTPAY':
        case 'USERPAYING':
          return { status: 'waiting', code: state, message: f.trade_state_desc ?? state };
        case 'CLOSED':
        case 'REVOKED':
        case 'PAYERROR':
          return { status: 'failed', code: state, message: f.trade_state_desc ?? state };
        default:
          return unknown(`Unexpected trade_state "${state}"`, 'UNEXPECTED_STATE');
      }
    },

    async reverse(req: OrderRef): Promise<ReverseOutcome> {
      assertOrderNo(req.orderNo);
      const r = await exchange('reverse', '/secapi/pay/reverse', { out_trade_no: req.orderNo }, req.orderNo);
      if (!r.ok) return r.outcome;
      const f = r.fields;
      if (f.recall === 'Y') return { status: 'retry', reason: f.err_code_des ?? 'recall=Y' };
      if (f.result_code === 'SUCCESS') {
        // A reverse's success carries recall=N: a signed SUCCESS without it answers something else (a pay
        // or query answer for the same order, replayed), which says nothing about this reverse.
        if (f.recall !== 'N') return unknown('Reverse answer without recall: not an answer to this reverse', 'NOT_A_REVERSE_ANSWER');
        return { status: 'reversed', action: 'unspecified' };
      }
      const code = f.err_code ?? 'UNKNOWN';
      if (code === 'SYSTEMERROR') return { status: 'retry', reason: f.err_code_des ?? code };
      if (code === 'ORDERNOTEXIST') return { status: 'reversed', action: 'none' };
      return { status: 'failed', code, message: f.err_code_des ?? code };
    },

    async refund(req: RefundRequest): Promise<RefundOutcome> {
      assertRefundRequest(req);
      const r = await exchange('refund', '/secapi/pay/refund', {
        out_trade_no: req.orderNo,
        out_refund_no: req.refundNo,
        total_fee: req.totalFen,
        refund_fee: req.refundFen,
        refund_fee_type: 'CNY',
        refund_desc: req.reason,
      }, req.orderNo);
      if (!r.ok) return r.outcome;
      const f = r.fields;
      if (f.result_code === 'SUCCESS') {
        // out_refund_no is in every refund answer: without it, or with another, it is not this refund's answer.
        if (f.out_refund_no !== req.refundNo) return unknown('Answer is for another refund', 'WRONG_REFUND');
        const refundFen = parseAmountFen(f.refund_fee);
        if (f.refund_fee !== undefined && refundFen === undefined) return unknown('Refund answer with an unreadable refund_fee', 'INCOMPLETE');
        return { status: 'accepted', refundId: channelRef(f.refund_id) ?? '', refundFen: refundFen ?? req.refundFen };
      }
      const code = f.err_code ?? '';
      // Only a documented refusal is definite. SYSTEMERROR, BIZERR_NEED_RETRY, FREQUENCY_LIMITED, a code we do
      // not know or none (or a result_code other than FAIL): queried, and resent under the same out_refund_no
      // only if WeChat never recorded it (WeChat refunds one number once).
      if (f.result_code === 'FAIL' && WECHAT_REFUND_FAILURES.has(code)) return { status: 'failed', code, message: f.err_code_des ?? code };
      return unknown(f.err_code_des ?? (code || `refund answered result_code ${f.result_code ?? '(none)'}`), code || 'UNCLEAR');
    },

    async queryRefund(req: RefundRef): Promise<RefundQueryOutcome> {
      assertOrderNo(req.orderNo);
      const r = await exchange('queryRefund', '/pay/refundquery', { out_refund_no: req.refundNo }, req.orderNo);
      if (!r.ok) return r.outcome;
      const f = r.fields;
      if (f.result_code !== 'SUCCESS') {
        if (f.err_code === 'REFUNDNOTEXIST') return { status: 'not_found' };
        return unknown(f.err_code_des ?? f.err_code ?? 'refundquery failed', f.err_code);
      }
      const count = parseFenField(f.refund_count) ?? 0;
      for (let i = 0; i < Math.min(count, 50); i++) {
        if (f[`out_refund_no_${i}`] !== req.refundNo) continue;
        const status = f[`refund_status_${i}`] ?? '';
        const refundFen = parseAmountFen(f[`refund_fee_${i}`]);
        if (status === 'SUCCESS' && refundFen !== undefined) {
          return { status: 'succeeded', refundId: channelRef(f[`refund_id_${i}`]) ?? '', refundFen, refundedAt: isoFromCst(f[`refund_success_time_${i}`], d.clock.now()) };
        }
        if (status === 'PROCESSING') return { status: 'processing' };
        if (status === 'REFUNDCLOSE') return { status: 'failed', code: status, message: 'Refund closed' };
        // 退款异常: the bank refused the card; a person finishes it in the merchant platform, after which
        // it turns SUCCESS. Not failed: a second refund could then pay the customer twice.
        if (status === 'CHANGE') return unknown('Refund exception (CHANGE): finish it in the WeChat Pay merchant platform', status);
        return unknown(`Unexpected refund_status "${status}"`, 'UNEXPECTED_STATE');
      }
      return { status: 'not_found' };
    },

    async downloadBill(date: string): Promise<BillOutcome> {
      assertBillDate(date);
      const raw = await post('/pay/downloadbill', signed({ bill_date: date.replaceAll('-', ''), bill_type: 'ALL' }), false, BILL_MAX_RESPONSE_BYTES);
      if (!raw.ok) return raw.outcome;
      if (raw.text.trimStart().startsWith('<xml>') || raw.text.trimStart().startsWith('<?xml')) {
        // Errors come back as (unsigned) XML.
        try {
          const f = parseWechatXml(raw.text);
          const msg = f.return_msg ?? f.err_code ?? 'FAIL';
          if (/no bill exist/i.test(msg) || f.error_code === '20002') return { status: 'no_bill', message: msg };
          return { status: 'failed', code: f.error_code ?? f.return_code ?? 'FAIL', message: msg };
        } catch {
          return unknown('Unparsable bill error answer', 'UNPARSABLE');
        }
      }
      try {
        const { rows, rejected, declaredCount, afterSummary } = parseWechatBill(raw.text);
        // The summary must count what the file holds before it: otherwise it was cut or altered, and is not
        // reconciled short. Lines after it are rejected one by one (reported) while the rest is compared.
        const counted = rows.length + rejected.length - afterSummary;
        if (declaredCount !== counted) return { status: 'bad_bill', code: 'COUNT_MISMATCH', message: `The bill announces ${declaredCount} rows but has ${counted}` };
        return { status: 'ok', date, rows, raw: raw.text, rejected };
      } catch (e) {
        return { status: 'bad_bill', code: 'NOT_A_BILL', message: e instanceof WechatBillError ? e.message : 'Unreadable bill' };
      }
    },
  };
}
