/** WeChat Pay v2 simulator: micropay, orderquery, reverse, refund, refundquery, downloadbill (XML). */
import { randomBytes } from 'node:crypto';
import { classifyPaymentCode } from '../../shared/payments/code';
import { cstCompact, cstDateTime, parseFenField } from '../payments/channels/common';
import { buildWechatBill, type WechatBillEntry } from '../payments/channels/wechat/bill';
import { verifyWechatSign, wechatSign, type WechatSignType } from '../payments/channels/wechat/sign';
import { buildWechatXml, parseWechatXml, type WechatFields } from '../payments/channels/wechat/xml';
import { type LedgerOrder } from './ledger';
import { type SandboxOperation } from './scenarios';
import { type HandlerContext, type ProtocolHandler, type RunOptions, type SandboxHttpResponse } from './types';
import { MAX_FEN } from '../../shared/payments/amount';
import { isOrderNo, isRefundNo, isTerminalIdOrNone } from './numbers';

const OPS: Record<string, SandboxOperation> = {
  '/pay/micropay': 'pay',
  '/pay/orderquery': 'query',
  '/secapi/pay/reverse': 'reverse',
  '/secapi/pay/refund': 'refund',
  '/pay/refundquery': 'refundQuery',
  '/pay/downloadbill': 'bill',
};
export const WECHAT_PATHS = Object.keys(OPS);

const xml = (fields: Record<string, string | number | undefined>): SandboxHttpResponse => ({ status: 200, contentType: 'text/xml; charset=utf-8', body: buildWechatXml(fields) });
const returnFail = (msg: string): SandboxHttpResponse => xml({ return_code: 'FAIL', return_msg: msg });

/** WeChat reverses an order for 7 days after it was placed. */
const REVERSE_WINDOW_MS = 7 * 24 * 3_600_000;

const ERR_DES: Record<string, string> = {
  USERPAYING: '需要用户输入支付密码',
  REVERSE_EXPIRE: '订单有7天的撤销有效期，过期将不能撤销',
  SYSTEMERROR: '系统超时，请查询订单',
  NOTENOUGH: '余额不足',
  AUTHCODEEXPIRE: '二维码已过期，请用户在微信上刷新后再试',
  AUTH_CODE_INVALID: '请扫描微信支付授权码(以10/11/12/13/14/15为前缀的18位数字)',
  ORDERPAID: '订单已支付',
  OUT_TRADE_NO_USED: '商户订单号重复',
  ORDERCLOSED: '订单已关闭',
  ORDERREVERSED: '订单已撤销',
  ORDERNOTEXIST: '此交易订单号不存在',
  REFUNDNOTEXIST: '退款订单查询失败',
  PARAM_ERROR: '参数错误',
  INVALID_REQUEST: '参数错误或退款金额超限',
  TRADE_STATE_ERROR: '订单状态错误',
};

function tradeState(o: LedgerOrder): string {
  switch (o.status) {
    case 'paying':
      return 'USERPAYING';
    case 'paid':
      return o.refundedFen > 0 ? 'REFUND' : 'SUCCESS';
    case 'failed':
      return 'PAYERROR';
    case 'closed':
      return 'CLOSED';
    case 'reversed':
      return 'REVOKED';
  }
}

export const handleWechat: ProtocolHandler = (req, ctx) => {
  const path = req.path.replace(/^\/sandboxnew/, '');
  const operation = OPS[path];
  if (!operation || req.method !== 'POST') return { status: 404, contentType: 'text/plain', body: 'Not found' };
  let f: WechatFields;
  try {
    f = parseWechatXml(req.body.toString('utf8'));
  } catch {
    return returnFail('XML格式错误');
  }
  const k = ctx.keys.wechat;
  if (f.appid !== k.appId || f.mch_id !== k.mchId) return returnFail('appid和mch_id不匹配');
  const signType: WechatSignType = f.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5';
  if (f.sign_type !== undefined && f.sign_type !== 'MD5' && f.sign_type !== 'HMAC-SHA256') return returnFail('sign_type参数错误');
  if (verifyWechatSign(f, k.apiKey, signType) !== 'valid') return returnFail('签名错误');

  const amountFen = operation === 'pay' ? parseFenField(f.total_fee) : undefined;
  return {
    operation,
    ...(amountFen !== undefined ? { amountFen } : {}),
    ...(operation === 'pay' && f.auth_code ? { authCode: f.auth_code } : {}),
    run: (opts) => respond(operation, f, signType, ctx, opts),
  };
};

function respond(operation: SandboxOperation, f: WechatFields, signType: WechatSignType, ctx: HandlerContext, opts: RunOptions): SandboxHttpResponse {
  const k = ctx.keys.wechat;
  const signed = (fields: Record<string, string | number | undefined>): SandboxHttpResponse => {
    const all: Record<string, string | number | undefined> = {
      return_code: 'SUCCESS', return_msg: 'OK', appid: k.appId, mch_id: k.mchId, sub_mch_id: f.sub_mch_id, device_info: f.device_info,
      nonce_str: randomBytes(8).toString('hex'), ...fields,
    };
    const key = opts.badSignature ? `${k.apiKey}-wrong` : k.apiKey;
    return xml({ ...all, sign: wechatSign(all, key, signType) });
  };
  const fail = (code: string, extra: Record<string, string | number | undefined> = {}): SandboxHttpResponse =>
    signed({ result_code: 'FAIL', err_code: code, err_code_des: ERR_DES[code] ?? code, ...extra });
  const paidFields = (o: LedgerOrder): Record<string, string | number | undefined> => ({
    openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', is_subscribe: 'N', trade_type: 'MICROPAY', bank_type: 'OTHERS', fee_type: 'CNY',
    total_fee: o.amountFen, cash_fee_type: 'CNY', cash_fee: o.amountFen, transaction_id: o.transactionId, out_trade_no: o.orderNo,
    time_end: cstCompact(o.paidAt ?? o.createdAt),
  });
  const { ledger } = ctx;

  switch (operation) {
    case 'pay': {
      const total = parseFenField(f.total_fee);
      if (!isOrderNo(f.out_trade_no) || !isTerminalIdOrNone(f.device_info) || !f.auth_code || !f.body || total === undefined || total <= 0 || total > MAX_FEN) return fail('PARAM_ERROR');
      const cls = classifyPaymentCode(f.auth_code);
      if (!cls.ok || cls.channel !== 'wechat') return fail('AUTH_CODE_INVALID', { out_trade_no: f.out_trade_no });
      const r = ledger.pay(
        { channel: 'wechat', orderNo: f.out_trade_no, authCode: cls.code, amountFen: total, subject: f.body, fingerprint: JSON.stringify([total, cls.code, f.body]), ...(f.device_info ? { terminalId: f.device_info } : {}) },
        opts.scenario,
      );
      switch (r.kind) {
        case 'paid':
          return signed({ result_code: 'SUCCESS', ...paidFields(r.order) });
        case 'paying':
          return fail('USERPAYING', { out_trade_no: r.order.orderNo });
        case 'system_error':
          return fail('SYSTEMERROR', { out_trade_no: r.order.orderNo });
        case 'declined':
          return fail(r.reason === 'INSUFFICIENT' ? 'NOTENOUGH' : r.reason === 'EXPIRED' ? 'AUTHCODEEXPIRE' : 'AUTH_CODE_INVALID', { out_trade_no: f.out_trade_no });
        case 'duplicate_paid':
          return fail('ORDERPAID', { out_trade_no: r.order.orderNo });
        case 'duplicate_mismatch':
          return fail('OUT_TRADE_NO_USED', { out_trade_no: r.order.orderNo });
        case 'duplicate_closed':
          return fail(r.order.status === 'reversed' ? 'ORDERREVERSED' : 'ORDERCLOSED', { out_trade_no: r.order.orderNo });
      }
      break;
    }
    case 'query': {
      if (!f.out_trade_no) return fail('PARAM_ERROR');
      const o = ledger.query('wechat', f.out_trade_no);
      if (!o) return fail('ORDERNOTEXIST');
      const state = tradeState(o);
      const base = { result_code: 'SUCCESS', out_trade_no: o.orderNo, trade_state: state, trade_state_desc: state };
      return signed(o.status === 'paid' ? { ...base, ...paidFields(o) } : { ...base, total_fee: o.amountFen || undefined });
    }
    case 'reverse': {
      if (!f.out_trade_no) return fail('PARAM_ERROR');
      // "订单有7天的撤销有效期": a paid order older than that is refunded, never reversed.
      // As of now: a password entry the customer finished since the last query is a paid order too.
      const existing = ledger.current('wechat', f.out_trade_no);
      if (existing?.status === 'paid' && ctx.clock.now() - existing.createdAt > REVERSE_WINDOW_MS) return fail('REVERSE_EXPIRE');
      // Not done yet: WeChat answers recall=Y and the merchant calls reverse again.
      if (ledger.reverseRetry('wechat', f.out_trade_no, opts.scenario === 'reverse_retry')) return fail('SYSTEMERROR', { recall: 'Y', out_trade_no: f.out_trade_no });
      ledger.reverse('wechat', f.out_trade_no);
      return signed({ result_code: 'SUCCESS', recall: 'N', out_trade_no: f.out_trade_no });
    }
    case 'refund': {
      const refundFen = parseFenField(f.refund_fee);
      const totalFen = parseFenField(f.total_fee);
      if (!isOrderNo(f.out_trade_no) || !isRefundNo(f.out_refund_no) || refundFen === undefined || refundFen <= 0 || totalFen === undefined) return fail('PARAM_ERROR');
      // Forced `insufficient` on a refund: the merchant's balance cannot pay it; nothing is refunded.
      if (opts.scenario === 'insufficient') return fail('NOTENOUGH', { out_trade_no: f.out_trade_no, err_code_des: '基本账户余额不足，请充值后重新发起' });
      const r = ledger.refund('wechat', f.out_trade_no, f.out_refund_no, refundFen, totalFen);
      if (r.kind === 'error') {
        const code = { NOT_FOUND: 'ORDERNOTEXIST', NOT_PAID: 'TRADE_STATE_ERROR', REVERSED: 'TRADE_STATE_ERROR', EXCEEDS: 'INVALID_REQUEST', MISMATCH: 'INVALID_REQUEST', TOTAL_MISMATCH: 'PARAM_ERROR' }[r.reason];
        return fail(code, { out_trade_no: f.out_trade_no });
      }
      return signed({
        result_code: 'SUCCESS', transaction_id: r.order.transactionId, out_trade_no: r.order.orderNo, out_refund_no: r.refund.refundNo,
        refund_id: r.refund.refundId, refund_fee: r.refund.amountFen, total_fee: r.order.amountFen, cash_fee: r.order.amountFen,
      });
    }
    case 'refundQuery': {
      const refund = f.out_refund_no ? ledger.findRefund('wechat', f.out_refund_no) : undefined;
      if (!refund) return fail('REFUNDNOTEXIST');
      const o = ledger.order('wechat', refund.orderNo);
      return signed({
        result_code: 'SUCCESS', out_trade_no: refund.orderNo, transaction_id: o?.transactionId, total_fee: o?.amountFen, refund_count: 1,
        out_refund_no_0: refund.refundNo, refund_id_0: refund.refundId, refund_fee_0: refund.amountFen, refund_status_0: 'SUCCESS',
        refund_success_time_0: cstDateTime(refund.at),
      });
    }
    case 'bill':
      return bill(f, ctx);
  }
  return fail('PARAM_ERROR');
}

function bill(f: WechatFields, ctx: HandlerContext): SandboxHttpResponse {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(f.bill_date ?? '');
  if (!m) return xml({ return_code: 'FAIL', return_msg: 'invalid bill_date', error_code: '20001' });
  const data = ctx.ledger.billFor('wechat', `${m[1]}-${m[2]}-${m[3]}`);
  if (!data || (data.orders.length === 0 && data.refunds.length === 0)) return xml({ return_code: 'FAIL', return_msg: 'No Bill Exist', error_code: '20002' });
  const k = ctx.keys.wechat;
  const entries: WechatBillEntry[] = [];
  const common = { appId: k.appId, mchId: k.mchId, openId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' };
  for (const o of data.orders) {
    entries.push({ ...common, time: cstDateTime(o.paidAt ?? o.createdAt), transactionId: o.transactionId, orderNo: o.orderNo, state: 'SUCCESS', orderFen: o.amountFen, subject: o.subject, ...(o.terminalId ? { deviceInfo: o.terminalId } : {}) });
  }
  for (const r of data.refunds) {
    const o = ctx.ledger.order('wechat', r.orderNo);
    const base = { ...common, time: cstDateTime(r.at), transactionId: o?.transactionId ?? '', orderNo: r.orderNo, subject: o?.subject ?? '', ...(o?.terminalId ? { deviceInfo: o.terminalId } : {}) };
    entries.push(r.byReversal ? { ...base, state: 'REVOKED', orderFen: r.amountFen } : { ...base, state: 'REFUND', orderFen: o?.amountFen ?? 0, refundId: r.refundId, refundNo: r.refundNo, refundFen: r.amountFen });
  }
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: buildWechatBill(entries) };
}
