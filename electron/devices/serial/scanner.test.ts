import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { type ScanEvent } from '../../../shared/scan/types';
import { TestClock } from '../test-clock';
import { SerialScanner } from './scanner';

const PATH = '/dev/ttyMOCK0';
/** The mock binding serialport itself uses (a separately installed copy would be a different registry). */
const MockBinding = SerialPortMock.binding;

async function openMock(): Promise<SerialPortMock> {
  MockBinding.createPort(PATH, { echo: false, record: true });
  const port = new SerialPortMock({ path: PATH, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

const until = async (cond: () => boolean, ms = 1000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

afterEach(() => MockBinding.reset());

describe('SerialScanner on SerialPortMock', () => {
  it('emits scan events with symbology, logs drops', async () => {
    const port = await openMock();
    const clock = new TestClock();
    clock.advance(1_700_000_000_000);
    const scans: ScanEvent[] = [];
    const logs: string[] = [];
    const unreadable: string[] = [];
    const scanner = new SerialScanner(port, {
      deviceId: 'scanner-1',
      framer: { suffix: 'crlf' },
      onScan: (e) => scans.push(e),
      onUnreadable: (reason) => unreadable.push(reason),
      log: (_level, _msg, fields) => logs.push(String(fields?.reason)),
      timers: clock,
    });
    port.port?.emitData(Buffer.from(']C0134567890123456789\r\n\x00\x01garbage\r\n6901234'));
    port.port?.emitData(Buffer.from('567892\r\n'));
    await until(() => scans.length === 2);
    expect(scans).toEqual([
      { source: 'serial', deviceId: 'scanner-1', code: '134567890123456789', symbology: ']C0', at: 1_700_000_000_000 },
      { source: 'serial', deviceId: 'scanner-1', code: '6901234567892', at: 1_700_000_000_000 },
    ]);
    expect(logs).toEqual(['control byte 0x00 in line of 9 bytes']);
    // Told on, so the screen can say the scan did not read (a blank line alone is not a scan).
    expect(unreadable).toEqual(['control byte 0x00 in line of 9 bytes']);
    scanner.detach();
    port.port?.emitData(Buffer.from('111111\r'));
    await new Promise((r) => setTimeout(r, 10));
    expect(scans).toHaveLength(2);
  });

  it('suffix none: the inter-byte timeout ends the code', async () => {
    const port = await openMock();
    const clock = new TestClock();
    const scans: ScanEvent[] = [];
    new SerialScanner(port, { deviceId: 's', framer: { suffix: 'none', interByteTimeoutMs: 30 }, onScan: (e) => scans.push(e), timers: clock });
    port.port?.emitData(Buffer.from('2876344382566439'));
    await new Promise((r) => setTimeout(r, 10));
    expect(scans).toEqual([]);
    clock.advance(31);
    expect(scans.map((s) => s.code)).toEqual(['2876344382566439']);
  });
});
