/**
 * A voided sale whose code give-back the channel refused for good: money is owed on it, and only a manager's
 * retry on that sale gives it back. A voided sale has no receipt to find it by, so it stays on the till's
 * sales list every day until its give-back has landed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChannel, paid } from '../payments/engine/testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from '../payments/engine/testing/harness';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('a voided sale whose give-back the channel refused', () => {
  it('is still listed the next day, until its give-back has landed', async () => {
    const wx = createFakeChannel('wechat');
    wx.defaults.pay = () => paid(600);
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    const saleId = await t.openSale(1000);
    await t.must('payment.start', { saleId, code: codes.wechat(), amountFen: 600 });
    await t.flush();
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'paying', paidFen: 600 });
    wx.queue('refund', { status: 'failed', code: 'NOTENOUGH', message: '基本账户余额不足' });
    const voided = await t.must('sale.void', { saleId, reason: 'customer left' });
    expect(voided.status).toBe('voided');
    const [giveBack] = await t.must('refund.list', { saleId });
    expect(giveBack).toMatchObject({ purpose: 'void', state: 'failed' });
    expect((await t.must('sale.list')).map((s) => s.id)).toContain(saleId); // today: listed

    t.clock.advance(24 * 3600_000);
    const listed = (await t.must('sale.list')).map((s) => s.id);
    // The 6.00 the customer paid is still with the merchant; a retry is what gives it back.
    expect(listed).toContain(saleId);
    // Retried once the merchant's balance is back: given back, and an ordinary past sale again.
    await t.must('refund.retry', { refundId: giveBack?.id as string });
    await t.until(async () => (await t?.must('refund.list', { saleId }))?.[0]?.state === 'succeeded', { advanceMs: 1_000, what: 'given back' });
    expect((await t.must('sale.list')).map((s) => s.id)).not.toContain(saleId);
  });
});
