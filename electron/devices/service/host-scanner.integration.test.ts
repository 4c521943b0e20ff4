import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../test-clock';
import { closeEnd, openEnd, SocatPair, writeEnd } from '../serial/test-pty';
import { DISCONNECTED, startDevicesTestHost, waitFor, waitForDevice, type DevicesTestHost } from './test-host';
import { UNREADABLE_SCAN as UNREADABLE } from '../../../shared/api/devices';

// The scan pipeline through the HOST: settings open a real pty (socat), the scanner's bytes become `scan`
// events, garbage never does, and changing settings re-opens the port.

let dir: string;
let t: DevicesTestHost;
const cleanups: Array<() => Promise<void> | void> = [];

// First retry after 250 ms: by then socat has removed its links, so a retry cannot open a dangling link
// whose /dev/pts number a parallel test has just reused.
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-scan-'));
  t = await startDevicesTestHost({ devices: { backoff: { initialMs: 250, maxMs: 500 }, listPorts: () => Promise.reject(new Error('spawn udevadm ENOENT')) } });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await t.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function pair(): Promise<SocatPair> {
  const p = new SocatPair(dir, 'scanner');
  await p.plug();
  cleanups.push(() => p.unplug());
  return p;
}
async function far(path: string): Promise<SerialPort> {
  const port = await openEnd(path);
  cleanups.push(() => closeEnd(port));
  return port;
}

const WECHAT = '134567890123456789';
const EAN = '6901234567892';

describe('serial scanner through the host', () => {
  it('turns codes with every suffix into one classified scan event each', async () => {
    const p = await pair();
    const end = await far(p.b);
    let n = 0;
    for (const [suffix, tail] of [['cr', '\r'], ['lf', '\n'], ['crlf', '\r\n'], ['none', '']] as const) {
      await t.configure({ scannerPath: p.a, scannerSuffix: suffix });
      await waitForDevice(t, 'scanner', 'connected');
      // Different codes each round, and the manual clock moves past the de-duplication window.
      t.clock.advance(5_000);
      await writeEnd(end, `]C0${WECHAT}${tail}`);
      await waitFor(() => t.of('scan').length === n + 1, `scan with suffix ${suffix}`);
      t.clock.advance(5_000);
      await writeEnd(end, `${EAN}${tail}`);
      await waitFor(() => t.of('scan').length === n + 2, `second scan with suffix ${suffix}`);
      n += 2;
    }
    const scans = t.of('scan');
    expect(scans.filter((s) => s.code === WECHAT)).toHaveLength(4);
    const pay = scans.find((s) => s.code === WECHAT);
    expect(pay).toMatchObject({ source: 'serial', deviceId: 'scanner', symbology: ']C0', classification: { kind: 'payment', channel: 'wechat' }, display: '1345**********6789' });
    expect(scans.find((s) => s.code === EAN)).toMatchObject({ classification: { kind: 'product', channel: null }, symbology: null });
    // The test view lists them newest first, payment codes masked.
    const recent = await t.must('devices.recentScans');
    expect(recent).toHaveLength(8);
    expect(JSON.stringify(recent)).not.toContain(WECHAT);
    // Each settings change closed the old handle before opening the new one: the states show it.
    expect(t.of('device.state').filter((s) => s.id === 'scanner' && s.state === 'stopped').length).toBeGreaterThanOrEqual(3);
  });

  it('de-duplicates a code seen again within the window, from any source', async () => {
    const p = await pair();
    const end = await far(p.b);
    await t.configure({ scannerPath: p.a, scannerSuffix: 'cr', dedupeWindowMs: 800 });
    await waitForDevice(t, 'scanner', 'connected');
    await writeEnd(end, `${WECHAT}\r${WECHAT}\r`);
    await waitFor(() => t.of('scan').length === 1, 'first scan');
    const camera = await t.must('scan.report', { source: 'camera', deviceId: 'cam', code: WECHAT, at: 1 });
    expect(camera).toEqual({ accepted: false, scan: null });
    t.clock.advance(801);
    const wedge = await t.must('scan.report', { source: 'wedge', deviceId: 'wedge', code: WECHAT, at: 2 });
    expect(wedge.accepted).toBe(true);
    expect(wedge.scan).toMatchObject({ source: 'wedge', classification: { kind: 'payment', channel: 'wechat' } });
    await writeEnd(end, `${EAN}\r`);
    await waitFor(() => t.of('scan').length === 3, 'EAN after');
    expect(t.of('scan').map((s) => s.source)).toEqual(['serial', 'wedge', 'serial']);
  });

  it('random bytes, NUL and a 10 kB line make no code and no crash, each an unreadable scan the screen can show; the next real code still works', async () => {
    const p = await pair();
    const end = await far(p.b);
    await t.configure({ scannerPath: p.a, scannerSuffix: 'cr' });
    await waitForDevice(t, 'scanner', 'connected');
    const rnd = seededRandom(42);
    const noise = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rnd() * 256)).filter((b) => b !== 0x0d && b !== 0x0a));
    await writeEnd(end, Buffer.concat([noise, Buffer.from('\r')]));
    await writeEnd(end, Buffer.from([0x31, 0x32, 0x00, 0x33, 0x0d]));
    await writeEnd(end, `${'7'.repeat(10_240)}\r`);
    await writeEnd(end, '\r\r\n\n');
    await writeEnd(end, `${EAN}\r`);
    await waitFor(() => t.of('scan').some((s) => s.code === EAN), 'real code after garbage');
    const [read, unreadable] = [t.of('scan').filter((s) => s.code !== UNREADABLE), t.of('scan').filter((s) => s.code === UNREADABLE)];
    expect(read.map((s) => s.code)).toEqual([EAN]);
    expect(unreadable.length).toBeGreaterThanOrEqual(3);
    for (const s of unreadable) expect(s.classification).toMatchObject({ kind: 'unknown', detail: expect.stringMatching(/^unreadable scan: /) });
    expect((await t.must('devices.recentScans', {})).filter((s) => s.display === UNREADABLE).length).toBe(unreadable.length);
    await waitForDevice(t, 'scanner', 'connected');
  });

  it('test-scan window marks scans as tests; reconnects after an unplug; ports discovery degrades', async () => {
    const p = await pair();
    await t.configure({ scannerPath: p.a });
    await waitForDevice(t, 'scanner', 'connected');
    const opened = await t.must('devices.testScan', { seconds: 60 });
    expect(opened.testUntil).not.toBeNull();
    let end = await openEnd(p.b);
    await writeEnd(end, `${EAN}\r`);
    await waitFor(() => t.of('scan').length === 1, 'test scan');
    expect(t.of('scan')[0]?.test).toBe(true);
    expect((await t.must('devices.testScan', { seconds: 0 })).testUntil).toBeNull();

    await p.unplug();
    await waitForDevice(t, 'scanner', DISCONNECTED);
    await closeEnd(end);
    expect((await t.must('host.info')).devices).toEqual([expect.objectContaining({ kind: 'scanner', name: p.a, state: expect.stringMatching(/^(reconnecting|error)/) })]);
    await p.plug();
    await waitForDevice(t, 'scanner', 'connected', 4_000);
    end = await far(p.b);
    t.clock.advance(5_000);
    await writeEnd(end, `${EAN}\r`);
    await waitFor(() => t.of('scan').length === 2, 'scan after replug');
    expect(t.of('scan')[1]?.test).toBe(false);

    expect(await t.must('devices.ports')).toMatchObject({ discovery: 'unavailable', ports: [], reason: expect.stringContaining('udevadm') });
  });
});
