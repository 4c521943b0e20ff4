/**
 * `refund.request` idempotency by `requestId`: a retry of the same request returns the refund it made
 * (nothing is refunded twice); the same id with other content (amount, sale) is refused with CONFLICT and
 * changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeChannel, createFakeChannel, paid } from './testing/fake-channel';
import { countUnresolved } from './unresolved';
import { type PaymentsTestHost, codes, startPaymentsHost, startWechatHost } from './testing/harness';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

async function setup(): Promise<{ t: PaymentsTestHost; wx: FakeChannel }> {
  const started = await startWechatHost();
  t = started.t;
  return started;
}

/** A sale of `fen`, paid in full by a WeChat code. */
async function paidSale(h: PaymentsTestHost, wx: FakeChannel, fen: number): Promise<string> {
  const saleId = await h.openSale(fen);
  wx.queue('pay', paid(fen));
  await h.must('payment.start', { saleId, code: codes.wechat() });
  await h.flush();
  expect((await h.must('sale.get', { saleId })).status).toBe('paid');
  return saleId;
}

describe('refund.request with a request id', () => {
  it('the same request again (amount repeated or omitted, reason omitted) returns the same refund; the channel refunds once', async () => {
    const { t, wx } = await setup();
    const saleId = await paidSale(t, wx, 1000);
    const first = await t.must('refund.request', { saleId, amountFen: 300, requestId: 'req-same', reason: '退货' });
    expect(first).toMatchObject({ id: 'req-same', state: 'succeeded', amountFen: 300 });
    expect(await t.must('refund.request', { saleId, amountFen: 300, requestId: 'req-same', reason: '退货' })).toEqual(first);
    expect(await t.must('refund.request', { saleId, amountFen: 300, requestId: 'req-same' })).toEqual(first);
    expect(await t.must('refund.request', { saleId, requestId: 'req-same' })).toEqual(first);
    expect(wx.count('refund')).toBe(1);
    expect(await t.must('sale.get', { saleId })).toMatchObject({ refundedFen: 300, status: 'partly_refunded' });
    expect(await t.must('refund.list', { saleId })).toHaveLength(1);
  });

  it('the same id with a different amount is refused (CONFLICT), nothing more is refunded', async () => {
    const { t, wx } = await setup();
    const saleId = await paidSale(t, wx, 1000);
    const first = await t.must('refund.request', { saleId, amountFen: 300, requestId: 'req-amount' });
    for (const amountFen of [301, 299, 1000]) {
      const r = await t.call('refund.request', { saleId, amountFen, requestId: 'req-amount' });
      expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('already used for a different refund') } });
      expect(r.ok ? '' : r.error.message).toContain(`300 fen, not ${amountFen}`);
    }
    expect(wx.count('refund')).toBe(1);
    expect(await t.must('sale.get', { saleId })).toMatchObject({ refundedFen: 300 });
    expect(await t.must('refund.list', { saleId })).toEqual([first]);
    // The id still returns its own refund.
    expect(await t.must('refund.request', { saleId, amountFen: 300, requestId: 'req-amount' })).toEqual(first);
  });

  it('the same id for another sale is refused (CONFLICT), the other sale is untouched', async () => {
    const { t, wx } = await setup();
    const s1 = await paidSale(t, wx, 500);
    const s2 = await paidSale(t, wx, 500);
    await t.must('refund.request', { saleId: s1, amountFen: 200, requestId: 'req-sale' });
    const r = await t.call('refund.request', { saleId: s2, amountFen: 200, requestId: 'req-sale' });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/already used for a different refund \(another sale\)/) } });
    expect(wx.count('refund')).toBe(1);
    expect(await t.must('sale.get', { saleId: s2 })).toMatchObject({ status: 'paid', refundedFen: 0 });
    expect(await t.must('refund.list', { saleId: s2 })).toEqual([]);
  });

  it('a "refund everything" request: retried as is, or with the amount it came to, is the same; another amount is refused', async () => {
    const { t, wx } = await setup();
    const saleId = await paidSale(t, wx, 800);
    const all = await t.must('refund.request', { saleId, requestId: 'req-all' });
    expect(all).toMatchObject({ amountFen: 800, state: 'succeeded' });
    // Nothing is refundable any more, yet the retry is answered with the refund it made (not REFUND_EXCEEDS_PAID).
    expect(await t.must('refund.request', { saleId, requestId: 'req-all' })).toEqual(all);
    expect(await t.must('refund.request', { saleId, amountFen: 800, requestId: 'req-all' })).toEqual(all);
    expect(await t.call('refund.request', { saleId, amountFen: 100, requestId: 'req-all' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(wx.count('refund')).toBe(1);
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'refunded', refundedFen: 800 });
  });
});

describe('refund.retry after a definite refusal', () => {
  async function refusedThenRetried(gateway: 'wechat' | 'jeepay', unverified = false): Promise<string[]> {
    const fake = createFakeChannel(gateway);
    t = await startPaymentsHost({ payments: { fakes: { [gateway]: fake } } });
    if (gateway === 'jeepay') {
      const p = t.host.ctx.settings().payments;
      await t.must('settings.update', { payments: { ...p, routing: { wechat: 'aggregator', alipay: 'aggregator', unionpay: 'aggregator' } } });
    }
    const saleId = await t.openSale(800);
    fake.queue('pay', paid(800));
    await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    fake.queue('refund', { status: 'failed', code: 'NOTENOUGH', message: '余额不足', ...(unverified ? { unverified: true as const } : {}) });
    const refused = await t.must('refund.request', { saleId, amountFen: 500 });
    expect(refused.state).toBe('failed');
    fake.queue('refund', { status: 'succeeded', refundId: 'RF2', refundFen: 500, refundedAt: '2026-11-26T10:00:00+08:00' });
    const retried = await t.must('refund.retry', { refundId: refused.id });
    await t.flush();
    expect((await t.must('refund.get', { refundId: retried.id })).state).toBe('succeeded');
    // The audit entry names who approved the retry.
    const audit = t.host.ctx.db.prepare("SELECT detail FROM audit_log WHERE action = 'refund.retry'").pluck().get() as string;
    expect(JSON.parse(audit)).toMatchObject({ refundId: refused.id, authorizedBy: 'manager' });
    return fake.calls.filter((c) => c.op === 'refund').map((c) => c.refundNo ?? '');
  }

  it('goes again under the same refund number (WeChat, Alipay, UnionPay take it again)', async () => {
    const [first, second] = await refusedThenRetried('wechat');
    expect(second).toBe(first);
  });

  it('goes again under a fresh refund number at Jeepay, which refuses a number it has seen (已存在)', async () => {
    const numbers = await refusedThenRetried('jeepay');
    expect(numbers).toHaveLength(2);
    expect(numbers[1]).not.toBe(numbers[0]);
    expect(numbers[1]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps the refund number at Jeepay when the refusal was not signed (it may have been taken after all)', async () => {
    const [first, second] = await refusedThenRetried('jeepay', true);
    expect(second).toBe(first);
    const part = t?.host.ctx.db.prepare('SELECT failure_unverified FROM refund_parts').pluck().get();
    expect(part).toBe(1);
  });
});

describe('a refund refused by an answer nobody signed', () => {
  it('holds its amount: a new refund cannot take that money under another number; a retry under its own number can', async () => {
    const jp = createFakeChannel('jeepay');
    t = await startPaymentsHost({ payments: { fakes: { jeepay: jp } } });
    const p = t.host.ctx.settings().payments;
    await t.must('settings.update', { payments: { ...p, routing: { wechat: 'aggregator', alipay: 'aggregator', unionpay: 'aggregator' } } });
    const saleId = await t.openSale(1000);
    jp.queue('pay', paid(1000));
    await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    jp.queue('refund', { status: 'failed', code: 'JEEPAY_REFUSED', message: '系统繁忙', unverified: true });
    const refused = await t.must('refund.request', { saleId, amountFen: 300 });
    expect(refused.state).toBe('failed');
    // The screen is told the failed part still holds its amount (it offers 700, not 1000).
    expect(refused.parts).toEqual([expect.objectContaining({ state: 'failed', holdsAmount: true })]);
    // And it is still open business with Jeepay: the mode (or Jeepay's merchant) waits for its retry.
    expect(countUnresolved(t.host.ctx.db, 0, ['jeepay']).refundParts).toBe(1);
    expect(await t.call('settings.update', { terminal: { ...t.host.ctx.settings().terminal, mode: 'live' } })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    // 700 can still go back; the 300 the unsigned refusal may have moved cannot, under a new number.
    expect(await t.call('refund.request', { saleId, amountFen: 800 })).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID', message: expect.stringMatching(/at most 700 fen .*300 fen is held .*retry that refund/) } });
    jp.queue('refund', { status: 'succeeded', refundId: 'RF7', refundFen: 700, refundedAt: '2026-11-26T10:00:00+08:00' });
    expect((await t.must('refund.request', { saleId, amountFen: 700 })).state).toBe('succeeded');
    jp.queue('refund', { status: 'succeeded', refundId: 'RF3', refundFen: 300, refundedAt: '2026-11-26T10:00:00+08:00' });
    await t.must('refund.retry', { refundId: refused.id });
    await t.flush();
    expect((await t.must('sale.get', { saleId })).refundedFen).toBe(1000);
    expect(countUnresolved(t.host.ctx.db, 0, ['jeepay']).refundParts).toBe(0);
    const numbers = jp.calls.filter((c) => c.op === 'refund').map((c) => c.refundNo);
    expect(numbers).toHaveLength(3);
    expect(numbers[2]).toBe(numbers[0]);
  });
});

describe('a refund still on its way', () => {
  it('keeps the till from switching between training and live mode', async () => {
    const { t: h, wx } = await setup();
    const saleId = await paidSale(h, wx, 600);
    wx.queue('refund', { status: 'accepted', refundId: 'RF9', refundFen: 600 });
    wx.defaults.queryRefund = () => ({ status: 'processing' });
    const refund = await h.must('refund.request', { saleId });
    expect(refund.state).not.toBe('succeeded');
    const r = await h.call('settings.update', { terminal: { ...h.host.ctx.settings().terminal, mode: 'live' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING', message: expect.stringContaining('1 refund part(s)') } });
    expect(h.host.ctx.settings().terminal.mode).toBe('sandbox');
  });
});

describe('a refund the channel reports done for another amount', () => {
  it('is not landed: the part stays pending with the reason, the sale keeps its totals, nothing goes to HQ', async () => {
    const { t, wx } = await setup();
    const saleId = await paidSale(t, wx, 1000);
    // Accepted for 600; the refund query then says SUCCESS, but for 1 fen under this refund number.
    wx.queue('refund', { status: 'accepted', refundId: 'R1', refundFen: 600 });
    wx.defaults.queryRefund = { status: 'succeeded', refundId: 'R1', refundFen: 1, refundedAt: '2026-11-25T10:00:00+08:00' };
    const refund = await t.must('refund.request', { saleId, amountFen: 600 });
    await t.advance(120_000, 10_000);
    const now = await t.must('refund.get', { refundId: refund.id });
    expect(now).toMatchObject({ state: 'pending', parts: [{ state: 'pending', reason: expect.stringMatching(/reports 1 fen refunded, 600 fen asked/) }] });
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'paid', refundedFen: 0 });
    const outbox = t.host.ctx.db.prepare("SELECT count(*) FROM outbox WHERE kind = 'refund'").pluck().get() as number;
    expect(outbox).toBe(0);
  });
});
