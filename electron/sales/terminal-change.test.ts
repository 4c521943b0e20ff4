import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, startPaymentsHost } from '../payments/engine/testing/harness';

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
});
