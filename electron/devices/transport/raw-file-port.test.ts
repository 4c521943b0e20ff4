import { constants as fsc, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_SALE } from '../../../shared/receipt/fixtures';
import { receiptSchema } from '../../../shared/receipt/model';
import { encodeReceipt } from '../escpos/encode';
import { DEFAULT_PRINTER_PROFILE } from '../escpos/profile';
import { decodeEscPos } from '../escpos/test-decoder';
import { type DeviceLog, type OwnedPort } from '../serial/port';
import { SerialPrinter } from '../serial/printer';
import { createPortSupervisor, type DeviceConnectionState } from '../serial/supervisor';
import { FakePrinterDevice } from '../serial/test-fake-printer';
import { waitFor } from '../serial/test-pty';
import { startDevicesTestHost, waitForDevice } from '../service/test-host';
import { createTransportOpener } from './open-printer-port';
import { openRawHandle, type OpenRaw, type RawHandle } from './raw-file-port';

const job = encodeReceipt(receiptSchema.parse(SAMPLE_SALE), DEFAULT_PRINTER_PROFILE);
const LP = '/dev/usb/lp0';
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-lp-'));
  file = join(dir, 'lp0');
  writeFileSync(file, '');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const eacces = (): Error => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
/** /dev/usb/lp0 → the temp file; reading refused (we run as root, so chmod would not refuse it). */
const writeOnly: OpenRaw = (_path, flags) => ((flags & (fsc.O_RDWR | fsc.O_WRONLY)) === fsc.O_RDWR ? Promise.reject(eacces()) : openRawHandle(file, flags));

/** A usblp-like device: answers DLE EOT through non-blocking reads (EAGAIN while nothing is there). */
function answeringDevice(device: FakePrinterDevice, state: { gone: boolean }): OpenRaw {
  return () => {
    if (state.gone) return Promise.reject(Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' }));
    const replies: number[] = [];
    const handle: RawHandle = {
      write: (b, o, l) => {
        if (state.gone) return Promise.reject(Object.assign(new Error('ENODEV: no such device'), { code: 'ENODEV' }));
        replies.push(...device.receive(b.subarray(o, o + l)));
        return Promise.resolve({ bytesWritten: l });
      },
      read: (b, o, l) => {
        if (replies.length === 0) return Promise.reject(Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' }));
        const n = Math.min(l, replies.length);
        b.set(replies.splice(0, n), o);
        return Promise.resolve({ bytesRead: n });
      },
      close: () => Promise.resolve(),
    };
    return Promise.resolve(handle);
  };
}

const open = (openRaw: OpenRaw, log?: DeviceLog): Promise<OwnedPort> => createTransportOpener({ openRaw, ...(log ? { log } : {}) })({ id: 'printer', path: LP, baudRate: 9600 });

describe('raw device file printer (/dev/usb/lp0)', () => {
  it('write-only: prints without the status pre-check, exact bytes in the file; logs the fallback once', async () => {
    const logs: string[] = [];
    const log: DeviceLog = (_level, message) => logs.push(message);
    const opener = createTransportOpener({ openRaw: writeOnly, log });
    const port = await opener({ id: 'printer', path: LP, baudRate: 9600 });
    expect(port.canRead).toBe(false);
    const printer = new SerialPrinter(port, { deviceId: 'printer', statusTimeoutMs: 50 });
    expect(printer.readsStatus).toBe(false);
    expect(await printer.status()).toMatchObject({ known: false, reason: expect.stringContaining('write-only') });
    expect(await printer.print(job)).toMatchObject({ ok: true });
    const bytes = readFileSync(file);
    expect(bytes.equals(job)).toBe(true); // no DLE EOT in front: nothing was asked
    const decoded = decodeEscPos(Uint8Array.from(bytes));
    expect(decoded.lines.filter((l) => l.text.includes(SAMPLE_SALE.saleNo))).toHaveLength(1);
    expect(decoded.cuts).toHaveLength(1);
    await new Promise<void>((r) => port.close(() => r()));
    const again = await opener({ id: 'printer', path: LP, baudRate: 9600 });
    await new Promise<void>((r) => again.close(() => r()));
    expect(logs.filter((m) => m.includes('write-only'))).toHaveLength(1);
  });

  it('readable file that never answers: status unknown, the job is refused and not written', async () => {
    const port = await open((_p, flags) => openRawHandle(file, flags));
    expect(port.canRead).toBe(true);
    const printer = new SerialPrinter(port, { deviceId: 'printer', statusTimeoutMs: 50 });
    expect(await printer.print(job)).toMatchObject({ ok: false, reason: 'unknown', message: expect.stringContaining('no reply') });
    expect([...readFileSync(file)]).toEqual([0x10, 0x04, 0x01]);
    await new Promise<void>((r) => port.close(() => r()));
  });

  it('a device that answers DLE EOT through reads: paper end refuses, online prints exactly once', async () => {
    const device = new FakePrinterDevice();
    const port = await open(answeringDevice(device, { gone: false }));
    const printer = new SerialPrinter(port, { deviceId: 'printer', statusTimeoutMs: 500 });
    device.state.paperEnd = true;
    expect(await printer.print(job)).toMatchObject({ ok: false, reason: 'paper-end' });
    device.state.paperEnd = false;
    expect(await printer.print(job)).toMatchObject({ ok: true, status: { known: true, online: true } });
    expect(Buffer.from(device.job).equals(job)).toBe(true);
    await new Promise<void>((r) => port.close(() => r()));
  });

  it('never creates a missing device file', async () => {
    const missing = join(dir, 'lp9');
    await expect(open((_p, flags) => openRawHandle(missing, flags))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(missing)).toBe(false);
  });

  it('unplug: the write fails, the port closes as disconnected, the supervisor reconnects when it is back', async () => {
    const device = new FakePrinterDevice();
    const state = { gone: false };
    const states: DeviceConnectionState[] = [];
    const live: { printer: SerialPrinter | null } = { printer: null };
    const sup = createPortSupervisor({
      devices: [{ id: 'printer', path: LP, baudRate: 9600 }],
      onState: (s) => states.push(s),
      onConnected: (_d, port) => {
        const p = new SerialPrinter(port, { deviceId: 'printer', statusTimeoutMs: 500 });
        live.printer = p;
        return () => {
          p.detach();
          if (live.printer === p) live.printer = null;
        };
      },
      openPort: createTransportOpener({ openRaw: answeringDevice(device, state) }),
      backoff: { initialMs: 20, maxMs: 50 },
    });
    sup.start();
    try {
      await waitFor(() => live.printer !== null, 'connected');
      state.gone = true;
      const p1 = live.printer;
      expect(await p1?.print(job)).toMatchObject({ ok: false, reason: 'unknown' });
      await waitFor(() => states.some((s) => s.state === 'reconnecting'), 'reconnecting');
      expect(states.find((s) => s.state === 'reconnecting')).toMatchObject({ reason: expect.stringContaining('ENODEV') });
      state.gone = false;
      await waitFor(() => live.printer !== null && states.at(-1)?.state === 'connected', 'reconnected');
      const p2 = live.printer;
      expect(await p2?.print(job)).toMatchObject({ ok: true });
      expect(Buffer.from(device.job).equals(job)).toBe(true);
    } finally {
      await sup.stop();
    }
  });
});

describe('raw device file printer through the host', () => {
  it('printerPath /dev/usb/lp0 (write-only): the receipt is written once and the job is printed', async () => {
    const t = await startDevicesTestHost({ devices: { openPort: createTransportOpener({ openRaw: writeOnly }), idlePollMs: 60_000, pollMs: 100 } });
    try {
      await t.configure({ printerPath: LP, autoPrint: false });
      await waitForDevice(t, 'printer', 'connected');
      const saleId = await t.paidSale(4321);
      const r = await t.must('devices.printReceipt', { saleId });
      expect(r.job).toMatchObject({ state: 'printed', target: LP });
      const no = (await t.must('sale.get', { saleId })).receiptNo;
      const lines = decodeEscPos(Uint8Array.from(readFileSync(file))).lines.map((l) => l.text);
      expect(lines.filter((l) => l.includes(no))).toHaveLength(1);
      expect(lines.some((l) => l.includes('￥43.21'))).toBe(true);
      expect((await t.must('devices.status')).find((d) => d.id === 'printer')).toMatchObject({ state: 'connected', problem: null });
    } finally {
      await t.dispose();
    }
  });
});
