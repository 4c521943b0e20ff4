/**
 * Interop with the official alipay-sdk (v4): (a) our request signature equals the SDK's for the same
 * parameters; (b) the SDK, with validateSign, accepts answers from our sandbox (and rejects tampered ones).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { AlipaySdk } from 'alipay-sdk';
import { alipaySignContent, loadAlipayPrivateKey, rsa2Sign, signAlipayParams } from './sign';
import { freshCode, freshOrderNo, sharedKeys } from '../../../sandbox/testing';
import { startSandbox, type Sandbox } from '../../../sandbox/server';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ keys: sharedKeys() });
});
afterAll(async () => {
  await sandbox.close();
});

const sdkFor = (sb: Sandbox, alipayPublicKey = sb.keys.alipay.alipayPublicKey): AlipaySdk =>
  new AlipaySdk({
    appId: sb.keys.alipay.appId,
    privateKey: sb.keys.alipay.appPrivateKey,
    keyType: 'PKCS8',
    alipayPublicKey,
    gateway: `${sb.url}/gateway.do`,
    timeout: 5000,
  });

describe('alipay-sdk interop', () => {
  it('(a) our RSA2 signature equals alipay-sdk signature over the same parameters', () => {
    const sdk = sdkFor(sandbox);
    const signed = sdk.sdkExecute('alipay.trade.pay', {
      bizContent: { out_trade_no: 'A1', scene: 'bar_code', auth_code: '281234567890123456', subject: '咖啡 & 茶', total_amount: '0.01' },
    });
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(signed)) params[k] = v;
    const sdkSign = params.sign;
    expect(sdkSign).toBeTruthy();
    expect(params.biz_content).toContain('"auth_code":"281234567890123456"');
    const ours = signAlipayParams(params, loadAlipayPrivateKey(sandbox.keys.alipay.appPrivateKey));
    expect(ours).toBe(sdkSign);
    expect(rsa2Sign(alipaySignContent(params), loadAlipayPrivateKey(sandbox.keys.alipay.appPrivateKey))).toBe(sdkSign);
  });

  it('(b) alipay-sdk exec with validateSign accepts the sandbox answers', async () => {
    const sdk = sdkFor(sandbox);
    const orderNo = freshOrderNo('SDK');
    const pay = await sdk.exec('alipay.trade.pay', {
      bizContent: { out_trade_no: orderNo, scene: 'bar_code', auth_code: freshCode('alipay'), subject: 'sdk test', total_amount: '12.34' },
    }, { validateSign: true });
    expect(pay.code).toBe('10000');
    expect(pay.totalAmount).toBe('12.34');
    const query = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: orderNo } }, { validateSign: true });
    expect(query.tradeStatus).toBe('TRADE_SUCCESS');
    const cancel = await sdk.exec('alipay.trade.cancel', { bizContent: { out_trade_no: orderNo } }, { validateSign: true });
    expect(cancel.action).toBe('refund');
    expect(sandbox.ledger.order('alipay', orderNo)?.refundedFen).toBe(1234);
  });

  it('(b) alipay-sdk with validateSign accepts the sandbox refund, refund query and error answers too', async () => {
    const sdk = sdkFor(sandbox);
    const orderNo = freshOrderNo('SDR');
    await sdk.exec('alipay.trade.pay', { bizContent: { out_trade_no: orderNo, scene: 'bar_code', auth_code: freshCode('alipay'), subject: 'sdk refund', total_amount: '5.00' } }, { validateSign: true });
    const refund = await sdk.exec('alipay.trade.refund', { bizContent: { out_trade_no: orderNo, refund_amount: '1.50', out_request_no: 'R1' } }, { validateSign: true });
    expect(refund).toMatchObject({ code: '10000', refundFee: '1.50' });
    const refundQuery = await sdk.exec('alipay.trade.fastpay.refund.query', { bizContent: { out_trade_no: orderNo, out_request_no: 'R1' } }, { validateSign: true });
    expect(refundQuery).toMatchObject({ code: '10000', refundAmount: '1.50' });
    // A business error (40004) is signed as well, and verifies.
    const missing = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: freshOrderNo('NONE') } }, { validateSign: true });
    expect(missing).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST' });
  });

  it('(b) alipay-sdk rejects an error answer signed with the wrong key', async () => {
    sandbox.setScenario({ scenario: 'bad_signature', channel: 'alipay', operation: 'query' });
    await expect(sdkFor(sandbox).exec('alipay.trade.query', { bizContent: { out_trade_no: freshOrderNo('NONE') } }, { validateSign: true })).rejects.toThrow(/验签失败/);
  });

  it('(b) alipay-sdk rejects an answer signed with the wrong key', async () => {
    sandbox.setScenario({ scenario: 'bad_signature', channel: 'alipay', operation: 'query' });
    await expect(sdkFor(sandbox).exec('alipay.trade.query', { bizContent: { out_trade_no: 'nope' } }, { validateSign: true })).rejects.toThrow(/验签失败/);
  });
});
