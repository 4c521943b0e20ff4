import { afterEach, describe, expect, it } from 'vitest';
import { paid } from '../payments/engine/testing/fake-channel';
import { type PaymentsTestHost, codes, startWechatHost } from '../payments/engine/testing/harness';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

type Mode = 'sandbox' | 'live';
const switchTo = (h: PaymentsTestHost, mode: Mode) => h.call('settings.update', { terminal: { ...h.host.ctx.settings().terminal, mode } });

async function cashSale(h: PaymentsTestHost, fen: number): Promise<string> {
  const saleId = await h.openSale(fen);
  await h.must('sale.tenderCash', { saleId, givenFen: fen });
  return saleId;
}

describe('training and live mode never mix', () => {
  it('a sale belongs to the mode it was opened in; the empty sale waiting for the next customer follows a switch', async () => {
    const started = await startWechatHost();
    t = started.t;
    const practice = await cashSale(t, 500);
    const waiting = (await t.must('sale.open')).id; // the checkout's empty cart
    expect(await switchTo(t, 'live')).toMatchObject({ ok: true });
    const real = await cashSale(t, 700);
    const training = async (saleId: string): Promise<boolean> => (await t!.must('sale.get', { saleId })).training;
    expect([await training(practice), await training(waiting), await training(real)]).toEqual([true, false, false]);
    expect(await switchTo(t, 'sandbox')).toMatchObject({ ok: true });
    expect(await training(waiting)).toBe(true);
    expect(await training(real)).toBe(false);
    // The receipt says so, reprints included, whatever the mode is when it prints.
    const text = async (saleId: string): Promise<string> => (await t!.must('devices.reprint', { saleId })).preview.map((l) => l.text).join('\n');
    expect(await text(practice)).toContain('培训模式 非正式交易');
    expect(await text(real)).not.toContain('培训');
  });

  it('no switch while a sale holds a line or money and is not finished, or while a shift is open; it names them', async () => {
    const started = await startWechatHost();
    t = started.t;
    const lines = await t.openSale(300);
    const r = await switchTo(t, 'live');
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('finish or void') } });
    expect(r.ok ? '' : r.error.message).toContain((await t.must('sale.get', { saleId: lines })).receiptNo);
    await t.must('sale.tenderCash', { saleId: lines, givenFen: 100 }); // part paid: still not finished
    expect(await switchTo(t, 'live')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await t.must('sale.void', { saleId: lines, reason: 'practice over' });
    await t.must('shift.open', { openingFloatFen: 10_000 });
    expect(await switchTo(t, 'live')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('shift is open') } });
    await t.must('shift.close', { countedCashFen: 10_000 });
    expect(await switchTo(t, 'live')).toMatchObject({ ok: true });
    expect(t.host.ctx.settings().terminal.mode).toBe('live');
  });

  it('a sale is refunded only in its own mode (a refused retry included); nothing is sent or given back', async () => {
    const { t: h, wx } = await startWechatHost();
    t = h;
    const practice = await h.openSale(600);
    wx.queue('pay', paid(600));
    await h.must('payment.start', { saleId: practice, code: codes.wechat() });
    await h.flush();
    wx.queue('refund', { status: 'failed', code: 'NOTENOUGH', message: '商户可用退款余额不足' });
    const failed = await h.must('refund.request', { saleId: practice, amountFen: 100 });
    expect(failed.state).toBe('failed');
    const refundCalls = wx.count('refund');
    expect(await switchTo(h, 'live')).toMatchObject({ ok: true });
    expect(await h.call('refund.request', { saleId: practice })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('training mode') } });
    expect(await h.call('refund.retry', { refundId: failed.id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const real = await cashSale(h, 800);
    expect(await switchTo(h, 'sandbox')).toMatchObject({ ok: true });
    expect(await h.call('refund.request', { saleId: real })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('live mode') } });
    expect(wx.count('refund')).toBe(refundCalls);
    expect((await h.must('sale.get', { saleId: real })).refundedFen).toBe(0);
    // Back in its own mode, the training sale refunds as before.
    expect(await h.call('refund.request', { saleId: practice })).toMatchObject({ ok: true });
  });

  it('every record for HQ made in training mode says so (sales, refunds, shifts, cash movements); a live one does not', async () => {
    const started = await startWechatHost();
    t = started.t;
    await t.must('shift.open', { openingFloatFen: 5_000 });
    const practice = await cashSale(t, 900);
    await t.must('refund.request', { saleId: practice, amountFen: 300 });
    await t.must('shift.cashMovement', { direction: 'in', amountFen: 1_000, reason: 'float', requestId: '0190a6d0-0000-7000-8000-000000000001' });
    await t.must('shift.close', { countedCashFen: 6_600 });
    expect(t.records.map((r) => [r.kind, (r.payload as { training?: boolean }).training])).toEqual([
      ['sale', true],
      ['refund', true],
      ['cash_movement', true],
      ['shift_close', true],
    ]);
    t.records.length = 0;
    expect(await switchTo(t, 'live')).toMatchObject({ ok: true });
    const real = await cashSale(t, 400);
    await t.must('refund.request', { saleId: real, amountFen: 100 });
    expect(t.records.map((r) => [r.kind, 'training' in (r.payload as object)])).toEqual([
      ['sale', false],
      ['refund', false],
    ]);
  });
});
