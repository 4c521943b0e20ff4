import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../escpos/test-decoder';
import { virtualFileBase } from './sinks';
import { startDevicesTestHost, type DevicesTestHost } from './test-host';

// Refund receipts through the HOST on the virtual printer (the exact job bytes land in a .bin file, read
// back by the independent ESC/POS decoder): a completed refund prints exactly once, automatically.

let t: DevicesTestHost;
beforeEach(async () => {
  t = await startDevicesTestHost({ devices: { pollMs: 50, idlePollMs: 60_000 } });
});
afterEach(async () => {
  await t.dispose();
});

/** Polls an (async) condition in real time; the host's I/O (sandbox, virtual printer files) is real. */
async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ALIPAY_CODE = (): string => `28${String(Date.now() % 1e8).padStart(8, '0')}${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

const jobsFor = async (refundId: string) => (await t.must('devices.printJobs', { limit: 200 })).filter((j) => j.refundId === refundId);
const printedBytes = (job: { id: string; receiptNo: string | null }) =>
  decodeEscPos(Uint8Array.from(readFileSync(`${virtualFileBase(join(t.dataDir, 'receipts'), { id: job.id, name: job.receiptNo ?? '' })}.bin`)));

/** A sale paid (part in cash when `cashFen` > 0, the rest) with an Alipay code through the in-process sandbox. */
async function codeSale(totalFen: number, cashFen = 0): Promise<string> {
  const sale = await t.must('sale.open');
  await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', name: '测试商品', unitPriceFen: totalFen });
  if (cashFen > 0) await t.must('sale.tenderCash', { saleId: sale.id, givenFen: cashFen, amountFen: cashFen });
  await t.must('payment.start', { saleId: sale.id, code: ALIPAY_CODE() });
  await waitFor(async () => (await t.must('sale.get', { saleId: sale.id })).status === 'paid', 'sale paid', 5_000);
  return sale.id;
}

describe('refund receipts printed by the host', () => {
  it('a completed cash refund prints exactly one refund receipt; asking again returns it', async () => {
    const saleId = await t.paidSale(5_000);
    const receiptNo = (await t.must('sale.get', { saleId })).receiptNo;
    await waitFor(() => t.of('print.job').some((j) => j.saleId === saleId && j.kind === 'sale' && j.state === 'printed'), 'sale receipt');
    const refund = await t.must('refund.request', { saleId, amountFen: 2_000, reason: '商品破损' });
    expect(refund.state).toBe('succeeded');
    await waitFor(async () => (await jobsFor(refund.id)).some((j) => j.state === 'printed'), 'refund receipt printed');
    // Progress is reported more than once; the receipt is one job all the same.
    expect(t.of('refund.progress').filter((p) => p.id === refund.id && p.state === 'succeeded').length).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 200));
    const jobs = await jobsFor(refund.id);
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    if (!job) throw new Error('no job');
    expect(job).toMatchObject({ kind: 'refund', saleId, refundId: refund.id, receiptNo: `${receiptNo}-R1`, state: 'printed', attempts: 1 });
    expect((await t.must('devices.printJobs', { saleId, limit: 200 })).map((j) => j.kind).sort()).toEqual(['refund', 'sale']);

    const decoded = printedBytes(job);
    const lines = decoded.lines.map((l) => l.text);
    expect(lines.filter((l) => l.includes('退款 / REFUND'))).toHaveLength(1);
    expect(lines.some((l) => l.includes(`${receiptNo}-R1`))).toBe(true);
    expect(lines.some((l) => /^原单号:\s+/.test(l) && l.endsWith(receiptNo))).toBe(true);
    expect(lines.some((l) => /^授权经理:\s+店长 Manager$/.test(l))).toBe(true);
    expect(lines.some((l) => /^原因:\s+商品破损$/.test(l))).toBe(true);
    expect(lines.some((l) => /^退现金\s+￥20\.00$/.test(l))).toBe(true);
    // The drawer opened when the cash went back (a pulse of its own), never with the slip.
    expect(decoded.pulses).toHaveLength(0);
    expect(decoded.cuts).toHaveLength(1);

    const again = await t.must('devices.printReceipt', { refundId: refund.id });
    expect(again.job.id).toBe(job.id);
    expect(again.preview.some((l) => l.text.includes('退款 / REFUND'))).toBe(true);
    expect(await jobsFor(refund.id)).toHaveLength(1);

    // The second refund of the sale has the next number; the sale's own receipt stays the only sale job.
    const rest = await t.must('refund.request', { saleId });
    await waitFor(async () => (await jobsFor(rest.id)).some((j) => j.state === 'printed'), 'second refund printed');
    expect((await jobsFor(rest.id))[0]?.receiptNo).toBe(`${receiptNo}-R2`);
    expect((await t.must('devices.printJobs', { saleId, limit: 200 })).filter((j) => j.kind === 'sale')).toHaveLength(1);
  });

  it('a refund back to a code and in cash lists both, with the channel refund id; copies are numbered per receipt', async () => {
    const saleId = await codeSale(3_000, 1_000);
    const refund = await t.must('refund.request', { saleId });
    expect(refund.parts.map((p) => p.kind)).toEqual(['code', 'cash']);
    await waitFor(async () => (await jobsFor(refund.id)).some((j) => j.kind === 'refund' && j.state === 'printed'), 'refund printed', 5_000);
    // The engine reports the code part's success and then the round's end: two "succeeded", one job.
    expect(t.of('refund.progress').filter((p) => p.id === refund.id && p.state === 'succeeded').length).toBeGreaterThanOrEqual(2);
    const auto = await jobsFor(refund.id);
    expect(auto).toHaveLength(1);
    const [job] = auto;
    if (!job) throw new Error('no job');
    const decoded = printedBytes(job);
    const lines = decoded.lines.map((l) => l.text);
    expect(lines.some((l) => /^退回 支付宝\s+￥20\.00$/.test(l))).toBe(true);
    expect(lines.some((l) => /付款码\s+28\d{2}\*+\d{4}$/.test(l))).toBe(true);
    expect(lines.some((l) => /退款流水/.test(l))).toBe(true);
    expect(lines.some((l) => /^退现金\s+￥10\.00$/.test(l))).toBe(true);
    expect(lines.some((l) => /^退款合计\s+￥30\.00$/.test(l))).toBe(true);
    expect(decoded.pulses).toHaveLength(0);

    const copy = await t.must('devices.reprint', { refundId: refund.id });
    expect(copy.job).toMatchObject({ kind: 'copy', refundId: refund.id, copyNumber: 1, state: 'printed' });
    const copyBytes = printedBytes(copy.job);
    expect(copyBytes.pulses).toHaveLength(0);
    expect(copyBytes.lines.some((l) => l.text.includes('重印 #1'))).toBe(true);
    expect((await t.must('devices.reprint', { refundId: refund.id })).job.copyNumber).toBe(2);
    expect((await t.must('devices.reprint', { saleId })).job).toMatchObject({ kind: 'copy', refundId: null, copyNumber: 1 });
  });

  it('a refund to a code only never opens the drawer', async () => {
    const saleId = await codeSale(2_500);
    const refund = await t.must('refund.request', { saleId, amountFen: 500 });
    await waitFor(async () => (await jobsFor(refund.id)).some((j) => j.state === 'printed'), 'refund printed', 5_000);
    const [job] = await jobsFor(refund.id);
    if (!job) throw new Error('no job');
    const decoded = printedBytes(job);
    expect(decoded.pulses).toEqual([]);
    expect(decoded.lines.some((l) => /^退回 支付宝\s+￥5\.00$/.test(l.text))).toBe(true);
  });

  it('autoPrint off: nothing prints by itself, the cashier can still print it; a void prints no refund receipt', async () => {
    await t.configure({ autoPrint: false });
    const saleId = await t.paidSale(1_000);
    const refund = await t.must('refund.request', { saleId, amountFen: 100 });
    await new Promise((r) => setTimeout(r, 150));
    expect(await jobsFor(refund.id)).toEqual([]);
    const printed = await t.must('devices.printReceipt', { refundId: refund.id });
    expect(printed.job).toMatchObject({ kind: 'refund', state: 'printed' });
    // One receipt at a time: a sale id and a refund id together are a validation error.
    expect(await t.call('devices.reprint', { saleId, refundId: refund.id } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    await t.configure({ autoPrint: true });
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 2_000 });
    await t.must('sale.tenderCash', { saleId: sale.id, givenFen: 500, amountFen: 500 });
    await t.must('sale.void', { saleId: sale.id, reason: 'customer left' });
    await new Promise((r) => setTimeout(r, 150));
    const voids = t.of('refund.progress').filter((p) => p.saleId === sale.id);
    expect(voids.length).toBeGreaterThan(0);
    expect(voids.every((v) => v.purpose === 'void')).toBe(true);
    expect((await t.must('devices.printJobs', { saleId: sale.id, limit: 50 }))).toEqual([]);
    const voidId = voids[0]?.id ?? '';
    expect(await t.call('devices.printReceipt', { refundId: voidId })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await t.call('devices.reprint', { refundId: voidId })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });
});
