/**
 * Signed answers that must not be believed as they stand: a refund "done" about another refund number, an
 * amount that is present but unreadable, a refund refusal that is not a documented one (failing a refund by
 * guess frees its amount for a second refund under a new number: a double refund), and a Jeepay close
 * answer naming a state other than closed. All are `unknown`: queried, then resolved.
 */
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock';
import { sharedKeys } from '../../sandbox/testing';
import { createAlipayChannel } from './alipay/adapter';
import { loadAlipayPrivateKey, rsa2Sign } from './alipay/sign';
import { createJeepayChannel } from './jeepay/adapter';
import { jeepaySign, type JeepayValue } from './jeepay/sign';
import { type HttpRequest, type SendFn } from './transport';
import { createUnionpayChannel } from './unionpay/adapter';
import { unionpaySign } from './unionpay/protocol';
import { createWechatChannel } from './wechat/adapter';
import { wechatSign } from './wechat/sign';
import { buildWechatXml } from './wechat/xml';

const keys = sharedKeys();
const answering =
  (answer: (req: HttpRequest) => string): { send: SendFn; clock: ReturnType<typeof createManualClock>; onSecurityEvent: () => void } => ({
    send: async (req) => ({ status: 200, headers: {}, body: Buffer.from(answer(req), 'utf8') }),
    clock: createManualClock(),
    onSecurityEvent: () => undefined,
  });
const pathOf = (req: HttpRequest): string => new URL(req.url).pathname;

const wxSigned = (fields: Record<string, string>): string => {
  const all = { return_code: 'SUCCESS', appid: keys.wechat.appId, mch_id: keys.wechat.mchId, nonce_str: 'n', ...fields };
  return buildWechatXml({ ...all, sign: wechatSign(all, keys.wechat.apiKey, 'HMAC-SHA256') });
};
const wechat = (answer: () => string) => createWechatChannel({ baseUrl: 'http://x', appId: keys.wechat.appId, mchId: keys.wechat.mchId, apiKey: keys.wechat.apiKey }, answering(answer));

const aliSigned = (body: Record<string, unknown>): string => {
  const inner = JSON.stringify(body);
  return `{"alipay_trade_refund_response":${inner},"sign":"${rsa2Sign(inner, loadAlipayPrivateKey(keys.alipay.alipayPrivateKey))}"}`;
};
const alipay = (answer: () => string) =>
  createAlipayChannel({ gatewayUrl: 'http://x/gateway.do', appId: keys.alipay.appId, appPrivateKey: keys.alipay.appPrivateKey, alipayPublicKey: keys.alipay.alipayPublicKey }, answering(answer));

const upSigned = (fields: Record<string, string>): string => {
  const msg: Record<string, string> = { merId: keys.unionpay.merId, orderId: 'ORD1', ...fields };
  msg.signature = unionpaySign(msg, keys.unionpay.key);
  return JSON.stringify(msg);
};
const unionpay = (answer: () => string) => createUnionpayChannel({ baseUrl: 'http://x', merId: keys.unionpay.merId, key: keys.unionpay.key }, answering(answer));

const jpSigned = (data: Record<string, JeepayValue>): string => {
  const all = { mchNo: keys.jeepay.mchNo, appId: keys.jeepay.appId, ...data };
  return JSON.stringify({ code: 0, msg: 'SUCCESS', data: all, sign: jeepaySign(all, keys.jeepay.apiKey) });
};
const jeepay = (answer: (req: HttpRequest) => string) => createJeepayChannel({ baseUrl: 'http://x', mchNo: keys.jeepay.mchNo, appId: keys.jeepay.appId, apiKey: keys.jeepay.apiKey }, answering(answer));

const refundReq = { orderNo: 'ORD1', refundNo: 'RF1', totalFen: 1000, refundFen: 100 };
const payReq = { orderNo: 'ORD1', authCode: '134567890123456789', amountFen: 1000, subject: 'shop' };

describe('a refund is failed only on a documented refusal', () => {
  it.each<Record<string, string>>([{}, { result_code: 'FAIL' }, { result_code: 'FAIL', err_code: 'BRAND_NEW_CODE' }, { result_code: 'FAIL', err_code: 'FREQUENCY_LIMITED' }, { result_code: 'FAIL', err_code: 'SYSTEMERROR' }, { result_code: 'PROCESSING' }])(
    'WeChat %j → unknown',
    async (fields) => expect(await wechat(() => wxSigned({ out_trade_no: 'ORD1', ...fields })).refund(refundReq)).toMatchObject({ status: 'unknown' }),
  );
  it.each(['NOTENOUGH', 'ERROR', 'TRADE_OVERDUE', 'INVALID_REQUEST'])('WeChat %s → failed', async (err_code) =>
    expect(await wechat(() => wxSigned({ out_trade_no: 'ORD1', result_code: 'FAIL', err_code })).refund(refundReq)).toMatchObject({ status: 'failed', code: err_code }),
  );
  it.each([{ msg: 'x' }, { code: '40004', msg: 'x', sub_code: 'ACQ.SOMETHING_NEW' }, { code: '50000', msg: 'x' }, { code: '20000', msg: 'x', sub_code: 'isp.unknow-error' }])(
    'Alipay %j → unknown',
    async (fields) => expect(await alipay(() => aliSigned({ out_trade_no: 'ORD1', ...fields })).refund(refundReq)).toMatchObject({ status: 'unknown' }),
  );
  it('Alipay ACQ.SELLER_BALANCE_NOT_ENOUGH and an invalid-parameter gateway code → failed', async () => {
    expect(await alipay(() => aliSigned({ out_trade_no: 'ORD1', code: '40004', msg: 'x', sub_code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH' })).refund(refundReq)).toMatchObject({ status: 'failed' });
    expect(await alipay(() => aliSigned({ code: '40002', msg: 'x', sub_code: 'isv.invalid-parameter' })).refund(refundReq)).toMatchObject({ status: 'failed' });
  });
  it.each(['02', '03', '12', '98', '99'])('UnionPay respCode %s → unknown', async (respCode) =>
    expect(await unionpay(() => upSigned({ respCode, respMsg: 'x' })).refund(refundReq)).toMatchObject({ status: 'unknown' }),
  );
  it.each(['51', '61', '34', '01'])('UnionPay respCode %s → failed', async (respCode) =>
    expect(await unionpay(() => upSigned({ respCode, respMsg: 'x' })).refund(refundReq)).toMatchObject({ status: 'failed', code: respCode }),
  );
});

describe('a refund answer about another refund number lands nothing', () => {
  const otherRefund = upSigned({ respCode: '00', refundId: 'EARLIER_REFUND', refundAmt: '100', refundState: 'SUCCESS', refundTime: '20261125100000' });
  it('UnionPay refund and refund query', async () => {
    expect(await unionpay(() => otherRefund).refund(refundReq)).toMatchObject({ status: 'unknown', code: 'WRONG_REFUND' });
    expect(await unionpay(() => otherRefund).queryRefund(refundReq)).toMatchObject({ status: 'unknown', code: 'WRONG_REFUND' });
    expect(await unionpay(() => upSigned({ respCode: '00', refundId: 'RF1', refundAmt: '100', refundState: 'SUCCESS' })).refund(refundReq)).toMatchObject({ status: 'succeeded', refundFen: 100 });
  });
  it('Jeepay refund', async () => {
    const answer = jpSigned({ refundOrderId: 'R1', mchOrderNo: 'ORD1', mchRefundNo: 'EARLIER_REFUND', refundAmount: 100, state: 2 });
    expect(await jeepay(() => answer).refund(refundReq)).toMatchObject({ status: 'unknown', code: 'WRONG_REFUND' });
  });
});

describe('an amount that is there but unreadable is not the amount asked', () => {
  it.each(['1e3', -1000, 1000.5, 'abc', '0010', true])('Jeepay paid with amount %j → unknown', async (amount) =>
    expect(await jeepay(() => jpSigned({ mchOrderNo: 'ORD1', payOrderId: 'P1', orderState: 2, amount })).pay(payReq)).toMatchObject({ status: 'unknown', code: 'INCOMPLETE' }),
  );
  it('Jeepay paid with no amount (its pay answers carry none) → paid at the amount asked', async () =>
    expect(await jeepay(() => jpSigned({ mchOrderNo: 'ORD1', payOrderId: 'P1', orderState: 2 })).pay(payReq)).toMatchObject({ status: 'paid', paidFen: 1000 }),
  );
  it.each(['1e2', -100, 99.5, 'x'])('Jeepay refund with refundAmount %j → unknown', async (refundAmount) =>
    expect(await jeepay(() => jpSigned({ refundOrderId: 'R1', mchOrderNo: 'ORD1', mchRefundNo: 'RF1', refundAmount, state: 2 })).refund(refundReq)).toMatchObject({ status: 'unknown' }),
  );
  it.each(['1e2', '-100', '0100', '99.5'])('UnionPay refund with refundAmt %j → unknown', async (refundAmt) =>
    expect(await unionpay(() => upSigned({ respCode: '00', refundId: 'RF1', refundAmt, refundState: 'SUCCESS' })).refund(refundReq)).toMatchObject({ status: 'unknown' }),
  );
  it('WeChat refund accepted with refund_fee "1e2" → unknown', async () =>
    expect(await wechat(() => wxSigned({ out_trade_no: 'ORD1', result_code: 'SUCCESS', out_refund_no: 'RF1', refund_id: 'W1', refund_fee: '1e2' })).refund(refundReq)).toMatchObject({ status: 'unknown' }),
  );
});

describe('Jeepay close', () => {
  const stillPaying = jpSigned({ mchOrderNo: 'ORD1', payOrderId: 'P1', amount: 1000, state: 1 });
  it('a signed close naming another state (paid) is not a close; an empty signed one (what Jeepay sends) is', async () => {
    const paid = jeepay((r) => (pathOf(r) === '/api/pay/query' ? stillPaying : jpSigned({ mchOrderNo: 'ORD1', state: 2, orderState: 2 })));
    expect(await paid.reverse({ orderNo: 'ORD1' })).toMatchObject({ status: 'unknown', code: 'NOT_CLOSED' });
    const closed = jeepay((r) => (pathOf(r) === '/api/pay/query' ? stillPaying : jpSigned({})));
    expect(await closed.reverse({ orderNo: 'ORD1' })).toEqual({ status: 'reversed', action: 'close' });
  });
});
