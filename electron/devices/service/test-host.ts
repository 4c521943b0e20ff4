import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHost, type TestHost } from '../../testing/host-fixture';
import { type HostConfig } from '../../host';
import { type AnyEvent, type EventName, type EventPayload } from '../../../shared/api/contract';
import { type DevicesSettings } from '../../../shared/devices/settings';
import { waitFor } from '../serial/test-pty';

/** TEST HELPER: a host (manual clock, temp data dir, manager logged in) that records every event. */
export type DevicesTestHost = TestHost & {
  events: AnyEvent[];
  of<E extends EventName>(event: E): Array<EventPayload<E>>;
  configure(patch: Partial<DevicesSettings>): Promise<void>;
  /** A paid cash sale of `fen`; returns its id. */
  paidSale(fen: number): Promise<string>;
};

export async function startDevicesTestHost(config: Partial<HostConfig> = {}): Promise<DevicesTestHost> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-devices-'));
  const t = await startTestHost({ dataDir, ...config });
  const events: AnyEvent[] = [];
  let unsubscribe = t.host.subscribe((e) => events.push(e));
  const restart = t.restart.bind(t);
  const dispose = t.dispose.bind(t);
  await t.loginManager();
  const dt: DevicesTestHost = Object.assign(t, {
    dataDir,
    events,
    of: <E extends EventName>(event: E) => events.filter((e) => e.event === event).map((e) => e.payload as EventPayload<E>),
    async configure(patch: Partial<DevicesSettings>) {
      await t.must('settings.update', { devices: patch });
    },
    async paidSale(fen: number) {
      const sale = await t.must('sale.open');
      await t.must('sale.addLine', { saleId: sale.id, kind: 'amount', name: '测试商品', unitPriceFen: fen });
      const paid = await t.must('sale.tenderCash', { saleId: sale.id, givenFen: fen });
      if (paid.status !== 'paid') throw new Error(`sale not paid: ${paid.status}`);
      return sale.id;
    },
  });
  dt.restart = async () => {
    unsubscribe();
    await restart();
    unsubscribe = t.host.subscribe((e) => events.push(e));
    await t.loginManager();
  };
  dt.dispose = async () => {
    unsubscribe();
    await dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return dt;
}

/**
 * TEST HELPER: polls a device's state through the API. After an unplug, wait for `DISCONNECTED`: a retry
 * racing socat's exit may see an `error` (the dangling pty link) before `reconnecting`; both keep retrying.
 * Generous bound: a loaded CI machine may take seconds to notice an unplugged pty; a passing run never waits.
 */
export const DISCONNECTED = /^(reconnecting|error)$/;

export async function waitForDevice(t: TestHost, id: 'scanner' | 'printer', state: string | RegExp, timeoutMs = 10_000): Promise<void> {
  let last = '';
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await t.call('devices.status');
    const s = r.ok ? r.value.find((d) => d.id === id) : undefined;
    last = JSON.stringify(s);
    if (s && (typeof state === 'string' ? s.state === state : state.test(s.state))) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${id} ${String(state)}; last ${last}`);
    await new Promise((r2) => setTimeout(r2, 10));
  }
}

export { waitFor };
