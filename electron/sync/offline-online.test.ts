import { afterEach, describe, expect, it } from 'vitest';
import { type PaymentsTestHost, codes, startPaymentsHost } from '../payments/engine/testing/harness';
import { SECRETS, type TestHq, startTestHq } from '../hq/test-hq';

/**
 * Issue #4 on the host: HQ failing makes connectivity offline (cash goes on and queues; code payments
 * are refused at once only when the gateways fail too); HQ answering again makes it online, which drains the queue without anyone pressing
 * "sync now". The host's manual clock drives the probe and the worker's backoff.
 */
let t: PaymentsTestHost | undefined;
let hq: TestHq | undefined;
afterEach(async () => {
  await t?.dispose();
  await hq?.dispose();
  t = undefined;
  hq = undefined;
});

async function sellCash(h: PaymentsTestHost, totalFen: number): Promise<string> {
  const saleId = await h.openSale(totalFen);
  await h.must('sale.tenderCash', { saleId, givenFen: totalFen });
  return saleId;
}

/** A host configured for an HQ that is down (its port is free), with a 1 s sync interval. */
async function hostWithHqDown(): Promise<{ t: PaymentsTestHost; port: number; dir: string }> {
  const down = await startTestHq();
  const { port, dir, url } = down;
  await down.close();
  const h = await startPaymentsHost({ sync: { random: () => 0.5, backoffBaseMs: 1000, backoffMaxMs: 60_000 } });
  t = h;
  await h.must('sync.configure', { hqUrl: url, secret: SECRETS.T01, intervalMs: 1000 });
  return { t: h, port, dir };
}

const connectivityEvents = (h: PaymentsTestHost): string[] => h.events.flatMap((e) => (e.event === 'connectivity.changed' ? [e.payload.state] : []));

describe('offline → online with the reference HQ', () => {
  it('the probe alone (no sales) turns a terminal whose HQ is down offline within a few intervals', async () => {
    const { t } = await hostWithHqDown();
    const since = t.clock.now();
    await t.until(() => t.host.ctx.connectivity.state() === 'offline', { advanceMs: 1000, what: 'offline from probes' });
    expect(t.clock.now() - since).toBeLessThanOrEqual(4000);
    expect(connectivityEvents(t)).toEqual(['degraded', 'offline']);
  });

  it('HQ down alone never refuses a payment code: the gateway is asked, and its answer ends "offline"', async () => {
    const { t } = await hostWithHqDown();
    await t.until(() => t.host.ctx.connectivity.state() === 'offline', { advanceMs: 1000, what: 'offline from probes' });
    const saleId = await t.openSale(300);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'paid through the sandbox' });
    expect((await t.must('sale.get', { saleId })).status).toBe('paid');
    expect(t.host.ctx.connectivity.state()).toBe('degraded');
  });

  it('offline (HQ and the gateway): payment codes are refused at once, cash sales go on and queue; HQ back: online and drained by itself', async () => {
    const { t, port, dir } = await hostWithHqDown();
    const first = await sellCash(t, 1250);
    await t.until(() => t.host.ctx.connectivity.state() === 'offline', { advanceMs: 1000, what: 'offline' });
    // The network is down for the gateway too: its requests fail as the engine reports them.
    for (let i = 0; i < 3; i++) t.host.ctx.connectivity.report(false, 'payment gateway wechat', 'ECONNREFUSED');

    const saleId = await t.openSale(300);
    const refused = await t.call('payment.start', { saleId, code: codes.wechat() });
    expect(refused).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
    expect(await t.must('payment.listForSale', { saleId })).toEqual([]);
    await t.must('sale.tenderCash', { saleId, givenFen: 500 });
    expect((await t.must('sale.get', { saleId })).status).toBe('paid');
    const down = await t.must('sync.status');
    expect(down).toMatchObject({ enabled: true, queued: 2, sending: 0 });
    expect(down.lastError).not.toBeNull();
    expect(down.oldestUnsentAgeMs).toBeGreaterThan(0);

    t.host.ctx.connectivity.report(true, 'payment gateway wechat'); // the gateway answers again first
    hq = await startTestHq({ port, clock: () => t.clock.now() }, dir);
    const online = connectivityEvents(t).length;
    const back = t.clock.now();
    // The next probe (one sync interval) finds HQ; going online runs the worker at once.
    await t.until(async () => (await t.must('sync.status')).queued === 0, { advanceMs: 1000, what: 'drain once HQ answers' });
    expect(t.clock.now() - back).toBeLessThanOrEqual(2000);
    expect(connectivityEvents(t).slice(online)).toEqual(['online']);
    expect(t.host.ctx.connectivity.state()).toBe('online');
    const keys = (t.host.ctx.db.prepare("SELECT idempotency_key AS k FROM outbox WHERE state = 'sent' ORDER BY seq").all() as { k: string }[]).map((r) => r.k);
    expect(keys).toEqual([first, saleId]);
    expect(await t.must('sync.status')).toMatchObject({ queued: 0, lastError: null, oldestUnsentAgeMs: null });
  });

  it('after a long outage (upload backoff near its cap) the next probe, not the backoff, notices HQ is back', async () => {
    const { t, port, dir } = await hostWithHqDown();
    await sellCash(t, 100);
    await t.advance(10 * 60_000, 5000);
    const waiting = await t.must('sync.status');
    expect(waiting.queued).toBe(1);
    expect(Date.parse(waiting.nextAttemptAt ?? '') - t.clock.now()).toBeGreaterThan(5000);
    hq = await startTestHq({ port, clock: () => t.clock.now() }, dir);
    const back = t.clock.now();
    await t.until(async () => (await t.must('sync.status')).queued === 0, { advanceMs: 250, what: 'drain after a long outage' });
    expect(t.clock.now() - back).toBeLessThanOrEqual(1500);
  });

  it('after a restart with HQ still down the queue is kept; when HQ comes up it drains without a manual sync', async () => {
    const { t, port, dir } = await hostWithHqDown();
    await sellCash(t, 100);
    await sellCash(t, 200);
    await t.restart();
    expect((await t.must('sync.status')).queued).toBe(2);
    const since = t.clock.now();
    await t.until(() => t.host.ctx.connectivity.state() === 'offline', { advanceMs: 1000, what: 'offline after restart' });
    expect(t.clock.now() - since).toBeLessThanOrEqual(4000);
    hq = await startTestHq({ port, clock: () => t.clock.now() }, dir);
    const back = t.clock.now();
    await t.until(async () => (await t.must('sync.status')).queued === 0, { advanceMs: 1000, what: 'drain after restart' });
    expect(t.clock.now() - back).toBeLessThanOrEqual(2000);
    expect(t.host.ctx.connectivity.state()).toBe('online');
  });
});
