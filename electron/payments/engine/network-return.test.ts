import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChannel, paid } from './testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';

/** How waiting work learns that the network is back (connectivity.ts wakes recovery), without storms. */
let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('network return and recovery', () => {
  it('no HQ to probe: a reversal backed off while the network was down is resumed within a minute of its return', async () => {
    const wx = createFakeChannel('wechat');
    let up = false;
    const down = { status: 'not_sent', reason: 'ECONNREFUSED' } as const;
    wx.defaults.pay = { status: 'unknown', reason: 'TIMEOUT no answer', retryable: true };
    wx.defaults.query = () => (up ? { status: 'not_found' } : down);
    wx.defaults.reverse = () => (up ? { status: 'reversed', action: 'close' } : down);
    const h = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    t = h;
    const saleId = await t.openSale(100);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    // Long enough for the reverse backoff to reach its cap.
    while (wx.count('reverse') < 12) await t.advance(1_000, 1_000);
    expect((await t.must('payment.get', { attemptId: a.id })).state).toBe('reversing');
    up = true;
    const back = t.clock.now();
    await t.until(async () => (await h.must('payment.get', { attemptId: a.id })).state === 'reversed', { advanceMs: 1_000, what: 'reversed after the return' });
    expect(t.clock.now() - back).toBeLessThanOrEqual(60_000); // its backoff is at most a minute
    expect(wx.count('reverse')).toBeLessThanOrEqual(30); // ~20 min of outage, never more than one a few seconds
  });

  it("reverses failing at the gateway's certificate never refuse its codes, and are not retried faster than their backoff", async () => {
    const wx = createFakeChannel('wechat');
    wx.defaults.query = { status: 'waiting', code: 'USERPAYING', message: '' };
    wx.defaults.reverse = { status: 'not_sent', reason: 'EPROTO: certificate has expired' };
    const h = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    t = h;
    // Three customers who never finish the password, each cancelled: the reverses fail before sending.
    for (const fen of [101, 102, 103]) {
      wx.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '' });
      const a = await h.must('payment.start', { saleId: await h.openSale(fen), code: codes.wechat() });
      await h.must('payment.cancel', { attemptId: a.id });
    }
    await h.advance(20_000);
    expect(wx.count('reverse')).toBeGreaterThanOrEqual(3);
    // The next customers still pay by code (pay goes another way than the reverse).
    wx.defaults.pay = paid(104);
    for (let i = 0; i < 10; i++) {
      const saleId = await h.openSale(104);
      const r = await h.call('payment.start', { saleId, code: codes.wechat() });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      await h.advance(5_000);
    }
    // An hour of failing reverses: each keeps its backoff (one a minute at most), nothing hammers.
    const before = wx.count('reverse');
    await h.advance(3_600_000, 5_000);
    expect(wx.count('reverse') - before).toBeLessThanOrEqual(3 * 62);
  });

  it('a refund asked about while the network is down backs off to a minute, not a fixed interval', async () => {
    const wx = createFakeChannel('wechat');
    wx.defaults.pay = paid(100);
    const h = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    t = h;
    const saleId = await h.openSale(100);
    await h.must('payment.start', { saleId, code: codes.wechat() });
    await h.flush();
    wx.queue('refund', { status: 'unknown', reason: 'TIMEOUT no answer', retryable: true });
    wx.defaults.queryRefund = { status: 'not_sent', reason: 'ECONNREFUSED: x' };
    wx.defaults.refund = { status: 'not_sent', reason: 'ECONNREFUSED: x' };
    await h.must('refund.request', { saleId });
    await h.advance(5 * 60_000, 1_000);
    const before = wx.count('queryRefund') + wx.count('refund');
    await h.advance(30 * 60_000, 1_000);
    expect(wx.count('queryRefund') + wx.count('refund') - before).toBeLessThanOrEqual(32); // was 180 (every 10 s)
  });

  it('one gateway failing fast while another answers does not re-run recovery on every answer', async () => {
    const wx = createFakeChannel('wechat');
    const ali = createFakeChannel('alipay');
    wx.defaults.pay = { status: 'waiting', code: 'USERPAYING', message: '' };
    // Answers come back on real I/O turns, as they do from a network.
    wx.defaults.query = () => new Promise((r) => setTimeout(() => r({ status: 'waiting', code: 'USERPAYING', message: '' }), 5));
    ali.defaults.pay = { status: 'unknown', reason: 'TIMEOUT x', retryable: true };
    ali.defaults.query = { status: 'not_sent', reason: 'ECONNREFUSED' };
    ali.defaults.reverse = { status: 'not_sent', reason: 'ECONNREFUSED' };
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx, alipay: ali } } });
    for (const [fen, code] of [[100, codes.wechat()], [200, codes.wechat()], [300, codes.alipay()]] as const) {
      await t.must('payment.start', { saleId: await t.openSale(fen), code });
      await t.flush();
    }
    await t.advance(10_000); // WeChat's first queries are due at +10 s; Alipay's query failed at +3 s
    for (let i = 0; i < 30; i++) {
      await t.flush();
      await realSleep(3);
    }
    // The schedule's two WeChat queries, not a query per answer at a standing clock.
    expect(wx.count('query')).toBe(2);
    expect(ali.count('query')).toBeLessThanOrEqual(2);
  });
});
