import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChannel, paid } from '../payments/engine/testing/fake-channel';
import { codes, type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const markAllSent = (h: PaymentsTestHost): void => void h.host.ctx.db.prepare("UPDATE outbox SET state = 'sent', sent_at = '2026-11-25T02:00:00.000Z'").run();
const rename = (h: PaymentsTestHost, id: string) => h.call('settings.update', { terminal: { ...h.host.ctx.settings().terminal, id } });

/** A till renamed (T01 → T02, because another till is T01) keeps no sale in the old series. */
describe('changing the terminal id', () => {
  it('moves the empty sale kept ready to the new id and its series, today and on a later morning', async () => {
    t = await startPaymentsHost();
    const first = await t.openSale(100);
    await t.must('sale.tenderCash', { saleId: first, givenFen: 100 });
    const ready = await t.must('sale.open');
    markAllSent(t);
    expect(await rename(t, 'T02')).toMatchObject({ ok: true });
    expect(await t.must('sale.get', { saleId: ready.id })).toMatchObject({ receiptNo: 'T02-20261125-0001', terminalId: 'T02' });
    const s = await t.must('sale.addLine', { saleId: ready.id, kind: 'amount', unitPriceFen: 500 });
    expect(s.receiptNo).toBe('T02-20261125-0001');
    await t.must('sale.tenderCash', { saleId: ready.id, givenFen: 500 });
    // HQ gets it from T02 with a T02 number.
    const row = t.host.ctx.db.prepare('SELECT entry FROM outbox WHERE idempotency_key = ?').get(ready.id) as { entry: string };
    const entry = JSON.parse(row.entry) as { terminalId: string; payload: { receiptNo: string } };
    expect([entry.terminalId, entry.payload.receiptNo.slice(0, 4)]).toEqual(['T02', 'T02-']);

    // Another ready sale left overnight is re-dated in the new series, never T01's.
    const overnight = await t.must('sale.open');
    t.clock.advance(24 * 3600_000);
    expect((await t.must('sale.addLine', { saleId: overnight.id, kind: 'amount', unitPriceFen: 500 })).receiptNo).toBe('T02-20261126-0001');
  });

  it('is refused while a sale holding a line is not finished', async () => {
    t = await startPaymentsHost();
    const saleId = await t.openSale(300);
    markAllSent(t);
    const r = await rename(t, 'T02');
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(r.ok ? '' : r.error.message).toContain('changing the terminal or store id');
    await t.must('sale.tenderCash', { saleId, givenFen: 300 });
    markAllSent(t);
    expect(await rename(t, 'T02')).toMatchObject({ ok: true });
  });

  it('is refused while a cancelled code payment is still being given back, its sale emptied meanwhile', async () => {
    const wx = createFakeChannel('wechat');
    wx.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '' });
    wx.defaults.query = { status: 'waiting', code: 'USERPAYING', message: '' };
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    const sale = await t.must('sale.open');
    const withLine = await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 1000 });
    const a = await t.must('payment.start', { saleId: sale.id, code: codes.wechat() });
    await t.flush();
    await t.must('payment.cancel', { attemptId: a.id });
    // The customer walked away; the cashier clears the lines (allowed: the payment is cancelled).
    expect(await t.must('sale.removeLine', { saleId: sale.id, lineId: withLine.lines[0]?.id as string })).toMatchObject({ status: 'paying', totalFen: 0 });
    markAllSent(t);
    // Renamed now, the sale would come back to the checkout in T01's series and go to HQ as T02's.
    const r = await rename(t, 'T02');
    expect(r).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING', message: expect.stringContaining('1 payment(s) still unresolved') } });
    // Given back (WeChat: 15 s after the pay request), the sale is the empty ready one and moves with the id.
    await t.advance(20_000);
    expect((await t.must('payment.get', { attemptId: a.id })).state).toBe('reversed');
    markAllSent(t);
    expect(await rename(t, 'T02')).toMatchObject({ ok: true });
    const s = await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 700 });
    expect([s.terminalId, s.receiptNo]).toEqual(['T02', 'T02-20261125-0001']);
  });

  it('is refused while a shift is open (its close goes to HQ under the ids it opened with)', async () => {
    t = await startPaymentsHost();
    await t.must('shift.open', { openingFloatFen: 1_000 });
    markAllSent(t);
    expect(await rename(t, 'T02')).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('a shift is open') } });
  });

  it('is refused while a code refund part is on its way (its record goes under the ids of its sale)', async () => {
    const wx = createFakeChannel('wechat');
    wx.defaults.pay = (req) => paid((req as unknown as { amountFen: number }).amountFen);
    wx.defaults.refund = { status: 'accepted', refundId: 'R1', refundFen: 1000 };
    wx.defaults.queryRefund = { status: 'processing' };
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    const saleId = await t.openSale(1000);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.until(async () => (await t?.must('payment.get', { attemptId: a.id }))?.state === 'succeeded', { what: 'paid' });
    await t.must('refund.request', { saleId });
    markAllSent(t);
    expect(await rename(t, 'T02')).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING', message: expect.stringContaining('1 refund part(s)') } });
  });
});
