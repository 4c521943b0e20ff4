import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE_SALE } from '../../../shared/receipt/fixtures';
import { receiptSchema } from '../../../shared/receipt/model';
import { type ScanEvent } from '../../../shared/scan/types';
import { encodeReceipt } from '../escpos/encode';
import { DEFAULT_PRINTER_PROFILE } from '../escpos/profile';
import { decodeEscPos } from '../escpos/test-decoder';
import { type ScanSuffix } from '../scanner/framer';
import { SerialPrinter } from './printer';
import { SerialScanner } from './scanner';
import { createPortSupervisor, discoverSerialPorts, type DeviceConnectionState, type PortSupervisor } from './supervisor';
import { FakePrinterDevice } from './test-fake-printer';
import { closeEnd, openEnd, SocatPair, waitFor, writeEnd } from './test-pty';

let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-pty-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function pair(name = 'tty'): Promise<SocatPair> {
  const p = new SocatPair(dir, name);
  await p.plug();
  cleanups.push(() => p.unplug());
  return p;
}

async function farEnd(path: string): Promise<SerialPort> {
  const port = await openEnd(path);
  cleanups.push(() => closeEnd(port));
  return port;
}

function supervise(devices: Array<{ id: string; path: string }>, attach: Parameters<typeof createPortSupervisor>[0]['onConnected']) {
  const states: DeviceConnectionState[] = [];
  const sup: PortSupervisor = createPortSupervisor({
    devices: devices.map((d) => ({ ...d, baudRate: 9600 })),
    onState: (s) => states.push(s),
    onConnected: attach,
    backoff: { initialMs: 100, maxMs: 1_000 },
  });
  cleanups.push(() => sup.stop());
  return { sup, states, current: (id: string) => sup.states().find((s) => s.id === id) };
}

describe('serial scanner over a real pty', () => {
  for (const [suffix, end] of [['cr', '\r'], ['lf', '\n'], ['crlf', '\r\n'], ['none', '']] as const) {
    it(`receives codes with suffix ${suffix}`, async () => {
      const p = await pair();
      const scans: ScanEvent[] = [];
      const { sup, current } = supervise([{ id: 'scanner', path: p.a }], (d, port) => {
        const s = new SerialScanner(port, { deviceId: d.id, framer: { suffix: suffix as ScanSuffix, interByteTimeoutMs: 30 }, onScan: (e) => scans.push(e) });
        return () => s.detach();
      });
      sup.start();
      await waitFor(() => current('scanner')?.state === 'connected', 'scanner connected');
      const far = await farEnd(p.b);
      await writeEnd(far, `]C0134567890123456789${end}`);
      if (suffix === 'none') await waitFor(() => scans.length === 1, 'first scan');
      await writeEnd(far, `2876344382566439${end}`);
      await waitFor(() => scans.length === 2, 'two scans');
      expect(scans.map((s) => [s.code, s.symbology])).toEqual([
        ['134567890123456789', ']C0'],
        ['2876344382566439', undefined],
      ]);
    });
  }
});

describe('serial printer over a real pty', () => {
  it('prints when online, refuses on paper end and cover open', async () => {
    const p = await pair();
    const device = new FakePrinterDevice();
    const far = await farEnd(p.b);
    far.on('data', (chunk: Buffer) => {
      const reply = device.receive(chunk);
      if (reply.length > 0) far.write(reply);
    });
    let printer: SerialPrinter | null = null;
    const { sup, current } = supervise([{ id: 'printer', path: p.a }], (d, port) => {
      const pr = new SerialPrinter(port, { deviceId: d.id, statusTimeoutMs: 300 });
      printer = pr;
      return () => pr.detach();
    });
    sup.start();
    await waitFor(() => current('printer')?.state === 'connected' && printer !== null, 'printer connected');
    const pr = printer as unknown as SerialPrinter;
    const job = encodeReceipt(receiptSchema.parse(SAMPLE_SALE), DEFAULT_PRINTER_PROFILE);

    expect(await pr.print(job)).toMatchObject({ ok: true });
    await waitFor(() => device.job.length === job.length, 'job bytes at the printer');
    expect(decodeEscPos(Uint8Array.from(device.job)).lines.some((l) => l.text.includes('好邻居'))).toBe(true);

    device.state.paperEnd = true;
    expect(await pr.print(job)).toMatchObject({ ok: false, reason: 'paper-end' });
    device.state.paperEnd = false;
    device.state.coverOpen = true;
    expect(await pr.print(job)).toMatchObject({ ok: false, reason: 'cover-open' });
    device.state.coverOpen = false;
    device.state.silent = true;
    expect(await pr.print(job)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(device.job.length).toBe(job.length);
  });
});

describe('port supervisor over real ptys', () => {
  it('reconnects after an unplug and scans again after the replug', async () => {
    const p = await pair();
    const scans: ScanEvent[] = [];
    const { sup, states, current } = supervise([{ id: 'scanner', path: p.a }], (d, port) => {
      const s = new SerialScanner(port, { deviceId: d.id, framer: { suffix: 'cr' }, onScan: (e) => scans.push(e) });
      return () => s.detach();
    });
    sup.start();
    await waitFor(() => current('scanner')?.state === 'connected', 'connected');
    let far = await openEnd(p.b);
    await writeEnd(far, '6901234567892\r');
    await waitFor(() => scans.length === 1, 'scan before unplug');

    await p.unplug();
    await waitFor(() => current('scanner')?.state === 'reconnecting', 'reconnecting');
    await closeEnd(far);
    await p.plug();
    await waitFor(() => current('scanner')?.state === 'connected', 'reconnected', 2_500);
    far = await farEnd(p.b);
    await writeEnd(far, '134567890123456789\r');
    await waitFor(() => scans.length === 2, 'scan after replug');
    expect(scans.map((s) => s.code)).toEqual(['6901234567892', '134567890123456789']);
    expect(states.map((s) => s.state)).toContain('reconnecting');
  });

  it('a missing device keeps retrying with growing backoff; duplicate paths are refused; stop closes all', async () => {
    const p = await pair();
    const { sup, states, current } = supervise(
      [
        { id: 'printer', path: p.a },
        { id: 'printer-again', path: p.a },
        { id: 'ghost', path: join(dir, 'nope') },
      ],
      () => undefined,
    );
    sup.start();
    await waitFor(() => current('printer')?.state === 'connected', 'printer connected');
    expect(current('printer-again')).toMatchObject({ state: 'error', reason: expect.stringContaining('already used by device printer') });
    await waitFor(() => states.filter((s) => s.id === 'ghost' && s.state === 'reconnecting').length >= 3, 'ghost retries', 2_500);
    const delays = states.filter((s) => s.id === 'ghost' && s.state === 'reconnecting').map((s) => (s.state === 'reconnecting' ? s.retryInMs : 0));
    expect(delays.slice(0, 3)).toEqual([100, 200, 400]);
    await sup.stop();
    expect(sup.states().map((s) => s.state)).toEqual(['stopped', 'error', 'stopped']);
    // The path is free again: a new handle can open it.
    const again = await openEnd(p.a);
    await closeEnd(again);
  });

  it('treats a failing SerialPort.list() as no discovery', async () => {
    expect(await discoverSerialPorts(() => Promise.reject(new Error('spawn udevadm ENOENT')))).toBeNull();
    expect(await discoverSerialPorts(() => Promise.resolve([{ path: '/dev/ttyUSB0' }]))).toEqual([{ path: '/dev/ttyUSB0' }]);
  });
});
