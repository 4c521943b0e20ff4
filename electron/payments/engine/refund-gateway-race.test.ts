/**
 * A refund or void racing a manager removing the gateway its code part would go through (another screen):
 * refused like one asked after the removal (CHANNEL_ERROR, nothing recorded), never recorded with a part
 * that could never leave.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox } from '../../sandbox/server';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { useLiveSandbox } from './testing/live-sandbox';

/** A second sandbox playing the real gateways: its ledger says what the "live" side was asked to charge. */
let live!: Sandbox;
const liveClock = useLiveSandbox((s) => (live = s));
let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const wechatLive = () => ({ baseUrl: live.url, appId: live.keys.wechat.appId, mchId: live.keys.wechat.mchId, apiKey: live.keys.wechat.apiKey });

/** A live till with WeChat set up and a sale with `paidFen` of its `totalFen` paid by a WeChat code. */
async function liveSale(totalFen: number, paidFen = totalFen): Promise<{ h: PaymentsTestHost; saleId: string }> {
  const h = await startPaymentsHost();
  t = h;
  liveClock.bind(h.clock);
  await h.must('payment.setGateways', { wechat: wechatLive() });
  await h.must('settings.update', { terminal: { ...h.host.ctx.settings().terminal, mode: 'live' } });
  const saleId = await h.openSale(totalFen);
  const a = await h.must('payment.start', { saleId, code: codes.wechat(), ...(paidFen < totalFen ? { amountFen: paidFen } : {}) });
  expect((await h.must('payment.get', { attemptId: a.id, waitMs: 5_000 })).state).toBe('succeeded');
  return { h, saleId };
}

describe('refund and void while the gateway is removed on another screen', () => {
  it('after the removal: refused at once, nothing recorded', async () => {
    const { h, saleId } = await liveSale(1_000);
    await h.must('payment.setGateways', { wechat: null });
    expect(await h.call('refund.request', { saleId })).toMatchObject({ ok: false, error: { code: 'CHANNEL_ERROR' } });
    expect(await h.must('refund.list', { saleId })).toEqual([]);
  });

  it('the same configuration saved again during the call changes nothing: the refund goes on, audited as no change', async () => {
    const { h, saleId } = await liveSale(1_000);
    const refund = h.call('refund.request', { saleId, amountFen: 300 });
    expect(await h.call('payment.setGateways', { wechat: wechatLive() })).toMatchObject({ ok: true });
    expect(await refund).toMatchObject({ ok: true });
    const audit = h.host.ctx.db.prepare("SELECT detail FROM audit_log WHERE action = 'payment.setGateways' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
    expect(JSON.parse(audit)).toMatchObject({ changed: [] });
  });

  it('during the call: refused the same way, nothing recorded', async () => {
    const { h, saleId } = await liveSale(1_000);
    const refund = h.call('refund.request', { saleId });
    expect(await h.call('payment.setGateways', { wechat: null })).toMatchObject({ ok: true });
    expect(await refund).toMatchObject({ ok: false, error: { code: 'CHANNEL_ERROR' } });
    expect(await h.must('refund.list', { saleId })).toEqual([]);
  });

  it('a void during the call: refused, the sale not voided, nothing recorded', async () => {
    const { h, saleId } = await liveSale(1_000, 400);
    const voided = h.call('sale.void', { saleId, reason: 'customer left' });
    expect(await h.call('payment.setGateways', { wechat: null })).toMatchObject({ ok: true });
    expect(await voided).toMatchObject({ ok: false, error: { code: 'CHANNEL_ERROR' } });
    expect(await h.must('refund.list', { saleId })).toEqual([]);
    expect((await h.must('sale.get', { saleId })).status).not.toBe('voided');
  });
});

describe('a refund while something that changes no gateway happens (training till)', () => {
  async function paidTrainingSale(): Promise<{ h: PaymentsTestHost; saleId: string }> {
    const h = await startPaymentsHost();
    t = h;
    const saleId = await h.openSale(2_000);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await h.until(async () => (await h.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'training payment' });
    return { h, saleId };
  }

  it('a request timeout edited meanwhile: the refund goes on', async () => {
    const { h, saleId } = await paidTrainingSale();
    const p = h.host.ctx.settings().payments;
    const refund = h.call('refund.request', { saleId, amountFen: 500 });
    expect(await h.call('settings.update', { payments: { ...p, timings: { ...p.timings, alipay: { ...p.timings.alipay, requestTimeoutMs: p.timings.alipay.requestTimeoutMs + 1_000 } } } })).toMatchObject({ ok: true });
    expect(await refund).toMatchObject({ ok: true });
  });

  it('live gateways saved meanwhile (not used in training): the refund goes on', async () => {
    const { h, saleId } = await paidTrainingSale();
    const refund = h.call('refund.request', { saleId, amountFen: 500 });
    expect(await h.call('payment.setGateways', { wechat: wechatLive() })).toMatchObject({ ok: true });
    expect(await refund).toMatchObject({ ok: true });
  });
});

