/**
 * Jeepay-compatible aggregator simulator: AUTO_BAR takes any wallet's code and routes it by the
 * classifier, like a real aggregator does server-side. Success answers are signed; errors are not (as in Jeepay).
 */
import { classifyPaymentCode } from '../../shared/payments/code';
import { cstCompact } from '../payments/channels/common';
import { isFlatData, JEEPAY_CUSTOM_FAIL, JEEPAY_PATHS, jeepaySign, verifyJeepaySign, type JeepayValue } from '../payments/channels/jeepay/sign';
import { type LedgerOrder } from './ledger';
import { type SandboxOperation } from './scenarios';
import { type HandlerContext, type ProtocolHandler, type RunOptions, type SandboxHttpResponse } from './types';
import { MAX_FEN } from '../../shared/payments/amount';
import { isOrderNo, isRefundNo } from './numbers';

const OPS: Record<string, SandboxOperation> = {
  [JEEPAY_PATHS.pay]: 'pay',
  [JEEPAY_PATHS.query]: 'query',
  [JEEPAY_PATHS.close]: 'reverse',
  [JEEPAY_PATHS.refund]: 'refund',
  [JEEPAY_PATHS.refundQuery]: 'refundQuery',
  [JEEPAY_PATHS.bill]: 'bill',
};
export const JEEPAY_SANDBOX_PATHS = Object.keys(OPS);

type Data = Record<string, JeepayValue>;
const json = (body: unknown): SandboxHttpResponse => ({ status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });
const error = (msg: string, code = JEEPAY_CUSTOM_FAIL): SandboxHttpResponse => json({ code, msg });

function success(ctx: HandlerContext, data: Data, badSignature: boolean): SandboxHttpResponse {
  const key = badSignature ? `${ctx.keys.jeepay.apiKey}x` : ctx.keys.jeepay.apiKey;
  return json({ code: 0, msg: 'SUCCESS', data, sign: jeepaySign(data, key) });
}

const ORDER_STATE: Record<LedgerOrder['status'], number> = { paying: 1, paid: 2, failed: 3, reversed: 4, closed: 6 };
/**
 * `endedByClose`: the ledger ended it with Jeepay's close. Jeepay has no reverse call: an unpaid order it
 * closed stays closed (6), as the close answered, never 撤销 (4).
 */
const orderState = (o: LedgerOrder, endedByClose: boolean): number => {
  if (o.status === 'paid' && o.refundedFen >= o.amountFen) return 5;
  if (o.status === 'reversed' && endedByClose) return 6;
  return ORDER_STATE[o.status];
};

export const handleJeepay: ProtocolHandler = (req, ctx) => {
  const operation = OPS[req.path];
  if (!operation || req.method !== 'POST') return { status: 404, contentType: 'text/plain', body: 'Not found' };
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    return error('请求参数格式错误');
  }
  if (!isFlatData(body)) return error('请求参数格式错误');
  const k = ctx.keys.jeepay;
  if (body.mchNo !== k.mchNo || body.appId !== k.appId) return error('商户或应用不存在');
  if (verifyJeepaySign(body, body.sign, k.apiKey) !== 'valid') return error('验签失败');
  const amountFen = operation === 'pay' && typeof body.amount === 'number' ? body.amount : undefined;
  return { operation, ...(amountFen !== undefined ? { amountFen } : {}), run: (opts) => respond(operation, body as Data, ctx, opts) };
};

function respond(operation: SandboxOperation, b: Data, ctx: HandlerContext, opts: RunOptions): SandboxHttpResponse {
  const { ledger } = ctx;
  const k = ctx.keys.jeepay;
  const ok = (data: Data): SandboxHttpResponse => success(ctx, { mchNo: k.mchNo, appId: k.appId, ...data }, opts.badSignature);
  const orderNo = typeof b.mchOrderNo === 'string' ? b.mchOrderNo : '';
  switch (operation) {
    case 'pay': {
      if (b.wayCode !== 'AUTO_BAR') return error('不支持的支付方式');
      const amount = b.amount;
      if (!isOrderNo(orderNo) || typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_FEN) return error('参数有误');
      let authCode = '';
      try {
        const extra: unknown = JSON.parse(typeof b.channelExtra === 'string' ? b.channelExtra : '{}');
        if (extra && typeof extra === 'object' && typeof (extra as { authCode?: unknown }).authCode === 'string') authCode = (extra as { authCode: string }).authCode;
      } catch {
        return error('channelExtra 格式错误');
      }
      // An aggregator sorts the code itself: this one takes every wallet a till can switch on (JD Pay, QQ
      // Wallet, Baidu, e-CNY too, as aggregators that carry them do; Jeepay's own AUTO_BAR knows only WeChat,
      // Alipay and UnionPay and answers 不支持的条码 to the rest).
      const cls = classifyPaymentCode(authCode, { jdpay: true, qqwallet: true, baidu: true, ecny: true });
      if (!cls.ok) return error(`条码无法识别: ${cls.reason}`);
      const r = ledger.pay({ channel: 'jeepay', orderNo, authCode: cls.code, amountFen: amount, subject: String(b.subject ?? ''), fingerprint: JSON.stringify([amount, cls.code]) }, opts.scenario);
      const base = { mchOrderNo: orderNo, payOrderId: r.order?.transactionId ?? '' };
      switch (r.kind) {
        case 'paid':
          return ok({ ...base, orderState: 2 });
        case 'paying':
        case 'system_error':
          return ok({ ...base, orderState: 1 });
        case 'declined':
          return ok({ ...base, orderState: 3, errCode: r.reason === 'INSUFFICIENT' ? 'NOTENOUGH' : 'AUTHCODEEXPIRE', errMsg: r.reason === 'INSUFFICIENT' ? '余额不足' : '付款码已过期或已使用' });
        default:
          return error(`商户订单号[${orderNo}]已存在`);
      }
    }
    case 'query': {
      const o = ledger.query('jeepay', orderNo);
      if (!o) return error('订单不存在');
      const state = orderState(o, ledger.reversalOf('jeepay', orderNo)?.action === 'close');
      return ok({
        payOrderId: o.transactionId, mchOrderNo: o.orderNo, ifCode: 'sandbox', wayCode: 'AUTO_BAR', amount: o.amountFen, currency: 'cny', state,
        createdAt: o.createdAt, ...(o.paidAt !== undefined && (state === 2 || state === 5) ? { successTime: o.paidAt } : {}),
        ...(state === 3 ? { errCode: o.failCode ?? 'FAILED', errMsg: o.failCode ?? 'failed' } : {}),
      });
    }
    case 'reverse': {
      const o = ledger.current('jeepay', orderNo);
      if (!o) return error('订单不存在');
      if (o.status !== 'paying') return error('当前订单状态不可关闭');
      ledger.reverse('jeepay', orderNo);
      return ok({ mchOrderNo: orderNo, payOrderId: o.transactionId, orderState: 6 });
    }
    case 'refund': {
      const refundNo = typeof b.mchRefundNo === 'string' ? b.mchRefundNo : '';
      const amount = b.refundAmount;
      if (!isOrderNo(orderNo) || !isRefundNo(refundNo) || typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return error('参数有误');
      // Jeepay keeps every refund order under its number, failed ones too, and refuses the number ever after.
      if (ledger.findRefund('jeepay', refundNo) || ledger.findFailedRefund('jeepay', refundNo)) return error(`商户退款订单号[${refundNo}]已存在`);
      // Forced `insufficient` on a refund: Jeepay records the refund order and signs its failure (state 3).
      if (opts.scenario === 'insufficient') {
        ledger.failRefund('jeepay', orderNo, refundNo, amount, '余额不足');
        return ok({ refundOrderId: `R${refundNo}`.slice(0, 32), mchRefundNo: refundNo, refundAmount: amount, state: 3, errCode: 'NOTENOUGH', errMsg: '余额不足' });
      }
      const r = ledger.refund('jeepay', orderNo, refundNo, amount);
      if (r.kind === 'error') return error(r.reason === 'NOT_FOUND' ? '订单不存在' : `退款失败: ${r.reason}`);
      return ok({ refundOrderId: r.refund.refundId, mchRefundNo: refundNo, payAmount: r.order.amountFen, refundAmount: r.refund.amountFen, state: 2, successTime: r.refund.at });
    }
    case 'refundQuery': {
      const refundNo = typeof b.mchRefundNo === 'string' ? b.mchRefundNo : '';
      const refund = ledger.findRefund('jeepay', refundNo);
      const failed = refund ? undefined : ledger.findFailedRefund('jeepay', refundNo);
      if (failed) return ok({ refundOrderId: `R${refundNo}`.slice(0, 32), mchRefundNo: refundNo, refundAmount: failed.amountFen, currency: 'cny', state: 3, errCode: 'NOTENOUGH', errMsg: failed.reason });
      if (!refund) return error('退款订单不存在');
      const o = ledger.order('jeepay', refund.orderNo);
      return ok({
        refundOrderId: refund.refundId, payOrderId: o?.transactionId ?? '', mchRefundNo: refund.refundNo, payAmount: o?.amountFen ?? 0,
        refundAmount: refund.amountFen, currency: 'cny', state: 2, successTime: refund.at,
      });
    }
    case 'bill': {
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(typeof b.billDate === 'string' ? b.billDate : '');
      const data = m ? ledger.billFor('jeepay', `${m[1]}-${m[2]}-${m[3]}`) : undefined;
      if (!data || (data.orders.length === 0 && data.refunds.length === 0)) return error('账单不存在');
      const records = [
        ...data.orders.map((o) => ({ kind: 'payment', mchOrderNo: o.orderNo, payOrderId: o.transactionId, amount: o.amountFen, state: 'SUCCESS', time: cstCompact(o.paidAt ?? o.createdAt) })),
        ...data.refunds.map((r) => ({
          kind: r.byReversal ? 'reversal' : 'refund', mchOrderNo: r.orderNo, payOrderId: ledger.order('jeepay', r.orderNo)?.transactionId ?? '',
          ...(r.byReversal ? {} : { mchRefundNo: r.refundNo }), amount: r.amountFen, state: 'SUCCESS', time: cstCompact(r.at),
        })),
      ];
      return ok({ billDate: b.billDate as string, records: JSON.stringify(records) });
    }
  }
  return error('unsupported');
}
