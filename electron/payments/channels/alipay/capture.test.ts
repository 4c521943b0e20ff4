/**
 * The requests our Alipay adapter really sends (captured from its injected `send`), verified by the
 * official alipay-sdk: it rebuilds the signed content from the posted parameters itself and checks our
 * RSA2 signature with the app's public key. Pay, query, cancel, refund and refund query, with and without
 * an app_auth_token (service-provider mode). Answers are signed with "Alipay's" key over their raw text.
 */
import { describe, it, expect } from 'vitest';
import { createSign } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { createManualClock } from '../../../clock';
import { sharedKeys } from '../../../sandbox/testing';
import { cstDateTime } from '../common';
import { type HttpRequest, type HttpResponse } from '../transport';
import { type PaymentChannel, type SecurityEvent } from '../types';
import { createAlipayChannel } from './adapter';

const keys = sharedKeys().alipay;
const GATEWAY = 'https://openapi.alipay.com/gateway.do';

/** Our requests are signed with the app's private key: the SDK verifies them with the app's public key. */
const verifier = new AlipaySdk({ appId: keys.appId, privateKey: keys.appPrivateKey, keyType: 'PKCS8', alipayPublicKey: keys.appPublicKey });
/** The answer side, as the SDK itself would check it (Alipay's public key). */
const client = new AlipaySdk({ appId: keys.appId, privateKey: keys.appPrivateKey, keyType: 'PKCS8', alipayPublicKey: keys.alipayPublicKey });

type Params = Record<string, string>;
type Captured = { req: HttpRequest; params: Params };

function gateway(answer: Record<string, string>, appAuthToken?: string): { channel: PaymentChannel; captured: Captured[]; events: SecurityEvent[]; clock: ReturnType<typeof createManualClock> } {
  const captured: Captured[] = [];
  const events: SecurityEvent[] = [];
  const clock = createManualClock();
  const send = async (req: HttpRequest): Promise<HttpResponse> => {
    const params: Params = {};
    for (const [k, v] of new URLSearchParams(typeof req.body === 'string' ? req.body : (req.body?.toString('utf8') ?? ''))) params[k] = v;
    captured.push({ req, params });
    const inner = JSON.stringify(answer);
    const sign = createSign('RSA-SHA256').update(inner, 'utf8').sign(keys.alipayPrivateKey, 'base64');
    const text = `{"${(params.method ?? '').replaceAll('.', '_')}_response":${inner},"sign":"${sign}"}`;
    return { status: 200, headers: { 'content-type': 'application/json;charset=utf-8' }, body: Buffer.from(text, 'utf8') };
  };
  const channel = createAlipayChannel(
    { gatewayUrl: GATEWAY, appId: keys.appId, appPrivateKey: keys.appPrivateKey, alipayPublicKey: keys.alipayPublicKey, ...(appAuthToken ? { appAuthToken } : {}) },
    { send, clock, onSecurityEvent: (e) => events.push(e) },
  );
  return { channel, captured, events, clock };
}

type OpCase = { method: string; run(c: PaymentChannel): Promise<unknown>; biz: Record<string, string>; answer: Record<string, string>; outcome: Record<string, unknown> };
const OPS: OpCase[] = [
  {
    method: 'alipay.trade.pay',
    run: (c) => c.pay({ orderNo: 'A1', authCode: '281234567890123456', amountFen: 1234, subject: '咖啡 & 茶 +=%', storeId: 'S1', terminalId: 'T1' }),
    biz: { out_trade_no: 'A1', scene: 'bar_code', auth_code: '281234567890123456', subject: '咖啡 & 茶 +=%', total_amount: '12.34', store_id: 'S1', terminal_id: 'T1' },
    answer: { code: '10000', msg: 'Success', out_trade_no: 'A1', trade_no: '2026112522001400000000000001', total_amount: '12.34', gmt_payment: '2026-11-25 10:00:00' },
    outcome: { status: 'paid', paidFen: 1234, transactionId: '2026112522001400000000000001' },
  },
  {
    method: 'alipay.trade.query',
    run: (c) => c.query({ orderNo: 'A1' }),
    biz: { out_trade_no: 'A1' },
    answer: { code: '10000', msg: 'Success', out_trade_no: 'A1', trade_no: '2026112522001400000000000001', trade_status: 'TRADE_SUCCESS', total_amount: '12.34' },
    outcome: { status: 'paid', paidFen: 1234 },
  },
  {
    method: 'alipay.trade.cancel',
    run: (c) => c.reverse({ orderNo: 'A1' }),
    biz: { out_trade_no: 'A1' },
    answer: { code: '10000', msg: 'Success', out_trade_no: 'A1', retry_flag: 'N', action: 'refund' },
    outcome: { status: 'reversed', action: 'refund' },
  },
  {
    method: 'alipay.trade.refund',
    run: (c) => c.refund({ orderNo: 'A1', refundNo: 'R1', totalFen: 1234, refundFen: 234, reason: '退货' }),
    biz: { out_trade_no: 'A1', refund_amount: '2.34', out_request_no: 'R1', refund_reason: '退货' },
    answer: { code: '10000', msg: 'Success', out_trade_no: 'A1', trade_no: '2026112522001400000000000001', refund_fee: '2.34', fund_change: 'Y', gmt_refund_pay: '2026-11-25 10:05:00' },
    outcome: { status: 'succeeded', refundFen: 234 },
  },
  {
    method: 'alipay.trade.fastpay.refund.query',
    run: (c) => c.queryRefund({ orderNo: 'A1', refundNo: 'R1' }),
    biz: { out_trade_no: 'A1', out_request_no: 'R1' },
    answer: { code: '10000', msg: 'Success', out_trade_no: 'A1', out_request_no: 'R1', trade_no: '2026112522001400000000000001', refund_amount: '2.34', refund_status: 'REFUND_SUCCESS' },
    outcome: { status: 'succeeded', refundFen: 234 },
  },
];

describe.each([
  { mode: 'merchant', token: undefined },
  { mode: 'service provider (app_auth_token)', token: '202611BBe1a2b3c4d5e6f7a8b9c0d1e2f3a4b5' },
])('Alipay adapter requests, verified by alipay-sdk ($mode)', ({ token }) => {
  it.each(OPS)('$method: alipay-sdk verifies the RSA2 signature of what we posted, and the content is right', async (c) => {
    const g = gateway(c.answer, token);
    g.clock.set(Date.UTC(2026, 10, 25, 2, 0, 0));
    expect(await c.run(g.channel)).toMatchObject(c.outcome);
    expect(g.events).toEqual([]);
    expect(g.captured).toHaveLength(1);
    const { req, params } = g.captured[0] as Captured;
    expect(req).toMatchObject({ method: 'POST', url: GATEWAY, headers: expect.objectContaining({ 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' }) });
    expect(params).toEqual({
      app_id: keys.appId,
      method: c.method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: cstDateTime(Date.UTC(2026, 10, 25, 2, 0, 0)),
      version: '1.0',
      ...(token ? { app_auth_token: token } : {}),
      biz_content: expect.any(String),
      sign: expect.any(String),
    });
    expect(params.timestamp).toBe('2026-11-25 10:00:00');
    expect(JSON.parse(params.biz_content ?? '')).toEqual(c.biz);
    // The SDK builds the signed content itself (sorted, raw values, sign_type included) and verifies.
    expect(verifier.checkNotifySignV2(params)).toBe(true);
    // Signed by the app key, not by anything else: Alipay's public key does not verify it.
    expect(client.checkNotifySignV2(params)).toBe(false);
    // Every parameter is covered: changing the amount, the order, the method or the token breaks it.
    expect(verifier.checkNotifySignV2({ ...params, biz_content: (params.biz_content ?? '').replace('"A1"', '"A2"') })).toBe(false);
    expect(verifier.checkNotifySignV2({ ...params, method: 'alipay.trade.close' })).toBe(false);
    expect(verifier.checkNotifySignV2({ ...params, app_auth_token: 'someone-else' })).toBe(false);
  });
});

describe('Alipay answers in the capture harness', () => {
  it('are accepted by alipay-sdk response verification too (the harness signs like Alipay)', () => {
    const inner = JSON.stringify(OPS[0]?.answer);
    const sign = createSign('RSA-SHA256').update(inner, 'utf8').sign(keys.alipayPrivateKey, 'base64');
    const raw = `{"alipay_trade_pay_response":${inner},"sign":"${sign}"}`;
    expect(() => client.checkResponseSign(raw, 'alipay_trade_pay_response', sign, 'trace')).not.toThrow();
    expect(() => client.checkResponseSign(raw.replace('12.34', '12.35'), 'alipay_trade_pay_response', sign, 'trace')).toThrow(/验签失败/);
  });
});
