import { afterEach, describe, expect, it } from 'vitest';
import { type FakeChannel, createFakeChannel } from '../payments/engine/testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from '../payments/engine/testing/harness';
import { type PayOutcome } from '../payments/channels/types';

// Part paid, the customer changes their mind about an item: lines still change (no manager, no void), as
// long as no code payment may still pay the sale and the total never drops below what was paid.

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

async function partPaid(h: PaymentsTestHost): Promise<{ saleId: string; keep: string; drop: string }> {
  const sale = await h.must('sale.open');
  await h.must('sale.addLine', { saleId: sale.id, name: '牛奶', unitPriceFen: 600 });
  const s = await h.must('sale.addLine', { saleId: sale.id, name: '面包', unitPriceFen: 400 });
  await h.must('sale.tenderCash', { saleId: sale.id, givenFen: 500, amountFen: 500 });
  return { saleId: sale.id, keep: s.lines[0]?.id as string, drop: s.lines[1]?.id as string };
}

describe('changing lines after part of the sale is paid', () => {
  it('a line is removed while what is left still covers what was paid', async () => {
    t = await startPaymentsHost();
    const { saleId, drop } = await partPaid(t);
    expect(await t.must('sale.removeLine', { saleId, lineId: drop })).toMatchObject({ status: 'paying', totalFen: 600, paidFen: 500, dueFen: 100, lines: [expect.objectContaining({ name: '牛奶' })] });
    expect(await t.must('sale.tenderCash', { saleId, givenFen: 100 })).toMatchObject({ status: 'paid' });
    expect(t.records[0]?.payload).toMatchObject({ totalFen: 600, lines: [expect.objectContaining({ name: '牛奶' })], tenders: [{ kind: 'cash', amountFen: 500 }, { kind: 'cash', amountFen: 100 }] });
  });

  it('removing what was left due completes the sale with what was paid (receipt, HQ)', async () => {
    t = await startPaymentsHost();
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, name: '牛奶', unitPriceFen: 500 });
    const s = await t.must('sale.addLine', { saleId: sale.id, name: '面包', unitPriceFen: 400 });
    await t.must('sale.tenderCash', { saleId: sale.id, givenFen: 500, amountFen: 500 });
    expect(await t.must('sale.removeLine', { saleId: sale.id, lineId: s.lines[1]?.id as string })).toMatchObject({ status: 'paid', totalFen: 500, paidFen: 500, dueFen: 0 });
    expect(t.records.filter((r) => r.kind === 'sale')).toHaveLength(1);
    expect(t.events.some((e) => e.event === 'sale.changed' && e.payload.saleId === sale.id && e.payload.status === 'paid')).toBe(true);
    expect(await t.call('sale.removeLine', { saleId: sale.id, lineId: s.lines[0]?.id as string })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('a removal that would leave less than was paid is refused, changing nothing', async () => {
    t = await startPaymentsHost();
    const { saleId, keep } = await partPaid(t);
    expect(await t.call('sale.removeLine', { saleId, lineId: keep })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('less than the 500 fen already paid') } });
    expect(await t.must('sale.get', { saleId })).toMatchObject({ totalFen: 1000, paidFen: 500, lines: [expect.anything(), expect.anything()] });
  });

  it('is refused while a code payment may still pay the sale, allowed once it is cancelled', async () => {
    const wx: FakeChannel = createFakeChannel('wechat');
    const waiting: PayOutcome = { status: 'waiting', code: 'USERPAYING', message: '' };
    wx.queue('pay', waiting);
    wx.defaults.query = waiting;
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    const { saleId, drop } = await partPaid(t);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect(await t.call('sale.removeLine', { saleId, lineId: drop })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    expect(await t.call('sale.addLine', { saleId, kind: 'amount', unitPriceFen: 100 })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    await t.must('payment.cancel', { attemptId: a.id });
    expect(await t.must('sale.removeLine', { saleId, lineId: drop })).toMatchObject({ totalFen: 600, dueFen: 100 });
  });
});
