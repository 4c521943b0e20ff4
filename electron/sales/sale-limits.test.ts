import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChannel, paid } from '../payments/engine/testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from '../payments/engine/testing/harness';
import { MAX_SALE_LINES, MAX_SALE_TENDERS } from '../../shared/sales/money';
import { outboxEntrySchema } from '../../shared/sync/entry';
import { MAX_ENTRY_BYTES } from '../../shared/sync/protocol';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** Every sale the till finishes must be one HQ takes: checked against HQ's own entry schema and size. */
function outboxEntry(h: PaymentsTestHost, saleId: string): { state: string; bytes: number; parsed: boolean } {
  const row = h.host.ctx.db.prepare("SELECT state, entry FROM outbox WHERE idempotency_key = ?").get(saleId) as { state: string; entry: string };
  return { state: row.state, bytes: Buffer.byteLength(row.entry), parsed: outboxEntrySchema.safeParse(JSON.parse(row.entry)).success };
}

describe('sale limits: the till never finishes a sale HQ cannot take', () => {
  it(`the ${MAX_SALE_TENDERS}th payment must pay all that is due (cash and code); the sale never ends up stuck`, async () => {
    const wx = createFakeChannel('wechat');
    t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
    const saleId = await t.openSale(100);
    for (let i = 0; i < MAX_SALE_TENDERS - 1; i++) await t.must('sale.tenderCash', { saleId, givenFen: 1 });
    const refused = { ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('must pay all that is due') } };
    expect(await t.call('sale.tenderCash', { saleId, givenFen: 1 })).toMatchObject(refused);
    expect(await t.call('payment.start', { saleId, code: codes.wechat(), amountFen: 10 })).toMatchObject(refused);
    expect(wx.calls).toEqual([]);
    // All that is left, by code: taken.
    wx.queue('pay', paid(85));
    await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    const sale = await t.must('sale.get', { saleId });
    expect(sale).toMatchObject({ status: 'paid', dueFen: 0 });
    expect(sale.tenders).toHaveLength(MAX_SALE_TENDERS);
    expect(outboxEntry(t, saleId)).toMatchObject({ state: 'pending', parsed: true });
  });

  it(`a sale holds ${MAX_SALE_LINES} lines; at the limit, with the longest names JSON can make, it still fits one HQ entry`, async () => {
    t = await startPaymentsHost({ payments: { fakes: { wechat: createFakeChannel('wechat') } } });
    const saleId = (await t.must('sale.open')).id;
    // A control character is 6 bytes of JSON (\u0001): the worst case a 64-character name or sku can be.
    const worst = '\u0001'.repeat(64);
    for (let i = 0; i < MAX_SALE_LINES; i++) await t.must('sale.addLine', { saleId, kind: 'product', name: worst, sku: worst, quantity: 9999, unitPriceFen: 1000 + i });
    expect(await t.call('sale.addLine', { saleId, kind: 'amount', unitPriceFen: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining(`at most ${MAX_SALE_LINES} lines`) } });
    const sale = await t.must('sale.get', { saleId });
    expect(sale.lines).toHaveLength(MAX_SALE_LINES);
    await t.must('sale.tenderCash', { saleId, givenFen: sale.dueFen });
    const entry = outboxEntry(t, saleId);
    expect(entry).toMatchObject({ state: 'pending', parsed: true });
    expect(entry.bytes).toBeLessThan(MAX_ENTRY_BYTES);
  });
});
