/**
 * Signed answers whose amounts no till could act on: "paid 0 fen" (or -0, or beyond MAX_FEN) is unknown at
 * every adapter and in the engine (no give-back of 0 fen thrown on every 5 s), and a Jeepay reverse whose
 * refund reports another amount than the charge is not taken as given back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock';
import { createLogger } from '../../log';
import { createJeepayChannel } from '../channels/jeepay/adapter';
import { JEEPAY_PATHS, jeepaySign, type JeepayValue } from '../channels/jeepay/sign';
import { createWechatChannel } from '../channels/wechat/adapter';
import { wechatSign } from '../channels/wechat/sign';
import { buildWechatXml, parseWechatXml } from '../channels/wechat/xml';
import { createUnionpayChannel } from '../channels/unionpay/adapter';
import { unionpaySign } from '../channels/unionpay/protocol';
import { type HttpRequest, type HttpResponse } from '../channels/transport';
import { type PaymentChannel } from '../channels/types';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { createFakeChannel, paid } from './testing/fake-channel';

const ok = (text: string): Promise<HttpResponse> => Promise.resolve({ status: 200, headers: {}, body: Buffer.from(text, 'utf8') });
const JP = { baseUrl: 'https://aggregator.test', mchNo: 'M1', appId: 'APP1', apiKey: 'secret-key' };
const jpSigned = (data: Record<string, JeepayValue>): string => {
  const all = { mchNo: JP.mchNo, appId: JP.appId, ...data };
  return JSON.stringify({ code: 0, msg: 'SUCCESS', data: all, sign: jeepaySign(all, JP.apiKey) });
};
const jeepay = (amount: number) =>
  createJeepayChannel(JP, {
    clock: createManualClock(),
    send: (req: HttpRequest) => {
      const path = new URL(req.url).pathname;
      const b = JSON.parse(String(req.body)) as Record<string, JeepayValue>;
      if (path === JEEPAY_PATHS.pay) return ok('<html>502</html>');
      if (path === JEEPAY_PATHS.query) return ok(jpSigned({ mchOrderNo: b.mchOrderNo, payOrderId: 'P20261125000001', amount, state: 2 }));
      if (path === JEEPAY_PATHS.refundQuery) return ok(JSON.stringify({ code: 9999, msg: '退款订单不存在' }));
      return ok(JSON.stringify({ code: 9999, msg: '系统异常' }));
    },
  });

const WX = { baseUrl: 'http://wechat.invalid', appId: 'wx1', mchId: '1900000109', apiKey: 'k'.repeat(32) };
const wxSigned = (fields: Record<string, string>): string => buildWechatXml({ ...fields, sign: wechatSign(fields, WX.apiKey, 'HMAC-SHA256') });
const UP = { baseUrl: 'http://up.invalid', merId: 'M777', key: 'upkey' };

describe('adapters: a signed paid answer of 0 fen', () => {
  it.each([0, -0])('Jeepay reverse of an order the query reports paid %d fen resolves (never throws)', async (amount) => {
    await expect(jeepay(amount).reverse({ orderNo: 'ORD1' })).resolves.toBeDefined();
  });
  it('Jeepay query: a paid order of 0 fen is no usable payment (as Alipay says: unknown)', async () => {
    expect((await jeepay(0).query({ orderNo: 'ORD1' })).status).toBe('unknown');
  });
  it('WeChat query: total_fee "0" is no usable payment (as Alipay says: unknown)', async () => {
    const wx = createWechatChannel(WX, { clock: createManualClock(), send: () => ok(wxSigned({ return_code: 'SUCCESS', result_code: 'SUCCESS', appid: 'wx1', mch_id: WX.mchId, nonce_str: 'n', out_trade_no: 'ORD1', trade_state: 'SUCCESS', transaction_id: '4200000000202611250000000001', total_fee: '0', time_end: '20261125100000' })) });
    expect((await wx.query({ orderNo: 'ORD1' })).status).toBe('unknown');
  });
  it('UnionPay query: txnAmt "0" is no usable payment (as Alipay says: unknown)', async () => {
    const msg: Record<string, string> = { merId: UP.merId, orderId: 'ORD1', respCode: '00', txnState: 'SUCCESS', queryId: 'Q20261125000001', txnAmt: '0', payTime: '20261125100000' };
    msg.signature = unionpaySign(msg, UP.key);
    const up = createUnionpayChannel(UP, { clock: createManualClock(), send: () => ok(JSON.stringify(msg)) });
    expect((await up.query({ orderNo: 'ORD1' })).status).toBe('unknown');
  });
});


let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('engine', () => {
  it('Jeepay: a pay answer lost, the query says "paid 0 fen": the give-back never throws in a loop', async () => {
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', sink: (line) => void errors.push(line) });
    t = await startPaymentsHost({ logger, payments: { fakes: { jeepay: jeepay(0) } } });
    const p = t.host.ctx.settings().payments;
    await t.must('settings.update', { payments: { ...p, routing: { ...p.routing, alipay: 'aggregator' } } });
    const saleId = await t.openSale(1000);
    const a = await t.must('payment.start', { saleId, code: codes.alipay() });
    await t.advance(120_000, 1_000);
    const after = await t.must('payment.get', { attemptId: a.id });
    const stepFailures = errors.filter((l) => l.includes('payment step failed'));
    expect(stepFailures.length, `${after.state}: ${after.reason}\n${stepFailures[0] ?? ''}`).toBe(0);
  });

  it('WeChat: reverse refused (REVERSE_EXPIRE), the order found "paid 0 fen": the give-back refund of 0 never throws in a loop', async () => {
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', sink: (line) => void errors.push(line) });
    const send = async (req: HttpRequest): Promise<HttpResponse> => {
      const f = parseWechatXml(String(req.body));
      const base = { return_code: 'SUCCESS', appid: 'wx1', mch_id: WX.mchId, nonce_str: 'n' };
      if (req.url.endsWith('/pay/micropay')) return ok('<html>502</html>');
      if (req.url.endsWith('/pay/orderquery')) return ok(wxSigned({ ...base, result_code: 'SUCCESS', out_trade_no: f.out_trade_no ?? '', trade_state: 'SUCCESS', transaction_id: '4200000000202611250000000001', total_fee: '0', time_end: '20261125100000' }));
      if (req.url.endsWith('/secapi/pay/reverse')) return ok(wxSigned({ ...base, result_code: 'FAIL', err_code: 'REVERSE_EXPIRE', recall: 'N' }));
      if (req.url.endsWith('/pay/refundquery')) return ok(wxSigned({ ...base, result_code: 'FAIL', err_code: 'REFUNDNOTEXIST' }));
      return ok(wxSigned({ ...base, result_code: 'FAIL', err_code: 'SYSTEMERROR' }));
    };
    t = await startPaymentsHost({ logger, payments: { channels: { wechat: WX }, channelDeps: { send } } });
    const saleId = await t.openSale(1000);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(120_000, 1_000);
    const after = await t.must('payment.get', { attemptId: a.id });
    const stepFailures = errors.filter((l) => l.includes('payment step failed'));
    expect(stepFailures.length, `${after.state}: ${after.reason}\n${stepFailures[0] ?? ''}`).toBe(0);
  });
});

describe('adapters: a signed paid answer beyond any sale (> MAX_FEN)', () => {
  it('Jeepay reverse of an order the query reports paid 20 000 000 000 fen resolves (never throws)', async () => {
    await expect(jeepay(20_000_000_000).reverse({ orderNo: 'ORD1' })).resolves.toBeDefined();
  });
});

function channel(refundAnswer: 'refund' | 'refundQuery', refundAmount: number) {
  const refunds: { refundNo: string; amount: number }[] = [];
  const jp = createJeepayChannel(JP, {
    clock: createManualClock(),
    send: (req: HttpRequest) => {
      const path = new URL(req.url).pathname;
      const b = JSON.parse(String(req.body)) as Record<string, JeepayValue>;
      if (path === JEEPAY_PATHS.pay) return ok('<html>502</html>');
      if (path === JEEPAY_PATHS.query) return ok(jpSigned({ mchOrderNo: b.mchOrderNo, payOrderId: 'P20261125000001', amount: 1000, state: 2 }));
      if (path === JEEPAY_PATHS.refundQuery) {
        if (refundAnswer === 'refundQuery') return ok(jpSigned({ refundOrderId: 'R1', payOrderId: 'P20261125000001', mchRefundNo: b.mchRefundNo, payAmount: 1000, refundAmount, state: 2 }));
        return ok(JSON.stringify({ code: 9999, msg: '退款订单不存在' }));
      }
      if (path === JEEPAY_PATHS.refund) {
        refunds.push({ refundNo: String(b.mchRefundNo), amount: Number(b.refundAmount) });
        return ok(jpSigned({ refundOrderId: 'R1', mchOrderNo: b.mchOrderNo, mchRefundNo: b.mchRefundNo, payAmount: 1000, refundAmount, state: 2 }));
      }
      return ok('{}');
    },
  });
  return { jp, refunds };
}

describe('adapter: Jeepay reverse of a paid 1000-fen order', () => {
  it.each(['refund', 'refundQuery'] as const)('a signed %s answer saying only 1 fen was refunded is not a reversal of the 1000 fen charge', async (where) => {
    const { jp } = channel(where, 1);
    const r = await jp.reverse({ orderNo: 'ORD1' });
    // Expected: not "reversed" (999 fen are still charged); unknown/retry so that it is looked at again.
    expect(r.status).not.toBe('reversed');
  });
});


describe('engine: cashier cancels a Jeepay payment whose pay answer was garbage (charged 1000 fen)', () => {
  it('the attempt is not ended "reversed" on a refund answer that gives back 1 fen of 1000', async () => {
    const { jp, refunds } = channel('refund', 1);
    t = await startPaymentsHost({ payments: { fakes: { jeepay: jp } } });
    const p = t.host.ctx.settings().payments;
    await t.must('settings.update', { payments: { ...p, routing: { ...p.routing, alipay: 'aggregator' } } });
    const saleId = await t.openSale(1000);
    // The till's query would say paid: cancel right after the garbage pay answer, before the first query.
    const a = await t.must('payment.start', { saleId, code: codes.alipay() });
    await t.flush();
    await t.must('payment.cancel', { attemptId: a.id });
    await t.advance(30_000, 500);
    const after = await t.must('payment.get', { attemptId: a.id });
    expect(new Set(refunds.map((r) => r.refundNo))).toEqual(new Set([`${a.orderNo}RV`]));
    // Only 1 fen of the customer's 1000 went back: the give-back is not done.
    expect(after.state, after.reason ?? '').not.toBe('reversed');
  });
});

describe('engine: a channel that says "paid 0 fen" (whatever its adapter let through)', () => {
  it('is never kept as the payment: queried as unclear, then reversed at the deadline, nothing thrown', async () => {
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', sink: (line) => void errors.push(line) });
    const wx = createFakeChannel('wechat');
    // The reverse is refused as too late, so the give-back asks the order's state and would refund what it says.
    const zero: PaymentChannel = { ...wx, pay: async () => ({ status: 'unknown', reason: 'lost', retryable: true }), query: async () => paid(0), reverse: async () => ({ status: 'failed', code: 'REVERSE_EXPIRE', message: 'too late' }) };
    t = await startPaymentsHost({ logger, payments: { fakes: { wechat: zero } } });
    const saleId = await t.openSale(1000);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(120_000, 1_000);
    const after = await t.must('payment.get', { attemptId: a.id });
    expect(after.state).not.toBe('succeeded');
    expect(errors.filter((l) => l.includes('payment step failed'))).toEqual([]);
    expect((await t.must('sale.get', { saleId })).status).not.toBe('paid');
  });
});
