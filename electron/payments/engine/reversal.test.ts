/**
 * Giving a charge back after the reverse window (reversal.ts): past the window the engine does not call
 * reverse/cancel; it checks the order, and when it is paid refunds the whole charge with a refund number of
 * its own (`reverse_refund_no`), fixed once and reused on every retry and after a restart, so the money
 * goes back exactly once. Manual clock and scripted fake channels: deterministic.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeChannel, createFakeChannel, deferred, paid } from './testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { type PayOutcome, type RefundOutcome } from '../channels/types';
import { type Gateway } from '../../../shared/sales/views';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const AMOUNT = 4321;
const HOUR = 3_600_000;

async function setup(): Promise<{ t: PaymentsTestHost; wx: FakeChannel; ali: FakeChannel }> {
  const wx = createFakeChannel('wechat');
  const ali = createFakeChannel('alipay');
  t = await startPaymentsHost({ payments: { fakes: { wechat: wx, alipay: ali } } });
  return { t, wx, ali };
}

/** The channel's side of refunds: a refund number refunds once (WeChat out_refund_no, Alipay out_request_no). */
function refundBook(fake: FakeChannel): { arrive(refundNo: string | undefined): void; numbers(): string[]; totalFen(): number } {
  const refunded = new Map<string, number>();
  const arrive = (refundNo = ''): void => {
    if (!refunded.has(refundNo)) refunded.set(refundNo, AMOUNT);
  };
  fake.defaults.queryRefund = (req) => (refunded.has(req.refundNo ?? '') ? { status: 'succeeded', refundId: `RF-${req.refundNo}`, refundFen: AMOUNT } : { status: 'not_found' });
  fake.defaults.refund = (req): RefundOutcome => {
    arrive(req.refundNo);
    return { status: 'succeeded', refundId: `RF-${req.refundNo}`, refundFen: AMOUNT };
  };
  return { arrive, numbers: () => [...refunded.keys()], totalFen: () => [...refunded.values()].reduce((s, v) => s + v, 0) };
}

const windowMs = (h: PaymentsTestHost, g: Gateway): number => h.host.ctx.settings().payments.timings[g].reverseWindowHours * HOUR;

/**
 * A charge whose answer was lost: the pay request is in flight when the till goes down, and the till stays
 * off for `awayMs`. On the way back the channel says the order is paid; the sale was long abandoned, so the
 * charge must be given back.
 */
async function chargedThenAway(h: PaymentsTestHost, fake: FakeChannel, code: string, awayMs: number): Promise<{ saleId: string; attemptId: string; orderNo: string }> {
  const hang = deferred<PayOutcome>();
  fake.queue('pay', () => hang.promise);
  fake.defaults.query = paid(AMOUNT);
  const saleId = await h.openSale(AMOUNT);
  const a = await h.must('payment.start', { saleId, code });
  await h.restart(() => h.clock.advance(awayMs));
  await h.flush();
  return { saleId, attemptId: a.id, orderNo: a.orderNo };
}

const reverseRefundNo = (h: PaymentsTestHost, attemptId: string): string | null =>
  (h.host.ctx.db.prepare('SELECT reverse_refund_no AS no FROM payment_attempts WHERE id = ?').get(attemptId) as { no: string | null }).no;

const progressReasons = (h: PaymentsTestHost, attemptId: string): string[] =>
  h.events
    .filter((e) => e.event === 'payment.progress' && (e.payload as { attemptId: string }).attemptId === attemptId)
    .map((e) => `${(e.payload as { phase: string }).phase}: ${(e.payload as { reason: string | null }).reason ?? ''}`);

describe('past the reverse window: the charge is refunded, once', () => {
  it.each([
    { gateway: 'wechat' as const, code: codes.wechat },
    { gateway: 'alipay' as const, code: codes.alipay },
  ])('$gateway: no reverse call; checked, then refunded with its own number; an unclear refund answer is asked about, not sent again', async ({ gateway, code }) => {
    const { t, wx, ali } = await setup();
    const fake = gateway === 'wechat' ? wx : ali;
    const book = refundBook(fake);
    // The first refund reaches the channel but its answer is lost (a timeout).
    fake.queue('refund', (req) => {
      book.arrive(req.refundNo);
      return { status: 'unknown', reason: 'TIMEOUT: no answer', retryable: true };
    });
    const { saleId, attemptId, orderNo } = await chargedThenAway(t, fake, code(), windowMs(t, gateway) + HOUR);

    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversing', phase: 'refunding' });
    const refundNo = reverseRefundNo(t, attemptId);
    expect(refundNo).toMatch(/^[0-9a-f]{32}$/);
    expect(fake.calls.filter((c) => c.op === 'refund')).toEqual([{ op: 'refund', orderNo, refundNo, amountFen: AMOUNT }]);
    // The refund was decided on a fresh look at the order: query (recovery), query (the check), then refund.
    expect(fake.calls.map((c) => c.op)).toEqual(['pay', 'query', 'query', 'queryRefund', 'refund']);
    expect(progressReasons(t, attemptId)).toContain(`refunding: past the reverse window; refunding the charge of ${AMOUNT} fen`);

    // The unclear answer is followed up by asking about that same number, which the channel knows: done.
    await t.advance(t.host.ctx.settings().payments.timings[gateway].queryIntervalMs);
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversed', phase: 'reversed', reason: expect.stringContaining(`refunded (RF-${refundNo})`) });
    expect(fake.count('refund')).toBe(1);
    expect(fake.calls.filter((c) => c.op === 'queryRefund').map((c) => c.refundNo)).toEqual([refundNo, refundNo]);
    expect(fake.count('reverse')).toBe(0);
    expect(book.numbers()).toEqual([refundNo]);
    expect(book.totalFen()).toBe(AMOUNT);
    expect(await t.must('sale.get', { saleId })).toMatchObject({ paidFen: 0, refundedFen: 0 });
    // Final: nothing more is asked however long the till runs.
    const calls = fake.calls.length;
    await t.advance(10 * 60_000, 30_000);
    expect(fake.calls.length).toBe(calls);
  });

  it('a refused refund is retried later with the same number (never a new one), and the money goes back once', async () => {
    const { t, wx } = await setup();
    const book = refundBook(wx);
    wx.queue('refund', { status: 'failed', code: 'NOTENOUGH', message: '商户可用退款余额不足' });
    const { attemptId, orderNo } = await chargedThenAway(t, wx, codes.wechat(), windowMs(t, 'wechat') + HOUR);
    const refundNo = reverseRefundNo(t, attemptId);
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversing', reason: expect.stringContaining('refund refused: NOTENOUGH') });
    expect(book.numbers()).toEqual([]);
    // Backoff: the reverse retry interval (5 s), doubled per call.
    await t.advance(60_000);
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversed', reason: expect.stringContaining('refunded') });
    const refunds = wx.calls.filter((c) => c.op === 'refund');
    expect(refunds).toHaveLength(2);
    expect(refunds.every((c) => c.refundNo === refundNo && c.orderNo === orderNo && c.amountFen === AMOUNT)).toBe(true);
    expect(reverseRefundNo(t, attemptId)).toBe(refundNo);
    expect(book.numbers()).toEqual([refundNo]);
    expect(book.totalFen()).toBe(AMOUNT);
    expect(wx.count('reverse')).toBe(0);
  });

  it('at a gateway that never takes a refund number twice (Jeepay), a refused refund goes again under a fresh number', async () => {
    const jp = createFakeChannel('jeepay');
    t = await startPaymentsHost({ payments: { fakes: { jeepay: jp } } });
    const p = t.host.ctx.settings().payments;
    await t.must('settings.update', { payments: { ...p, routing: { wechat: 'aggregator', alipay: 'aggregator', unionpay: 'aggregator' } } });
    const book = refundBook(jp);
    // Jeepay is reversed at any age (its reverse refunds under <order>RV…); here that reverse is refused for
    // good (its numbers used up), so the engine refunds under numbers of its own.
    jp.defaults.reverse = { status: 'failed', code: 'REVERSE_NUMBERS_USED', message: 'No reverse refund number left' };
    jp.queue('refund', { status: 'failed', code: 'NOTENOUGH', message: '余额不足' });
    const { attemptId } = await chargedThenAway(t, jp, codes.wechat(), windowMs(t, 'jeepay') + HOUR);
    const first = jp.calls.filter((c) => c.op === 'refund')[0]?.refundNo;
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversing', reason: expect.stringContaining('refund refused: NOTENOUGH') });
    const fresh = reverseRefundNo(t, attemptId);
    expect(fresh).not.toBe(first);
    await t.advance(60_000);
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversed', reason: expect.stringContaining('refunded') });
    expect(jp.calls.filter((c) => c.op === 'refund').map((c) => c.refundNo)).toEqual([first, fresh]);
    expect(book.numbers()).toEqual([fresh]);
    expect(book.totalFen()).toBe(AMOUNT);
  });

  it('a restart with the refund in flight: the same number is asked about first, and not refunded again', async () => {
    const { t, ali } = await setup();
    const book = refundBook(ali);
    const lost = deferred<RefundOutcome>();
    // The refund arrives at the channel; the till dies before the answer.
    ali.queue('refund', (req) => {
      book.arrive(req.refundNo);
      return lost.promise;
    });
    const { attemptId } = await chargedThenAway(t, ali, codes.alipay(), windowMs(t, 'alipay') + HOUR);
    const refundNo = reverseRefundNo(t, attemptId);
    expect(ali.count('refund')).toBe(1);
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversing', phase: 'refunding' });

    await t.restart();
    await t.until(async () => (await t!.must('payment.get', { attemptId })).state === 'reversed', { what: 'refund confirmed after the restart' });
    expect(reverseRefundNo(t, attemptId)).toBe(refundNo);
    expect(ali.count('refund')).toBe(1);
    expect(ali.calls.filter((c) => c.op === 'queryRefund').map((c) => c.refundNo)).toEqual([refundNo, refundNo]);
    expect(book.totalFen()).toBe(AMOUNT);
    expect(ali.count('reverse')).toBe(0);
  });

  it('a charge of another amount than asked is given back in full: the refund is for what was charged', async () => {
    const { t, wx } = await setup();
    // The channel charged 1 fen on a 400 fen order (so the engine gives it back) and refuses to reverse it.
    wx.queue('pay', paid(1));
    wx.defaults.reverse = { status: 'failed', code: 'REVERSE_EXPIRE', message: 'cannot reverse' };
    wx.defaults.query = paid(1);
    wx.defaults.queryRefund = { status: 'not_found' };
    wx.defaults.refund = (req): RefundOutcome =>
      req.refundFen === 1 && req.totalFen === 1 ? { status: 'succeeded', refundId: `RF-${req.refundNo}`, refundFen: 1 } : { status: 'failed', code: 'INVALID_REQUEST', message: 'refund exceeds what was paid' };
    const saleId = await t.openSale(400);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(20_000);
    await t.flush();
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversed', reason: expect.stringContaining('refunding the charge of 1 fen') });
    expect(wx.calls.filter((c) => c.op === 'refund').map((c) => c.amountFen)).toEqual([1]);
    const row = t.host.ctx.db.prepare('SELECT reverse_refund_fen AS fen FROM payment_attempts WHERE id = ?').get(a.id) as { fen: number };
    expect(row.fen).toBe(1);
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'open', paidFen: 0 });
  });

  it('control: just inside the window the charge is reversed, not refunded', async () => {
    const { t, wx } = await setup();
    const book = refundBook(wx);
    const { attemptId } = await chargedThenAway(t, wx, codes.wechat(), windowMs(t, 'wechat') - HOUR);
    await t.flush();
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversed', reason: expect.stringContaining('reversed (close)') });
    expect(wx.count('reverse')).toBe(1);
    expect(wx.count('refund')).toBe(0);
    expect(reverseRefundNo(t, attemptId)).toBeNull();
    expect(book.totalFen()).toBe(0);
  });
});
