/**
 * Correctly signed answers that still must not decide a payment (issue #3 review): a forged member
 * smuggled next to a signed one, result codes no one documented as a decline, and ids we could not keep.
 * Each adapter gets a canned answer through its `send`, so nothing here touches the network.
 */
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock';
import { sharedKeys } from '../../sandbox/testing';
import { createAlipayChannel } from './alipay/adapter';
import { loadAlipayPrivateKey, rsa2Sign } from './alipay/sign';
import { type SendFn } from './transport';
import { createUnionpayChannel } from './unionpay/adapter';
import { unionpaySign } from './unionpay/protocol';
import { createWechatChannel } from './wechat/adapter';
import { wechatSign } from './wechat/sign';
import { buildWechatXml } from './wechat/xml';

const keys = sharedKeys();
const clock = createManualClock();
const answering = (body: string): SendFn => async () => ({ status: 200, headers: {}, body: Buffer.from(body, 'utf8') });
const payReq = (orderNo: string, authCode: string) => ({ orderNo, authCode, amountFen: 1000, subject: 'shop R1' });

const alipay = (body: string) =>
  createAlipayChannel({ gatewayUrl: 'http://x/gateway.do', appId: keys.alipay.appId, appPrivateKey: keys.alipay.appPrivateKey, alipayPublicKey: keys.alipay.alipayPublicKey }, { send: answering(body), clock });
const aliSign = (inner: string): string => rsa2Sign(inner, loadAlipayPrivateKey(keys.alipay.alipayPrivateKey));
const wechat = (fields: Record<string, string>) => {
  const all = { return_code: 'SUCCESS', appid: keys.wechat.appId, mch_id: keys.wechat.mchId, nonce_str: 'n', ...fields };
  const xml = buildWechatXml({ ...all, sign: wechatSign(all, keys.wechat.apiKey, 'HMAC-SHA256') });
  return createWechatChannel({ baseUrl: 'http://x', appId: keys.wechat.appId, mchId: keys.wechat.mchId, apiKey: keys.wechat.apiKey }, { send: answering(xml), clock });
};
const unionpay = (fields: Record<string, string>) => {
  const msg: Record<string, string> = { merId: keys.unionpay.merId, ...fields };
  msg.signature = unionpaySign(msg, keys.unionpay.key);
  return createUnionpayChannel({ baseUrl: 'http://x', merId: keys.unionpay.merId, key: keys.unionpay.key }, { send: answering(JSON.stringify(msg)), clock });
};

describe('Alipay: the body read is the body signed', () => {
  it('a forged "paid" member after a signed refusal of the same name is not believed', async () => {
    const genuine = JSON.stringify({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.PAYMENT_AUTH_CODE_INVALID', sub_msg: 'x', out_trade_no: 'OTHER1' });
    const forged = JSON.stringify({ code: '10000', msg: 'Success', out_trade_no: 'ORDER1', trade_no: '2026000000000000000000000001', total_amount: '10.00' });
    const ch = alipay(`{"alipay_trade_pay_response":${genuine},"alipay_trade_pay_response":${forged},"sign":"${aliSign(genuine)}"}`);
    expect(await ch.pay(payReq('ORDER1', '280000000000000001'))).toMatchObject({ status: 'unknown', code: 'UNPARSABLE' });
  });

  it('a forged TRADE_CLOSED after a signed WAIT_BUYER_PAY does not fail the order', async () => {
    const genuine = JSON.stringify({ code: '10000', msg: 'Success', out_trade_no: 'ORDER2', trade_status: 'WAIT_BUYER_PAY', trade_no: '1', total_amount: '10.00' });
    const forged = JSON.stringify({ code: '10000', msg: 'Success', out_trade_no: 'ORDER2', trade_status: 'TRADE_CLOSED' });
    const ch = alipay(`{"alipay_trade_query_response":${genuine},"alipay_trade_query_response":${forged},"sign":"${aliSign(genuine)}"}`);
    expect((await ch.query({ orderNo: 'ORDER2' })).status).toBe('unknown');
  });

  it('control: the same signed member alone is read as signed', async () => {
    const genuine = JSON.stringify({ code: '10000', msg: 'Success', out_trade_no: 'ORDER2', trade_status: 'WAIT_BUYER_PAY', trade_no: '1', total_amount: '10.00' });
    const ch = alipay(`{"alipay_trade_query_response":${genuine},"sign":"${aliSign(genuine)}"}`);
    expect((await ch.query({ orderNo: 'ORDER2' })).status).toBe('waiting');
  });
});

describe('only documented declines are definite failures', () => {
  it.each([
    ['03', 'unknown'],
    ['04', 'unknown'],
    ['12', 'unknown'],
    ['99', 'unknown'],
    ['51', 'failed'],
    ['54', 'failed'],
  ])('UnionPay respCode %s → %s', async (respCode, status) => {
    expect((await unionpay({ orderId: 'U1', respCode, respMsg: 'x' }).pay(payReq('U1', '6200000000000000001'))).status).toBe(status);
  });

  it.each([
    [{}, 'unknown'],
    [{ result_code: 'FAIL' }, 'unknown'],
    [{ result_code: 'FAIL', err_code: 'SOMETHING_NEW' }, 'unknown'],
    [{ result_code: 'FAIL', err_code: 'NOTENOUGH' }, 'failed'],
    [{ result_code: 'FAIL', err_code: 'TRADE_ERROR' }, 'failed'],
  ])('WeChat micropay %j → %s', async (fields, status) => {
    expect((await wechat({ out_trade_no: 'W1', ...fields }).pay(payReq('W1', '130000000000000001'))).status).toBe(status);
  });

  it.each([
    ['ACQ.SOMETHING_NEW', 'unknown'],
    ['ACQ.SYSTEM_ERROR', 'unknown'],
    ['ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH', 'failed'],
  ])('Alipay trade.pay 40004 %s → %s', async (subCode, status) => {
    const inner = JSON.stringify({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: 'x', out_trade_no: 'A1' });
    expect((await alipay(`{"alipay_trade_pay_response":${inner},"sign":"${aliSign(inner)}"}`).pay(payReq('A1', '280000000000000001'))).status).toBe(status);
  });
});

describe('ids we cannot keep', () => {
  it.each([['X'.repeat(65)], ['with space'], ['tab\there'], ['']])('a paid answer whose transaction id is %j is unknown', async (id) => {
    const ch = unionpay({ orderId: 'U2', respCode: '00', queryId: id, txnAmt: '1000', payTime: '20261125100000' });
    expect(await ch.pay(payReq('U2', '6200000000000000001'))).toMatchObject({ status: 'unknown', code: 'INCOMPLETE' });
  });

  it('a refund that succeeded with an unusable refund id still succeeded, without the id', async () => {
    const ch = wechat({ result_code: 'SUCCESS', out_trade_no: 'W2', out_refund_no: 'R1', refund_id: 'Y'.repeat(80), refund_fee: '100' });
    expect(await ch.refund({ orderNo: 'W2', refundNo: 'R1', totalFen: 1000, refundFen: 100, reason: 'r' })).toEqual({ status: 'accepted', refundId: '', refundFen: 100 });
  });
});

describe('a refund stuck at the bank is not a failed refund', () => {
  it('WeChat refund_status CHANGE stays open (polled) with what to do; REFUNDCLOSE is failed', async () => {
    const answer = (status: string) => wechat({ result_code: 'SUCCESS', out_trade_no: 'W3', refund_count: '1', out_refund_no_0: 'R3', refund_status_0: status, refund_fee_0: '100' });
    expect(await answer('CHANGE').queryRefund({ orderNo: 'W3', refundNo: 'R3' })).toMatchObject({ status: 'unknown', code: 'CHANGE', reason: expect.stringMatching(/merchant platform/) });
    expect(await answer('REFUNDCLOSE').queryRefund({ orderNo: 'W3', refundNo: 'R3' })).toMatchObject({ status: 'failed', code: 'REFUNDCLOSE' });
  });
});
