import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TestClock } from '../test-clock';
import { type OwnedPort } from './port';
import { createPortSupervisor, type DeviceConnectionState, type OpenPort } from './supervisor';

/** A port stand-in: `unplug()` closes it the way serialport does when the device disappears. */
class FakePort extends EventEmitter {
  isOpen = true;
  write(): boolean {
    return true;
  }
  drain(cb: (err: Error | null) => void): void {
    cb(null);
  }
  close(cb?: (err: Error | null) => void): void {
    this.isOpen = false;
    this.emit('close', null);
    cb?.(null);
  }
  unplug(): void {
    this.isOpen = false;
    this.emit('close', Object.assign(new Error('Disconnected'), { disconnected: true }));
  }
}

const flush = () => new Promise((r) => setImmediate(r));

function setup(present: () => boolean) {
  const clock = new TestClock();
  const opened: FakePort[] = [];
  const openPort: OpenPort = (config) => {
    if (!present()) return Promise.reject(Object.assign(new Error(`Error: No such file or directory, cannot open ${config.path}`), { code: 'ENOENT' }));
    const port = new FakePort();
    opened.push(port);
    return Promise.resolve(port as unknown as OwnedPort);
  };
  const states: DeviceConnectionState[] = [];
  let attached = 0;
  let detached = 0;
  const sup = createPortSupervisor({
    devices: [{ id: 'scanner', path: '/dev/ttyFAKE0', baudRate: 9600 }],
    onState: (s) => states.push(s),
    onConnected: () => {
      attached++;
      return () => detached++;
    },
    openPort,
    timers: clock,
    pathExists: present,
  });
  return { clock, opened, states, sup, counts: () => ({ attached, detached }) };
}

describe('createPortSupervisor (fake ports, manual clock)', () => {
  it('backs off 0.5 → 5 s while the device is missing, then connects', async () => {
    let present = false;
    const { clock, states, sup, counts } = setup(() => present);
    sup.start();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const last = states.at(-1);
      expect(last?.state).toBe('reconnecting');
      if (last?.state === 'reconnecting') delays.push(last.retryInMs);
      clock.advance(last?.state === 'reconnecting' ? last.retryInMs : 0);
      await flush();
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    present = true;
    clock.advance(5000);
    await flush();
    expect(states.at(-1)?.state).toBe('connected');
    expect(counts()).toEqual({ attached: 1, detached: 0 });
  });

  it('after an unplug: detaches the driver, retries from 0.5 s, reattaches on replug', async () => {
    let present = true;
    const { clock, opened, states, sup, counts } = setup(() => present);
    sup.start();
    await flush();
    expect(states.at(-1)?.state).toBe('connected');
    present = false;
    opened[0]?.unplug();
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting', retryInMs: 500, reason: 'Disconnected' });
    expect(counts().detached).toBe(1);
    present = true;
    clock.advance(500);
    await flush();
    expect(states.at(-1)?.state).toBe('connected');
    expect(opened).toHaveLength(2);
    expect(opened[0]?.isOpen).toBe(false); // never two live handles
    expect(counts()).toEqual({ attached: 2, detached: 1 });
  });

  it('a device whose path vanishes without a close event is treated as unplugged', async () => {
    let present = true;
    const { clock, opened, states, sup, counts } = setup(() => present);
    sup.start();
    await flush();
    clock.advance(3_000); // checked every second while present: nothing happens
    expect(states.at(-1)?.state).toBe('connected');
    present = false; // the hang-up never reaches the port (no 'close')
    clock.advance(1_000);
    expect(states.at(-1)).toMatchObject({ state: 'reconnecting', retryInMs: 500, reason: 'device /dev/ttyFAKE0 disappeared' });
    expect(opened[0]?.isOpen).toBe(false); // our handle is closed, its late 'close' changes nothing
    expect(states.filter((s) => s.state === 'reconnecting')).toHaveLength(1);
    expect(counts()).toEqual({ attached: 1, detached: 1 });
    present = true;
    clock.advance(500);
    await flush();
    expect(states.at(-1)?.state).toBe('connected');
    expect(counts()).toEqual({ attached: 2, detached: 1 });
    await sup.stop();
    expect(clock.timerCount).toBe(0); // the presence check stops with the port
  });

  it('stop cancels pending retries and closes the open port', async () => {
    let present = false;
    const { clock, opened, sup, states } = setup(() => present);
    sup.start();
    await flush();
    await sup.stop();
    present = true;
    clock.advance(10_000);
    await flush();
    expect(opened).toHaveLength(0);
    expect(states.at(-1)?.state).toBe('stopped');
    expect(clock.timerCount).toBe(0);

    const second = setup(() => true);
    second.sup.start();
    await flush();
    await second.sup.stop();
    expect(second.opened[0]?.isOpen).toBe(false);
    expect(second.counts()).toEqual({ attached: 1, detached: 1 });
  });

  it('other open errors are reported as error with the reason, and still retried', async () => {
    const clock = new TestClock();
    const states: DeviceConnectionState[] = [];
    const sup = createPortSupervisor({
      devices: [{ id: 'p', path: '/dev/ttyS0', baudRate: 9600 }],
      onState: (s) => states.push(s),
      onConnected: () => undefined,
      openPort: () => Promise.reject(new Error('Error Resource temporarily unavailable Cannot lock port')),
      timers: clock,
    });
    sup.start();
    await flush();
    expect(states.at(-1)).toMatchObject({ state: 'error', reason: expect.stringContaining('Cannot lock port'), retryInMs: 500 });
    await sup.stop();
  });
});
