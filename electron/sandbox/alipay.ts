/** Alipay openapi simulator: /gateway.do with method dispatch, RSA2 both ways, ZIP bills of GBK CSV files. */
import { fenToYuan, tryYuanToFen } from '../../shared/payments/amount';
import { classifyPaymentCode } from '../../shared/payments/code';
import { cstDateTime } from '../payments/channels/common';
import { type AlipayBillEntry } from '../payments/channels/alipay/bill';
import { alipaySignContent, loadAlipayPrivateKey, loadAlipayPublicKey, rsa2Sign, rsa2Verify } from '../payments/channels/alipay/sign';
import { buildAlipayBillZip } from './alipay-bill';
import { type LedgerOrder } from './ledger';
import { type SandboxOperation } from './scenarios';
import { type HandlerContext, type ProtocolHandler, type RunOptions, type SandboxHttpResponse } from './types';
import { MAX_FEN } from '../../shared/payments/amount';
import { isOrderNo, isRefundNo, isTerminalIdOrNone } from './numbers';

const OPS: Record<string, SandboxOperation> = {
  'alipay.trade.pay': 'pay',
  'alipay.trade.query': 'query',
  'alipay.trade.cancel': 'reverse',
  'alipay.trade.refund': 'refund',
  'alipay.trade.fastpay.refund.query': 'refundQuery',
  'alipay.data.dataservice.bill.downloadurl.query': 'bill',
};

type Body = Record<string, string | undefined>;

function answer(ctx: HandlerContext, method: string, body: Body, badSignature: boolean): SandboxHttpResponse {
  const key = `${method.replaceAll('.', '_')}_response`;
  const inner = JSON.stringify(body);
  const signer = badSignature ? loadAlipayPrivateKey(ctx.keys.alipay.appPrivateKey) : loadAlipayPrivateKey(ctx.keys.alipay.alipayPrivateKey);
  const text = `{"${key}":${inner},"sign":${JSON.stringify(rsa2Sign(inner, signer))}}`;
  return { status: 200, contentType: 'application/json;charset=utf-8', body: text };
}

const ok = (extra: Body): Body => ({ code: '10000', msg: 'Success', ...extra });
const bizFail = (subCode: string, subMsg: string, extra: Body = {}): Body => ({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg, ...extra });
const invalid = (subCode: string, subMsg: string): Body => ({ code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg });

export const handleAlipay: ProtocolHandler = (req, ctx) => {
  const params: Record<string, string> = {};
  for (const [k, v] of req.query) params[k] = v;
  const type = String(req.headers['content-type'] ?? '');
  if (req.method === 'POST' && !type.includes('json')) for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params[k] = v;
  const method = params.method ?? '';
  const operation = OPS[method];
  const reply = (body: Body): SandboxHttpResponse => answer(ctx, method || 'error', body, false);
  if (!operation) return reply(invalid('isv.invalid-method', `不存在的方法名 ${method}`));
  if (params.app_id !== ctx.keys.alipay.appId) return reply(invalid('isv.invalid-app-id', '无效的AppID参数'));
  if (params.sign_type !== 'RSA2') return reply(invalid('isv.invalid-signature-type', '无效的签名类型'));
  const content = alipaySignContent(params);
  if (!params.sign || !rsa2Verify(content, params.sign, loadAlipayPublicKey(ctx.keys.alipay.appPublicKey))) {
    return reply(invalid('isv.invalid-signature', `验签出错，网关生成的验签字符串为：${content}`));
  }
  let biz: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(params.biz_content ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    biz = parsed as Record<string, unknown>;
  } catch {
    return reply(invalid('isv.invalid-parameter', 'biz_content 不是合法的JSON'));
  }
  const text = (k: string): string | undefined => (typeof biz[k] === 'string' ? biz[k] : undefined);
  const amountFen = operation === 'pay' ? tryYuanToFen(text('total_amount')) : undefined;
  const authCode = operation === 'pay' ? text('auth_code') : undefined;
  return {
    operation,
    ...(amountFen !== undefined ? { amountFen } : {}),
    ...(authCode ? { authCode } : {}),
    run: (opts) => answer(ctx, method, respond(operation, text, ctx, opts, req.baseUrl), opts.badSignature),
  };
};

function tradeFields(o: LedgerOrder): Body {
  return {
    trade_no: o.transactionId, out_trade_no: o.orderNo, buyer_logon_id: 'sbx***@sandbox.com', buyer_user_id: '2088102177846880',
    total_amount: fenToYuan(o.amountFen), receipt_amount: fenToYuan(o.amountFen), buyer_pay_amount: fenToYuan(o.amountFen),
    gmt_payment: cstDateTime(o.paidAt ?? o.createdAt),
  };
}

function respond(operation: SandboxOperation, text: (k: string) => string | undefined, ctx: HandlerContext, opts: RunOptions, baseUrl: string): Body {
  const { ledger } = ctx;
  const orderNo = text('out_trade_no');
  switch (operation) {
    case 'pay': {
      const amountFen = tryYuanToFen(text('total_amount'));
      const authCode = text('auth_code') ?? '';
      if (!isOrderNo(orderNo) || !isTerminalIdOrNone(text('terminal_id')) || !text('subject') || amountFen === undefined || amountFen <= 0 || amountFen > MAX_FEN) return invalid('isv.invalid-parameter', '参数无效');
      const cls = classifyPaymentCode(authCode);
      if (!cls.ok || cls.channel !== 'alipay') return bizFail('ACQ.PAYMENT_AUTH_CODE_INVALID', '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款');
      const r = ledger.pay(
        { channel: 'alipay', orderNo, authCode: cls.code, amountFen, subject: text('subject') ?? '', fingerprint: JSON.stringify([amountFen, cls.code, text('subject')]), ...(text('terminal_id') ? { terminalId: text('terminal_id') } : {}) },
        opts.scenario,
      );
      switch (r.kind) {
        case 'paid':
          return ok(tradeFields(r.order));
        case 'paying':
          return { code: '10003', msg: ' order success pay inprocess', trade_no: r.order.transactionId, out_trade_no: orderNo, total_amount: fenToYuan(r.order.amountFen) };
        case 'system_error':
          return { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' };
        case 'declined':
          return r.reason === 'INSUFFICIENT'
            ? bizFail('ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足', { out_trade_no: orderNo })
            : bizFail('ACQ.PAYMENT_AUTH_CODE_INVALID', '付款码无效或已过期，请顾客刷新付款码', { out_trade_no: orderNo });
        case 'duplicate_paid':
          return bizFail('ACQ.TRADE_HAS_SUCCESS', '交易已被支付', { out_trade_no: orderNo });
        case 'duplicate_mismatch':
          return bizFail('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改', { out_trade_no: orderNo });
        case 'duplicate_closed':
          return bizFail('ACQ.TRADE_HAS_CLOSE', '交易已经关闭', { out_trade_no: orderNo });
      }
      break;
    }
    case 'query': {
      const o = orderNo ? ledger.query('alipay', orderNo) : undefined;
      if (!o) return bizFail('ACQ.TRADE_NOT_EXIST', '交易不存在', { out_trade_no: orderNo });
      if (o.status === 'paid' && o.refundedFen < o.amountFen) return ok({ ...tradeFields(o), trade_status: 'TRADE_SUCCESS' });
      const status = o.status === 'paying' ? 'WAIT_BUYER_PAY' : 'TRADE_CLOSED';
      return ok({ trade_no: o.transactionId || undefined, out_trade_no: o.orderNo, trade_status: status, total_amount: o.amountFen ? fenToYuan(o.amountFen) : undefined });
    }
    case 'reverse': {
      if (!orderNo) return invalid('isv.missing-parameter', '缺少 out_trade_no');
      // Not done yet: Alipay answers retry_flag=Y and the merchant calls cancel again.
      if (ledger.reverseRetry('alipay', orderNo, opts.scenario === 'reverse_retry')) return bizFail('ACQ.SYSTEM_ERROR', '系统错误', { out_trade_no: orderNo, retry_flag: 'Y' });
      const r = ledger.reverse('alipay', orderNo);
      // `action` only when the trade exists (Alipay: "接口调用成功且交易存在时返回"); the number is kept dead.
      return ok({ trade_no: r.order.transactionId || undefined, out_trade_no: orderNo, retry_flag: 'N', action: r.action === 'none' ? undefined : r.action });
    }
    case 'refund': {
      const refundFen = tryYuanToFen(text('refund_amount'));
      const refundNo = text('out_request_no') ?? orderNo;
      if (!isOrderNo(orderNo) || !isRefundNo(refundNo) || refundFen === undefined || refundFen <= 0) return invalid('isv.invalid-parameter', '参数无效');
      // Forced `insufficient` on a refund: the seller's balance cannot pay it; nothing is refunded.
      if (opts.scenario === 'insufficient') return bizFail('ACQ.SELLER_BALANCE_NOT_ENOUGH', '卖家余额不足', { out_trade_no: orderNo });
      const r = ledger.refund('alipay', orderNo, refundNo, refundFen);
      if (r.kind === 'error') {
        const sub = { NOT_FOUND: 'ACQ.TRADE_NOT_EXIST', NOT_PAID: 'ACQ.TRADE_STATUS_ERROR', REVERSED: 'ACQ.TRADE_STATUS_ERROR', EXCEEDS: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', MISMATCH: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', TOTAL_MISMATCH: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' }[r.reason];
        return bizFail(sub, r.reason, { out_trade_no: orderNo });
      }
      return ok({
        trade_no: r.order.transactionId, out_trade_no: orderNo, buyer_logon_id: 'sbx***@sandbox.com', fund_change: r.replay ? 'N' : 'Y',
        refund_fee: fenToYuan(r.order.refundedFen), gmt_refund_pay: cstDateTime(r.refund.at),
      });
    }
    case 'refundQuery': {
      const o = orderNo ? ledger.order('alipay', orderNo) : undefined;
      if (!o) return bizFail('ACQ.TRADE_NOT_EXIST', '交易不存在', { out_trade_no: orderNo });
      const refund = ledger.findRefund('alipay', text('out_request_no') ?? '');
      if (!refund || refund.orderNo !== orderNo) return ok({ out_trade_no: orderNo, trade_no: o.transactionId });
      return ok({
        trade_no: o.transactionId, out_trade_no: orderNo, out_request_no: refund.refundNo, total_amount: fenToYuan(o.amountFen),
        refund_amount: fenToYuan(refund.amountFen), refund_status: 'REFUND_SUCCESS', gmt_refund_pay: cstDateTime(refund.at),
      });
    }
    case 'bill':
      return bill(text('bill_date') ?? '', ctx, baseUrl);
  }
  return invalid('isv.invalid-method', 'unsupported');
}

function bill(date: string, ctx: HandlerContext, baseUrl: string): Body {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return invalid('isv.invalid-parameter', 'bill_date 格式错误');
  const data = ctx.ledger.billFor('alipay', date);
  if (!data || (data.orders.length === 0 && data.refunds.length === 0)) return bizFail('isp.bill_not_exist', '账单不存在');
  const entries: AlipayBillEntry[] = [];
  for (const o of data.orders) {
    const at = cstDateTime(o.paidAt ?? o.createdAt);
    entries.push({ tradeNo: o.transactionId, orderNo: o.orderNo, kind: 'payment', subject: o.subject, createdAt: cstDateTime(o.createdAt), finishedAt: at, buyer: 'sbx***@sandbox.com', amountFen: o.amountFen, ...(o.terminalId ? { terminalId: o.terminalId } : {}) });
  }
  for (const r of data.refunds) {
    const o = ctx.ledger.order('alipay', r.orderNo);
    entries.push({
      tradeNo: o?.transactionId ?? '', orderNo: r.orderNo, kind: r.byReversal ? 'reversal' : 'refund', subject: o?.subject ?? '', createdAt: cstDateTime(r.at),
      finishedAt: cstDateTime(r.at), buyer: 'sbx***@sandbox.com', amountFen: r.amountFen, refundNo: r.refundNo, ...(o?.terminalId ? { terminalId: o.terminalId } : {}),
    });
  }
  // Like Alipay: a URL to a ZIP holding the GBK detail and summary CSV files.
  const { zip } = buildAlipayBillZip(ctx.keys.alipay.pid, date, entries, cstDateTime(ctx.clock.now()));
  const path = ctx.publish(zip, 'application/zip');
  return ok({ bill_download_url: `${baseUrl}${path}` });
}
