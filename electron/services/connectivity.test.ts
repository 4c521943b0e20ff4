import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock';
import { createEventBus } from '../events';
import { silentLogger } from '../log';
import { type AnyEvent } from '../../shared/api/contract';
import { createConnectivity, type ConnectivityOptions } from './connectivity';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup(opts: Partial<ConnectivityOptions> & { answers?: (boolean | undefined)[] } = {}) {
  const clock = createManualClock();
  const events = createEventBus(silentLogger);
  const seen: AnyEvent[] = [];
  events.subscribe((e) => void seen.push(e));
  const answers = opts.answers ?? [];
  let probes = 0;
  const c = createConnectivity({
    clock,
    events,
    log: silentLogger,
    probe: () => {
      probes++;
      return Promise.resolve(answers.length > 0 ? answers.shift() : false);
    },
    ...opts,
  });
  const states = (): string[] => seen.flatMap((e) => (e.event === 'connectivity.changed' ? [e.payload.state] : []));
  return { c, clock, states, probes: () => probes };
}

describe('connectivity', () => {
  it('probes at once on start, then every interval; three failures in a row are offline', async () => {
    const { c, clock, states, probes } = setup({ probeIntervalMs: 1000 });
    c.start();
    await flush();
    expect(probes()).toBe(1);
    expect(c.state()).toBe('degraded');
    clock.advance(999);
    await flush();
    expect(probes()).toBe(1);
    clock.advance(1);
    await flush();
    clock.advance(1000);
    await flush();
    expect(probes()).toBe(3);
    expect(states()).toEqual(['degraded', 'offline']);
    c.stop();
  });

  it('any success is online again and runs the online listeners once', async () => {
    const { c, clock, states } = setup({ probeIntervalMs: 1000, answers: [false, false, false, true, true] });
    let onOnline = 0;
    c.onOnline(() => onOnline++);
    c.start();
    await flush();
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      await flush();
    }
    expect(states()).toEqual(['degraded', 'offline', 'online']);
    expect(onOnline).toBe(1);
    c.stop();
  });

  it('reads a function interval before every wait (settings can shorten it)', async () => {
    let interval = 15_000;
    const { c, clock, probes } = setup({ probeIntervalMs: () => interval });
    c.start();
    await flush();
    interval = 500;
    clock.advance(15_000);
    await flush();
    expect(probes()).toBe(2);
    clock.advance(500);
    await flush();
    expect(probes()).toBe(3);
    c.stop();
  });

  it('probeNow restarts the timer from now: one timer, never two', async () => {
    const { c, clock, probes } = setup({ probeIntervalMs: 1000 });
    c.start();
    await flush();
    clock.advance(600);
    await c.probeNow();
    expect(probes()).toBe(2);
    clock.advance(600);
    await flush();
    expect(probes()).toBe(2);
    clock.advance(400);
    await flush();
    expect(probes()).toBe(3);
    clock.advance(1000);
    await flush();
    expect(probes()).toBe(4);
    c.stop();
  });

  it('nothing to probe (undefined) leaves the state as reports made it; after stop nothing is probed or reported', async () => {
    const { c, clock, states, probes } = setup({ probeIntervalMs: 1000, answers: [undefined, undefined] });
    c.start();
    await flush();
    c.report(false, 'channel', 'ECONNREFUSED');
    clock.advance(1000);
    await flush();
    expect(c.state()).toBe('degraded');
    c.stop();
    const n = probes();
    clock.advance(10_000);
    await flush();
    expect(probes()).toBe(n);
    expect(states()).toEqual(['degraded']);
  });

  it('HQ down alone is degraded, not offline, while the payment channels answer; both down is offline', async () => {
    const { c, clock, states } = setup();
    let recovered = 0;
    c.onOnline(() => recovered++);
    for (let i = 0; i < 5; i++) c.report(false, 'hq', 'ECONNREFUSED');
    expect(c.state()).toBe('offline');
    expect(c.gatewayDown('payment gateway wechat')).toBeNull(); // HQ alone never refuses a code
    c.report(true, 'payment gateway wechat');
    expect(c.state()).toBe('degraded');
    expect(recovered).toBe(1);
    // Further channel answers while HQ stays down do not re-run recovery each time.
    c.report(true, 'payment gateway alipay');
    expect(recovered).toBe(1);
    for (let i = 0; i < 3; i++) c.report(false, 'payment gateway wechat', 'TIMEOUT');
    expect(c.state()).toBe('degraded'); // Alipay answered last
    for (let i = 0; i < 3; i++) c.report(false, 'payment gateway alipay', 'TIMEOUT');
    expect(c.state()).toBe('offline');
    clock.advance(10_000);
    c.report(true, 'probe');
    expect(c.state()).toBe('degraded');
    expect(recovered).toBe(2);
    c.report(true, 'payment gateway wechat');
    expect(recovered).toBe(2); // within 10 s of the last run: folded into one run at its end
    clock.advance(10_000);
    expect(recovered).toBe(3);
    c.report(true, 'payment gateway alipay');
    expect(c.state()).toBe('online');
    expect(states()).toEqual(['degraded', 'offline', 'degraded', 'offline', 'degraded', 'online']);
    c.stop();
  });

  it('a gateway refuses codes after three failures in a row, for 30 s after the last one; a gateway not heard from is refused only when nothing answers', () => {
    const { c, clock } = setup();
    for (let i = 0; i < 2; i++) c.report(false, 'payment gateway wechat', 'ECONNREFUSED');
    expect(c.gatewayDown('payment gateway wechat')).toBeNull();
    c.report(false, 'payment gateway wechat', 'ECONNREFUSED');
    expect(c.gatewayDown('payment gateway wechat')).toMatch(/3 times in a row/);
    // Every peer heard from fails: a gateway not tried yet is refused as well.
    expect(c.state()).toBe('offline');
    expect(c.gatewayDown('payment gateway alipay')).toMatch(/network is down/);
    clock.advance(29_999);
    expect(c.gatewayDown('payment gateway wechat')).not.toBeNull();
    clock.advance(1);
    // Half-open: the next scan tries again; its failure refuses for another 30 s.
    expect(c.gatewayDown('payment gateway wechat')).toBeNull();
    expect(c.gatewayDown('payment gateway alipay')).toBeNull();
    c.report(false, 'payment gateway wechat', 'ECONNREFUSED');
    expect(c.gatewayDown('payment gateway wechat')).toMatch(/4 times in a row/);
    // One gateway down while another answers: only its own codes are refused.
    c.report(true, 'payment gateway alipay');
    expect(c.gatewayDown('payment gateway alipay')).toBeNull();
    expect(c.gatewayDown('payment gateway unionpay')).toBeNull();
    expect(c.gatewayDown('payment gateway wechat')).not.toBeNull();
  });

  it('a peer failing one request and answering the next is not "back": the listeners do not run', () => {
    const { c } = setup();
    let runs = 0;
    c.onOnline(() => runs++);
    for (let i = 0; i < 50; i++) {
      c.report(false, 'payment gateway wechat give-back', 'EPROTO'); // e.g. the refund, its certificate refused
      c.report(true, 'payment gateway wechat give-back'); // another request on that path answers
    }
    expect(runs).toBe(0);
    c.stop();
  });

  it('a peer going down and coming back again and again runs the listeners at most once per 10 s', () => {
    const { c, clock } = setup();
    let runs = 0;
    c.onOnline(() => runs++);
    for (let i = 0; i < 50; i++) {
      for (let k = 0; k < 3; k++) c.report(false, 'payment gateway wechat', 'ECONNREFUSED');
      c.report(true, 'payment gateway wechat');
    }
    expect(runs).toBe(1);
    clock.advance(9_999);
    expect(runs).toBe(1);
    clock.advance(1);
    expect(runs).toBe(2); // the folded run at the end of the interval
    clock.advance(60_000);
    expect(runs).toBe(2);
    c.stop();
  });

  it('a clock stepped back (a time sync when the network returns) neither prolongs a refusal nor delays a wake', () => {
    const { c, clock } = setup();
    let runs = 0;
    c.onOnline(() => runs++);
    for (let i = 0; i < 3; i++) c.report(false, 'payment gateway wechat', 'ECONNREFUSED');
    expect(c.gatewayDown('payment gateway wechat')).not.toBeNull();
    clock.set(clock.now() - 10 * 60_000);
    expect(c.gatewayDown('payment gateway wechat')).toBeNull(); // the next scan tries
    c.report(true, 'payment gateway wechat');
    expect(runs).toBe(1);
    for (let i = 0; i < 3; i++) c.report(false, 'hq', 'ECONNREFUSED');
    clock.set(clock.now() - 10 * 60_000);
    c.report(true, 'hq');
    clock.advance(10_000);
    expect(runs).toBe(2); // within the 10 s interval, not 10 min + 10 s
    c.stop();
  });

  it('an answer from long ago does not hide a full outage: the state goes offline', () => {
    const { c, clock } = setup();
    c.report(true, 'payment gateway alipay');
    c.report(true, 'payment gateway wechat give-back');
    clock.advance(3 * 60_000);
    for (let i = 0; i < 3; i++) {
      c.report(false, 'payment gateway wechat', 'ECONNREFUSED');
      c.report(false, 'hq', 'ECONNREFUSED');
    }
    expect(c.state()).toBe('offline');
    expect(c.gatewayDown('payment gateway unionpay')).toMatch(/network is down/);
    // A recent answer still counts: degraded, not offline.
    c.report(true, 'payment gateway alipay');
    expect(c.state()).toBe('degraded');
    c.stop();
  });

  it('with nothing to probe, a tick never runs the listeners (waiting work keeps its own backoff)', async () => {
    const { c, clock } = setup({ probeIntervalMs: 15_000, answers: [undefined, undefined, undefined, undefined] });
    let runs = 0;
    c.onOnline(() => runs++);
    c.start();
    await flush();
    for (let i = 0; i < 3; i++) c.report(false, 'payment gateway wechat give-back', 'EPROTO: certificate expired');
    for (let i = 0; i < 4; i++) {
      clock.advance(15_000);
      await flush();
    }
    expect(runs).toBe(0);
    c.report(true, 'payment gateway wechat give-back');
    expect(runs).toBe(1); // answered again: that is what wakes the waiting work
    c.stop();
  });

  it("a gateway's reverses and refunds failing (its client certificate) never refuse its codes", () => {
    const { c } = setup();
    for (let i = 0; i < 10; i++) c.report(false, 'payment gateway wechat give-back', 'EPROTO: certificate expired');
    expect(c.gatewayDown('payment gateway wechat')).toBeNull();
    for (let i = 0; i < 5; i++) c.report(false, 'hq', 'ECONNREFUSED');
    expect(c.state()).toBe('offline');
    expect(c.gatewayDown('payment gateway wechat')).toBeNull(); // nothing on the payment path failed
    expect(c.gatewayDown('payment gateway alipay')).toBeNull();
  });

  it('offline from channel failures with nothing to probe relaxes to degraded at the first probe 30 s on, so a payment may try again', async () => {
    const { c, clock } = setup({ probeIntervalMs: 1000, answers: Array.from({ length: 40 }, () => undefined) });
    c.start();
    await flush();
    for (let i = 0; i < 3; i++) c.report(false, 'payment gateway wechat', 'ECONNREFUSED');
    expect(c.state()).toBe('offline');
    for (let k = 0; k < 29; k++) {
      clock.advance(1000);
      await flush();
    }
    expect(c.state()).toBe('offline'); // a 1 s probe interval does not cut the refusal short
    expect(c.gatewayDown('payment gateway wechat')).not.toBeNull();
    clock.advance(1000);
    await flush();
    expect(c.state()).toBe('degraded');
    expect(c.gatewayDown('payment gateway wechat')).toBeNull();
    c.report(false, 'payment gateway wechat', 'ECONNREFUSED');
    expect(c.state()).toBe('offline');
    c.stop();
  });
});
