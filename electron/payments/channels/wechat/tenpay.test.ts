/** Interop with tenpay (a widely used WeChat Pay v2 client): same signatures, and its micropay works against the sandbox. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createRequire } from 'node:module';
import { wechatSign } from './sign';
import { freshCode, freshOrderNo, sharedKeys } from '../../../sandbox/testing';
import { startSandbox, type Sandbox } from '../../../sandbox/server';

type TenpayPayment = {
  urls: Record<string, string>;
  _getSign(params: Record<string, string | number>, type?: string): string;
  micropay(params: Record<string, string | number>): Promise<Record<string, string>>;
  orderQuery(params: Record<string, string>): Promise<Record<string, string>>;
};
type TenpayCtor = new (config: { appid: string; mchid: string; partnerKey: string }) => TenpayPayment;

const require = createRequire(import.meta.url);
const Tenpay = require('tenpay') as TenpayCtor;

let sandbox: Sandbox;
let client: TenpayPayment;
beforeAll(async () => {
  sandbox = await startSandbox({ keys: sharedKeys() });
  const k = sandbox.keys.wechat;
  client = new Tenpay({ appid: k.appId, mchid: k.mchId, partnerKey: k.apiKey });
  for (const name of Object.keys(client.urls)) client.urls[name] = client.urls[name]!.replace('https://api.mch.weixin.qq.com', sandbox.url);
});
afterAll(async () => {
  await sandbox.close();
});

describe('tenpay interop', () => {
  it('tenpay signs our request parameters exactly as we do (MD5 and HMAC-SHA256)', () => {
    const params = { appid: 'wx1', mch_id: '100', nonce_str: 'abc', body: '咖啡', out_trade_no: 'A1', total_fee: 101, auth_code: '134567890123456789', sign_type: 'MD5' };
    const key = sandbox.keys.wechat.apiKey;
    expect(client._getSign(params, 'MD5')).toBe(wechatSign(params, key, 'MD5'));
    expect(client._getSign({ ...params, sign_type: 'HMAC-SHA256' }, 'HMAC-SHA256')).toBe(wechatSign({ ...params, sign_type: 'HMAC-SHA256' }, key, 'HMAC-SHA256'));
  });

  it.each(['MD5', 'HMAC-SHA256'])('tenpay micropay (%s) against the sandbox succeeds and verifies our signed answer', async (signType) => {
    const orderNo = freshOrderNo('TP');
    const res = await client.micropay({ body: 'tenpay test', out_trade_no: orderNo, total_fee: 888, auth_code: freshCode('wechat'), sign_type: signType });
    expect(res.result_code).toBe('SUCCESS');
    expect(res.out_trade_no).toBe(orderNo);
    expect(res.total_fee).toBe('888');
    expect(res.transaction_id).toMatch(/^\d{28}$/);
    expect(sandbox.ledger.order('wechat', orderNo)?.status).toBe('paid');
    const q = await client.orderQuery({ out_trade_no: orderNo });
    expect(q.trade_state).toBe('SUCCESS');
  });

  it('tenpay rejects a sandbox answer with a bad signature', async () => {
    sandbox.setScenario({ scenario: 'bad_signature', channel: 'wechat' });
    await expect(client.micropay({ body: 'x', out_trade_no: freshOrderNo('TP'), total_fee: 1, auth_code: freshCode('wechat') })).rejects.toThrow(/sign/);
  });
});
