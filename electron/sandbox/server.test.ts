import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { wechatSign } from '../payments/channels/wechat/sign';
import { buildWechatXml, parseWechatXml } from '../payments/channels/wechat/xml';
import { JEEPAY_PATHS, jeepaySign } from '../payments/channels/jeepay/sign';
import { UNIONPAY_PATH, unionpaySign } from '../payments/channels/unionpay/protocol';
import { freshCode, freshOrderNo, startSandboxFixture, type SandboxFixture } from './testing';
import { scenarioForAmount } from './scenarios';
import { DEFAULT_SLOW_DELAY_MS, linkBase } from './server';
import { DEFAULT_PAYMENT_SETTINGS } from '../../shared/sales/payment-settings';

let f: SandboxFixture;
beforeAll(async () => {
  f = await startSandboxFixture();
});
afterAll(async () => {
  await f.close();
});

const post = (path: string, body: string, type = 'application/json') => fetch(`${f.sandbox.url}${path}`, { method: 'POST', body, headers: { 'content-type': type } });

describe('sandbox server', () => {
  it('listens on a random 127.0.0.1 port', () => {
    expect(f.sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('amount table', () => {
    expect(scenarioForAmount(1000)).toBe('success');
    expect(scenarioForAmount(151)).toBe('password');
    expect(scenarioForAmount(99955)).toBe('lost');
    expect(scenarioForAmount(1061)).toBe('duplicate');
    expect(scenarioForAmount(1062)).toBe('duplicate_unpaid');
    expect(scenarioForAmount(1063)).toBe('reverse_retry');
    expect(scenarioForAmount(1064)).toBe('late');
    expect(scenarioForAmount(1065)).toBe('success');
  });

  it('GET /__sandbox/ledger returns the ledger, code submissions included; POST /__sandbox/reset empties it', async () => {
    const orderNo = freshOrderNo();
    const authCode = freshCode('wechat');
    expect((await f.channels.wechat.pay({ orderNo, authCode, amountFen: 700, subject: 'x' })).status).toBe('paid');
    // The same code sent again (another order number): refused by the gateway, still a submission.
    expect((await f.channels.wechat.pay({ orderNo: freshOrderNo(), authCode, amountFen: 700, subject: 'x' })).status).toBe('failed');
    type Read = { orders: { orderNo: string; status: string }[]; totals: { wechat: { heldFen: number } }; submissions: { authCode: string; count: number; channels: string[] }[] };
    const ledger = (await (await fetch(`${f.sandbox.url}/__sandbox/ledger`)).json()) as Read;
    expect(ledger.orders.find((o) => o.orderNo === orderNo)?.status).toBe('paid');
    expect(ledger.totals.wechat.heldFen).toBeGreaterThanOrEqual(700);
    expect(ledger.submissions.find((s) => s.authCode === authCode)).toEqual({ authCode, count: 2, channels: ['wechat'] });
    expect((await post('/__sandbox/reset', '')).status).toBe(200);
    expect(f.sandbox.ledger.snapshot()).toMatchObject({ orders: [], submissions: [], reverseRetries: [] });
  });

  it('counts a Jeepay AUTO_BAR submission by the code inside channelExtra', async () => {
    const authCode = freshCode('wechat');
    expect((await f.channels.jeepay.pay({ orderNo: freshOrderNo(), authCode, amountFen: 800, subject: 'x' })).status).toBe('paid');
    expect(f.sandbox.ledger.snapshot().submissions.find((s) => s.authCode === authCode)).toEqual({ authCode, count: 1, channels: ['jeepay'] });
  });

  it('scenario control validates its input and counts', async () => {
    expect((await post('/__sandbox/scenario', 'not json')).status).toBe(400);
    expect((await post('/__sandbox/scenario', JSON.stringify({ scenario: 'explode' }))).status).toBe(400);
    expect((await post('/__sandbox/scenario', JSON.stringify({ scenario: 'insufficient', count: 0 }))).status).toBe(400);
    for (const scenario of ['duplicate', 'duplicate_unpaid', 'reverse_retry']) {
      expect((await post('/__sandbox/scenario', JSON.stringify({ scenario, channel: 'wechat' }))).status).toBe(200);
    }
    // A typo or a wrong type is refused, not queued to never match (or to match every channel).
    expect((await post('/__sandbox/scenario', JSON.stringify({ scenario: 'insufficient', channel: 'wechta' }))).status).toBe(400);
    expect((await post('/__sandbox/scenario', JSON.stringify({ scenario: 'insufficient', channel: 42 }))).status).toBe(400);
    expect((await post('/__sandbox/scenario', JSON.stringify({ scenario: 'insufficient', operation: 'payy' }))).status).toBe(400);
    expect((await post('/__sandbox/scenario', JSON.stringify({ scenario: 'insufficient', operation: 'any' }))).status).toBe(200);
    expect((await post('/__sandbox/reset', '')).status).toBe(200);
    expect((await post('/__sandbox/scenario', JSON.stringify({ scenario: 'insufficient', count: 2, channel: 'unionpay' }))).status).toBe(200);
    const pay = () => f.channels.unionpay.pay({ orderNo: freshOrderNo(), authCode: freshCode('unionpay'), amountFen: 100, subject: 'x' });
    expect((await pay()).status).toBe('failed');
    expect((await pay()).status).toBe('failed');
    expect((await pay()).status).toBe('paid');
  });

  it('scenario control refuses a field it does not know (a misspelt `chanel` would match every channel), queueing nothing', async () => {
    await post('/__sandbox/reset', '');
    const res = await post('/__sandbox/scenario', JSON.stringify({ scenario: 'insufficient', chanel: 'unionpay' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/unknown field chanel/);
    expect((await post('/__sandbox/scenario', JSON.stringify([{ scenario: 'insufficient' }]))).status).toBe(400);
    expect((await post('/__sandbox/scenario', 'null')).status).toBe(400);
    expect((await f.channels.wechat.pay({ orderNo: freshOrderNo(), authCode: freshCode('wechat'), amountFen: 100, subject: 'x' })).status).toBe('paid');
  });

  it('scenario control refuses a scenario that does nothing on the operation asked (a pay scenario on a refund)', async () => {
    await post('/__sandbox/reset', '');
    const status = async (body: object): Promise<number> => (await post('/__sandbox/scenario', JSON.stringify(body))).status;
    expect(await status({ scenario: 'password', operation: 'refund' })).toBe(400);
    expect(await status({ scenario: 'insufficient', operation: 'query' })).toBe(400);
    expect(await status({ scenario: 'reverse_retry', operation: 'refund' })).toBe(400);
    expect(await status({ scenario: 'duplicate', operation: 'reverse' })).toBe(400);
    // What does act there is taken: faults anywhere, insufficient on a refund, reverse_retry on a reverse, anything on 'any'.
    expect(await status({ scenario: 'http_5xx', operation: 'bill' })).toBe(200);
    expect(await status({ scenario: 'insufficient', operation: 'refund' })).toBe(200);
    expect(await status({ scenario: 'reverse_retry', operation: 'reverse' })).toBe(200);
    expect(await status({ scenario: 'password', operation: 'any' })).toBe(200);
    expect(await status({ scenario: 'success', operation: 'refundQuery' })).toBe(200);
    await post('/__sandbox/reset', '');
  });

  it('answers a request line no URL parser takes with 400 (never an uncaught exception)', async () => {
    const answer = await new Promise<string>((resolve) => {
      const u = new URL(f.sandbox.url);
      const sock = net.connect(Number(u.port), u.hostname, () => sock.write('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let out = '';
      sock.on('data', (d) => (out += d.toString()));
      sock.on('close', () => resolve(out));
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect((await fetch(`${f.sandbox.url}/__sandbox/ledger`)).status).toBe(200);
  });

  it('refuses WeChat requests with a bad signature, without touching the ledger', async () => {
    const k = f.sandbox.keys.wechat;
    const fields = { appid: k.appId, mch_id: k.mchId, nonce_str: 'n', body: 'x', out_trade_no: 'BADSIG1', total_fee: '1', auth_code: freshCode('wechat'), spbill_create_ip: '127.0.0.1' };
    const res = await post('/pay/micropay', buildWechatXml({ ...fields, sign: wechatSign(fields, 'wrong-key') }), 'text/xml');
    expect(parseWechatXml(await res.text())).toMatchObject({ return_code: 'FAIL', return_msg: '签名错误' });
    expect(f.sandbox.ledger.order('wechat', 'BADSIG1')).toBeUndefined();
  });

  it('accepts WeChat sandbox path prefix /sandboxnew and rejects codes of other wallets', async () => {
    const k = f.sandbox.keys.wechat;
    const fields = { appid: k.appId, mch_id: k.mchId, nonce_str: 'n', body: 'x', out_trade_no: 'ALICODE1', total_fee: '1', auth_code: freshCode('alipay'), spbill_create_ip: '127.0.0.1' };
    const res = await post('/sandboxnew/pay/micropay', buildWechatXml({ ...fields, sign: wechatSign(fields, k.apiKey) }), 'text/xml');
    expect(parseWechatXml(await res.text())).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'AUTH_CODE_INVALID' });
  });

  it('refuses an amount no till could send (over the money limit) as a parameter error, so the day\'s bill stays readable', async () => {
    const k = f.sandbox.keys.wechat;
    const fields = { appid: k.appId, mch_id: k.mchId, nonce_str: 'n', body: 'x', out_trade_no: 'HUGE1', total_fee: '999999999999999', auth_code: freshCode('wechat'), spbill_create_ip: '127.0.0.1' };
    const res = await post('/pay/micropay', buildWechatXml({ ...fields, sign: wechatSign(fields, k.apiKey) }), 'text/xml');
    expect(parseWechatXml(await res.text())).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'PARAM_ERROR' });
    expect(f.sandbox.ledger.order('wechat', 'HUGE1')).toBeUndefined();
  });

  it('refuses an order number, refund number or terminal id no gateway takes (a comma, a newline, too long) and fractional fen, charging and refunding nothing', async () => {
    const up = f.sandbox.keys.unionpay;
    const upMsg = (fields: Record<string, string>): string => {
      const msg: Record<string, string> = { merId: up.merId, txnTime: '20261125120000', nonce: 'n', ...fields };
      return JSON.stringify({ ...msg, signature: unionpaySign(msg, up.key) });
    };
    for (const orderId of ['A,B\nC', 'O'.repeat(33)]) {
      const a = (await (await post(UNIONPAY_PATH, upMsg({ orderId, msgType: 'pay', txnAmt: '100', qrNo: freshCode('unionpay'), orderDesc: 'x' }))).json()) as { respCode: string };
      expect(a.respCode).toBe('01');
      expect(f.sandbox.ledger.order('unionpay', orderId)).toBeUndefined();
    }
    const wx = f.sandbox.keys.wechat;
    const wxFields = { appid: wx.appId, mch_id: wx.mchId, nonce_str: 'n', body: 'x', out_trade_no: 'TERMBAD1', total_fee: '100', auth_code: freshCode('wechat'), spbill_create_ip: '127.0.0.1', device_info: 'T1,evil' };
    const wxRes = await post('/pay/micropay', buildWechatXml({ ...wxFields, sign: wechatSign(wxFields, wx.apiKey) }), 'text/xml');
    expect(parseWechatXml(await wxRes.text())).toMatchObject({ result_code: 'FAIL', err_code: 'PARAM_ERROR' });
    // Jeepay: paid 1000 fen, then refunds of 0.5 fen and under a refund number holding a newline are refused.
    const orderNo = freshOrderNo('J');
    expect((await f.channels.jeepay.pay({ orderNo, authCode: freshCode('wechat'), amountFen: 1000, subject: 'x' })).status).toBe('paid');
    const jp = f.sandbox.keys.jeepay;
    for (const [refundNo, refundAmount] of [[`${orderNo}R1`, 0.5], ['R\n1', 100]] as const) {
      const body = { mchNo: jp.mchNo, appId: jp.appId, reqTime: '1', version: '1.0', signType: 'MD5', mchOrderNo: orderNo, mchRefundNo: refundNo, refundAmount, currency: 'cny', refundReason: 'x' };
      const r = (await (await post(JEEPAY_PATHS.refund, JSON.stringify({ ...body, sign: jeepaySign(body, jp.apiKey) }))).json()) as { code: number; msg: string };
      expect(r).toMatchObject({ code: 9999, msg: '参数有误' });
    }
    expect(f.sandbox.ledger.order('jeepay', orderNo)?.refundedFen).toBe(0);
  });

  it('refuses Alipay requests with a bad signature (signed 40002 answer)', async () => {
    const body = new URLSearchParams({ app_id: f.sandbox.keys.alipay.appId, method: 'alipay.trade.query', sign_type: 'RSA2', charset: 'utf-8', version: '1.0', timestamp: '2026-11-25 10:00:00', biz_content: '{"out_trade_no":"X"}', sign: 'AAAA' });
    const res = await post('/gateway.do', body.toString(), 'application/x-www-form-urlencoded');
    const json = (await res.json()) as { alipay_trade_query_response: { code: string; sub_code: string }; sign: string };
    expect(json.alipay_trade_query_response).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    expect(json.sign).toBeTruthy();
  });

  it('refuses Jeepay and UnionPay requests with bad signatures', async () => {
    const jp = (await (await post('/api/pay/query', JSON.stringify({ mchNo: f.sandbox.keys.jeepay.mchNo, appId: f.sandbox.keys.jeepay.appId, mchOrderNo: 'X', sign: 'BAD' }))).json()) as { code: number; msg: string };
    expect(jp).toMatchObject({ code: 9999, msg: '验签失败' });
    const up = (await (await post('/unionpay/gateway', JSON.stringify({ merId: f.sandbox.keys.unionpay.merId, msgType: 'query', orderId: 'X', signature: 'bad' }))).json()) as { respCode: string };
    expect(up.respCode).toBe('01');
  });

  it('links in answers (the Alipay bill URL) use the address the client called, when it is a plain host', () => {
    expect(linkBase('192.0.2.7:8080', 'http://127.0.0.1:8080')).toBe('http://192.0.2.7:8080');
    expect(linkBase('[::1]:8080', 'http://127.0.0.1:8080')).toBe('http://[::1]:8080');
    expect(linkBase('pos-sandbox.lan', 'http://127.0.0.1:80')).toBe('http://pos-sandbox.lan');
    for (const odd of [undefined, '', 'evil.com/x?', 'a b', 'host:port', 'x@y']) expect(linkBase(odd, 'http://127.0.0.1:1')).toBe('http://127.0.0.1:1');
  });

  it('unknown paths are 404; oversized bodies are refused', async () => {
    expect((await fetch(`${f.sandbox.url}/nope`)).status).toBe(404);
    expect((await fetch(`${f.sandbox.url}/__sandbox/nope`)).status).toBe(404);
    expect((await post('/pay/micropay', 'x'.repeat(2 * 1024 * 1024), 'text/xml').catch(() => ({ status: 413 }))).status).toBe(413);
  });
});

describe('sandbox defaults', () => {
  it('the slow scenario answers after the till has given up, with every gateway\'s default request timeout', () => {
    const timeouts = Object.values(DEFAULT_PAYMENT_SETTINGS.timings).map((t) => t.requestTimeoutMs);
    expect(DEFAULT_SLOW_DELAY_MS).toBeGreaterThan(Math.max(...timeouts));
  });
});
