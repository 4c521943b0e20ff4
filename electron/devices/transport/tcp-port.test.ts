import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_SALE } from '../../../shared/receipt/fixtures';
import { receiptSchema } from '../../../shared/receipt/model';
import { encodeReceipt } from '../escpos/encode';
import { DEFAULT_PRINTER_PROFILE } from '../escpos/profile';
import { decodeEscPos } from '../escpos/test-decoder';
import { type OwnedPort } from '../serial/port';
import { SerialPrinter } from '../serial/printer';
import { createPortSupervisor, type DeviceConnectionState, type PortSupervisor } from '../serial/supervisor';
import { waitFor } from '../serial/test-pty';
import { createTransportOpener } from './open-printer-port';
import { openTcpPort, type TcpPrinterPort } from './tcp-port';
import { FakeNetPrinter } from './test-net-printer';

const job = encodeReceipt(receiptSchema.parse(SAMPLE_SALE), DEFAULT_PRINTER_PROFILE);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fake(): Promise<FakeNetPrinter> {
  const f = await new FakeNetPrinter().start();
  cleanups.push(() => f.stop());
  return f;
}

async function connected(f: FakeNetPrinter): Promise<{ port: TcpPrinterPort; printer: SerialPrinter }> {
  const port = await openTcpPort({ host: '127.0.0.1', port: f.port });
  cleanups.push(() => new Promise<void>((r) => port.close(() => r())));
  return { port, printer: new SerialPrinter(port, { deviceId: 'printer', statusTimeoutMs: 200 }) };
}

describe('network printer (tcp://, real sockets on 127.0.0.1)', () => {
  it('asks DLE EOT on the socket, then prints the job exactly once', async () => {
    const f = await fake();
    const { printer } = await connected(f);
    expect(await printer.print(job)).toMatchObject({ ok: true, status: { known: true, online: true } });
    await waitFor(() => f.device.job.length === job.length, 'job bytes');
    expect(Buffer.from(f.device.job).equals(job)).toBe(true);
    expect(f.device.statusRequests).toBe(3);
    const decoded = decodeEscPos(Uint8Array.from(f.device.job));
    expect(decoded.cuts).toHaveLength(1);
    expect(decoded.lines.filter((l) => l.text.includes(SAMPLE_SALE.saleNo))).toHaveLength(1);
  });

  it('paper end, cover open, offline and silence refuse the job and send no job byte', async () => {
    for (const [state, reason] of [
      [{ paperEnd: true }, 'paper-end'],
      [{ coverOpen: true }, 'cover-open'],
      [{ online: false }, 'offline'],
      [{ silent: true }, 'unknown'],
    ] as const) {
      const f = await fake();
      Object.assign(f.device.state, state);
      const { printer } = await connected(f);
      expect(await printer.print(job)).toMatchObject({ ok: false, reason });
      expect(f.device.job).toEqual([]);
    }
  });

  it('connection refused or timed out is an absence (the supervisor shows reconnecting)', async () => {
    const f = await fake();
    const port = f.port;
    await f.stop();
    await expect(openTcpPort({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ECONNREFUSED', disconnected: true });
  });

  it('the printer dropping the connection closes the port with disconnected; close() does not', async () => {
    const f = await fake();
    const { port } = await connected(f);
    const closed = new Promise<unknown>((r) => port.once('close', r));
    await waitFor(() => f.connections === 1, 'accepted');
    f.dropClients();
    expect(await closed).toMatchObject({ disconnected: true });
    expect(port.isOpen).toBe(false);

    const again = await connected(f);
    const closedByUs = new Promise<unknown>((r) => again.port.once('close', r));
    await new Promise<void>((r) => again.port.close(() => r()));
    expect(await closedByUs).toBeNull();
  });

  it('under the supervisor: reconnects after the printer restarts and prints again on the new socket', async () => {
    const f = await fake();
    const states: DeviceConnectionState[] = [];
    const live: { printer: SerialPrinter | null } = { printer: null };
    const sup: PortSupervisor = createPortSupervisor({
      devices: [{ id: 'printer', path: f.url, baudRate: 9600 }],
      onState: (s) => states.push(s),
      onConnected: (_d, port: OwnedPort) => {
        const p = new SerialPrinter(port, { deviceId: 'printer', statusTimeoutMs: 200 });
        live.printer = p;
        return () => {
          p.detach();
          if (live.printer === p) live.printer = null;
        };
      },
      openPort: createTransportOpener({ connectTimeoutMs: 1_000 }),
      backoff: { initialMs: 50, maxMs: 200 },
    });
    cleanups.push(() => sup.stop());
    sup.start();
    await waitFor(() => live.printer !== null, 'connected');
    await f.stop();
    await waitFor(() => states.some((s) => s.state === 'reconnecting'), 'reconnecting');
    expect(live.printer).toBeNull();
    await f.restart();
    await waitFor(() => live.printer !== null, 'reconnected', 4_000);
    expect(states.at(-1)).toMatchObject({ state: 'connected', path: f.url });
    const printer = live.printer;
    expect(await printer?.print(job)).toMatchObject({ ok: true });
    await waitFor(() => f.device.job.length === job.length, 'job bytes after reconnect');
    expect(f.connections).toBe(2);
  });
});
