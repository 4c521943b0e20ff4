/**
 * The Jeepay adapter against scripted answers. Jeepay signs `data` on code-0 answers only (ApiRes.okWithSign);
 * its error answers (`ApiRes.customFail`, code 9999) carry no signature and are sent for refusals, "order
 * does not exist", "order number exists", but also "系统异常" after the upstream channel was called. So an
 * unsigned error answer alone is `unknown` and the engine queries. The one exception is Jeepay's only way
 * to say "no such number" (订单不存在 / 退款订单不存在 to a query, close or refund query): `not_found`; a pay or
 * refund refused unsigned is `failed` only once the follow-up query says the number was never recorded.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { createManualClock } from '../../../clock';
import { decidePay, decideQuery, decideRefundQuery, decideReverse } from '../../engine/decide';
import { DEFAULT_PAYMENT_SETTINGS } from '../../../../shared/sales/payment-settings';
import { type HttpRequest, type HttpResponse } from '../transport';
import { type PaymentChannel, type SecurityEvent } from '../types';
import { createJeepayChannel } from './adapter';
import { JEEPAY_PATHS, jeepaySign, type JeepayValue } from './sign';

const CONFIG = { baseUrl: 'https://aggregator.test', mchNo: 'M1', appId: 'APP1', apiKey: 'secret-key' };
const ORDER = 'ORDER1';
const payReq = { orderNo: ORDER, authCode: '134567890123456789', amountFen: 1_234, subject: 'Store 0001' };

type Answer = { status?: number; body: string };
const signed = (data: Record<string, JeepayValue>, key = CONFIG.apiKey): Answer => {
  const all = { mchNo: CONFIG.mchNo, appId: CONFIG.appId, ...data };
  return { body: JSON.stringify({ code: 0, msg: 'SUCCESS', data: all, sign: jeepaySign(all, key) }) };
};
/** What Jeepay's ApiRes.customFail serialises to: no data, no sign. */
const customFail = (msg: string, code = 9999): Answer => ({ body: JSON.stringify({ code, msg }) });

let answers: Answer[] = [];
let sent: { path: string; body: Record<string, unknown> }[] = [];
let events: SecurityEvent[] = [];
let ch: PaymentChannel;
const clock = createManualClock();

beforeEach(() => {
  answers = [];
  sent = [];
  events = [];
  ch = createJeepayChannel(CONFIG, {
    clock,
    onSecurityEvent: (e) => events.push(e),
    send: (req: HttpRequest): Promise<HttpResponse> => {
      sent.push({ path: new URL(req.url).pathname, body: JSON.parse(String(req.body)) as Record<string, unknown> });
      const a = answers.shift();
      if (!a) throw new Error('no scripted answer left');
      return Promise.resolve({ status: a.status ?? 200, headers: {}, body: Buffer.from(a.body, 'utf8') });
    },
  });
});
const script = (...a: Answer[]): void => void answers.push(...a);
const unsignedUnknown = (text: string) => ({ status: 'unknown', code: 'UNSIGNED_ERROR', retryable: true, reason: expect.stringContaining(text) as unknown });

const timing = DEFAULT_PAYMENT_SETTINGS.timings.jeepay;
const ctx = { now: clock.now(), sentMs: clock.now(), amountFen: payReq.amountFen, timing };

describe('pay (unifiedOrder AUTO_BAR)', () => {
  it.each([
    ['a refusal text', '余额不足'],
    ['a code-expired text', '付款码已过期'],
    ['"system error" (Jeepay sends it when the upstream call threw, maybe after a charge)', '系统异常'],
    ['"order update failed" (thrown after the channel confirmed the charge)', '更新订单异常!'],
    ['"order number exists" (an earlier request with it may be paid)', `商户订单[${ORDER}]已存在`],
    ['"merchant does not exist"', '商户不存在，请检查商户号'],
  ])('an unsigned 9999 with %s is unknown, never failed; the engine queries', async (_what, msg) => {
    script(customFail(msg), customFail('系统异常')); // the follow-up query gets no clear answer either
    const o = await ch.pay(payReq);
    expect(o).toEqual(unsignedUnknown(msg));
    expect(o.status === 'unknown' && o.reason).toContain('code 9999');
    expect(decidePay(o, ctx)).toMatchObject({ kind: 'wait', phase: 'querying' });
    expect(events).toEqual([]); // a plain error answer is not a security event (as WeChat's return_code=FAIL)
    expect(sent[0]?.path).toBe(JEEPAY_PATHS.pay);
    expect(sent[0]?.body).toMatchObject({ wayCode: 'AUTO_BAR', amount: 1_234, mchOrderNo: ORDER, channelExtra: JSON.stringify({ authCode: payReq.authCode }) });
    expect(sent[1]).toMatchObject({ path: JEEPAY_PATHS.query, body: { mchOrderNo: ORDER } });
  });

  it('an unsigned refusal is failed once the query says the number was never recorded (no charge possible)', async () => {
    script(customFail('付款码已过期'), customFail('订单不存在'));
    const o = await ch.pay(payReq);
    expect(o).toEqual({ status: 'failed', code: 'JEEPAY_REFUSED', message: '付款码已过期', unverified: true });
    expect(decidePay(o, ctx)).toMatchObject({ kind: 'fail' });
    expect(sent.map((x) => x.path)).toEqual([JEEPAY_PATHS.pay, JEEPAY_PATHS.query]);
  });

  it('an unsigned 9999 for an order that exists (signed on the query, even paid) stays unknown: the engine queries it', async () => {
    script(customFail('系统异常'), signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 2, amount: 1_234 }));
    expect(await ch.pay(payReq)).toEqual(unsignedUnknown('系统异常'));
  });

  it('other error codes, an empty message and a long one: unknown, the text kept but cut', async () => {
    const unclear = customFail('系统异常');
    script(customFail('参数有误[amount]', 11), unclear, customFail(''), unclear, customFail('很'.repeat(1_000)), unclear);
    expect(await ch.pay(payReq)).toEqual(unsignedUnknown('参数有误[amount]'));
    expect(await ch.pay(payReq)).toEqual(unsignedUnknown('(no message)'));
    const long = await ch.pay(payReq);
    expect(long).toEqual(unsignedUnknown('很很很'));
    expect(long.status === 'unknown' && long.reason.length).toBeLessThan(300);
  });

  it('an error answer with a sign attached is still an error answer: unknown', async () => {
    const data = { mchOrderNo: ORDER, orderState: 3 };
    script({ body: JSON.stringify({ code: 9999, msg: '失败', data, sign: jeepaySign(data, CONFIG.apiKey) }) }, customFail('系统异常'));
    expect(await ch.pay(payReq)).toEqual(unsignedUnknown('失败'));
  });

  it('a signed decline (orderState 3 with errCode/errMsg) is a definite failure', async () => {
    script(signed({ mchOrderNo: ORDER, payOrderId: 'P1', orderState: 3, errCode: 'NOTENOUGH', errMsg: '余额不足' }));
    const o = await ch.pay(payReq);
    expect(o).toEqual({ status: 'failed', code: 'NOTENOUGH', message: '余额不足' });
    expect(decidePay(o, ctx)).toMatchObject({ kind: 'fail' });
  });

  it('the same decline signed with another key is unknown, and a security event', async () => {
    script(signed({ mchOrderNo: ORDER, payOrderId: 'P1', orderState: 3, errCode: 'NOTENOUGH' }, 'other-key'));
    expect(await ch.pay(payReq)).toMatchObject({ status: 'unknown', code: 'BAD_SIGNATURE' });
    expect(events).toMatchObject([{ channel: 'jeepay', operation: 'pay', kind: 'bad_signature' }]);
  });

  it('a signed success is paid; a signed orderState 1 is waiting', async () => {
    script(signed({ mchOrderNo: ORDER, payOrderId: 'P1', orderState: 2, amount: 1_234 }), signed({ mchOrderNo: ORDER, payOrderId: 'P1', orderState: 1 }));
    expect(await ch.pay(payReq)).toMatchObject({ status: 'paid', transactionId: 'P1', paidFen: 1_234 });
    expect(await ch.pay(payReq)).toMatchObject({ status: 'waiting' });
  });

  it('code 0 without data (okWithSign(null)) is unknown', async () => {
    script({ body: JSON.stringify({ code: 0, msg: 'SUCCESS', data: null, sign: null }) });
    expect(await ch.pay(payReq)).toMatchObject({ status: 'unknown', code: 'UNPARSABLE' });
  });
});

describe('query', () => {
  it('an unsigned "订单不存在" is not_found: Jeepay has no other way to say it', async () => {
    script(customFail('订单不存在'));
    const o = await ch.query({ orderNo: ORDER });
    expect(o).toEqual({ status: 'not_found' });
    expect(decideQuery(o, ctx)).toMatchObject({ kind: 'wait' });
  });

  it.each(['商户不存在，请检查商户号', '商户应用[APP1]不存在或应用状态不可用', '系统异常：订单不存在'])('an unsigned "%s" is unknown, not not_found', async (msg) => {
    script(customFail(msg));
    const o = await ch.query({ orderNo: ORDER });
    expect(o).toEqual(unsignedUnknown(msg));
    expect(decideQuery(o, ctx)).toMatchObject({ kind: 'wait', phase: 'querying' });
    expect(events).toEqual([]);
  });

  it('signed states: 3 failed with its errCode, 4 reversed, 6 closed, 2 paid', async () => {
    const base = { mchOrderNo: ORDER, payOrderId: 'P1', amount: 1_234 };
    script(signed({ ...base, state: 3, errCode: 'AUTHCODEEXPIRE', errMsg: '付款码已过期' }), signed({ ...base, state: 4 }), signed({ ...base, state: 6 }), signed({ ...base, state: 2 }));
    expect(await ch.query({ orderNo: ORDER })).toEqual({ status: 'failed', code: 'AUTHCODEEXPIRE', message: '付款码已过期' });
    expect(await ch.query({ orderNo: ORDER })).toMatchObject({ status: 'failed', code: 'REVERSED' });
    expect(await ch.query({ orderNo: ORDER })).toMatchObject({ status: 'failed', code: 'CLOSED' });
    expect(await ch.query({ orderNo: ORDER })).toMatchObject({ status: 'paid', paidFen: 1_234 });
  });
});

describe('reverse (query, then close or refund)', () => {
  it('"order does not exist" on the query: nothing to reverse; any other unsigned text: look again', async () => {
    script(customFail('订单不存在'), customFail('商户不存在'));
    expect(await ch.reverse({ orderNo: ORDER })).toEqual({ status: 'reversed', action: 'none' });
    const o = await ch.reverse({ orderNo: ORDER });
    expect(o).toEqual(unsignedUnknown('商户不存在'));
    expect(decideReverse(o, { now: clock.now(), timing }, 1)).toMatchObject({ kind: 'retry' });
    expect(sent.map((s) => s.path)).toEqual([JEEPAY_PATHS.query, JEEPAY_PATHS.query]);
  });

  it.each(['订单不存在', '当前订单不可关闭'])('a waiting order whose close answers an unsigned "%s" is unknown', async (msg) => {
    script(signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 1 }), customFail(msg));
    expect(await ch.reverse({ orderNo: ORDER })).toEqual(unsignedUnknown(msg));
    expect(sent.map((s) => s.path)).toEqual([JEEPAY_PATHS.query, JEEPAY_PATHS.close]);
  });

  it('a waiting order closed with a signed answer is reversed (close); a signed failed order needs nothing', async () => {
    script(signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 1 }), signed({ mchOrderNo: ORDER }), signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 3 }));
    expect(await ch.reverse({ orderNo: ORDER })).toEqual({ status: 'reversed', action: 'close' });
    expect(await ch.reverse({ orderNo: ORDER })).toEqual({ status: 'reversed', action: 'close' });
  });

  it('an order Jeepay failed on a wallet system error (20000 / ACQ.SYSTEM_ERROR) is not "closed" nor reversed: maybe charged, said with its code', async () => {
    script(
      signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 3, errCode: 'ACQ.SYSTEM_ERROR', errMsg: '系统错误' }),
      signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 3, errCode: '20000', errMsg: 'Service Currently Unavailable' }),
    );
    expect(await ch.reverse({ orderNo: ORDER })).toMatchObject({ status: 'failed', code: 'ACQ.SYSTEM_ERROR' });
    expect(await ch.reverse({ orderNo: ORDER })).toMatchObject({ status: 'failed', code: '20000' });
  });

  it('a paid order whose refund answers an unsigned 9999 is unknown, not failed', async () => {
    script(signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 2, amount: 1_234 }), customFail('退款订单不存在'), customFail('系统异常'), customFail('系统异常'));
    expect(await ch.reverse({ orderNo: ORDER })).toEqual(unsignedUnknown('系统异常'));
    expect(sent[1]).toMatchObject({ path: JEEPAY_PATHS.refundQuery, body: { mchRefundNo: `${ORDER}RV` } });
    expect(sent[2]).toMatchObject({ path: JEEPAY_PATHS.refund, body: { mchRefundNo: `${ORDER}RV`, refundAmount: 1_234 } });
  });

  it('a paid order whose reverse refund RV Jeepay signed as failed goes under RV2, one refund request per call', async () => {
    const paidOrder = signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 2, amount: 1_234 });
    script(paidOrder, signed({ mchRefundNo: `${ORDER}RV`, refundOrderId: 'RF1', refundAmount: 1_234, state: 3, errMsg: '余额不足' }), customFail('退款订单不存在'));
    script(signed({ mchOrderNo: ORDER, refundOrderId: 'RF2', mchRefundNo: `${ORDER}RV2`, refundAmount: 1_234, state: 2 }));
    expect(await ch.reverse({ orderNo: ORDER })).toEqual({ status: 'reversed', action: 'refund' });
    expect(sent.map((x) => [x.path, x.body.mchRefundNo])).toEqual([
      [JEEPAY_PATHS.query, undefined],
      [JEEPAY_PATHS.refundQuery, `${ORDER}RV`],
      [JEEPAY_PATHS.refundQuery, `${ORDER}RV2`],
      [JEEPAY_PATHS.refund, `${ORDER}RV2`],
    ]);
  });

  it('a reverse refund still in progress, or already done, is not sent again', async () => {
    const paidOrder = signed({ mchOrderNo: ORDER, payOrderId: 'P1', state: 2, amount: 1_234 });
    const rv = { mchRefundNo: `${ORDER}RV`, refundOrderId: 'RF1', refundAmount: 1_234 };
    script(paidOrder, signed({ ...rv, state: 1 }), paidOrder, signed({ ...rv, state: 2 }));
    expect(await ch.reverse({ orderNo: ORDER })).toMatchObject({ status: 'retry' });
    expect(await ch.reverse({ orderNo: ORDER })).toEqual({ status: 'reversed', action: 'refund' });
    expect(sent.filter((x) => x.path === JEEPAY_PATHS.refund)).toEqual([]);
  });
});

describe('refund and refund query', () => {
  const refundReq = { orderNo: ORDER, refundNo: 'R1', totalFen: 1_234, refundFen: 500 };

  it.each(['订单不存在', `商户退款订单号[R1]已存在`, '系统异常'])('an unsigned "%s" on refund is unknown, not failed, while the refund number is not shown unrecorded', async (msg) => {
    script(customFail(msg), customFail('系统异常'));
    expect(await ch.refund(refundReq)).toEqual(unsignedUnknown(msg));
    expect(sent.map((x) => x.path)).toEqual([JEEPAY_PATHS.refund, JEEPAY_PATHS.refundQuery]);
  });

  it('a refund number Jeepay already holds (已存在) is answered by its signed state: succeeded, in progress or failed', async () => {
    const held = { mchRefundNo: 'R1', refundOrderId: 'RF1', refundAmount: 500 };
    const exists = customFail('商户退款订单号[R1]已存在');
    script(exists, signed({ ...held, state: 2 }), exists, signed({ ...held, state: 1 }), exists, signed({ ...held, state: 3, errMsg: '余额不足' }));
    expect(await ch.refund(refundReq)).toMatchObject({ status: 'succeeded', refundId: 'RF1', refundFen: 500 });
    expect(await ch.refund(refundReq)).toMatchObject({ status: 'accepted', refundFen: 500 });
    expect(await ch.refund(refundReq)).toEqual({ status: 'failed', code: 'REFUND_FAILED', message: '余额不足' });
  });

  it('an unsigned refusal whose refund number Jeepay then says it never recorded is failed (nothing refunded)', async () => {
    script(customFail('退款金额超过订单可退款金额'), customFail('退款订单不存在'));
    expect(await ch.refund(refundReq)).toEqual({ status: 'failed', code: 'JEEPAY_REFUSED', message: '退款金额超过订单可退款金额', unverified: true });
  });

  it('a signed refund state 3 is failed; state 2 succeeded', async () => {
    script(signed({ mchOrderNo: ORDER, refundOrderId: 'RF1', mchRefundNo: 'R1', refundAmount: 500, state: 3, errCode: 'REFUND_REFUSED', errMsg: '余额不足' }));
    script(signed({ mchOrderNo: ORDER, refundOrderId: 'RF1', mchRefundNo: 'R1', refundAmount: 500, state: 2 }));
    expect(await ch.refund(refundReq)).toEqual({ status: 'failed', code: 'REFUND_REFUSED', message: '余额不足' });
    expect(await ch.refund(refundReq)).toMatchObject({ status: 'succeeded', refundId: 'RF1', refundFen: 500 });
  });

  it.each(['退款订单不存在', '订单不存在'])('an unsigned "%s" on the refund query is not_found: the same number may be sent again', async (msg) => {
    script(customFail(msg), customFail('系统异常'));
    const o = await ch.queryRefund({ orderNo: ORDER, refundNo: 'R1' });
    expect(o).toEqual({ status: 'not_found' });
    expect(decideRefundQuery(o, { now: clock.now(), timing, expectedFen: 500 }, 1)).toMatchObject({ kind: 'resend' });
    const unclear = await ch.queryRefund({ orderNo: ORDER, refundNo: 'R1' });
    expect(unclear).toEqual(unsignedUnknown('系统异常'));
    expect(decideRefundQuery(unclear, { now: clock.now(), timing, expectedFen: 500 }, 1)).toMatchObject({ kind: 'poll' });
    expect(sent[0]).toMatchObject({ path: JEEPAY_PATHS.refundQuery, body: { mchRefundNo: 'R1' } });
  });

  it('signed refund query states: 3 failed, 1 processing, 2 succeeded', async () => {
    const base = { mchRefundNo: 'R1', refundOrderId: 'RF1', refundAmount: 500 };
    script(signed({ ...base, state: 3, errMsg: '退款失败' }), signed({ ...base, state: 1 }), signed({ ...base, state: 2 }));
    expect(await ch.queryRefund({ orderNo: ORDER, refundNo: 'R1' })).toEqual({ status: 'failed', code: 'REFUND_FAILED', message: '退款失败' });
    expect(await ch.queryRefund({ orderNo: ORDER, refundNo: 'R1' })).toEqual({ status: 'processing' });
    expect(await ch.queryRefund({ orderNo: ORDER, refundNo: 'R1' })).toMatchObject({ status: 'succeeded', refundFen: 500 });
  });
});

describe('downloadBill errors', () => {
  it('"the bill does not exist" is no bill; "the merchant does not exist" is a setup error, never "no bill"', async () => {
    for (const msg of ['账单不存在', '该日账单数据不存在', 'The bill does not exist', 'Bill not exist', '对账单未生成']) {
      script(customFail(msg));
      expect(await ch.downloadBill('2026-11-24'), msg).toMatchObject({ status: 'no_bill' });
    }
    script(customFail('商户或应用不存在'));
    expect(await ch.downloadBill('2026-11-24')).toMatchObject({ status: 'failed', code: 'JEEPAY_9999', message: '商户或应用不存在' });
  });
});
