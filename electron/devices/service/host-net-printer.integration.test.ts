import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeNetPrinter } from '../transport/test-net-printer';
import { DISCONNECTED, startDevicesTestHost, waitFor, waitForDevice, type DevicesTestHost } from './test-host';

// Print jobs through the HOST to a network printer (printerPath tcp://127.0.0.1:PORT, a real socket to a
// fake ESC/POS printer): same states, reasons and exactly-once queue as the serial printer.

let t: DevicesTestHost;
let f: FakeNetPrinter;
beforeEach(async () => {
  t = await startDevicesTestHost({ devices: { statusTimeoutMs: 200, writeTimeoutMs: 2_000, pollMs: 100, idlePollMs: 60_000, connectTimeoutMs: 1_000, backoff: { initialMs: 100, maxMs: 300 } } });
  f = await new FakeNetPrinter().start();
});
afterEach(async () => {
  await t.dispose();
  await f.stop();
});

const receiptNoOf = async (saleId: string): Promise<string> => (await t.must('sale.get', { saleId })).receiptNo;
const countIn = (lines: string[], needle: string): number => lines.filter((l) => l.includes(needle)).length;

async function useNetPrinter(): Promise<void> {
  await t.configure({ printerPath: f.url, autoPrint: false });
  await waitForDevice(t, 'printer', 'connected');
}

describe('print jobs on a network printer', () => {
  it('prints a paid sale exactly once over TCP; the job target is the tcp:// path', async () => {
    await useNetPrinter();
    const saleId = await t.paidSale(1234);
    const r = await t.must('devices.printReceipt', { saleId });
    expect(r.job).toMatchObject({ state: 'printed', target: f.url, attempts: 1 });
    expect(countIn(f.lines(), await receiptNoOf(saleId))).toBe(1);
    expect(f.lines().some((l) => l.includes('￥12.34'))).toBe(true);
    expect((await t.must('devices.status')).find((d) => d.id === 'printer')).toMatchObject({ state: 'connected', path: f.url, problem: null });
  });

  it('paper end, cover open and silence keep the job queued with the reason; it prints on recovery', async () => {
    await useNetPrinter();
    f.device.state.paperEnd = true;
    const r = await t.must('devices.testPrint');
    expect(r.job).toMatchObject({ state: 'queued', reason: expect.stringContaining('out of paper') });
    f.device.state.paperEnd = false;
    f.device.state.coverOpen = true;
    await waitFor(() => t.of('print.job').some((j) => j.id === r.job.id && (j.reason ?? '').includes('cover is open')), 'queued: cover open');
    f.device.state.coverOpen = false;
    f.device.state.silent = true;
    await waitFor(() => t.of('print.job').some((j) => j.id === r.job.id && (j.reason ?? '').includes('does not answer')), 'queued: silent');
    expect(f.device.job).toHaveLength(0);
    f.device.state.silent = false;
    await waitFor(() => t.of('print.job').some((j) => j.id === r.job.id && j.state === 'printed'), 'printed after recovery');
    expect(f.lines().filter((l) => l.includes('打印测试')).length).toBe(1);
  });

  it('the printer drops the connection mid-job and comes back: that job is uncertain, the queue resumes exactly once', async () => {
    await useNetPrinter();
    const a = await t.paidSale(100);
    // The cash sale opened the drawer first (a pulse of its own); then the receipt is asked for.
    await waitFor(() => f.device.job.length > 0, 'drawer opened');
    // The printer resets as soon as job bytes arrive, and is off the network for a while.
    f.onJobBytes = (socket) => {
      f.onJobBytes = null;
      socket.destroy();
      void f.stop();
    };
    const first = await t.must('devices.printReceipt', { saleId: a });
    expect(first.job.state).toBe('uncertain');
    await waitForDevice(t, 'printer', DISCONNECTED);
    await t.configure({ autoPrint: true });
    const b = await t.paidSale(200);
    const c = await t.paidSale(300);
    await waitFor(() => t.of('print.job').filter((j) => j.state === 'queued' && (j.reason ?? '').includes('not connected')).length >= 2, 'queued while away');
    const before = f.device.job.length;

    await f.restart();
    await waitForDevice(t, 'printer', 'connected', 4_000);
    await waitFor(() => t.of('print.job').filter((j) => j.state === 'printed').length === 2, 'queued jobs printed after reconnect', 4_000);
    // Decode only what came after the reconnect: the cut-off job may end in the middle of a command.
    const after = f.lines(before);
    expect(countIn(after, await receiptNoOf(b))).toBe(1);
    expect(countIn(after, await receiptNoOf(c))).toBe(1);
    expect(countIn(after, await receiptNoOf(a))).toBe(0);
    // The cut-off job is never reprinted by itself; the cashier's retry prints it once more.
    const jobs = await t.must('devices.printJobs', { limit: 10 });
    expect(jobs.find((j) => j.id === first.job.id)?.state).toBe('uncertain');
    const retried = await t.must('devices.retryJob', { jobId: first.job.id });
    expect(retried.state).toBe('printed');
    expect(countIn(f.lines(before), await receiptNoOf(a))).toBe(1);
    expect(t.of('device.state').some((s) => s.id === 'printer' && s.state === 'reconnecting' && s.path === f.url)).toBe(true);
  });

  it('an unreachable printer is "reconnecting" with the reason, and jobs wait', async () => {
    const port = f.port;
    await f.stop();
    await t.configure({ printerPath: `tcp://127.0.0.1:${port}`, autoPrint: false });
    await waitForDevice(t, 'printer', 'reconnecting');
    const st = (await t.must('devices.status')).find((d) => d.id === 'printer');
    expect(st?.reason).toContain('ECONNREFUSED');
    const r = await t.must('devices.testPrint');
    expect(r.job).toMatchObject({ state: 'queued', reason: expect.stringContaining('not connected') });
  });
});
