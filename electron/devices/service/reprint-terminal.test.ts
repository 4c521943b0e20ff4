import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevicesTestHost, type DevicesTestHost } from './test-host';

/**
 * A reprint (and a refund slip copy) names the terminal the sale was rung up on, not the id the till has
 * now: the receipt number (T01-…) and the 收银台 field agree.
 */
let t: DevicesTestHost;
beforeEach(async () => {
  t = await startDevicesTestHost({ devices: { pollMs: 50, idlePollMs: 60_000 } });
});
afterEach(async () => {
  await t.dispose();
});
const text = (r: { preview: { text: string }[] }) => r.preview.map((l) => l.text).join('\n');
/** Plays a finished upload to HQ (what Sync does), so the terminal id may change. */
const uploaded = () => t.host.ctx.db.prepare("UPDATE outbox SET state = 'sent', sent_at = '2026-11-25T03:00:00.000Z' WHERE state = 'pending'").run();

describe('reprint after the terminal id changed', () => {
  it('names the terminal of the sale (T01), not the current one (T02)', async () => {
    const saleId = await t.paidSale(1_000);
    const sale = await t.must('sale.get', { saleId });
    const refund = await t.must('refund.request', { saleId, amountFen: 300 });
    expect(sale.terminalId).toBe('T01');
    uploaded();
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, id: 'T02' } });
    const copy = text(await t.must('devices.reprint', { saleId }));
    expect(copy).toContain('单号:          T01-20261125-0001');
    expect(copy).toContain('收银台: T01');
    const slipCopy = text(await t.must('devices.reprint', { refundId: refund.id }));
    expect(slipCopy).toContain('收银台: T01');
  });
});
