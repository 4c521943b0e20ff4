import { afterEach, describe, expect, it } from 'vitest';
import { type FakeChannel, deferred, paid } from './testing/fake-channel';
import { type PaymentsTestHost, codes, startWechatHost } from './testing/harness';
import { type PayOutcome } from '../channels/types';

// The customer gives up on the wallet and pays cash: once the cashier has cancelled the code payment (or it
// is being given back), it can never pay the sale, so cash is taken at once, while the reverse goes on on
// its own schedule (WeChat: not sooner than 15 s; with the network down, until it answers).

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

async function setup(): Promise<{ t: PaymentsTestHost; wx: FakeChannel }> {
  const started = await startWechatHost();
  t = started.t;
  return started;
}
const waiting: PayOutcome = { status: 'waiting', code: 'USERPAYING', message: '' };
const state = async (h: PaymentsTestHost, id: string) => (await h.must('payment.get', { attemptId: id })).state;

describe('cash beside a code payment being given back', () => {
  it('is refused while the code payment may still pay the sale, and says how to go on', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', waiting);
    wx.defaults.query = waiting;
    const saleId = await t.openSale(700);
    await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect(await t.call('sale.tenderCash', { saleId, givenFen: 1000 })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING', message: expect.stringContaining('cancel it to take cash') } });
  });

  it('is taken at once after the cashier cancels; the reverse still runs and the sale keeps only the cash', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', waiting);
    wx.defaults.query = waiting;
    wx.defaults.reverse = { status: 'reversed', action: 'close' };
    const saleId = await t.openSale(700);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(2_000);
    await t.must('payment.cancel', { attemptId: a.id });
    const s = await t.must('sale.tenderCash', { saleId, givenFen: 1000 });
    expect(s).toMatchObject({ status: 'paid', paidFen: 700, tenders: [expect.objectContaining({ kind: 'cash', amountFen: 700, changeFen: 300 })] });
    expect(wx.count('reverse')).toBe(0); // WeChat: not sooner than 15 s after the pay request
    await t.until(async () => (await state(t, a.id)) === 'reversed', { advanceMs: 1_000, what: 'reversed' });
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'paid', paidFen: 700, tenders: [expect.objectContaining({ kind: 'cash' })] });
    expect(t.records.filter((r) => r.kind === 'sale')).toHaveLength(1);
    expect(t.records[0]?.payload).toMatchObject({ tenders: [{ kind: 'cash', amountFen: 700 }] });
  });

  it('with the network down the reverse keeps trying, and cash does not wait for it', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', waiting);
    wx.defaults.query = { status: 'unknown', reason: 'connect ETIMEDOUT', retryable: true };
    wx.defaults.reverse = { status: 'unknown', reason: 'connect ETIMEDOUT', retryable: true };
    const saleId = await t.openSale(900);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(2_000);
    await t.must('payment.cancel', { attemptId: a.id });
    await t.advance(120_000);
    expect(await state(t, a.id)).toBe('reversing');
    expect(wx.count('reverse')).toBeGreaterThan(0);
    // Part cash, then the rest: a mixed payment works the same.
    expect(await t.must('sale.tenderCash', { saleId, givenFen: 400, amountFen: 400 })).toMatchObject({ status: 'paying', dueFen: 500 });
    expect(await t.must('sale.tenderCash', { saleId, givenFen: 500 })).toMatchObject({ status: 'paid', paidFen: 900 });
    // A new code is still refused until the old one is settled (one code payment at a time).
    expect(await t.call('payment.start', { saleId, code: codes.wechat() })).toMatchObject({ ok: false });
    wx.defaults.reverse = { status: 'reversed', action: 'close' };
    await t.until(async () => (await state(t, a.id)) === 'reversed', { advanceMs: 10_000, what: 'reversed once the network is back' });
    expect((await t.must('sale.get', { saleId })).paidFen).toBe(900);
  });

  it('paid by the channel after the cancel and the cash: the charge goes back, the sale stays paid in cash only', async () => {
    const { t, wx } = await setup();
    const inflight = deferred<PayOutcome>();
    wx.queue('pay', () => inflight.promise);
    wx.defaults.reverse = { status: 'reversed', action: 'refund' };
    const saleId = await t.openSale(650);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.must('payment.cancel', { attemptId: a.id });
    expect(await t.must('sale.tenderCash', { saleId, givenFen: 650 })).toMatchObject({ status: 'paid' });
    inflight.resolve(paid(650));
    await t.until(async () => (await state(t, a.id)) === 'reversed', { advanceMs: 1_000, what: 'given back' });
    expect(wx.count('reverse')).toBe(1);
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'paid', paidFen: 650, tenders: [expect.objectContaining({ kind: 'cash' })] });
    expect(t.records.filter((r) => r.kind === 'sale')).toHaveLength(1);
  });
});
