/**
 * A power-loss check must never lock the till: whatever it waits for, the manager's fixes (setting up or
 * repairing a gateway, voiding) stay possible, and what cannot have been sent is never held.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { createFakeChannel } from './testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { powerCut } from './testing/power-cut';
import { LIVE_CHANNELS_SECRET } from './live-gateways';

let t: PaymentsTestHost | undefined;
let sb: Sandbox | undefined;
afterEach(async () => {
  await t?.dispose();
  await sb?.close();
  t = undefined;
  sb = undefined;
});

const wechatAt = (s: Sandbox) => ({ baseUrl: s.url, appId: s.keys.wechat.appId, mchId: s.keys.wechat.mchId, apiKey: s.keys.wechat.apiKey });
const goLive = (h: PaymentsTestHost) => h.must('settings.update', { terminal: { ...h.host.ctx.settings().terminal, mode: 'live' } });
const attempts = (h: PaymentsTestHost): number => h.host.ctx.db.prepare('SELECT count(*) FROM payment_attempts').pluck().get() as number;

describe('after a power cut', () => {
  it('live with no gateway configured (cash only): nothing can have been sent, the sale takes cash, setup is allowed', async () => {
    const h = (t = await startPaymentsHost());
    await goLive(h);
    const saleId = await h.openSale(1_000);
    await powerCut(h);
    await h.advance(10_000, 1_000);
    expect(await h.call('sale.tenderCash', { saleId, givenFen: 1_000 })).toMatchObject({ ok: true });
    sb = await startSandbox();
    expect(await h.call('payment.setGateways', { wechat: wechatAt(sb) })).toMatchObject({ ok: true });
    expect(await h.call('settings.update', { terminal: { ...h.host.ctx.settings().terminal, mode: 'sandbox' } })).toMatchObject({ ok: true });
  });

  it('the empty sale the checkout keeps ready is not checked: nothing is due on it, no code can have been sent', async () => {
    const wx = createFakeChannel('wechat');
    const h = (t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } }));
    await h.must('sale.open');
    await powerCut(h);
    await h.advance(10_000, 1_000);
    expect(wx.count('query')).toBe(0);
    expect(attempts(h)).toBe(0);
  });

  it('a gateway whose address moved can be corrected (same merchant) while its check waits, and the check then ends', async () => {
    const h = (t = await startPaymentsHost());
    const old = await startSandbox();
    await h.must('payment.setGateways', { wechat: wechatAt(old) });
    await goLive(h);
    const saleId = await h.openSale(1_000);
    await old.close();
    await powerCut(h);
    await h.advance(30_000, 5_000);
    expect(await h.call('sale.tenderCash', { saleId, givenFen: 1_000 })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    sb = await startSandbox({ keys: old.keys });
    expect(await h.call('payment.setGateways', { wechat: wechatAt(sb) })).toMatchObject({ ok: true });
    await h.until(async () => (await h.call('sale.tenderCash', { saleId, givenFen: 1_000 })).ok, { what: 'checked at the new address', advanceMs: 5_000 });
  });

  it('a stored configuration that became unusable can be set again (the repair) while the check waits', async () => {
    const h = (t = await startPaymentsHost());
    await goLive(h);
    await h.openSale(1_000);
    await powerCut(h, (db) => {
      db.prepare("INSERT INTO secrets (key, value, updated_at) VALUES (?, ?, 't') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(LIVE_CHANNELS_SECRET, '{"wechat": {"baseUrl": 42}}');
    });
    await h.advance(30_000, 5_000);
    sb = await startSandbox();
    expect(await h.call('payment.setGateways', { wechat: wechatAt(sb) })).toMatchObject({ ok: true });
  });

  it('a stored configuration unusable but with its merchant readable: only that merchant may be set while the check waits', async () => {
    const h = (t = await startPaymentsHost());
    await goLive(h);
    await h.openSale(1_000);
    sb = await startSandbox();
    await powerCut(h, (db) => {
      const broken = JSON.stringify({ wechat: { ...wechatAt(sb as Sandbox), baseUrl: 42 } });
      db.prepare("INSERT INTO secrets (key, value, updated_at) VALUES (?, ?, 't') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(LIVE_CHANNELS_SECRET, broken);
    });
    await h.advance(30_000, 5_000);
    expect(await h.call('payment.setGateways', { wechat: { ...wechatAt(sb), mchId: '1900000999' } })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    expect(await h.call('payment.setGateways', { wechat: wechatAt(sb) })).toMatchObject({ ok: true });
  });

  it('a clean shutdown while a check is owed: the next start asks about that one only, other open sales take cash', async () => {
    const wx = createFakeChannel('wechat');
    const h = (t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } }));
    const a = await h.openSale(800);
    wx.defaults.query = { status: 'unknown', reason: 'timeout', retryable: true };
    await powerCut(h);
    await h.flush(20);
    await h.must('sale.void', { saleId: a, reason: 'rung up again' });
    const b = await h.openSale(500);
    await h.restart();
    await h.flush(20);
    expect(await h.call('sale.tenderCash', { saleId: b, givenFen: 500 })).toMatchObject({ ok: true });
    // The voided sale's check is still owed, and ends once the gateway answers.
    wx.defaults.query = { status: 'not_found' };
    await h.until(() => attempts(h) === 1, { what: 'the owed check done', advanceMs: 5_000 });
  });

  it('a sale whose code payment was still open on record is not held: no later start was possible, cash goes beside its give-back', async () => {
    const wx = createFakeChannel('wechat');
    const h = (t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } }));
    const down = { status: 'unknown', reason: 'connect ETIMEDOUT', retryable: true } as const;
    wx.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '' });
    wx.defaults.query = down;
    wx.defaults.reverse = down;
    const saleId = await h.openSale(900);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await h.advance(2_000);
    await powerCut(h);
    await h.advance(120_000, 5_000); // past the deadline: being given back, the gateway still silent
    expect((await h.must('payment.get', { attemptId: a.id })).state).toBe('reversing');
    expect(await h.call('sale.tenderCash', { saleId, givenFen: 1_000 })).toMatchObject({ ok: true });
  });

  it("the check's own answers count for connectivity: a gateway silent after the cut shows offline, its return wakes the rest", async () => {
    const wx = createFakeChannel('wechat');
    const h = (t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } }));
    await h.openSale(900);
    wx.defaults.query = { status: 'not_sent', reason: 'ECONNREFUSED: connect' };
    await powerCut(h);
    await h.advance(60_000, 5_000);
    expect(h.host.ctx.connectivity.state()).toBe('offline');
    wx.defaults.query = { status: 'not_found' };
    await h.until(() => h.host.ctx.connectivity.state() === 'online', { what: 'online again', advanceMs: 5_000 });
  });
});
