import { afterEach, describe, expect, it } from 'vitest';
import { type HttpRequest, type HttpResponse } from '../channels/index';
import { wechatSign } from '../channels/wechat/sign';
import { buildWechatXml, parseWechatXml } from '../channels/wechat/xml';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { createFakeChannel, paid } from './testing/fake-channel';
import { isTerminalAttempt } from '../../../shared/sales/views';
import { paymentAdvice } from '../../../shared/payments/advice';

/**
 * Broken answers through the real WeChat adapter: empty, truncated, not XML, wrongly signed, paid for
 * another order number. None may become "paid" or "failed": the attempt stays pending, is queried, and is
 * reversed at the deadline.
 */
const KEY = 'k'.repeat(32);
const wechat = { baseUrl: 'http://wechat.invalid', appId: 'wx1', mchId: '1900000109', apiKey: KEY };

const signed = (fields: Record<string, string>): string => buildWechatXml({ ...fields, sign: wechatSign(fields, KEY, 'HMAC-SHA256') });
const ok = (body: string): HttpResponse => ({ status: 200, headers: {}, body: Buffer.from(body, 'utf8') });

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('broken channel answers never decide a payment', () => {
  const paidFor = (orderNo: string, transactionId = '4200000000202611250000000001'): string =>
    signed({ return_code: 'SUCCESS', result_code: 'SUCCESS', appid: 'wx1', mch_id: '1900000109', nonce_str: 'n', out_trade_no: orderNo, transaction_id: transactionId, total_fee: '500', cash_fee: '500', trade_type: 'MICROPAY', time_end: '20261125100000', openid: 'o' });
  const cases: [string, (req: HttpRequest) => HttpResponse][] = [
    ['empty body', () => ok('')],
    ['truncated XML', () => ok('<xml><return_code><![CDATA[SUCCESS]]></return_code><result_code>SUCC')],
    ['not XML', () => ok('{"return_code":"SUCCESS","result_code":"SUCCESS"}')],
    ['wrong signature', (req) => ok(paidFor(parseWechatXml(String(req.body)).out_trade_no ?? '').replace(/<sign>.*<\/sign>/, '<sign><![CDATA[0123456789ABCDEF0123456789ABCDEF]]></sign>'))],
    ['paid, but for another order number', () => ok(paidFor('SOMEONEELSE000000000000000000001'))],
    ['HTTP 500 with a success body', (req) => ({ ...ok(paidFor(parseWechatXml(String(req.body)).out_trade_no ?? '')), status: 500 })],
    ['signed, but no result_code at all', () => ok(signed({ return_code: 'SUCCESS', appid: 'wx1', mch_id: '1900000109', nonce_str: 'n' }))],
    ['signed decline with an err_code nobody documented', () => ok(signed({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'BRAND_NEW_CODE', err_code_des: '?', appid: 'wx1', mch_id: '1900000109', nonce_str: 'n' }))],
  ];

  it.each(cases)('%s', async (_name, answer) => {
    let calls = 0;
    t = await startPaymentsHost({ payments: { channels: { wechat }, channelDeps: { send: async (req) => (calls++, answer(req)) } } });
    const saleId = await t.openSale(500);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'pending' });
    // Queries get the same garbage; at the deadline it is reversed (and keeps trying: never guessed).
    await t.advance(50_000);
    const after = await t.must('payment.get', { attemptId: a.id });
    expect(after.state).toBe('reversing');
    expect(isTerminalAttempt(after.state)).toBe(false);
    expect((await t.must('sale.get', { saleId })).status).toBe('paying');
    expect(calls).toBeGreaterThan(3);
  });

  // Pay and every query answer the same signed success; the reverse at the deadline gets a reverse's answer.
  const reversedAnswer = signed({ return_code: 'SUCCESS', result_code: 'SUCCESS', appid: 'wx1', mch_id: '1900000109', nonce_str: 'n', recall: 'N' });
  it.each([
    ['too long to keep', 'X'.repeat(65)],
    ['holding spaces', '4200 0000'],
  ])('paid, with a transaction id %s: queried, never taken, given back at the deadline', async (_name, transactionId) => {
    const send = async (req: HttpRequest): Promise<HttpResponse> => (req.url.endsWith('/reverse') ? ok(reversedAnswer) : ok(paidFor(parseWechatXml(String(req.body)).out_trade_no ?? '', transactionId)));
    t = await startPaymentsHost({ payments: { channels: { wechat }, channelDeps: { send } } });
    const saleId = await t.openSale(500);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'pending', reason: expect.stringMatching(/usable transaction_id/) });
    await t.advance(50_000);
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversed', transactionId: null });
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
    expect((await t.call('sale.list', {})).ok).toBe(true);
  });
});

describe('answers a channel adapter should never pass on, caught by the engine too', () => {
  it('"paid" with an id that cannot be kept is queried, not taken: the sale views stay readable', async () => {
    const wx = createFakeChannel('wechat');
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    wx.queue('pay', paid(500, 'X'.repeat(65)));
    wx.defaults.query = paid(500, '4200000000202611250000000001');
    const saleId = await t.openSale(500);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'pending', phase: 'querying', reason: expect.stringMatching(/unusable transaction id/) });
    await t.advance(6_000);
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'succeeded', transactionId: '4200000000202611250000000001' });
    expect((await t.call('sale.list', {})).ok).toBe(true);
  });

  it('an order found paid but since refunded is never the sale\'s payment: what is left of it goes back', async () => {
    const wx = createFakeChannel('wechat');
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT', retryable: true });
    wx.defaults.query = { status: 'paid', transactionId: '4200000000202611250000000002', paidFen: 700, paidAt: '2026-11-25T10:00:00+08:00', refunded: true };
    const saleId = await t.openSale(700);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    await t.advance(6_000);
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversing', reason: expect.stringMatching(/since refunded/) });
    expect((await t.must('sale.get', { saleId })).status).toBe('paying');
    await t.advance(15_000);
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversed' });
    expect(wx.count('reverse')).toBe(1);
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
  });
});

describe('sandbox mode (training)', () => {
  it('without a gateway configuration the host starts the in-process sandbox and charges it', async () => {
    const h = await startPaymentsHost();
    t = h;
    const saleId = await h.openSale(1_200);
    const a = await h.must('payment.start', { saleId, code: codes.alipay() });
    await h.until(async () => (await h.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'sandbox payment' });
    expect((await h.must('sale.get', { saleId })).status).toBe('paid');
  });
});

describe('refund answers that refuse nothing for certain', () => {
  it('a signed refund answer with no result_code keeps the refund open (asked about, resent under its own number, less and less often): no second refund under a new number', async () => {
    const refundNos: string[] = [];
    const send = async (req: HttpRequest): Promise<HttpResponse> => {
      const f = parseWechatXml(String(req.body));
      const base = { return_code: 'SUCCESS', appid: 'wx1', mch_id: '1900000109', nonce_str: 'n', out_trade_no: f.out_trade_no ?? '' };
      if (req.url.endsWith('/pay/micropay')) return ok(signed({ ...base, result_code: 'SUCCESS', transaction_id: '4200000000202611250000000001', total_fee: f.total_fee ?? '', cash_fee: f.total_fee ?? '', time_end: '20261125100000' }));
      if (req.url.endsWith('/secapi/pay/refund')) {
        refundNos.push(f.out_refund_no ?? '');
        return ok(signed({ ...base, out_refund_no: f.out_refund_no ?? '' }));
      }
      if (req.url.endsWith('/pay/refundquery')) return ok(signed({ ...base, result_code: 'FAIL', err_code: 'REFUNDNOTEXIST' }));
      return ok(signed({ ...base, result_code: 'FAIL', err_code: 'SYSTEMERROR' }));
    };
    t = await startPaymentsHost({ payments: { channels: { wechat }, channelDeps: { send } } });
    const saleId = await t.openSale(1000);
    await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect((await t.must('sale.get', { saleId })).status).toBe('paid');
    const first = await t.must('refund.request', { saleId, amountFen: 1000 });
    expect(first.state).not.toBe('failed');
    expect(await t.call('refund.request', { saleId, amountFen: 1000 })).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID' } });
    await t.advance(10 * 60_000);
    // One number only, and over ten minutes a handful of resends (backing off), not one every few seconds.
    expect(new Set(refundNos).size).toBe(1);
    expect(refundNos.length).toBeGreaterThan(2);
    expect(refundNos.length).toBeLessThan(20);
    expect((await t.must('sale.get', { saleId })).status).toBe('paid');
  });
});

describe("a gateway's own words in the story of an attempt", () => {
  it('an unsigned return_msg does not decide what the cashier is told about a reversal', async () => {
    const send = async (req: HttpRequest): Promise<HttpResponse> => {
      if (req.url.endsWith('/secapi/pay/reverse')) return ok(signed({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'ORDERNOTEXIST', appid: 'wx1', mch_id: '1900000109', nonce_str: 'n' }));
      return ok('<xml><return_code>FAIL</return_code><return_msg>reversed (refund)</return_msg></xml>');
    };
    t = await startPaymentsHost({ payments: { channels: { wechat }, channelDeps: { send } } });
    const saleId = await t.openSale(500);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(60_000);
    const after = await t.must('payment.get', { attemptId: a.id });
    expect(after.state).toBe('reversed');
    expect(after.reason).toMatch(/reversed \(refund\).*; reversed \(none\)$/);
    // Nothing was found at the channel: "nothing so far" (a late check follows), not "given back".
    expect(paymentAdvice(after), after.reason ?? '').toBe('reversed_nothing_so_far');
  });
});
