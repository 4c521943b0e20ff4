import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../escpos/test-decoder';
import { FakePrinterDevice } from '../serial/test-fake-printer';
import { closeEnd, openEnd, SocatPair } from '../serial/test-pty';
import { DISCONNECTED, startDevicesTestHost, waitFor, waitForDevice, type DevicesTestHost } from './test-host';

// Print jobs through the HOST over a real pty with a fake ESC/POS printer on the far end: status checked
// before each job, refused jobs kept with the reason, resumed on recovery and on replug, never printed twice.

let dir: string;
let t: DevicesTestHost;
const cleanups: Array<() => Promise<void> | void> = [];

// First retry after 250 ms: by then socat has removed its links, so a retry cannot open a dangling link
// whose /dev/pts number a parallel test has just reused.
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-print-'));
  t = await startDevicesTestHost({ devices: { statusTimeoutMs: 200, writeTimeoutMs: 2_000, pollMs: 100, idlePollMs: 60_000, backoff: { initialMs: 250, maxMs: 500 } } });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await t.dispose();
  rmSync(dir, { recursive: true, force: true });
});

type Fake = { device: FakePrinterDevice; port: SerialPort; received: () => string[] };

/** Opens the printer end of the pair and answers like an ESC/POS printer. */
async function fakePrinter(path: string, device = new FakePrinterDevice()): Promise<Fake> {
  const port = await openEnd(path);
  port.on('data', (chunk: Buffer) => {
    const reply = device.receive(chunk);
    if (reply.length > 0) port.write(reply);
  });
  cleanups.push(() => closeEnd(port));
  return { device, port, received: () => decodeEscPos(Uint8Array.from(device.job)).lines.map((l) => l.text) };
}

async function printerOnPty(device?: FakePrinterDevice): Promise<{ p: SocatPair; fake: Fake }> {
  const p = new SocatPair(dir, 'printer');
  await p.plug();
  cleanups.push(() => p.unplug());
  const fake = await fakePrinter(p.b, device);
  await t.configure({ printerPath: p.a, autoPrint: false });
  await waitForDevice(t, 'printer', 'connected');
  return { p, fake };
}

const receiptNoOf = async (saleId: string): Promise<string> => (await t.must('sale.get', { saleId })).receiptNo;
/** A cash sale opens the drawer at once (a pulse of its own): waited for and cleared, so what follows is the receipt. */
async function drawerOpened(fake: Fake): Promise<void> {
  await waitFor(() => decodeEscPos(Uint8Array.from(fake.device.job)).pulses.length === 1, 'drawer opened');
  fake.device.job.length = 0;
}
const countIn = (lines: string[], needle: string): number => lines.filter((l) => l.includes(needle)).length;
const jobState = async (jobId: string): Promise<string | undefined> => (await t.must('devices.printJobs', { limit: 200 })).find((j) => j.id === jobId)?.state;

describe('print jobs on a serial printer', () => {
  it('the drawer opens when cash moves, receipt or none: change with auto-print off, part cash, a float, a cash in, a cash refund', async () => {
    const { fake } = await printerOnPty();
    const pulses = (): number => decodeEscPos(Uint8Array.from(fake.device.job)).pulses.length;
    const sale = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', unitPriceFen: 1_234 });
    await t.must('sale.tenderCash', { saleId: sale.id, givenFen: 2_000 });
    await waitFor(() => pulses() === 1, 'drawer opened for the change');
    expect(fake.received().filter((l) => l.trim() !== '')).toEqual([]); // auto-print off: nothing printed
    const part = await t.must('sale.open');
    await t.must('sale.addLine', { saleId: part.id, kind: 'amount', unitPriceFen: 1_000 });
    await t.must('sale.tenderCash', { saleId: part.id, givenFen: 500, amountFen: 500 });
    await waitFor(() => pulses() === 2, 'drawer opened for a part in cash');
    await t.must('shift.open', { openingFloatFen: 10_000 });
    await waitFor(() => pulses() === 3, 'drawer opened for the float');
    await t.must('shift.cashMovement', { direction: 'in', amountFen: 2_000, reason: '补零钱' });
    await waitFor(() => pulses() === 4, 'drawer opened for a cash in');
    await t.must('refund.request', { saleId: sale.id, amountFen: 234 });
    await waitFor(() => pulses() === 5, 'drawer opened for the cash handed back');
    // Nothing else opened it.
    await new Promise((r) => setTimeout(r, 200));
    expect(pulses()).toBe(5);
  });

  it('"no sale" opens the drawer with the reason on record; says why not when no drawer can be reached', async () => {
    // No printer set up (virtual): nothing to open, the reason is still on record.
    expect(await t.must('devices.openDrawer', { reason: '找零' })).toEqual({ sent: false, message: expect.stringContaining('no receipt printer') });
    const { p, fake } = await printerOnPty();
    expect(await t.must('devices.openDrawer', { reason: '  顾客换零钱  ' })).toEqual({ sent: true, message: 'drawer opening' });
    await waitFor(() => decodeEscPos(Uint8Array.from(fake.device.job)).pulses.length === 1, 'drawer opened');
    expect(decodeEscPos(Uint8Array.from(fake.device.job)).lines.filter((l) => l.text.trim() !== '')).toEqual([]);
    // A reason is required, one line of text.
    for (const reason of ['', '   ', 'a\nb', 'x'.repeat(201)]) expect(await t.call('devices.openDrawer', { reason })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await p.unplug();
    await waitForDevice(t, 'printer', DISCONNECTED);
    expect(await t.must('devices.openDrawer', { reason: '钱箱卡住' })).toEqual({ sent: false, message: expect.stringMatching(/^printer not connected.*open the drawer with its key$/) });
    const audit = t.host.ctx.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'drawer.open' ORDER BY seq").all() as Array<{ actor: string; detail: string }>;
    expect(audit.map((a) => [a.actor, JSON.parse(a.detail) as unknown])).toEqual([
      ['manager', { reason: '找零' }],
      ['manager', { reason: '顾客换零钱' }],
      ['manager', { reason: '钱箱卡住' }],
    ]);
  });

  it('with auto-print on, a cash sale opens the drawer first, then prints its receipt (which kicks nothing)', async () => {
    const { fake } = await printerOnPty();
    await t.configure({ autoPrint: true });
    const saleId = await t.paidSale(1_500);
    const no = await receiptNoOf(saleId);
    await waitFor(() => countIn(fake.received(), no) === 1, 'receipt printed');
    const job = decodeEscPos(Uint8Array.from(fake.device.job));
    expect(job.pulses).toHaveLength(1);
    const firstPulse = job.events.findIndex((e) => e.type === 'pulse');
    const firstLine = job.events.findIndex((e) => e.type === 'line');
    expect(firstPulse).toBeGreaterThan(-1);
    expect(firstPulse).toBeLessThan(firstLine);
  });

  it('prints a paid sale once: asking again returns the same job', async () => {
    const { fake } = await printerOnPty();
    const saleId = await t.paidSale(1234);
    const no = await receiptNoOf(saleId);
    const first = await t.must('devices.printReceipt', { saleId });
    expect(first.job).toMatchObject({ state: 'printed', kind: 'sale', receiptNo: no, attempts: 1 });
    expect(first.preview.some((l) => l.text.includes(no))).toBe(true);
    const again = await t.must('devices.printReceipt', { saleId });
    expect(again.job.id).toBe(first.job.id);
    const retry = await t.call('devices.retryJob', { jobId: first.job.id });
    expect(retry).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const lines = fake.received();
    expect(countIn(lines, no)).toBe(1);
    expect(lines.some((l) => l.includes('￥12.34'))).toBe(true);
    // A reprint is a marked, numbered copy.
    const copy = await t.must('devices.reprint', { saleId });
    expect(copy.job).toMatchObject({ kind: 'copy', copyNumber: 1, state: 'printed' });
    await waitFor(() => countIn(fake.received(), no) === 2, 'copy bytes');
    expect(fake.received().some((l) => /重印|副本|COPY/i.test(l))).toBe(true);
  });

  it('paper out or cover open keeps the job queued with the reason; it prints when the printer recovers', async () => {
    const { fake } = await printerOnPty();
    await t.configure({ autoPrint: true });
    fake.device.state.paperEnd = true;
    const saleId = await t.paidSale(500);
    await waitFor(() => t.of('print.job').some((j) => j.saleId === saleId && j.state === 'queued' && (j.reason ?? '').includes('out of paper')), 'queued: out of paper');
    expect((await t.must('sale.get', { saleId })).status).toBe('paid');
    await waitForDevice(t, 'printer', 'connected');
    expect((await t.must('devices.status')).find((d) => d.id === 'printer')?.problem).toContain('out of paper');
    fake.device.state.paperEnd = false;
    fake.device.state.coverOpen = true;
    await waitFor(() => t.of('print.job').some((j) => j.saleId === saleId && (j.reason ?? '').includes('cover is open')), 'queued: cover open');
    // Nothing printed; the cash still went in: the drawer got the real-time pulse (executed at once even
    // out of paper), not an ESC p that would wait in the printer and spring the drawer at the paper change.
    const waiting = decodeEscPos(Uint8Array.from(fake.device.job));
    expect(waiting.pulses).toEqual([{ pin: 2, onMs: 100, offMs: 100, realtime: true }]);
    expect(waiting.lines.filter((l) => l.text.trim() !== '')).toEqual([]);
    fake.device.job.length = 0;
    fake.device.state.coverOpen = false; // the periodic poll finds it ready
    await waitFor(() => t.of('print.job').some((j) => j.saleId === saleId && j.state === 'printed'), 'printed after recovery');
    expect(countIn(fake.received(), await receiptNoOf(saleId))).toBe(1);
    await waitFor(() => (t.of('device.state').at(-1)?.problem ?? null) === null, 'problem cleared');
  });

  it('a printer that never answers status keeps the job queued', async () => {
    const { fake } = await printerOnPty();
    fake.device.state.silent = true;
    const r = await t.must('devices.testPrint');
    expect(r.job.state).toBe('queued');
    expect(r.job.reason).toContain('does not answer');
    expect(r.preview.length).toBeGreaterThan(5);
    expect(fake.device.job).toHaveLength(0);
    fake.device.state.silent = false;
    await waitFor(() => t.of('print.job').some((j) => j.id === r.job.id && j.state === 'printed'), 'test page printed');
    const decoded = decodeEscPos(Uint8Array.from(fake.device.job));
    expect(decoded.qrs.map((q) => q.data)).toEqual([expect.stringContaining('POS-TEST-')]);
    expect(decoded.cuts).toHaveLength(1);
    expect(decoded.pulses).toHaveLength(0);
  });

  it('unplugged with jobs waiting: reconnects after the replug and prints each queued job exactly once', async () => {
    const { p, fake } = await printerOnPty();
    await p.unplug();
    await waitForDevice(t, 'printer', DISCONNECTED);
    await closeEnd(fake.port);
    await t.configure({ autoPrint: true });
    const a = await t.paidSale(100);
    const b = await t.paidSale(200);
    await waitFor(() => t.of('print.job').filter((j) => j.state === 'queued' && (j.reason ?? '').includes('not connected')).length >= 2, 'queued: not connected');
    const printJobs = await t.must('devices.printJobs', { open: true });
    expect(printJobs.map((j) => j.state)).toEqual(['queued', 'queued']);

    await p.plug();
    const fresh = await fakePrinter(p.b);
    await waitForDevice(t, 'printer', 'connected', 4_000);
    await waitFor(() => t.of('print.job').filter((j) => j.state === 'printed').length === 2, 'both printed after replug', 4_000);
    const lines = fresh.received();
    expect(countIn(lines, await receiptNoOf(a))).toBe(1);
    expect(countIn(lines, await receiptNoOf(b))).toBe(1);
    // Polls go on; nothing prints again.
    await new Promise((r) => setTimeout(r, 400));
    expect(fresh.received()).toEqual(lines);
    expect(t.of('device.state').some((s) => s.id === 'printer' && DISCONNECTED.test(s.state))).toBe(true);
  });

  it('paper running out during a job makes it uncertain; only the cashier prints it again', async () => {
    const { fake } = await printerOnPty();
    const saleId = await t.paidSale(300);
    await drawerOpened(fake);
    const no = await receiptNoOf(saleId);
    // The roll ends while the job is printing: the status asked right after the job says paper end.
    fake.port.on('data', () => {
      if (fake.device.job.length > 0) fake.device.state.paperEnd = true;
    });
    const r = await t.must('devices.printReceipt', { saleId });
    expect(r.job.state).toBe('uncertain');
    expect(r.job.reason).toContain('out of paper');
    await new Promise((res) => setTimeout(res, 300)); // polls must not touch an uncertain job
    expect(countIn(fake.received(), no)).toBe(1);
    fake.port.removeAllListeners('data');
    const device = fake.device;
    fake.port.on('data', (chunk: Buffer) => {
      const reply = device.receive(chunk);
      if (reply.length > 0) fake.port.write(reply);
    });
    device.state.paperEnd = false;
    const retried = await t.must('devices.retryJob', { jobId: r.job.id });
    expect(retried.state).toBe('printed');
    expect(countIn(fake.received(), no)).toBe(2);
    expect((await t.must('sale.get', { saleId })).status).toBe('paid');
  });

  it('unplugged mid-receipt: the job is uncertain, the sale stays paid', async () => {
    // Once job bytes arrive the printer is gone: it answers nothing more, whatever the chunking.
    class PulledPrinter extends FakePrinterDevice {
      override receive(chunk: Uint8Array): Buffer {
        const reply = super.receive(chunk);
        return this.job.length > 0 ? Buffer.alloc(0) : reply;
      }
    }
    const { p, fake } = await printerOnPty(new PulledPrinter());
    const saleId = await t.paidSale(700);
    await drawerOpened(fake);
    let pulled = false;
    fake.port.on('data', () => {
      if (fake.device.job.length > 0 && !pulled) {
        pulled = true;
        void p.unplug();
      }
    });
    const r = await t.must('devices.printReceipt', { saleId });
    expect(r.job.state).toBe('uncertain');
    expect((await t.must('sale.get', { saleId })).status).toBe('paid');
    await waitForDevice(t, 'printer', DISCONNECTED);
  });
});

describe('crash recovery and the virtual printer', () => {
  it('a job cut off by a stop becomes uncertain on restart and is not printed again by itself', async () => {
    await t.configure({ autoPrint: false });
    const saleId = await t.paidSale(100);
    const r = await t.must('devices.printReceipt', { saleId });
    expect(r.job.target).toBe('virtual');
    // Simulate a crash between "printing" and "printed".
    t.host.ctx.db.prepare("UPDATE print_jobs SET state = 'printing', printed_at = NULL, target = NULL WHERE id = ?").run(r.job.id);
    await t.restart();
    // Recovered while the host starts (before any client listens): the job list shows it.
    const [job] = await t.must('devices.printJobs', { open: true });
    expect(job).toMatchObject({ id: r.job.id, state: 'uncertain', reason: expect.stringContaining('app stopped') });
    await new Promise((res) => setTimeout(res, 200));
    expect(await jobState(r.job.id)).toBe('uncertain');
    const dismissed = await t.must('devices.dismissJob', { jobId: r.job.id });
    expect(dismissed.state).toBe('dismissed');
    expect(await t.call('devices.retryJob', { jobId: r.job.id })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('with no printer configured, receipts become preview files and the preview comes back', async () => {
    const test = await t.must('devices.testPrint');
    expect(test.job).toMatchObject({ state: 'printed', target: 'virtual', kind: 'test' });
    expect(test.file).not.toBeNull();
    const text = readFileSync(test.file ?? '', 'utf8');
    expect(text).toContain('打印测试');
    expect(existsSync((test.file ?? '').replace(/\.txt$/, '.bin'))).toBe(true);
    expect(test.preview.map((l) => l.text)).toEqual(text.split('\n').slice(0, -1));
    // Auto-print on paid.
    const saleId = await t.paidSale(880);
    await waitFor(() => t.of('print.job').some((j) => j.saleId === saleId && j.state === 'printed'), 'auto-printed to file');
    const jobs = await t.must('devices.printJobs', { saleId });
    expect(jobs).toHaveLength(1);
    const bin = readFileSync(join(t.dataDir, 'receipts', `${jobs[0]?.receiptNo ?? ''}-${jobs[0]?.id ?? ''}.bin`));
    const decoded = decodeEscPos(Uint8Array.from(bin));
    expect(decoded.lines.some((l) => l.text.includes('￥8.80'))).toBe(true);
    expect(decoded.pulses).toHaveLength(0); // the drawer opens with the cash, never with a receipt
    expect((await t.must('devices.status')).find((d) => d.id === 'printer')).toMatchObject({ state: 'virtual', path: null });
    expect((await t.must('host.info')).devices).toEqual([]);
  });
});
