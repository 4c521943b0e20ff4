/** UnionPay QuickPass simulator speaking the JSON protocol of payments/channels/unionpay/protocol. */
import { classifyPaymentCode } from '../../shared/payments/code';
import { cstCompact, parseFenField } from '../payments/channels/common';
import { parseFlatStringJson, UNIONPAY_BILL_HEADER, UNIONPAY_PATH, unionpaySign, verifyUnionpaySign } from '../payments/channels/unionpay/protocol';
import { type LedgerOrder } from './ledger';
import { type SandboxOperation } from './scenarios';
import { type HandlerContext, type ProtocolHandler, type RunOptions, type SandboxHttpResponse } from './types';
import { MAX_FEN } from '../../shared/payments/amount';
import { isOrderNo, isRefundNo, isTerminalIdOrNone } from './numbers';

const OPS: Record<string, SandboxOperation> = { pay: 'pay', query: 'query', reverse: 'reverse', refund: 'refund', refundQuery: 'refundQuery', bill: 'bill' };
export { UNIONPAY_PATH };

type Msg = Record<string, string | undefined>;

function reply(ctx: HandlerContext, fields: Msg, badSignature: boolean): SandboxHttpResponse {
  const msg: Msg = { merId: ctx.keys.unionpay.merId, ...fields };
  msg.signature = unionpaySign(msg, badSignature ? `${ctx.keys.unionpay.key}x` : ctx.keys.unionpay.key);
  return { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(msg) };
}

const STATE: Record<LedgerOrder['status'], string> = { paying: 'PAYING', paid: 'SUCCESS', failed: 'FAILED', closed: 'CLOSED', reversed: 'REVERSED' };

export const handleUnionpay: ProtocolHandler = (req, ctx) => {
  if (req.method !== 'POST' || req.path !== UNIONPAY_PATH) return { status: 404, contentType: 'text/plain', body: 'Not found' };
  const m = parseFlatStringJson(req.body.toString('utf8'));
  if (!m) return reply(ctx, { respCode: '01', respMsg: 'malformed request' }, false);
  if (m.merId !== ctx.keys.unionpay.merId) return reply(ctx, { respCode: '01', respMsg: 'unknown merchant' }, false);
  if (verifyUnionpaySign(m, ctx.keys.unionpay.key) !== 'valid') return reply(ctx, { respCode: '01', respMsg: 'signature invalid', orderId: m.orderId }, false);
  const operation = OPS[m.msgType ?? ''];
  if (!operation) return reply(ctx, { respCode: '01', respMsg: 'unknown msgType', orderId: m.orderId }, false);
  const amountFen = operation === 'pay' ? parseFenField(m.txnAmt) : undefined;
  const authCode = operation === 'pay' ? m.qrNo : undefined;
  return { operation, ...(amountFen !== undefined ? { amountFen } : {}), ...(authCode ? { authCode } : {}), run: (opts) => reply(ctx, respond(operation, m, ctx, opts), opts.badSignature) };
};

function paid(o: LedgerOrder): Msg {
  return { queryId: o.transactionId, txnAmt: String(o.amountFen), payTime: cstCompact(o.paidAt ?? o.createdAt) };
}

function respond(operation: SandboxOperation, m: Record<string, string>, ctx: HandlerContext, opts: RunOptions): Msg {
  const { ledger } = ctx;
  const orderId = m.orderId ?? '';
  const base = { orderId };
  switch (operation) {
    case 'pay': {
      const amountFen = parseFenField(m.txnAmt);
      if (!isOrderNo(orderId) || !isTerminalIdOrNone(m.termId) || amountFen === undefined || amountFen <= 0 || amountFen > MAX_FEN || !m.qrNo) return { ...base, respCode: '01', respMsg: 'invalid parameters' };
      const cls = classifyPaymentCode(m.qrNo);
      if (!cls.ok || cls.channel !== 'unionpay') return { ...base, respCode: '54', respMsg: 'invalid payment code' };
      const r = ledger.pay({ channel: 'unionpay', orderNo: orderId, authCode: cls.code, amountFen, subject: m.orderDesc ?? '', fingerprint: JSON.stringify([amountFen, cls.code]), ...(m.termId ? { terminalId: m.termId } : {}) }, opts.scenario);
      switch (r.kind) {
        case 'paid':
          return { ...base, respCode: '00', respMsg: 'success', ...paid(r.order) };
        case 'paying':
          return { ...base, respCode: '02', respMsg: 'customer is entering the password' };
        case 'system_error':
          return { ...base, respCode: '99', respMsg: 'result unknown, query' };
        case 'declined':
          return r.reason === 'INSUFFICIENT' ? { ...base, respCode: '51', respMsg: 'insufficient funds' } : { ...base, respCode: '54', respMsg: 'payment code expired or used' };
        case 'duplicate_paid':
        case 'duplicate_mismatch':
        case 'duplicate_closed':
          return { ...base, respCode: '12', respMsg: 'duplicate order number' };
      }
      break;
    }
    case 'query': {
      const o = ledger.query('unionpay', orderId);
      if (!o) return { ...base, respCode: '34', respMsg: 'no such order' };
      const txnState = o.status === 'paid' && o.refundedFen > 0 ? 'REFUNDED' : STATE[o.status];
      return { ...base, respCode: '00', respMsg: 'success', txnState, ...(o.status === 'paid' ? paid(o) : {}) };
    }
    case 'reverse': {
      // Not done yet: 99 (result unknown) on a reverse means "call again".
      if (ledger.reverseRetry('unionpay', orderId, opts.scenario === 'reverse_retry')) return { ...base, respCode: '99', respMsg: 'reversal not finished, call again' };
      const r = ledger.reverse('unionpay', orderId);
      return { ...base, respCode: '00', respMsg: 'success', reverseAction: r.action };
    }
    case 'refund': {
      const refundFen = parseFenField(m.refundAmt);
      if (!isOrderNo(orderId) || !isRefundNo(m.refundId) || refundFen === undefined || refundFen <= 0) return { ...base, respCode: '01', respMsg: 'invalid parameters' };
      // Forced `insufficient` on a refund: the merchant's settlement balance cannot pay it; nothing is refunded.
      if (opts.scenario === 'insufficient') return { ...base, respCode: '51', respMsg: 'insufficient merchant balance' };
      const r = ledger.refund('unionpay', orderId, m.refundId, refundFen);
      if (r.kind === 'error') {
        const code = r.reason === 'NOT_FOUND' ? '34' : r.reason === 'EXCEEDS' ? '61' : '01';
        return { ...base, respCode: code, respMsg: r.reason };
      }
      return { ...base, respCode: '00', respMsg: 'success', refundId: r.refund.refundNo, refundAmt: String(r.refund.amountFen), refundState: 'SUCCESS', refundTime: cstCompact(r.refund.at) };
    }
    case 'refundQuery': {
      const refund = ledger.findRefund('unionpay', m.refundId ?? '');
      if (!refund || refund.orderNo !== orderId) return { ...base, respCode: '34', respMsg: 'no such refund' };
      return { ...base, respCode: '00', respMsg: 'success', refundId: refund.refundNo, refundAmt: String(refund.amountFen), refundState: 'SUCCESS', refundTime: cstCompact(refund.at) };
    }
    case 'bill': {
      const d = /^(\d{4})(\d{2})(\d{2})$/.exec(m.settleDate ?? '');
      const data = d ? ledger.billFor('unionpay', `${d[1]}-${d[2]}-${d[3]}`) : undefined;
      if (!data || (data.orders.length === 0 && data.refunds.length === 0)) return { ...base, respCode: '94', respMsg: 'no bill for that date' };
      const lines = [`${UNIONPAY_BILL_HEADER},termId`];
      for (const o of data.orders) lines.push([o.orderNo, o.transactionId, 'payment', o.amountFen, 'SUCCESS', cstCompact(o.paidAt ?? o.createdAt), '', o.terminalId ?? ''].join(','));
      for (const r of data.refunds) {
        const o = ledger.order('unionpay', r.orderNo);
        lines.push([r.orderNo, o?.transactionId ?? '', r.byReversal ? 'reversal' : 'refund', r.amountFen, 'SUCCESS', cstCompact(r.at), r.byReversal ? '' : r.refundNo, o?.terminalId ?? ''].join(','));
      }
      return { ...base, respCode: '00', respMsg: 'success', billData: lines.join('\n') };
    }
  }
  return { ...base, respCode: '01', respMsg: 'unsupported' };
}
