import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, codes, startPaymentsHost } from '../payments/engine/testing/harness';
import { createFakeChannel } from '../payments/engine/testing/fake-channel';
import { outboxEntrySchema } from '../../shared/sync/entry';
import { verifyAuditChain } from '../services/audit';

// A sale whose lines cost nothing (a free gift, a 100% discount) has nothing to pay: no tender can end it,
// so the cashier completes it as it is (`sale.complete`), and it is recorded like any finished sale.

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

async function freeSale(h: PaymentsTestHost): Promise<string> {
  const sale = await h.must('sale.open');
  await h.must('sale.addLine', { saleId: sale.id, sku: '6901234567892', name: '赠品', unitPriceFen: 0 });
  const s = await h.must('sale.addLine', { saleId: sale.id, name: '面包', unitPriceFen: 800, discount: { kind: 'percent', basisPoints: 10_000 } });
  expect(s).toMatchObject({ status: 'open', totalFen: 0, dueFen: 0, lines: [expect.anything(), expect.anything()] });
  return sale.id;
}

describe('a sale with nothing to pay', () => {
  it('is not completed by its free lines alone, and no tender or code can pay it', async () => {
    t = await startPaymentsHost();
    const saleId = await freeSale(t);
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
    expect(await t.call('sale.tenderCash', { saleId, givenFen: 100 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await t.call('payment.start', { saleId, code: '134567890123456789' })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: 'nothing is due on this sale' } });
    expect(t.records).toHaveLength(0);
  });

  it('is completed by sale.complete: paid with no tender, recorded once for HQ, audited', async () => {
    t = await startPaymentsHost();
    const saleId = await freeSale(t);
    const done = await t.must('sale.complete', { saleId });
    expect(done).toMatchObject({ status: 'paid', totalFen: 0, paidFen: 0, dueFen: 0, tenders: [] });
    expect(t.records).toHaveLength(1);
    expect(t.records[0]?.payload).toMatchObject({ status: 'completed', totalFen: 0, tenders: [], lines: [expect.objectContaining({ amountFen: 0 }), expect.objectContaining({ amountFen: 0 })] });
    // What goes to HQ passes the sync protocol's own schema.
    const entry = t.host.ctx.db.prepare("SELECT entry FROM outbox WHERE idempotency_key = ?").pluck().get(saleId) as string;
    expect(outboxEntrySchema.safeParse(JSON.parse(entry)).success).toBe(true);
    expect(t.events.some((e) => e.event === 'sale.changed' && e.payload.saleId === saleId && e.payload.status === 'paid')).toBe(true);
    expect(verifyAuditChain(t.host.ctx.db).ok).toBe(true);
    // Done once: again, and any change or refund, is refused.
    expect(await t.call('sale.complete', { saleId })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await t.call('sale.addLine', { saleId, kind: 'amount', unitPriceFen: 5 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await t.call('refund.request', { saleId })).toMatchObject({ ok: false });
    expect(t.records).toHaveLength(1);
  });

  it('refuses a sale with money due, an empty sale, and a voided one, changing nothing', async () => {
    t = await startPaymentsHost();
    const due = await t.openSale(500);
    expect(await t.call('sale.complete', { saleId: due })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('500 fen is still due') } });
    const empty = await t.must('sale.open');
    expect(await t.call('sale.complete', { saleId: empty.id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('no lines') } });
    const voided = await freeSale(t);
    await t.must('sale.void', { saleId: voided, reason: 'test' });
    expect(await t.call('sale.complete', { saleId: voided })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await t.call('sale.complete', { saleId: 'no-such-sale' })).toMatchObject({ ok: false });
    expect((await t.must('sale.get', { saleId: due })).status).toBe('open');
    expect(t.records.filter((r) => r.kind === 'sale' && r.payload.status === 'completed')).toHaveLength(0);
  });

  it('is completed while a cancelled code payment is still being given back (it never lands on the sale)', async () => {
    const wx = createFakeChannel('wechat');
    const waiting = { status: 'waiting', code: 'USERPAYING', message: '' } as const;
    wx.queue('pay', waiting);
    wx.defaults.query = waiting;
    wx.defaults.reverse = { status: 'retry', reason: 'recall' };
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, name: '赠品', unitPriceFen: 0 });
    const s = await t.must('sale.addLine', { saleId: sale.id, name: '面包', unitPriceFen: 400 });
    const a = await t.must('payment.start', { saleId: sale.id, code: codes.wechat() });
    await t.flush();
    await t.must('payment.cancel', { attemptId: a.id });
    await t.flush();
    expect(await t.must('sale.removeLine', { saleId: sale.id, lineId: s.lines[1]?.id ?? '' })).toMatchObject({ status: 'paying', totalFen: 0, dueFen: 0 });
    expect(await t.must('sale.complete', { saleId: sale.id })).toMatchObject({ status: 'paid', paidFen: 0 });
    expect((await t.must('payment.get', { attemptId: a.id })).state).toBe('reversing');
  });
});
