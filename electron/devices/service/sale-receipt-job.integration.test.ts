import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRefundJob, findSaleJob } from './jobs-repo';
import { startDevicesTestHost, type DevicesTestHost, waitFor } from './test-host';

// A paid sale's receipt job is written in the sale's own completing transaction: one commit (one wait for
// the disk) for the sale, its outbox record and its receipt job, instead of a second commit after it.
// Likewise a refund's receipt job, in the transaction that lands the refund's last part.

let t: DevicesTestHost;
beforeEach(async () => {
  t = await startDevicesTestHost({ devices: { pollMs: 50, idlePollMs: 60_000 } });
});
afterEach(async () => {
  await t.dispose();
});

/** Registered after the devices service: sees what the completing transaction wrote so far. */
function jobsSeenInsideTheSaleTransaction(): Map<string, string | null> {
  const seen = new Map<string, string | null>();
  t.host.ctx.records.addSink((db, record) => {
    if (record.kind !== 'sale') return;
    expect(db.inTransaction).toBe(true);
    seen.set(record.id, findSaleJob(db, record.id)?.kind ?? null);
  });
  return seen;
}

describe('the receipt job of a paid sale', () => {
  it('is part of the transaction that completes the sale, then printed once', async () => {
    const seen = jobsSeenInsideTheSaleTransaction();
    const saleId = await t.paidSale(1_234);
    expect(seen.get(saleId)).toBe('sale');
    await waitFor(() => t.of('print.job').some((j) => j.saleId === saleId && j.state === 'printed'), 'printed');
    await new Promise((r) => setTimeout(r, 100));
    const jobs = await t.must('devices.printJobs', { saleId, limit: 10 });
    expect(jobs.map((j) => [j.kind, j.state, j.attempts])).toEqual([['sale', 'printed', 1]]);
  });

  it('is made for a sale paid in the most payments a sale takes (16), and so is its full refund', async () => {
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 1_600 });
    for (let i = 0; i < 16; i++) await t.must('sale.tenderCash', { saleId: sale.id, givenFen: 100, amountFen: 100 });
    await waitFor(() => t.of('print.job').some((j) => j.saleId === sale.id && j.state === 'printed'), 'printed');
    const receipt = (await t.must('devices.printReceipt', { saleId: sale.id })).preview.map((l) => l.text);
    expect(receipt.filter((l) => /现金/.test(l)).length).toBeGreaterThanOrEqual(16);
    const refund = await t.must('refund.request', { saleId: sale.id });
    expect(refund.parts).toHaveLength(16);
    await waitFor(() => t.of('print.job').some((j) => j.refundId === refund.id && j.state === 'printed'), 'refund printed');
  });

  it('is made for a sale completed with nothing to pay (free items): total 0, no tender', async () => {
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, name: '赠品', unitPriceFen: 0 });
    await t.must('sale.complete', { saleId: sale.id });
    await waitFor(() => t.of('print.job').some((j) => j.saleId === sale.id && j.state === 'printed'), 'printed');
    const receipt = (await t.must('devices.printReceipt', { saleId: sale.id })).preview.map((l) => l.text);
    expect(receipt.some((l) => l.includes('赠品'))).toBe(true);
    expect(receipt.some((l) => /现金|微信|支付宝/.test(l))).toBe(false);
  });

  it('prints the whole receipt number of a terminal with a long id (32 characters), and of its refund', async () => {
    const id = 'STORE-0001-FRONT-COUNTER-TILL-02';
    expect(id).toHaveLength(32);
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, id } });
    const saleId = await t.paidSale(900);
    const { receiptNo } = await t.must('sale.get', { saleId });
    expect(receiptNo).toMatch(new RegExp(`^${id}-\\d{8}-0001$`));
    const receipt = (await t.must('devices.printReceipt', { saleId })).preview.map((l) => l.text).join('\n');
    expect(receipt.replace(/\s+/g, '')).toContain(receiptNo);
    const refund = await t.must('refund.request', { saleId, amountFen: 100 });
    await waitFor(() => t.of('print.job').some((j) => j.refundId === refund.id && j.state === 'printed'), 'refund printed');
    const slip = (await t.must('devices.printReceipt', { refundId: refund.id })).preview.map((l) => l.text).join('\n');
    expect(slip.replace(/\s+/g, '')).toContain(`${receiptNo}-R1`);
  });

  it('is not made when auto-print is off, nor for a voided sale', async () => {
    await t.configure({ autoPrint: false });
    const seen = jobsSeenInsideTheSaleTransaction();
    const saleId = await t.paidSale(500);
    expect(seen.get(saleId)).toBe(null);
    await t.configure({ autoPrint: true });
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 800 });
    await t.must('sale.void', { saleId: sale.id, reason: 'customer left' });
    expect(seen.get(sale.id)).toBe(null);
    await new Promise((r) => setTimeout(r, 100));
    expect(await t.must('devices.printJobs', { saleId: sale.id, limit: 10 })).toEqual([]);
  });

  it("a refund's job is part of the transaction that lands its last part, and only that one", async () => {
    const seen: [string, string | null][] = [];
    t.host.ctx.records.addSink((db, record) => {
      if (record.kind !== 'refund' || typeof record.payload.refundId !== 'string') return;
      expect(db.inTransaction).toBe(true);
      seen.push([record.id, findRefundJob(db, record.payload.refundId)?.kind ?? null]);
    });
    const saleId = await t.paidSale(3_000);
    const refund = await t.must('refund.request', { saleId, amountFen: 1_200 });
    expect(refund.state).toBe('succeeded');
    expect(seen).toEqual([[refund.parts[0]?.id, 'refund']]);
    await waitFor(() => t.of('print.job').some((j) => j.refundId === refund.id && j.state === 'printed'), 'refund printed');
    await new Promise((r) => setTimeout(r, 100));
    const jobs = (await t.must('devices.printJobs', { saleId, limit: 10 })).filter((j) => j.refundId === refund.id);
    expect(jobs.map((j) => [j.kind, j.state, j.attempts])).toEqual([['refund', 'printed', 1]]);
  });

  it('a refund split over two tenders makes its job only with the part that completes it, listing both', async () => {
    const seen: [string, string | null][] = [];
    t.host.ctx.records.addSink((db, record) => {
      if (record.kind !== 'refund' || typeof record.payload.refundId !== 'string') return;
      seen.push([record.id, findRefundJob(db, record.payload.refundId)?.kind ?? null]);
    });
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 3_000 });
    await t.must('sale.tenderCash', { saleId: sale.id, givenFen: 1_000, amountFen: 1_000 });
    await t.must('sale.tenderCash', { saleId: sale.id, givenFen: 2_000 });
    const refund = await t.must('refund.request', { saleId: sale.id });
    expect(refund.parts.map((p) => p.amountFen)).toEqual([2_000, 1_000]);
    // The first cash part lands while the second is not even written: no job yet.
    expect(seen).toEqual([
      [refund.parts[0]?.id, null],
      [refund.parts[1]?.id, 'refund'],
    ]);
    await waitFor(() => t.of('print.job').some((j) => j.refundId === refund.id && j.state === 'printed'), 'refund printed');
    const job = (await t.must('devices.printReceipt', { refundId: refund.id })).preview.map((l) => l.text);
    expect(job.filter((l) => /退现金/.test(l))).toHaveLength(2);
  });
});
