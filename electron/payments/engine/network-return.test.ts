import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChannel } from './testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';

/** How waiting work learns that the network is back (connectivity.ts wakes recovery), without storms. */
let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('network return and recovery', () => {
  it('no HQ to probe: a reversal backed off while the network was down is resumed within a probe interval of its return', async () => {
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
    // Long enough for the reverse backoff to reach minutes.
    while (wx.count('reverse') < 9) await t.advance(1_000, 1_000);
    expect((await t.must('payment.get', { attemptId: a.id })).state).toBe('reversing');
    up = true;
    const back = t.clock.now();
    await t.until(async () => (await h.must('payment.get', { attemptId: a.id })).state === 'reversed', { advanceMs: 1_000, what: 'reversed after the return' });
    expect(t.clock.now() - back).toBeLessThanOrEqual(15_000);
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
