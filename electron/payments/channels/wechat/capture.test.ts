/**
 * The requests our WeChat adapter really sends (captured from its injected `send`), checked with tenpay's
 * own XML parser and signing, for every operation, in MD5 and HMAC-SHA256, as a direct merchant and as a
 * service provider's sub-merchant (`sub_mch_id` / `sub_appid`). The answers are built and signed by
 * tenpay too, so both directions are verified by code that is not ours.
 */
import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { createManualClock } from '../../../clock';
import { type HttpRequest, type HttpResponse } from '../transport';
import { type ChannelOperation, type PaymentChannel, type SecurityEvent } from '../types';
import { createWechatChannel, type WechatConfig } from './adapter';
import { type WechatSignType } from './sign';

type Fields = Record<string, string>;
type AnswerFields = Record<string, string | number | undefined>;
type TenpayClient = { _getSign(params: Record<string, string | number>, type?: string): string };
type TenpayCtor = new (config: { appid: string; mchid: string; partnerKey: string }) => TenpayClient;
type TenpayUtil = { parseXML(xml: string): Promise<Fields>; buildXML(obj: Record<string, string | number>): string };

const require = createRequire(import.meta.url);
const Tenpay = require('tenpay') as TenpayCtor;
const tenpayUtil = require('tenpay/lib/util') as TenpayUtil;

const MERCHANT = { appId: 'wx2421b1c4370ec43b', mchId: '10000100', apiKey: '192006250b4c09247ec02edce69f6a2d' };
const SUB = { subMchId: '1900000109', subAppId: 'wx8888888888888888' };
const tenpay = new Tenpay({ appid: MERCHANT.appId, mchid: MERCHANT.mchId, partnerKey: MERCHANT.apiKey });
const TLS = { pfx: Buffer.from('client certificate') };

type Mode = { name: string; signType: WechatSignType; sp: boolean };
const MODES: Mode[] = [
  { name: 'direct merchant, MD5', signType: 'MD5', sp: false },
  { name: 'direct merchant, HMAC-SHA256', signType: 'HMAC-SHA256', sp: false },
  { name: 'service provider, MD5', signType: 'MD5', sp: true },
  { name: 'service provider, HMAC-SHA256', signType: 'HMAC-SHA256', sp: true },
];

type Captured = { req: HttpRequest; path: string; fields: Fields };
type Gateway = { channel: PaymentChannel; captured: Captured[]; events: SecurityEvent[] };

/**
 * A fake gateway behind the adapter's `send`: records each request as tenpay parses it, answers SUCCESS
 * with the merchant ids of `mode`, the operation's fields and `over` (undefined removes a field), signed
 * by tenpay with `answerSignType` (default: the mode's).
 */
function gateway(mode: Mode, reply: AnswerFields, over: AnswerFields = {}, answerSignType: WechatSignType = mode.signType): Gateway {
  const captured: Captured[] = [];
  const events: SecurityEvent[] = [];
  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    const text = typeof req.body === 'string' ? req.body : (req.body?.toString('utf8') ?? '');
    captured.push({ req, path: new URL(req.url).pathname, fields: await tenpayUtil.parseXML(text) });
    const merged: AnswerFields = {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: MERCHANT.appId,
      mch_id: MERCHANT.mchId,
      ...(mode.sp ? { sub_appid: SUB.subAppId, sub_mch_id: SUB.subMchId } : {}),
      nonce_str: 'tenpayAnswerNonce',
      result_code: 'SUCCESS',
      ...reply,
      ...over,
    };
    const answer: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(merged)) if (v !== undefined) answer[k] = v;
    const xml = tenpayUtil.buildXML({ ...answer, sign: tenpay._getSign(answer, answerSignType) });
    return { status: 200, headers: { 'content-type': 'text/xml' }, body: Buffer.from(xml, 'utf8') };
  };
  const config: WechatConfig = {
    baseUrl: 'https://api.mch.weixin.qq.com',
    ...MERCHANT,
    ...(mode.sp ? SUB : {}),
    signType: mode.signType,
    tls: TLS,
  };
  const channel = createWechatChannel(config, { send, clock: createManualClock(), onSecurityEvent: (e) => events.push(e) });
  return { channel, captured, events };
}

type OpCase = {
  op: ChannelOperation;
  path: string;
  run(c: PaymentChannel): Promise<unknown>;
  /** Business fields the request must carry (besides the merchant ids, nonce, sign_type and sign). */
  sent: Fields;
  reply: AnswerFields;
  outcome: Record<string, unknown>;
  cert: boolean;
};
const TX = '4200000000000000000000000001';
const OPS: OpCase[] = [
  {
    op: 'pay',
    path: '/pay/micropay',
    run: (c) => c.pay({ orderNo: 'A1', authCode: '134567890123456789', amountFen: 1234, subject: '咖啡 & 茶 <大杯>', terminalId: 'T1' }),
    sent: { body: '咖啡 & 茶 <大杯>', out_trade_no: 'A1', total_fee: '1234', fee_type: 'CNY', spbill_create_ip: '127.0.0.1', auth_code: '134567890123456789', device_info: 'T1' },
    reply: { out_trade_no: 'A1', trade_type: 'MICROPAY', total_fee: 1234, cash_fee: 1234, transaction_id: TX, time_end: '20261125100000' },
    outcome: { status: 'paid', transactionId: TX, paidFen: 1234, paidAt: '2026-11-25T10:00:00+08:00' },
    cert: false,
  },
  {
    op: 'query',
    path: '/pay/orderquery',
    run: (c) => c.query({ orderNo: 'A1' }),
    sent: { out_trade_no: 'A1' },
    reply: { out_trade_no: 'A1', trade_state: 'SUCCESS', total_fee: 1234, transaction_id: TX, time_end: '20261125100000' },
    outcome: { status: 'paid', transactionId: TX, paidFen: 1234 },
    cert: false,
  },
  {
    op: 'reverse',
    path: '/secapi/pay/reverse',
    run: (c) => c.reverse({ orderNo: 'A1' }),
    sent: { out_trade_no: 'A1' },
    reply: { recall: 'N' },
    outcome: { status: 'reversed' },
    cert: true,
  },
  {
    op: 'refund',
    path: '/secapi/pay/refund',
    run: (c) => c.refund({ orderNo: 'A1', refundNo: 'R1', totalFen: 1234, refundFen: 234, reason: '退货' }),
    sent: { out_trade_no: 'A1', out_refund_no: 'R1', total_fee: '1234', refund_fee: '234', refund_fee_type: 'CNY', refund_desc: '退货' },
    reply: { out_trade_no: 'A1', out_refund_no: 'R1', refund_id: '50000000382019052709732678859', refund_fee: 234, total_fee: 1234, transaction_id: TX },
    outcome: { status: 'accepted', refundId: '50000000382019052709732678859', refundFen: 234 },
    cert: true,
  },
  {
    op: 'queryRefund',
    path: '/pay/refundquery',
    run: (c) => c.queryRefund({ orderNo: 'A1', refundNo: 'R1' }),
    sent: { out_refund_no: 'R1' },
    reply: {
      out_trade_no: 'A1', transaction_id: TX, refund_count: 1, out_refund_no_0: 'R1', refund_id_0: '50000000382019052709732678859',
      refund_fee_0: 234, refund_status_0: 'SUCCESS', refund_success_time_0: '2026-11-25 10:05:00',
    },
    outcome: { status: 'succeeded', refundId: '50000000382019052709732678859', refundFen: 234, refundedAt: '2026-11-25T10:05:00+08:00' },
    cert: false,
  },
];

const other = (t: WechatSignType): WechatSignType => (t === 'MD5' ? 'HMAC-SHA256' : 'MD5');

describe.each(MODES)('WeChat adapter requests, checked by tenpay ($name)', (mode) => {
  it.each(OPS)('$op: the request tenpay reads carries the right fields and a signature tenpay computes the same', async (c) => {
    const g = gateway(mode, c.reply);
    expect(await c.run(g.channel)).toMatchObject(c.outcome);
    expect(g.events).toEqual([]);
    expect(g.captured).toHaveLength(1);
    const { req, path, fields } = g.captured[0] as Captured;
    expect(req.method).toBe('POST');
    expect(path).toBe(c.path);
    // The client certificate goes with /secapi/ calls only.
    expect(req.tls).toEqual(c.cert ? TLS : undefined);
    // Exactly these fields: the merchant (and sub-merchant) ids, nothing else.
    expect(fields).toEqual({
      appid: MERCHANT.appId,
      mch_id: MERCHANT.mchId,
      ...(mode.sp ? { sub_appid: SUB.subAppId, sub_mch_id: SUB.subMchId } : {}),
      nonce_str: expect.stringMatching(/^[0-9a-f]{1,32}$/),
      sign_type: mode.signType,
      sign: expect.stringMatching(/^[0-9A-F]+$/),
      ...c.sent,
    });
    // tenpay signs what it parsed (every field but sign, sub-merchant ids included) with the announced type.
    expect(fields.sign).toBe(tenpay._getSign(fields, mode.signType));
    expect(fields.sign).not.toBe(tenpay._getSign(fields, other(mode.signType)));
    // And the signature covers the content: any changed field no longer verifies.
    expect(tenpay._getSign({ ...fields, out_trade_no: 'A2', out_refund_no: 'R2' }, mode.signType)).not.toBe(fields.sign);
  });

  it.each(OPS)('$op: an answer signed with the other algorithm is not believed (unknown + security event)', async (c) => {
    const g = gateway(mode, c.reply, {}, other(mode.signType));
    expect(await c.run(g.channel)).toMatchObject({ status: 'unknown', code: 'BAD_SIGNATURE' });
    expect(g.events).toEqual([expect.objectContaining({ channel: 'wechat', operation: c.op, kind: 'bad_signature' })]);
  });

  it('an answer that announces the other sign_type (and is signed with it) cannot downgrade the check', async () => {
    const pay = OPS[0] as OpCase;
    const g = gateway(mode, pay.reply, { sign_type: other(mode.signType) }, other(mode.signType));
    expect(await pay.run(g.channel)).toMatchObject({ status: 'unknown', code: 'BAD_SIGNATURE' });
  });
});

describe.each(MODES.filter((m) => m.sp))('WeChat service-provider mode: answers for another sub-merchant ($name)', (mode) => {
  it.each(OPS)('$op: a correctly signed answer for another sub_mch_id is unknown + wrong_merchant', async (c) => {
    const g = gateway(mode, c.reply, { sub_mch_id: '1900000999' });
    expect(await c.run(g.channel)).toMatchObject({ status: 'unknown', code: 'WRONG_MERCHANT' });
    expect(g.events).toEqual([expect.objectContaining({ channel: 'wechat', operation: c.op, kind: 'wrong_merchant' })]);
  });

  it('an answer for another sub_appid is unknown + wrong_merchant', async () => {
    const pay = OPS[0] as OpCase;
    const g = gateway(mode, pay.reply, { sub_appid: 'wx9999999999999999' });
    expect(await pay.run(g.channel)).toMatchObject({ status: 'unknown', code: 'WRONG_MERCHANT' });
    expect(g.events).toEqual([expect.objectContaining({ kind: 'wrong_merchant' })]);
  });

  it('another merchant (mch_id) with our sub_mch_id is still another merchant', async () => {
    const pay = OPS[0] as OpCase;
    const g = gateway(mode, pay.reply, { mch_id: '10000999' });
    expect(await pay.run(g.channel)).toMatchObject({ status: 'unknown', code: 'WRONG_MERCHANT' });
  });

  it('an answer without the sub-merchant ids is tolerated, like one without appid/mch_id', async () => {
    const pay = OPS[0] as OpCase;
    const g = gateway(mode, pay.reply, { sub_mch_id: undefined, sub_appid: undefined });
    expect(await pay.run(g.channel)).toMatchObject({ status: 'paid', paidFen: 1234 });
    expect(g.events).toEqual([]);
  });
});

describe('WeChat direct merchant: sub-merchant ids in answers', () => {
  const direct = MODES[1] as Mode;

  it('an answer naming a sub_mch_id is for another merchant (we are none of its sub-merchants)', async () => {
    const pay = OPS[0] as OpCase;
    const g = gateway(direct, pay.reply, { sub_mch_id: SUB.subMchId });
    expect(await pay.run(g.channel)).toMatchObject({ status: 'unknown', code: 'WRONG_MERCHANT' });
    expect(g.events).toEqual([expect.objectContaining({ kind: 'wrong_merchant' })]);
  });

  it('a sub_appid we did not send is not compared', async () => {
    const pay = OPS[0] as OpCase;
    const g = gateway(direct, pay.reply, { sub_appid: 'wx9999999999999999' });
    expect(await pay.run(g.channel)).toMatchObject({ status: 'paid' });
  });
});

describe('WeChat micropay fields at their limits', () => {
  const mode = MODES[1] as Mode;
  const pay = OPS[0] as OpCase;

  it('body is cut to 127 bytes of UTF-8 on a character boundary (a Chinese store name is 3 bytes a character)', async () => {
    const g = gateway(mode, pay.reply);
    const subject = `${'测试门店'.repeat(20)} T01-20261125-0001`;
    await g.channel.pay({ orderNo: 'A1', authCode: '134567890123456789', amountFen: 1234, subject });
    const body = g.captured[0]?.fields.body ?? '';
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(127);
    expect(body.length).toBe(42); // 42 characters of 3 bytes
    expect(subject.startsWith(body)).toBe(true);
  });

  it('spbill_create_ip is always sent, even when the till gives an empty one', async () => {
    const g = gateway(mode, pay.reply);
    await g.channel.pay({ orderNo: 'A1', authCode: '134567890123456789', amountFen: 1234, subject: 'x', clientIp: '' });
    expect(g.captured[0]?.fields.spbill_create_ip).toBe('127.0.0.1');
  });
});
