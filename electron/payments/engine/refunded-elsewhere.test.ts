/**
 * A charge being given back that was partly or wholly refunded outside the till meanwhile (a manager refunded
 * it from the merchant app while the till showed "pending"): the give-back refund of the whole charge is
 * refused for good. The order does not say how much is left, so the attempt ends, said to be for a person
 * (the day's bill shows what the channel kept), instead of retrying the refusal for ever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxChannelConfig } from '../channels/index';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { sharedKeys } from '../../sandbox/testing';
import { createFakeChannel, deferred } from './testing/fake-channel';
import { type PaymentsTestHost, codes, lateClock, startPaymentsHost } from './testing/harness';
import { type PayOutcome, type RefundOutcome } from '../channels/types';
import { LATE_CHARGE_CHECK_AFTER_MS } from './reversal';
import { paymentAdvice } from '../../../shared/payments/advice';

let t: PaymentsTestHost | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await t?.dispose();
  await sandbox?.close();
  t = undefined;
  sandbox = undefined;
});

const HOUR = 3_600_000;
const PAID_REFUNDED = { status: 'paid', transactionId: '2026112522001400000000000001', paidFen: 700, paidAt: '2026-11-25T10:00:00+08:00', refunded: true } as const;

/** An Alipay payment left unanswered, found paid-and-refunded after the till was off past the 24 h cancel window. */
async function givenBackPastTheWindow(refund: RefundOutcome | ((req: { refundFen?: number }) => RefundOutcome)) {
  const ali = createFakeChannel('alipay');
  t = await startPaymentsHost({ payments: { fakes: { alipay: ali } } });
  ali.defaults.query = PAID_REFUNDED;
  ali.defaults.queryRefund = { status: 'not_found' };
  ali.defaults.refund = refund;
  const hang = deferred<PayOutcome>();
  ali.queue('pay', () => hang.promise);
  const saleId = await t.openSale(700);
  const a = await t.must('payment.start', { saleId, code: codes.alipay() });
  await t.restart(() => t?.clock.advance(25 * HOUR));
  await t.advance(2 * HOUR, 30_000);
  return { ali, saleId, attemptId: a.id };
}

describe('a charge to give back that was refunded outside the till', () => {
  it('partly: the refusal of the whole charge ends the attempt, for a person to give back the rest', async () => {
    let refundedFen = 200;
    const { ali, saleId, attemptId } = await givenBackPastTheWindow((req) => {
      if ((req.refundFen ?? 0) + refundedFen > 700) return { status: 'failed', code: 'ACQ.REFUND_FEE_ERROR', message: '退款金额超限' };
      refundedFen += req.refundFen ?? 0;
      return { status: 'succeeded', refundId: 'RF1', refundFen: req.refundFen ?? 0 };
    });
    expect(await t?.must('payment.get', { attemptId })).toMatchObject({ state: 'reversed', reason: expect.stringMatching(/refunded outside the till; anything left of it is to be given back at the merchant platform/) });
    expect(ali.count('refund')).toBe(1);
    // The sale is free: nothing of it is held by the attempt any more.
    expect(await t?.must('sale.get', { saleId })).toMatchObject({ status: 'open', paidFen: 0 });
    expect(await t?.must('payment.unresolved')).toEqual([]);
  });

  it('wholly: the same, after one refused refund (never a refusal a minute for ever)', async () => {
    const { ali, attemptId } = await givenBackPastTheWindow({ status: 'failed', code: 'ACQ.TRADE_HAS_FINISHED', message: '交易已完结' });
    expect((await t?.must('payment.get', { attemptId }))?.state).toBe('reversed');
    expect(ali.count('refund')).toBe(1);
  });

  it('a refusal for another reason (the merchant balance short) is retried, as before', async () => {
    const ali = createFakeChannel('alipay');
    t = await startPaymentsHost({ payments: { fakes: { alipay: ali } } });
    ali.defaults.query = { ...PAID_REFUNDED, refunded: undefined };
    ali.defaults.queryRefund = { status: 'not_found' };
    ali.defaults.refund = { status: 'failed', code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH', message: '卖家余额不足' };
    const hang = deferred<PayOutcome>();
    ali.queue('pay', () => hang.promise);
    const saleId = await t.openSale(700);
    const a = await t.must('payment.start', { saleId, code: codes.alipay() });
    await t.restart(() => t?.clock.advance(25 * HOUR));
    await t.advance(HOUR, 30_000);
    expect((await t.must('payment.get', { attemptId: a.id })).state).toBe('reversing');
    expect(ali.count('refund')).toBeGreaterThan(3);
  });

  it('Alipay through its real adapter (its query has no refund field): "over what is left" is the sign', async () => {
    const clock = lateClock();
    sandbox = await startSandbox({ clock, keys: sharedKeys() });
    t = await startPaymentsHost({ payments: { channels: sandboxChannelConfig(sandbox) } });
    clock.bind(t.clock);
    const p = t.host.ctx.settings().payments;
    const timings = Object.fromEntries(Object.entries(p.timings).map(([k, v]) => [k, { ...v, requestTimeoutMs: 400 }])) as typeof p.timings;
    await t.must('settings.update', { payments: { ...p, timings } });
    // .55: charged, the answer lost; 2 yuan of it refunded by hand at the merchant platform; the till off 25 h.
    const saleId = await t.openSale(1055);
    const a = await t.must('payment.start', { saleId, code: codes.alipay() });
    await t.until(() => sandbox?.ledger.snapshot().orders.find((o) => o.orderNo === a.orderNo)?.status === 'paid', { what: 'charged' });
    expect(sandbox.ledger.refund('alipay', a.orderNo, 'HAND0001', 200)).toMatchObject({ kind: 'ok' });
    await t.restart(() => t?.clock.advance(25 * HOUR));
    await t.advance(2 * HOUR, 30_000);
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversed', reason: expect.stringMatching(/refunded outside the till/) });
    // What is left (855 fen) stays with the merchant for a person to give back: the till refunded nothing more.
    expect(sandbox.ledger.snapshot().orders.find((o) => o.orderNo === a.orderNo)?.refundedFen).toBe(200);
  });

  it('Jeepay (reverse at any age): its own RV refund landed with the answer lost, the till off 25 h: found, ended, never refunded twice', async () => {
    const clock = lateClock();
    sandbox = await startSandbox({ clock, keys: sharedKeys() });
    const h = (t = await startPaymentsHost({ payments: { channels: sandboxChannelConfig(sandbox) } }));
    clock.bind(h.clock);
    const p = h.host.ctx.settings().payments;
    const timings = Object.fromEntries(Object.entries(p.timings).map(([k, v]) => [k, { ...v, requestTimeoutMs: 400 }])) as typeof p.timings;
    await h.must('settings.update', { payments: { ...p, timings, routing: { ...p.routing, wechat: 'aggregator' } } });
    const saleId = await h.openSale(1055); // .55: charged, the answer lost
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await h.until(() => sandbox?.ledger.snapshot().orders.find((o) => o.orderNo === a.orderNo)?.status === 'paid', { what: 'charged' });
    // The cashier gives up; the reverse refunds under <order>RV, and that answer is lost too.
    sandbox.setScenario({ scenario: 'lost', operation: 'refund', channel: 'jeepay', count: 1 });
    await h.must('payment.cancel', { attemptId: a.id });
    await h.until(() => (sandbox?.ledger.order('jeepay', a.orderNo)?.refundedFen ?? 0) === 1055, { advanceMs: 1_000, what: 'RV refund landed' });
    await h.restart(() => h.clock.advance(25 * HOUR));
    await h.advance(2 * HOUR, 30_000);
    expect((await h.must('payment.get', { attemptId: a.id })).state).toBe('reversed');
    expect(sandbox.ledger.order('jeepay', a.orderNo)?.refundedFen).toBe(1055);
  });

  it('found by a late check (charged after "no such order", then refunded by hand): the screen says so, no longer "nothing so far"', async () => {
    const wx = createFakeChannel('wechat');
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT: no answer', retryable: true });
    wx.defaults.query = { status: 'not_found' };
    wx.defaults.reverse = { status: 'reversed', action: 'none' };
    const saleId = await t.openSale(2_345);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(46_000);
    expect(paymentAdvice(await t.must('payment.get', { attemptId: a.id }))).toBe('reversed_nothing_so_far');
    wx.defaults.query = { status: 'paid', transactionId: '4200000000000000000000000077', paidFen: 2_345, paidAt: '2026-11-25T10:00:00+08:00', refunded: true };
    await t.advance(LATE_CHARGE_CHECK_AFTER_MS, 10_000);
    const ended = await t.must('payment.get', { attemptId: a.id });
    expect(t.host.ctx.db.prepare('SELECT late_check_ms FROM payment_attempts WHERE id = ?').pluck().get(a.id)).toBeNull();
    expect(wx.count('refund')).toBe(0);
    expect(paymentAdvice(ended)).toBe('refunded_elsewhere');
  });
});
