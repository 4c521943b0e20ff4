/**
 * A refund while the sale's live gateway is not usable (removed, or its stored configuration unreadable):
 * refused at once when the code part could never leave, and the gateway can always be set up again, so a
 * refund already waiting for it goes out then.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { setSecret } from '../../services/settings-store';
import { LIVE_CHANNELS_SECRET } from './live-gateways';
import { type PaymentsTestHost, codes, lateClock, startPaymentsHost } from './testing/harness';

let live: Sandbox;
const liveClock = lateClock();
let t: PaymentsTestHost | undefined;

beforeAll(async () => {
  live = await startSandbox({ clock: liveClock });
});
afterAll(async () => {
  await live.close();
});
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const wechatLive = () => ({ baseUrl: live.url, appId: live.keys.wechat.appId, mchId: live.keys.wechat.mchId, apiKey: live.keys.wechat.apiKey });

async function livePaidSale(h: PaymentsTestHost): Promise<string> {
  liveClock.bind(h.clock);
  await h.must('payment.setGateways', { wechat: wechatLive() });
  await h.must('settings.update', { terminal: { ...h.host.ctx.settings().terminal, mode: 'live' } });
  const saleId = await h.openSale(1_000);
  const a = await h.must('payment.start', { saleId, code: codes.wechat() });
  expect((await h.must('payment.get', { attemptId: a.id, waitMs: 5_000 })).state).toBe('succeeded');
  return saleId;
}

describe('refund while the live gateway is not usable', () => {
  it('gateway removed: a refund with a code part is refused at once; set up again, it goes', async () => {
    t = await startPaymentsHost();
    const saleId = await livePaidSale(t);
    await t.must('payment.setGateways', { wechat: null });
    expect(await t.call('refund.request', { saleId, amountFen: 400 })).toMatchObject({ ok: false, error: { code: 'CHANNEL_ERROR', message: expect.stringContaining('wechat') } });
    await t.must('payment.setGateways', { wechat: wechatLive() });
    const r = await t.must('refund.request', { saleId, amountFen: 400 });
    await t.until(async () => (await t!.must('refund.get', { refundId: r.id })).state === 'succeeded', { what: 'refunded', advanceMs: 1_000 });
  });

  it('stored configuration unreadable with a refund waiting: setting the gateways again (the repair) is allowed, and it goes', async () => {
    t = await startPaymentsHost();
    const saleId = await livePaidSale(t);
    // The refund's first request gets a 502 (nothing refunded), then the stored configuration can no longer
    // be read: the part waits for a gateway the till cannot build.
    live.setScenario({ scenario: 'http_5xx', operation: 'refund', channel: 'wechat', count: 1 });
    const r = await t.must('refund.request', { saleId, amountFen: 400 });
    expect(r.state).not.toBe('succeeded');
    setSecret(t.host.ctx.db, LIVE_CHANNELS_SECRET, '{"wechat": {"baseUrl": 42}}', '2026-11-26T00:00:00Z');
    await t.restart();
    expect(await t.call('refund.request', { saleId, amountFen: 100 })).toMatchObject({ ok: false, error: { code: 'CHANNEL_ERROR' } });
    expect(await t.call('payment.setGateways', { wechat: wechatLive() })).toMatchObject({ ok: true });
    await t.until(async () => (await t!.must('refund.get', { refundId: r.id })).state === 'succeeded', { what: 'refunded', advanceMs: 1_000 });
  });

  it('a void that would give back a code part through a removed gateway is refused, the sale unchanged', async () => {
    t = await startPaymentsHost();
    liveClock.bind(t.clock);
    await t.must('payment.setGateways', { wechat: wechatLive() });
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, mode: 'live' } });
    const saleId = await t.openSale(1_000);
    const a = await t.must('payment.start', { saleId, code: codes.wechat(), amountFen: 400 });
    expect((await t.must('payment.get', { attemptId: a.id, waitMs: 5_000 })).state).toBe('succeeded');
    await t.must('payment.setGateways', { wechat: null });
    expect(await t.call('sale.void', { saleId, reason: 'customer left' })).toMatchObject({ ok: false, error: { code: 'CHANNEL_ERROR' } });
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'paying', paidFen: 400 });
    await t.must('payment.setGateways', { wechat: wechatLive() });
    expect(await t.must('sale.void', { saleId, reason: 'customer left' })).toMatchObject({ status: 'voided' });
  });
});
