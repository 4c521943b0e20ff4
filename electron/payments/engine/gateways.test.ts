import { afterEach, describe, expect, it } from 'vitest';
import { type TestHost, startTestHost } from '../../testing/host-fixture';
import { createGateways } from './gateways';

let t: TestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const withMode = (host: TestHost, mode: 'sandbox' | 'live') => {
  const s = host.host.ctx.settings();
  host.host.ctx.replaceSettings({ ...s, terminal: { ...s.terminal, mode } });
};

describe('gateways', () => {
  it('are built once, again when the mode, a timeout or the live gateways change; leaving training mode stops the sandbox', async () => {
    t = await startTestHost();
    const gateways = createGateways(t.host.ctx, {});
    const first = await gateways.get();
    expect(await gateways.get()).toBe(first);
    const sandbox = gateways.sandbox();
    expect(sandbox).toBeDefined();
    const url = sandbox?.url ?? '';
    expect((await fetch(`${url}/__sandbox/ledger`)).ok).toBe(true);

    // A timeout change: new adapters, same sandbox.
    const s = t.host.ctx.settings();
    t.host.ctx.replaceSettings({ ...s, payments: { ...s.payments, timings: { ...s.payments.timings, wechat: { ...s.payments.timings.wechat, requestTimeoutMs: 4_321 } } } });
    const second = await gateways.get();
    expect(second).not.toBe(first);
    expect(gateways.sandbox()).toBe(sandbox);
    gateways.invalidate();
    expect(await gateways.get()).not.toBe(second);

    // Live with no gateways set: none, and the simulator is gone.
    withMode(t, 'live');
    expect(await gateways.get()).toEqual({});
    expect(gateways.sandbox()).toBeUndefined();
    await expect(fetch(`${url}/__sandbox/ledger`)).rejects.toThrow();

    // Back to training: a new simulator.
    withMode(t, 'sandbox');
    expect(Object.keys(await gateways.get()).sort()).toEqual(['alipay', 'jeepay', 'unionpay', 'wechat']);
    expect(gateways.sandbox()?.url).toBeDefined();
    await gateways.close();
  });
});
