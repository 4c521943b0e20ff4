/**
 * A Jeepay order the cashier cancelled while the customer was paying, which Jeepay then records as failed on
 * Alipay's system error (state 3, ACQ.SYSTEM_ERROR): no proof nothing was charged, and Jeepay never asks
 * Alipay again, nor closes or refunds it. The attempt ends failed with that code, and the cashier is told
 * the customer may have been charged (a person checks at the wallet's merchant platform), never "anything
 * charged goes back by itself".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { createJeepayChannel } from '../channels/jeepay/adapter';
import { JEEPAY_PATHS, jeepaySign, type JeepayValue } from '../channels/jeepay/sign';
import { type HttpRequest, type HttpResponse } from '../channels/transport';
import { paymentAdvice } from '../../../shared/payments/advice';
import { createManualClock } from '../../clock';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const CONFIG = { baseUrl: 'https://aggregator.test', mchNo: 'M1', appId: 'APP1', apiKey: 'secret-key' };
const signedBody = (data: Record<string, JeepayValue>): string => {
  const all = { mchNo: CONFIG.mchNo, appId: CONFIG.appId, ...data };
  return JSON.stringify({ code: 0, msg: 'SUCCESS', data: all, sign: jeepaySign(all, CONFIG.apiKey) });
};

describe('Jeepay reverse of an order failed on a wallet system error', () => {
  it('does not promise the customer an automatic give-back that nothing will do', async () => {
    let orderState: Record<string, JeepayValue> = { state: 1 };
    const paths: string[] = [];
    const clock = createManualClock();
    const jp = createJeepayChannel(CONFIG, {
      clock,
      send: (req: HttpRequest): Promise<HttpResponse> => {
        const path = new URL(req.url).pathname;
        paths.push(path);
        const body = JSON.parse(String(req.body)) as Record<string, JeepayValue>;
        let text: string;
        if (path === JEEPAY_PATHS.pay) text = signedBody({ mchOrderNo: body.mchOrderNo, payOrderId: 'P1', orderState: 1 });
        else if (path === JEEPAY_PATHS.query) text = signedBody({ mchOrderNo: body.mchOrderNo, payOrderId: 'P1', amount: 700, ...orderState });
        else text = JSON.stringify({ code: 9999, msg: '系统异常' });
        return Promise.resolve({ status: 200, headers: {}, body: Buffer.from(text, 'utf8') });
      },
    });
    t = await startPaymentsHost({ payments: { fakes: { jeepay: jp } } });
    const p = t.host.ctx.settings().payments;
    await t.must('settings.update', { payments: { ...p, routing: { ...p.routing, alipay: 'aggregator' } } });
    const saleId = await t.openSale(700);
    const a = await t.must('payment.start', { saleId, code: codes.alipay() });
    expect(a.gateway).toBe('jeepay');
    await t.advance(2_000, 500);
    // The customer is entering the password; the cashier cancels. Alipay then fails with a system error
    // (which Jeepay records as failed, state 3, and never asks about again).
    orderState = { state: 3, errCode: 'ACQ.SYSTEM_ERROR', errMsg: '系统错误' };
    await t.must('payment.cancel', { attemptId: a.id });
    await t.until(async () => (await t?.must('payment.get', { attemptId: a.id }))?.state === 'failed', { advanceMs: 1_000, what: 'ended' });
    const ended = await t.must('payment.get', { attemptId: a.id });
    const row = t.host.ctx.db.prepare('SELECT late_check_ms, reverse_refund_no FROM payment_attempts WHERE id = ?').get(a.id);
    const before = paths.length;
    await t.advance(30 * 60_000, 30_000);
    // Nothing will ever give the possible charge back: no late check, no refund, no further call.
    expect(row).toEqual({ late_check_ms: null, reverse_refund_no: null });
    expect(paths.length).toBe(before);
    expect(ended.reason).toContain('holds no payment (ACQ.SYSTEM_ERROR)');
    expect(paymentAdvice(ended)).toBe('failed_unclear');
  });
});
