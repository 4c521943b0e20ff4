import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox } from '../../sandbox/server';
import { setSecret } from '../../services/settings-store';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { useLiveSandbox } from './testing/live-sandbox';
import { LIVE_CHANNELS_SECRET, LiveGatewaysError, readLiveGateways } from './live-gateways';

/** A second sandbox playing the real gateways: its ledger says what the "live" side was asked to charge. */
let live!: Sandbox;
const liveClock = useLiveSandbox((s) => (live = s));
let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const TESTDATA = join(__dirname, '../../hq/testdata');
const wechatLive = () => ({ baseUrl: live.url, appId: live.keys.wechat.appId, mchId: live.keys.wechat.mchId, apiKey: live.keys.wechat.apiKey });
const liveOrders = (): string[] => live.ledger.snapshot().orders.map((o) => o.orderNo);

async function pay(host: PaymentsTestHost, amountFen = 1_000): Promise<{ orderNo: string; state: string }> {
  const saleId = await host.openSale(amountFen);
  const a = await host.must('payment.start', { saleId, code: codes.wechat() });
  const final = await host.must('payment.get', { attemptId: a.id, waitMs: 5_000 });
  return { orderNo: final.orderNo, state: final.state };
}

describe('live gateways', () => {
  it('are stored redacted, checked before storing, and removable', async () => {
    t = await startPaymentsHost();
    const empty = await t.must('payment.gateways');
    expect(empty).toMatchObject({ mode: 'sandbox', updatedAt: null, wechat: null, alipay: null, unionpay: null, jeepay: null, problem: null });

    const alipayKeys = live.keys.alipay;
    const view = await t.must('payment.setGateways', {
      wechat: { ...wechatLive(), subMchId: '1900000001' },
      alipay: { gatewayUrl: `${live.url}/gateway.do`, appId: alipayKeys.appId, appPrivateKey: alipayKeys.appPrivateKey, alipayPublicKey: alipayKeys.alipayPublicKey },
    });
    expect(view.wechat).toMatchObject({ endpoint: live.url, merchant: expect.stringContaining('sub_mch_id 1900000001'), notes: expect.arrayContaining(['HMAC-SHA256', 'service provider']) });
    expect(view.wechat?.keyFingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(view.alipay).toMatchObject({ merchant: `app_id ${alipayKeys.appId}` });
    // No key ever leaves the host, in the answer or in the audit log.
    const secrets = [live.keys.wechat.apiKey, alipayKeys.appPrivateKey.slice(40, 80), alipayKeys.alipayPublicKey.slice(40, 80)];
    const audit = JSON.stringify(t.host.ctx.db.prepare("SELECT detail FROM audit_log WHERE action = 'payment.setGateways'").all());
    for (const s of secrets) {
      expect(JSON.stringify(view)).not.toContain(s);
      expect(audit).not.toContain(s);
    }
    expect(audit).toContain('wechat');

    // An unusable key is refused with its reason and nothing changes.
    const before = readLiveGateways(t.host.ctx.db);
    const bad = await t.call('payment.setGateways', { alipay: { gatewayUrl: `${live.url}/gateway.do`, appId: '2021', appPrivateKey: 'not a key', alipayPublicKey: 'nope' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/key/i) } });
    expect(await t.call('payment.setGateways', { wechat: { ...wechatLive(), apiKey: 'short' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.call('payment.setGateways', { jeepay: { baseUrl: 'ftp://x', mchNo: 'M1', appId: 'a', apiKey: '12345678' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // Credentials in an endpoint would be shown to managers as part of it: refused, not echoed.
    for (const baseUrl of ['https://user:s3cret@gw.example/', 'https://gw.example/api?key=s3cret'])
      expect(await t.call('payment.setGateways', { jeepay: { baseUrl, mchNo: 'M1', appId: 'a', apiKey: '12345678' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.not.stringContaining('s3cret') } });
    const brokenCert = await t.call('payment.setGateways', { wechat: { ...wechatLive(), tls: { pfxBase64: 'AAAA', passphrase: 'x' } } });
    expect(brokenCert).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('client certificate') } });
    expect(readLiveGateways(t.host.ctx.db)).toEqual(before);

    // null removes one gateway; the others stay.
    const removed = await t.must('payment.setGateways', { alipay: null });
    expect(removed.alipay).toBeNull();
    expect(removed.wechat).not.toBeNull();
  });

  it('need a manager', async () => {
    t = await startPaymentsHost();
    const c = await t.must('users.create', { name: 'Cashier', role: 'cashier', pin: '135790' });
    const cashier = t.host.connect();
    await t.must('session.login', { userId: c.id, pin: '135790' }, cashier);
    expect(await t.call('payment.gateways', {}, cashier)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    expect(await t.call('payment.setGateways', { unionpay: null }, cashier)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
  });

  it('are used from the next payment once the till switches to live, and the sandbox again when it switches back', async () => {
    t = await startPaymentsHost();
    liveClock.bind(t.clock);
    const training = await pay(t);
    expect(training.state).toBe('succeeded');
    expect(liveOrders()).not.toContain(training.orderNo);

    // Live without gateways: codes are refused before anything is sent.
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, mode: 'live' } });
    const saleId = await t.openSale(1_000);
    expect(await t.call('payment.start', { saleId, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'CODE_DISABLED' } });
    await t.must('sale.void', { saleId, reason: 'test' });

    await t.must('payment.setGateways', { wechat: wechatLive() });
    expect((await t.must('payment.gateways')).mode).toBe('live');
    const real = await pay(t);
    expect(real.state).toBe('succeeded');
    expect(liveOrders()).toContain(real.orderNo);

    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, mode: 'sandbox' } });
    const again = await pay(t);
    expect(again.state).toBe('succeeded');
    expect(liveOrders()).not.toContain(again.orderNo);
  });

  it('the mode does not change while a payment is unresolved', async () => {
    t = await startPaymentsHost();
    const saleId = await t.openSale(1_051); // .51: the customer is still entering the password
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.until(async () => (await t!.must('payment.get', { attemptId: a.id })).state === 'pending', { what: 'pending' });
    const r = await t.call('settings.update', { terminal: { ...t.host.ctx.settings().terminal, mode: 'live' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    expect(t.host.ctx.settings().terminal.mode).toBe('sandbox');
  });

  it('a live gateway with an open payment cannot be changed; another gateway can', async () => {
    t = await startPaymentsHost();
    liveClock.bind(t.clock);
    await t.must('payment.setGateways', { wechat: wechatLive() });
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, mode: 'live' } });
    const saleId = await t.openSale(1_051); // .51: the customer is still entering the password
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.until(async () => (await t!.must('payment.get', { attemptId: a.id })).state === 'pending', { what: 'pending' });
    const r = await t.call('payment.setGateways', { wechat: { ...wechatLive(), mchId: '1900000999' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING', message: expect.stringContaining('1 payment(s)') } });
    expect((await t.must('payment.gateways')).wechat?.merchant).toContain(live.keys.wechat.mchId);
    expect((await t.call('payment.setGateways', { wechat: null }))).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    expect((await t.must('payment.setGateways', { jeepay: null })).wechat).not.toBeNull();
    // The same merchant at a new address (or with a new key) strands nothing: its orders are asked there.
    const moved = await t.must('payment.setGateways', { wechat: { ...wechatLive(), baseUrl: `${live.url}/` } });
    expect(moved.wechat?.endpoint).toBe(`${live.url}/`);
    await t.until(async () => (await t!.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'paid, asked at the new address', advanceMs: 1_000 });
  });

  it('a payment whose gateways change while they are being built is refused before anything is sent', async () => {
    t = await startPaymentsHost();
    const saleId = await t.openSale(1_000);
    // Training and live never meet on one sale: the mode stays while this one holds a line.
    const s = t.host.ctx.settings();
    expect(await t.call('settings.update', { terminal: { ...s.terminal, mode: 'live' } })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining('not finished') } });
    // The first payment starts the in-process sandbox; a request timeout changes while it binds its port.
    const started = t.call('payment.start', { saleId, code: codes.wechat() });
    const timings = { ...s.payments.timings, wechat: { ...s.payments.timings.wechat, requestTimeoutMs: s.payments.timings.wechat.requestTimeoutMs + 1000 } };
    const changed = t.call('settings.update', { payments: { ...s.payments, timings } });
    expect(await changed).toMatchObject({ ok: true });
    expect(await started).toMatchObject({ ok: false, error: { code: 'CHANNEL_ERROR', message: expect.stringMatching(/changed just now/) } });
    expect(await t.must('payment.listForSale', { saleId })).toEqual([]);
  });

  it('live endpoints must be https (plain http only to this machine)', async () => {
    t = await startPaymentsHost();
    const r = await t.call('payment.setGateways', { wechat: { ...wechatLive(), baseUrl: 'http://api.mch.weixin.qq.com' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('https') } });
    // Over https (the real gateway) the merchant API certificate is required: reverse and refund need it.
    const noCert = await t.call('payment.setGateways', { wechat: { ...wechatLive(), baseUrl: 'https://api.mch.weixin.qq.com' } });
    expect(noCert).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('client certificate') } });
    const tls = { certPem: readFileSync(join(TESTDATA, 'localhost-cert.pem'), 'utf8'), keyPem: readFileSync(join(TESTDATA, 'localhost-key.pem'), 'utf8') };
    expect(await t.call('payment.setGateways', { wechat: { ...wechatLive(), baseUrl: 'https://api.mch.weixin.qq.com', tls } })).toMatchObject({ ok: true });
    // spbill_create_ip must be an address WeChat takes, when given.
    for (const clientIp of ['', 'till-1', '300.1.1.1']) expect(await t.call('payment.setGateways', { wechat: { ...wechatLive(), clientIp } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await t.call('payment.setGateways', { wechat: { ...wechatLive(), clientIp: '192.168.1.20' } })).toMatchObject({ ok: true });
  });

  it('a stored configuration that is unusable is reported, and codes are refused with the reason', async () => {
    t = await startPaymentsHost();
    setSecret(t.host.ctx.db, LIVE_CHANNELS_SECRET, '{"wechat": {"baseUrl": 42}}', '2026-11-26T00:00:00Z');
    expect(() => readLiveGateways(t!.host.ctx.db)).toThrow(LiveGatewaysError);
    await t.must('settings.update', { terminal: { ...t.host.ctx.settings().terminal, mode: 'live' } });
    const view = await t.must('payment.gateways');
    expect(view.problem).toMatch(/wechat\.baseUrl/);
    const saleId = await t.openSale(1_000);
    const r = await t.call('payment.start', { saleId, code: codes.wechat() });
    expect(r).toMatchObject({ ok: false, error: { code: 'CHANNEL_ERROR', message: expect.stringContaining('set the gateways again') } });
    // Setting them again repairs it.
    await t.must('payment.setGateways', { wechat: wechatLive() });
    expect((await t.must('payment.gateways')).problem).toBeNull();
    const paid = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect((await t.must('payment.get', { attemptId: paid.id, waitMs: 5_000 })).state).toBe('succeeded');
  });
});

/**
 * A refund or void while the sale's live gateway is not usable (removed, or its stored configuration
 * unreadable): refused at once when the code part could never leave, and the gateway can always be set up
 * again, so a refund already waiting for it goes out then.
 */
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
