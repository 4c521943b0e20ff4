import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChannel, paid } from '../payments/engine/testing/fake-channel';
import { codes, type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';
import { dailyTotalsSchema } from '../../shared/sync/protocol';

// The manager's day totals on the till: the same figures HQ computes from the same records.

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('report.day', () => {
  it("today's sales, refunds and net by tender; another day is empty; managers only", async () => {
    const wx = createFakeChannel('wechat');
    wx.defaults.pay = (req) => paid((req as unknown as { amountFen: number }).amountFen);
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    // Live: training records are counted apart (below).
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, mode: 'live' } });
    const cash = await t.openSale(1_000);
    await t.must('sale.tenderCash', { saleId: cash, givenFen: 2_000 });
    const code = await t.openSale(2_000);
    const a = await t.must('payment.start', { saleId: code, code: codes.wechat() });
    await t.until(async () => (await t?.must('payment.get', { attemptId: a.id }))?.state === 'succeeded', { what: 'paid' });
    await t.must('refund.request', { saleId: cash, amountFen: 300, reason: '退货' });
    // A sale not finished counts in nothing.
    await t.openSale(700);

    const today = await t.must('report.day', {});
    expect(dailyTotalsSchema.parse(today)).toEqual(today);
    expect(today).toMatchObject({ date: '2026-11-25', storeId: 'S001', store: { salesCount: 2, salesFen: 3_000, refundsCount: 1, refundsFen: 300, netFen: 2_700 } });
    expect(today.byTender.map((g) => [g.tender, g.salesFen, g.refundsFen, g.netFen])).toEqual([
      ['cash', 1_000, 300, 700],
      ['wechat', 2_000, 0, 2_000],
    ]);
    expect(await t.must('report.day', { date: '2026-11-24' })).toMatchObject({ store: { salesCount: 0, netFen: 0 }, byTender: [] });
    expect(await t.call('report.day', { date: '25/11/2026' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('training sales are counted apart, in no real figure', async () => {
    t = await startPaymentsHost();
    const saleId = await t.openSale(1_000);
    await t.must('sale.tenderCash', { saleId, givenFen: 1_000 });
    expect(await t.must('report.day', {})).toMatchObject({ store: { salesCount: 0, netFen: 0 }, byTender: [], training: { salesCount: 1, salesFen: 1_000, netFen: 1_000 } });
  });
});
