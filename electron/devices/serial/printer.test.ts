import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SAMPLE_SALE } from '../../../shared/receipt/fixtures';
import { receiptSchema } from '../../../shared/receipt/model';
import { encodeReceipt } from '../escpos/encode';
import { DEFAULT_PRINTER_PROFILE } from '../escpos/profile';
import { decodeEscPos } from '../escpos/test-decoder';
import { SerialPrinter } from './printer';
import { FakePrinterDevice } from './test-fake-printer';

/** A duplex "port" wired to a fake printer device (replies come back asynchronously, like a real port). */
class FakePort extends Duplex {
  constructor(readonly device: FakePrinterDevice) {
    super();
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const reply = this.device.receive(chunk);
    if (reply.length > 0) setImmediate(() => this.push(reply));
    cb();
  }
  drain(cb: (err: Error | null) => void): void {
    setImmediate(() => cb(null));
  }
}

function setup() {
  const device = new FakePrinterDevice();
  const port = new FakePort(device);
  const statuses: unknown[] = [];
  const printer = new SerialPrinter(port, { deviceId: 'p1', statusTimeoutMs: 50, onStatus: (s) => statuses.push(s) });
  return { device, port, printer, statuses };
}

const job = encodeReceipt(receiptSchema.parse(SAMPLE_SALE), DEFAULT_PRINTER_PROFILE);

describe('SerialPrinter', () => {
  it('asks status, then prints the whole job', async () => {
    const { device, printer } = setup();
    const outcome = await printer.print(job);
    expect(outcome).toMatchObject({ ok: true, status: { known: true, online: true } });
    expect(device.statusRequests).toBe(3);
    expect(Buffer.from(device.job).equals(job)).toBe(true);
    expect(decodeEscPos(Uint8Array.from(device.job)).cuts).toHaveLength(1);
  });

  it('refuses to print on paper end, cover open, offline; keeps nothing half-printed', async () => {
    for (const [state, reason] of [
      [{ paperEnd: true }, 'paper-end'],
      [{ coverOpen: true }, 'cover-open'],
      [{ online: false }, 'offline'],
    ] as const) {
      const { device, printer } = setup();
      Object.assign(device.state, state);
      const outcome = await printer.print(job);
      expect(outcome).toMatchObject({ ok: false, reason });
      expect(device.job).toEqual([]);
    }
  });

  it('opens the drawer with ESC p when ready, and with the real-time DLE DC4 pulse when it cannot print', async () => {
    const pulse = Buffer.from([0x1b, 0x70, 0, 25, 250]);
    const realtime = Buffer.from([0x10, 0x14, 1, 0, 1]);
    const ready = setup();
    expect(await ready.printer.openDrawer(pulse, realtime)).toEqual({ ok: true, problem: null });
    expect(decodeEscPos(Uint8Array.from(ready.device.job)).pulses).toEqual([{ pin: 2, onMs: 50, offMs: 500 }]);
    // Out of paper, cover open, offline, silent: an ESC p would wait in the buffer until the paper is
    // changed (and spring the drawer then); DLE DC4 1 is executed at once.
    for (const [state, problem] of [
      [{ paperEnd: true }, 'out of paper'],
      [{ coverOpen: true }, 'cover is open'],
      [{ online: false }, 'offline'],
      [{ silent: true }, 'status unknown'],
    ] as const) {
      const { device, printer } = setup();
      Object.assign(device.state, state);
      expect(await printer.openDrawer(pulse, realtime)).toEqual({ ok: true, problem: expect.stringContaining(problem) });
      expect(decodeEscPos(Uint8Array.from(device.job)).pulses).toEqual([{ pin: 2, onMs: 100, offMs: 100, realtime: true }]);
    }
    const gone = setup();
    gone.printer.detach();
    expect(await gone.printer.openDrawer(pulse, realtime)).toEqual({ ok: false, message: 'printer detached' });
    expect(gone.device.job).toEqual([]);
  });

  it('a silent printer is "status unknown" after the reply timeout', async () => {
    const { device, printer } = setup();
    device.state.silent = true;
    const outcome = await printer.print(job);
    expect(outcome).toMatchObject({ ok: false, reason: 'unknown', message: expect.stringContaining('no reply to DLE EOT 1') });
    expect(device.job).toEqual([]);
  });

  it('garbage replies give an unknown status, not a crash', async () => {
    const { port, printer } = setup();
    const original = port.device.receive.bind(port.device);
    port.device.receive = (chunk) => (original(chunk).length > 0 ? Buffer.from([0xff]) : Buffer.alloc(0));
    expect(await printer.status()).toMatchObject({ known: false });
  });

  it('paper near end still prints and is reported', async () => {
    const { device, printer } = setup();
    device.state.paperNearEnd = true;
    expect(await printer.print(job)).toMatchObject({ ok: true, status: { paperNearEnd: true } });
  });

  it('serialises concurrent jobs so status requests never land inside a job', async () => {
    const { device, printer } = setup();
    const [a, b] = await Promise.all([printer.print(job), printer.print(job)]);
    expect(a.ok && b.ok).toBe(true);
    expect(device.job.length).toBe(job.length * 2);
    expect(Buffer.from(device.job).equals(Buffer.concat([job, job]))).toBe(true);
  });

  it('reports Automatic Status Back frames', async () => {
    const { port, statuses } = setup();
    port.push(Buffer.from([0x38, 0x00, 0x0c, 0x00]));
    await new Promise((r) => setImmediate(r));
    expect(statuses).toEqual([{ known: true, online: false, coverOpen: true, paperEnd: true, paperNearEnd: false, error: false }]);
  });

  it('after detach every operation fails cleanly', async () => {
    const { printer } = setup();
    printer.detach();
    expect(await printer.print(job)).toMatchObject({ ok: false, reason: 'unknown' });
  });
});
