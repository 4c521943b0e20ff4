/**
 * Adapters against a tiny fake gateway that answers garbage, nothing, half an answer, unsigned or wrongly
 * signed answers, and correctly signed answers about another order or amount. None of these may ever
 * become "paid" or "failed": they are `unknown` (or `not_sent` when nothing left the machine).
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { PosError } from '../../../shared/api/result';
import { createManualClock } from '../../clock';
import { sharedKeys } from '../../sandbox/testing';
import { loadAlipayPrivateKey, rsa2Sign } from './alipay/sign';
import { createChannels, type ChannelsConfig } from './index';
import { jeepaySign } from './jeepay/sign';
import { type ChannelId, type PaymentChannel, type SecurityEvent } from './types';
import { unionpaySign } from './unionpay/protocol';
import { wechatSign } from './wechat/sign';
import { buildWechatXml } from './wechat/xml';
import { buildWechatBill, type WechatBillEntry } from './wechat/bill';
import { createWechatChannel } from './wechat/adapter';
import { createAlipayChannel } from './alipay/adapter';

type Reply = { status?: number; body: string } | 'destroy' | 'truncate';
let reply: Reply = { body: '' };
let url = '';
const sockets = new Set<net.Socket>();
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const r = reply;
    if (r === 'destroy') return req.socket.destroy();
    if (r === 'truncate') {
      res.writeHead(200, { 'content-length': '500' });
      res.write('<xml><return_code><![CDATA[SUCC');
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    res.writeHead(r.status ?? 200, { 'content-type': 'text/plain' });
    res.end(r.body);
  });
});
server.on('connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});

const keys = sharedKeys();
const clock = createManualClock();
const events: SecurityEvent[] = [];
let channels: Record<ChannelId, PaymentChannel>;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config: ChannelsConfig = {
    wechat: { baseUrl: url, appId: keys.wechat.appId, mchId: keys.wechat.mchId, apiKey: keys.wechat.apiKey, timeoutMs: 1000 },
    alipay: { gatewayUrl: `${url}/gateway.do`, appId: keys.alipay.appId, appPrivateKey: keys.alipay.appPrivateKey, alipayPublicKey: keys.alipay.alipayPublicKey, timeoutMs: 1000 },
    unionpay: { baseUrl: url, merId: keys.unionpay.merId, key: keys.unionpay.key, timeoutMs: 1000 },
    jeepay: { baseUrl: url, mchNo: keys.jeepay.mchNo, appId: keys.jeepay.appId, apiKey: keys.jeepay.apiKey, timeoutMs: 1000 },
  };
  channels = createChannels(config, { clock, onSecurityEvent: (e) => events.push(e) }) as Record<ChannelId, PaymentChannel>;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  events.length = 0;
});

// ---- correctly built answers per channel --------------------------------------------------------------

const wx = (fields: Record<string, string | number>, key = keys.wechat.apiKey, signed = true): string => {
  const all = { return_code: 'SUCCESS', appid: keys.wechat.appId, mch_id: keys.wechat.mchId, nonce_str: 'n', ...fields };
  return buildWechatXml(signed ? { ...all, sign: wechatSign(all, key, 'HMAC-SHA256') } : all);
};
const ali = (method: string, body: Record<string, string>, signer = keys.alipay.alipayPrivateKey, signed = true): string => {
  const inner = JSON.stringify(body);
  const key = `${method.replaceAll('.', '_')}_response`;
  return signed ? `{"${key}":${inner},"sign":"${rsa2Sign(inner, loadAlipayPrivateKey(signer))}"}` : `{"${key}":${inner}}`;
};
const up = (fields: Record<string, string>, key = keys.unionpay.key, signed = true): string => {
  const all = { merId: keys.unionpay.merId, ...fields };
  return JSON.stringify(signed ? { ...all, signature: unionpaySign(all, key) } : all);
};
const jp = (data: Record<string, string | number>, key = keys.jeepay.apiKey, signed = true): string => {
  const all = { mchNo: keys.jeepay.mchNo, appId: keys.jeepay.appId, ...data };
  return JSON.stringify({ code: 0, msg: 'SUCCESS', data: all, ...(signed ? { sign: jeepaySign(all, key) } : {}) });
};

type Paid = (orderNo: string, fen: number, how?: { key?: string; signed?: boolean }) => string;
const PAID: Record<ChannelId, Paid> = {
  wechat: (o, fen, how = {}) => wx({ result_code: 'SUCCESS', out_trade_no: o, total_fee: fen, transaction_id: '4200000000000000000000000001', time_end: '20261125100000' }, how.key, how.signed),
  alipay: (o, fen, how = {}) => ali('alipay.trade.pay', { code: '10000', msg: 'Success', out_trade_no: o, trade_no: '2026112522000000000000000001', total_amount: (fen / 100).toFixed(2), gmt_payment: '2026-11-25 10:00:00' }, how.key ?? keys.alipay.alipayPrivateKey, how.signed),
  unionpay: (o, fen, how = {}) => up({ respCode: '00', orderId: o, queryId: '920261125000000000001', txnAmt: String(fen), payTime: '20261125100000' }, how.key, how.signed),
  jeepay: (o, fen, how = {}) => jp({ mchOrderNo: o, payOrderId: 'P1', orderState: 2, amount: fen }, how.key, how.signed),
};
const WRONG_KEY: Record<ChannelId, string> = { wechat: 'x'.repeat(32), alipay: keys.alipay.appPrivateKey, unionpay: 'wrong', jeepay: 'wrong' };

const payReq = { orderNo: 'ORDER1', authCode: '134567890123456789', amountFen: 100, subject: 'x' };

describe.each(['wechat', 'alipay', 'unionpay', 'jeepay'] as const)('%s adapter: hostile and broken answers', (id) => {
  const pay = () => channels[id].pay(payReq);

  it('a correct paid answer is paid (control case)', async () => {
    reply = { body: PAID[id]('ORDER1', 100) };
    expect(await pay()).toMatchObject({ status: 'paid', paidFen: 100, paidAt: '2026-11-25T10:00:00+08:00' });
    expect(events).toEqual([]);
  });

  it.each([
    ['garbage', { body: '<<<%%%>>> not a gateway answer' }],
    ['empty', { body: '' }],
    ['HTML error page with 200', { body: '<html><body>Gateway busy</body></html>' }],
    ['JSON null', { body: 'null' }],
    ['HTTP 500', { status: 500, body: 'Internal error' }],
    ['HTTP 404', { status: 404, body: 'Not found' }],
  ] as const)('%s → unknown', async (_n, r) => {
    reply = r;
    expect(await pay()).toMatchObject({ status: 'unknown', retryable: true });
  });

  it('truncated answer → unknown', async () => {
    reply = 'truncate';
    expect((await pay()).status).toBe('unknown');
  });

  it('connection dropped without answer → unknown', async () => {
    reply = 'destroy';
    expect((await pay()).status).toBe('unknown');
  });

  it('unsigned answer → unknown + missing_signature event', async () => {
    reply = { body: PAID[id]('ORDER1', 100, { signed: false }) };
    expect(await pay()).toMatchObject({ status: 'unknown', code: 'BAD_SIGNATURE' });
    expect(events).toEqual([expect.objectContaining({ channel: id, operation: 'pay', kind: 'missing_signature' })]);
  });

  it('wrongly signed answer → unknown + bad_signature event', async () => {
    reply = { body: PAID[id]('ORDER1', 100, { key: WRONG_KEY[id] }) };
    expect(await pay()).toMatchObject({ status: 'unknown', code: 'BAD_SIGNATURE' });
    expect(events).toEqual([expect.objectContaining({ kind: 'bad_signature' })]);
  });

  it('signed answer about another order number → unknown + wrong_order event', async () => {
    reply = { body: PAID[id]('OTHER9', 100) };
    expect(await pay()).toMatchObject({ status: 'unknown', code: 'WRONG_ORDER' });
    expect(events).toEqual([expect.objectContaining({ kind: 'wrong_order' })]);
  });

  it('signed paid answer for another amount → unknown', async () => {
    reply = { body: PAID[id]('ORDER1', 99) };
    expect(await pay()).toMatchObject({ status: 'unknown', code: 'AMOUNT_MISMATCH' });
  });

  it('bad requests are refused locally with a typed error, nothing sent', async () => {
    await expect(channels[id].pay({ ...payReq, orderNo: 'bad order no!' })).rejects.toBeInstanceOf(PosError);
    await expect(channels[id].pay({ ...payReq, amountFen: 1.5 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(channels[id].pay({ ...payReq, authCode: '13abc' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(channels[id].refund({ orderNo: 'A', refundNo: 'R', totalFen: 100, refundFen: 101 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(channels[id].downloadBill('25/11/2026')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('not_sent when nothing left the machine', () => {
  it.each(['wechat', 'alipay', 'unionpay', 'jeepay'] as const)('%s: connection refused → not_sent', async (id) => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const dead = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((r) => probe.close(() => r()));
    const cfg: ChannelsConfig = {
      wechat: { baseUrl: dead, appId: 'a', mchId: 'm', apiKey: 'k' },
      alipay: { gatewayUrl: `${dead}/gateway.do`, appId: 'a', appPrivateKey: keys.alipay.appPrivateKey, alipayPublicKey: keys.alipay.alipayPublicKey },
      unionpay: { baseUrl: dead, merId: 'm', key: 'k' },
      jeepay: { baseUrl: dead, mchNo: 'm', appId: 'a', apiKey: 'k' },
    };
    const ch = createChannels(cfg)[id] as PaymentChannel;
    expect((await ch.pay(payReq)).status).toBe('not_sent');
    expect((await ch.query({ orderNo: 'ORDER1' })).status).toBe('not_sent');
    expect((await ch.reverse({ orderNo: 'ORDER1' })).status).toBe('not_sent');
  });
});

describe('WeChat result mapping', () => {
  const ch = () => channels.wechat;
  const fail = (code: string, extra: Record<string, string> = {}) => wx({ result_code: 'FAIL', err_code: code, err_code_des: code, ...extra });
  it.each([
    ['USERPAYING', 'waiting'],
    ['SYSTEMERROR', 'unknown'],
    ['BANKERROR', 'unknown'],
    ['ORDERPAID', 'unknown'],
    ['OUT_TRADE_NO_USED', 'unknown'],
    ['NOTENOUGH', 'failed'],
    ['AUTHCODEEXPIRE', 'failed'],
    ['AUTH_CODE_INVALID', 'failed'],
    ['NOTSUPORTCARD', 'failed'],
    ['ORDERREVERSED', 'failed'],
  ])('micropay %s → %s', async (code, status) => {
    reply = { body: fail(code) };
    expect(await ch().pay(payReq)).toMatchObject({ status, code });
  });

  it('return_code=FAIL carries no result → unknown', async () => {
    reply = { body: buildWechatXml({ return_code: 'FAIL', return_msg: '签名错误' }) };
    expect(await ch().pay(payReq)).toMatchObject({ status: 'unknown', code: 'RETURN_FAIL' });
  });

  it('answer for another merchant → unknown + event', async () => {
    const all = { return_code: 'SUCCESS', appid: keys.wechat.appId, mch_id: '999', result_code: 'SUCCESS', out_trade_no: 'ORDER1', total_fee: '100', transaction_id: '1' };
    reply = { body: buildWechatXml({ ...all, sign: wechatSign(all, keys.wechat.apiKey, 'HMAC-SHA256') }) };
    expect(await ch().pay(payReq)).toMatchObject({ status: 'unknown', code: 'WRONG_MERCHANT' });
    expect(events[0]?.kind).toBe('wrong_merchant');
  });

  it.each([
    ['SUCCESS', 'paid'],
    ['REFUND', 'paid'],
    ['NOTPAY', 'waiting'],
    ['USERPAYING', 'waiting'],
    ['CLOSED', 'failed'],
    ['REVOKED', 'failed'],
    ['PAYERROR', 'failed'],
    ['WHATEVER', 'unknown'],
  ])('orderquery trade_state %s → %s', async (state, status) => {
    reply = { body: wx({ result_code: 'SUCCESS', out_trade_no: 'ORDER1', trade_state: state, total_fee: 100, transaction_id: '42', time_end: '20261125100000' }) };
    expect((await ch().query({ orderNo: 'ORDER1' })).status).toBe(status);
  });

  it('orderquery ORDERNOTEXIST → not_found; reverse recall=Y → retry; reverse SUCCESS → reversed', async () => {
    reply = { body: fail('ORDERNOTEXIST') };
    expect(await ch().query({ orderNo: 'ORDER1' })).toEqual({ status: 'not_found' });
    reply = { body: fail('SYSTEMERROR', { recall: 'Y' }) };
    expect((await ch().reverse({ orderNo: 'ORDER1' })).status).toBe('retry');
    reply = { body: wx({ result_code: 'SUCCESS', recall: 'N' }) };
    expect(await ch().reverse({ orderNo: 'ORDER1' })).toEqual({ status: 'reversed', action: 'unspecified' });
    reply = { body: fail('REVERSE_EXPIRE') };
    expect(await ch().reverse({ orderNo: 'ORDER1' })).toMatchObject({ status: 'failed', code: 'REVERSE_EXPIRE' });
  });

  it('a signed answer to another operation is not this one\'s: a pay success given to reverse or to refund → unknown', async () => {
    const payAnswer = wx({ result_code: 'SUCCESS', out_trade_no: 'ORDER1', total_fee: 100, transaction_id: '42', time_end: '20261125100000', trade_type: 'MICROPAY' });
    reply = { body: payAnswer };
    expect(await ch().reverse({ orderNo: 'ORDER1' })).toMatchObject({ status: 'unknown', code: 'NOT_A_REVERSE_ANSWER' });
    expect(await ch().refund({ orderNo: 'ORDER1', refundNo: 'R1', totalFen: 100, refundFen: 100, reason: 'x' })).toMatchObject({ status: 'unknown', code: 'WRONG_REFUND' });
  });

  it('bill errors come back as XML: No Bill Exist → no_bill', async () => {
    reply = { body: buildWechatXml({ return_code: 'FAIL', return_msg: 'No Bill Exist', error_code: '20002' }) };
    expect(await ch().downloadBill('2026-11-24')).toMatchObject({ status: 'no_bill' });
    reply = { body: 'random text' };
    expect(await ch().downloadBill('2026-11-24')).toMatchObject({ status: 'bad_bill', code: 'NOT_A_BILL' });
    // One bad line is reported with the good ones read; a summary that counts otherwise refuses the bill.
    const e = (orderNo: string): WechatBillEntry => ({ time: '2026-11-24 10:00:00', appId: 'wx1', mchId: 'm1', transactionId: '42', orderNo, openId: 'o', state: 'SUCCESS', orderFen: 100, subject: 'x' });
    const lines = buildWechatBill([e('A1'), e('A2')]).split('\r\n');
    reply = { body: lines.map((l, i) => (i === 2 ? l.replace('`SUCCESS', '`WHATEVER') : l)).join('\r\n') };
    expect(await ch().downloadBill('2026-11-24')).toMatchObject({ status: 'ok', rows: [{ orderNo: 'A1' }], rejected: [{ line: 3, reason: expect.stringMatching(/交易状态/) }] });
    reply = { body: [lines[0], lines[1], lines[1], ...lines.slice(2)].join('\r\n') };
    expect(await ch().downloadBill('2026-11-24')).toMatchObject({ status: 'bad_bill', code: 'COUNT_MISMATCH' });
    // A line after the summary is reported, the bill still read.
    reply = { body: `${lines.join('\r\n')}${lines[1] ?? ''}\r\n` };
    expect(await ch().downloadBill('2026-11-24')).toMatchObject({ status: 'ok', rows: [{ orderNo: 'A1' }, { orderNo: 'A2' }], rejected: [{ reason: "after the bill's summary" }] });
  });

  it('config errors throw typed errors', () => {
    expect(() => createWechatChannel({ baseUrl: url, appId: '', mchId: 'm', apiKey: 'k' })).toThrow(PosError);
    expect(() => createAlipayChannel({ gatewayUrl: url, appId: 'a', appPrivateKey: 'nope', alipayPublicKey: 'nope' })).toThrow(PosError);
  });
});

describe('Alipay result mapping', () => {
  const pay = (body: Record<string, string>) => {
    reply = { body: ali('alipay.trade.pay', { out_trade_no: 'ORDER1', ...body }) };
    return channels.alipay.pay(payReq);
  };
  it.each([
    [{ code: '10003', msg: 'wait' }, 'waiting'],
    [{ code: '20000', msg: 'unknown' }, 'unknown'],
    [{ code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' }, 'unknown'],
    [{ code: '40004', sub_code: 'ACQ.TRADE_HAS_SUCCESS' }, 'unknown'],
    [{ code: '40004', sub_code: 'ACQ.CONTEXT_INCONSISTENT' }, 'unknown'],
    [{ code: '40004', sub_code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' }, 'failed'],
    [{ code: '40004', sub_code: 'ACQ.PAYMENT_AUTH_CODE_INVALID' }, 'failed'],
    [{ code: '40004', sub_code: 'ACQ.TRADE_HAS_CLOSE' }, 'failed'],
    [{ code: '40002', sub_code: 'isv.invalid-signature' }, 'failed'],
    [{ code: '99999' }, 'unknown'],
  ])('trade.pay %j → %s', async (body, status) => {
    expect((await pay(body)).status).toBe(status);
  });

  it.each([
    ['TRADE_SUCCESS', 'paid'],
    ['TRADE_FINISHED', 'paid'],
    ['WAIT_BUYER_PAY', 'waiting'],
    ['TRADE_CLOSED', 'failed'],
  ])('trade.query %s → %s', async (state, status) => {
    reply = { body: ali('alipay.trade.query', { code: '10000', out_trade_no: 'ORDER1', trade_no: 'T', total_amount: '1.00', trade_status: state }) };
    expect((await channels.alipay.query({ orderNo: 'ORDER1' })).status).toBe(status);
  });

  it('trade.cancel retry_flag=Y → retry; action refund → reversed refund; not exist → reversed none', async () => {
    reply = { body: ali('alipay.trade.cancel', { code: '10000', out_trade_no: 'ORDER1', retry_flag: 'Y' }) };
    expect((await channels.alipay.reverse({ orderNo: 'ORDER1' })).status).toBe('retry');
    reply = { body: ali('alipay.trade.cancel', { code: '10000', out_trade_no: 'ORDER1', retry_flag: 'N', action: 'refund' }) };
    expect(await channels.alipay.reverse({ orderNo: 'ORDER1' })).toEqual({ status: 'reversed', action: 'refund' });
    reply = { body: ali('alipay.trade.cancel', { code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' }) };
    expect(await channels.alipay.reverse({ orderNo: 'ORDER1' })).toEqual({ status: 'reversed', action: 'none' });
    // No `action`: Alipay found no trade (returned only "when the trade exists"): nothing there, so the engine
    // asks again once the code has expired, in case the pay request was still on its way.
    reply = { body: ali('alipay.trade.cancel', { code: '10000', out_trade_no: 'ORDER1', retry_flag: 'N' }) };
    expect(await channels.alipay.reverse({ orderNo: 'ORDER1' })).toEqual({ status: 'reversed', action: 'none' });
    reply = { body: ali('alipay.trade.cancel', { code: '10000', out_trade_no: 'ORDER1', retry_flag: 'N', action: 'something_new' }) };
    expect(await channels.alipay.reverse({ orderNo: 'ORDER1' })).toEqual({ status: 'reversed', action: 'unspecified' });
  });

  it('a signed answer of another method (no retry_flag) is not a cancel: unknown, never "reversed"', async () => {
    // A query answer for the same order, signed by Alipay, passed off as the cancel's answer.
    reply = { body: ali('alipay.trade.cancel', { code: '10000', out_trade_no: 'ORDER1', trade_no: 'T', total_amount: '1.00', trade_status: 'TRADE_SUCCESS' }) };
    expect(await channels.alipay.reverse({ orderNo: 'ORDER1' })).toMatchObject({ status: 'unknown', code: 'NOT_A_REVERSE_ANSWER' });
  });

  it('an unsigned error_response is unknown, never a failure', async () => {
    reply = { body: '{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"}}' };
    expect((await channels.alipay.pay(payReq)).status).toBe('unknown');
  });

  it('the response key inside a string value cannot smuggle a signed-looking body', async () => {
    const inner = JSON.stringify({ code: '10000', out_trade_no: 'ORDER1', trade_no: 'T', total_amount: '1.00' });
    const realSign = rsa2Sign(inner, loadAlipayPrivateKey(keys.alipay.alipayPrivateKey));
    reply = { body: `{"x":"\\"alipay_trade_pay_response\\":${inner.replaceAll('"', '\\"')}","alipay_trade_pay_response":{"code":"10000","out_trade_no":"ORDER1","trade_no":"EVIL","total_amount":"1.00"},"sign":"${realSign}"}` };
    expect(await channels.alipay.pay(payReq)).toMatchObject({ status: 'unknown', code: 'BAD_SIGNATURE' });
  });
});
