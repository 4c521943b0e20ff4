import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';

// A customer comes back days later with the receipt: the sale is found by the number printed on it.

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

describe('sale.find', () => {
  it('finds a sale of an earlier day by its receipt number, as typed, in any case, or from its refund slip', async () => {
    t = await startPaymentsHost();
    const saleId = await t.openSale(1200);
    await t.must('sale.tenderCash', { saleId, givenFen: 1200 });
    const { receiptNo } = await t.must('sale.get', { saleId });
    t.clock.advance(3 * 24 * 3600_000);
    expect(await t.must('sale.list')).toEqual([]); // not today's
    expect(await t.must('sale.find', { receiptNo })).toMatchObject({ id: saleId, status: 'paid', totalFen: 1200 });
    expect((await t.must('sale.find', { receiptNo: `  ${receiptNo.toLowerCase()} ` })).id).toBe(saleId);
    expect((await t.must('sale.find', { receiptNo: `${receiptNo}-R2` })).id).toBe(saleId);
    // And it can be refunded from there (a manager is signed in).
    expect(await t.must('refund.request', { saleId, amountFen: 200, reason: '退货' })).toMatchObject({ state: 'succeeded' });
  });

  it('finds a sale of a till whose id has mixed-case letters, typed in any case', async () => {
    t = await startPaymentsHost();
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, id: 'Till-a' } });
    const saleId = await t.openSale(300);
    const { receiptNo } = await t.must('sale.get', { saleId });
    expect(receiptNo).toMatch(/^Till-a-/);
    expect((await t.must('sale.find', { receiptNo: receiptNo.toUpperCase() })).id).toBe(saleId);
    expect((await t.must('sale.find', { receiptNo: receiptNo.toLowerCase() })).id).toBe(saleId);
    // Renamed since (T02): the old mixed-case series is still found in any case, refund slips included.
    await t.must('sale.tenderCash', { saleId, givenFen: 300 });
    t.host.ctx.db.prepare("UPDATE outbox SET state = 'sent', sent_at = '2026-11-25T02:00:00.000Z'").run();
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, id: 'T02' } });
    for (const typed of [receiptNo, receiptNo.toUpperCase(), `tILL-A${receiptNo.slice(6)}-r1`]) expect((await t.must('sale.find', { receiptNo: typed })).id).toBe(saleId);
  });

  it('says clearly when there is no such sale, and refuses an empty number', async () => {
    t = await startPaymentsHost();
    expect(await t.call('sale.find', { receiptNo: 'T01-20200101-0001' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('T01-20200101-0001') } });
    expect(await t.call('sale.find', { receiptNo: '   ' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.call('sale.find', { receiptNo: 'x'.repeat(200) })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
