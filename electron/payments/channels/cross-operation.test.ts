/**
 * Correctly signed answers to ANOTHER operation on the same order (a replay, a misrouted answer), and
 * signed answers missing what would make them definite: never read as a reversal, a refund, a decline
 * or a payment by guess (issue #3 review). Canned answers through each adapter's `send`.
 */
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock';
import { sharedKeys } from '../../sandbox/testing';
import { createAlipayChannel } from './alipay/adapter';
import { loadAlipayPrivateKey, rsa2Sign } from './alipay/sign';
import { createJeepayChannel } from './jeepay/adapter';
import { jeepaySign, type JeepayValue } from './jeepay/sign';
import { type SendFn } from './transport';
import { createUnionpayChannel } from './unionpay/adapter';
import { unionpaySign } from './unionpay/protocol';
import { createWechatChannel } from './wechat/adapter';
import { wechatSign } from './wechat/sign';
import { buildWechatXml } from './wechat/xml';

const keys = sharedKeys();
const clock = createManualClock();
const answering = (body: string): SendFn => async () => ({ status: 200, headers: {}, body: Buffer.from(body, 'utf8') });

const unionpay = (fields: Record<string, string>) => {
  const msg: Record<string, string> = { merId: keys.unionpay.merId, ...fields };
  msg.signature = unionpaySign(msg, keys.unionpay.key);
  return createUnionpayChannel({ baseUrl: 'http://x', merId: keys.unionpay.merId, key: keys.unionpay.key }, { send: answering(JSON.stringify(msg)), clock });
};
const jeepay = (data: Record<string, JeepayValue>) => {
  const all = { mchNo: keys.jeepay.mchNo, appId: keys.jeepay.appId, ...data };
  const body = JSON.stringify({ code: 0, msg: 'SUCCESS', data: all, sign: jeepaySign(all, keys.jeepay.apiKey) });
  return createJeepayChannel({ baseUrl: 'http://x', mchNo: keys.jeepay.mchNo, appId: keys.jeepay.appId, apiKey: keys.jeepay.apiKey }, { send: answering(body), clock });
};
const wechat = (fields: Record<string, string>) => {
  const all = { return_code: 'SUCCESS', appid: keys.wechat.appId, mch_id: keys.wechat.mchId, nonce_str: 'n', ...fields };
  const xml = buildWechatXml({ ...all, sign: wechatSign(all, keys.wechat.apiKey, 'HMAC-SHA256') });
  return createWechatChannel({ baseUrl: 'http://x', appId: keys.wechat.appId, mchId: keys.wechat.mchId, apiKey: keys.wechat.apiKey }, { send: answering(xml), clock });
};
const alipay = (method: string, body: Record<string, unknown>) => {
  const inner = JSON.stringify(body);
  const text = `{"${method.replaceAll('.', '_')}_response":${inner},"sign":"${rsa2Sign(inner, loadAlipayPrivateKey(keys.alipay.alipayPrivateKey))}"}`;
  return createAlipayChannel({ gatewayUrl: 'http://x/gateway.do', appId: keys.alipay.appId, appPrivateKey: keys.alipay.appPrivateKey, alipayPublicKey: keys.alipay.alipayPublicKey }, { send: answering(text), clock });
};
const refundReq = { orderNo: 'ORD1', refundNo: 'RF1', totalFen: 1000, refundFen: 1000 };

describe('UnionPay: one URL for every msgType, so only reverseAction / refundId say what an answer answers', () => {
  it('a signed pay or query answer given to reverse is not a reversal', async () => {
    const pay = { orderId: 'ORD1', respCode: '00', respMsg: 'success', queryId: 'Q123456789', txnAmt: '1000', payTime: '20261125100000' };
    expect(await unionpay(pay).reverse({ orderNo: 'ORD1' })).toMatchObject({ status: 'unknown', code: 'NOT_A_REVERSE_ANSWER' });
    expect(await unionpay({ ...pay, txnState: 'SUCCESS' }).reverse({ orderNo: 'ORD1' })).toMatchObject({ status: 'unknown', code: 'NOT_A_REVERSE_ANSWER' });
    expect(await unionpay({ ...pay, reverseAction: 'later' }).reverse({ orderNo: 'ORD1' })).toMatchObject({ status: 'unknown' });
    expect(await unionpay({ orderId: 'ORD1', respCode: '00', reverseAction: 'refund' }).reverse({ orderNo: 'ORD1' })).toEqual({ status: 'reversed', action: 'refund' });
  });

  it('a refund or refund-query answer naming no refund is not this refund', async () => {
    const paid = { orderId: 'ORD1', respCode: '00', respMsg: 'success', refundAmt: '1000', refundState: 'SUCCESS', refundTime: '20261125100000' };
    expect(await unionpay(paid).refund(refundReq)).toMatchObject({ status: 'unknown', code: 'WRONG_REFUND' });
    expect(await unionpay(paid).queryRefund(refundReq)).toMatchObject({ status: 'unknown', code: 'WRONG_REFUND' });
    expect(await unionpay({ ...paid, refundId: 'RF1' }).refund(refundReq)).toMatchObject({ status: 'succeeded', refundFen: 1000 });
  });
});

describe('Jeepay: `state` 2 is "paid" on a pay answer and "refunded" on a refund answer', () => {
  const payQuery = { payOrderId: 'P202611250001', mchOrderNo: 'ORD1', amount: 1000, state: 2, successTime: 1_764_036_000_000 };
  it('a signed pay-query answer given to refund or refund query is not a refund success', async () => {
    expect(await jeepay(payQuery).refund(refundReq)).toMatchObject({ status: 'unknown', code: 'WRONG_REFUND' });
    expect(await jeepay(payQuery).queryRefund(refundReq)).toMatchObject({ status: 'unknown', code: 'WRONG_REFUND' });
    const refunded = { refundOrderId: 'R1', mchRefundNo: 'RF1', payAmount: 1000, refundAmount: 1000, state: 2 };
    expect(await jeepay(refunded).refund(refundReq)).toMatchObject({ status: 'succeeded', refundFen: 1000 });
  });
});

describe('WeChat micropay: a decline code is definite only under result_code=FAIL', () => {
  const payReq = { orderNo: 'ORD1', authCode: '134567890123456789', amountFen: 1000, subject: 'shop' };
  it.each<Record<string, string>>([{}, { result_code: 'PROCESSING' }])('%j with err_code AUTHCODEEXPIRE is unknown', async (extra) => {
    expect(await wechat({ out_trade_no: 'ORD1', ...extra, err_code: 'AUTHCODEEXPIRE' }).pay(payReq)).toMatchObject({ status: 'unknown' });
  });
  it('result_code=FAIL with AUTHCODEEXPIRE is a decline', async () => {
    expect(await wechat({ out_trade_no: 'ORD1', result_code: 'FAIL', err_code: 'AUTHCODEEXPIRE' }).pay(payReq)).toMatchObject({ status: 'failed', code: 'AUTHCODEEXPIRE' });
  });
});

describe('Alipay amounts and refund status', () => {
  it('a negative total_amount is not a payment', async () => {
    const ch = alipay('alipay.trade.query', { code: '10000', msg: 'Success', out_trade_no: 'ORD1', trade_no: '2026112522001', trade_status: 'TRADE_SUCCESS', total_amount: '-10.00' });
    expect(await ch.query({ orderNo: 'ORD1' })).toMatchObject({ status: 'unknown' });
  });

  it('a refund query without refund_status is "not received or failed": the same number is sent again', async () => {
    const base = { code: '10000', msg: 'Success', out_trade_no: 'ORD1', out_request_no: 'RF1', trade_no: '2026112522001', refund_amount: '10.00' };
    expect(await alipay('alipay.trade.fastpay.refund.query', base).queryRefund(refundReq)).toEqual({ status: 'not_found' });
    expect(await alipay('alipay.trade.fastpay.refund.query', { ...base, refund_amount: '-10.00', refund_status: 'REFUND_SUCCESS' }).queryRefund(refundReq)).toEqual({ status: 'not_found' });
    expect(await alipay('alipay.trade.fastpay.refund.query', { ...base, refund_status: 'REFUND_SUCCESS' }).queryRefund(refundReq)).toMatchObject({ status: 'succeeded', refundFen: 1000 });
  });
});
