/** Every sandbox scenario, through each of the four adapters, with the sandbox ledger as ground truth. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createChannels, sandboxChannelConfig } from '../payments/channels/index';
import { type ChannelId, type PaymentChannel } from '../payments/channels/types';
import { freshCode, freshOrderNo, startSandboxFixture, type SandboxFixture } from './testing';

const CHANNELS: ChannelId[] = ['wechat', 'alipay', 'unionpay', 'jeepay'];
const DAY = 24 * 3600 * 1000;

describe.each(CHANNELS)('%s adapter against the sandbox', (id) => {
  let f: SandboxFixture;
  let ch: PaymentChannel;
  beforeAll(async () => {
    f = await startSandboxFixture({ slowDelayMs: 800 });
    ch = f.channels[id];
  });
  afterAll(async () => {
    // Ground truth: every charge still held belongs to an order that is paid and not reversed.
    const snap = f.sandbox.ledger.snapshot();
    for (const o of snap.orders.filter((x) => x.charged)) {
      if (o.status === 'reversed') expect(o.refundedFen).toBe(o.amountFen);
      else expect(o.status).toBe('paid');
    }
    await f.close();
  });

  const pay = (amountFen: number, orderNo = freshOrderNo(), authCode = freshCode(id)) =>
    ch.pay({ orderNo, authCode, amountFen, subject: '测试商品' }).then((outcome) => ({ outcome, orderNo, authCode }));
  const ledgerOrder = (orderNo: string) => f.sandbox.ledger.order(id, orderNo);

  it('success: paid at once, query agrees', async () => {
    const { outcome, orderNo } = await pay(1000);
    expect(outcome).toMatchObject({ status: 'paid', paidFen: 1000 });
    if (outcome.status === 'paid') expect(outcome.paidAt).toMatch(/\+08:00$/);
    expect(ledgerOrder(orderNo)).toMatchObject({ status: 'paid', charged: true, amountFen: 1000 });
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid', paidFen: 1000 });
  });

  it('password: waiting, then paid after queries', async () => {
    const { outcome, orderNo } = await pay(1051);
    expect(outcome.status).toBe('waiting');
    expect(ledgerOrder(orderNo)?.charged).toBe(false);
    expect((await ch.query({ orderNo })).status).toBe('waiting');
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid', paidFen: 1051 });
  });

  it('password: paid once the (injected) clock passes the entry time', async () => {
    const { outcome, orderNo } = await pay(2051);
    expect(outcome.status).toBe('waiting');
    f.clock.advance(10_000);
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid', paidFen: 2051 });
  });

  it('password then the customer cancels: failed, reverse closes, nothing charged', async () => {
    const { outcome, orderNo } = await pay(1052);
    expect(outcome.status).toBe('waiting');
    expect((await ch.query({ orderNo })).status).toBe('waiting');
    expect((await ch.query({ orderNo })).status).toBe('failed');
    expect((await ch.reverse({ orderNo })).status).toBe('reversed');
    expect(ledgerOrder(orderNo)?.charged).toBe(false);
  });

  it('password and still unpaid at the deadline: reverse closes the order for good', async () => {
    const { orderNo, authCode } = await pay(3051);
    const r = await ch.reverse({ orderNo });
    expect(r.status).toBe('reversed');
    expect(ledgerOrder(orderNo)).toMatchObject({ status: 'reversed', charged: false });
    // The customer's late password entry can no longer charge this order.
    expect((await ch.query({ orderNo })).status).toBe('failed');
    const again = await ch.pay({ orderNo, authCode, amountFen: 3051, subject: '测试商品' });
    expect(['failed', 'unknown']).toContain(again.status);
    expect(ledgerOrder(orderNo)?.charged).toBe(false);
  });

  it('an unpaid order the reverse closed stays ended: queried as failed (Jeepay: closed, state 6, never reversed, 4), closed again on a repeat', async () => {
    const { orderNo } = await pay(4051);
    expect(await ch.reverse({ orderNo })).toMatchObject({ status: 'reversed', ...(id === 'jeepay' ? { action: 'close' } : {}) });
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'failed', ...(id === 'jeepay' ? { code: 'CLOSED' } : {}) });
    expect(await ch.reverse({ orderNo })).toMatchObject({ status: 'reversed', ...(id === 'jeepay' ? { action: 'close' } : {}) });
    expect(ledgerOrder(orderNo)).toMatchObject({ charged: false, refundedFen: 0 });
  });

  it.each([
    [1053, 'insufficient funds'],
    [1054, 'expired code'],
  ])('%i (%s): definite failure, nothing charged', async (amount) => {
    const { outcome, orderNo } = await pay(amount);
    expect(outcome.status).toBe('failed');
    expect(ledgerOrder(orderNo)?.charged).toBe(false);
    expect((await ch.query({ orderNo })).status).toBe('failed');
  });

  it('answer lost after charging: unknown; query finds it paid; reverse refunds it', async () => {
    const { outcome, orderNo } = await pay(1055);
    expect(outcome).toMatchObject({ status: 'unknown', retryable: true });
    expect(ledgerOrder(orderNo)).toMatchObject({ status: 'paid', charged: true });
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid', paidFen: 1055 });
    expect(await ch.reverse({ orderNo })).toMatchObject({ status: 'reversed' });
    expect(ledgerOrder(orderNo)?.refundedFen).toBe(1055);
  });

  it('connection reset before charging: unknown (it may have arrived); query says not found', async () => {
    const { outcome, orderNo } = await pay(1056);
    expect(outcome.status).toBe('unknown');
    expect(ledgerOrder(orderNo)).toBeUndefined();
    expect(await ch.query({ orderNo })).toEqual({ status: 'not_found' });
    expect(await ch.reverse({ orderNo })).toMatchObject({ status: 'reversed' });
  });

  it('5xx: unknown, nothing charged', async () => {
    const { outcome, orderNo } = await pay(1057);
    expect(outcome).toMatchObject({ status: 'unknown', code: 'HTTP_502' });
    expect(ledgerOrder(orderNo)).toBeUndefined();
  });

  it('slow answer past the client timeout: unknown, charged, query finds it', async () => {
    const impatient = createChannels(sandboxChannelConfig(f.sandbox, 150), { clock: f.clock })[id] as PaymentChannel;
    const orderNo = freshOrderNo();
    const outcome = await impatient.pay({ orderNo, authCode: freshCode(id), amountFen: 1058, subject: 'x' });
    expect(outcome).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/TIMEOUT/) as unknown });
    expect(ledgerOrder(orderNo)?.charged).toBe(true);
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid' });
    expect((await ch.reverse({ orderNo })).status).toBe('reversed');
  });

  it('bad signature: unknown, security event, charged; query settles it', async () => {
    const before = f.events.length;
    const { outcome, orderNo } = await pay(1059);
    expect(outcome).toMatchObject({ status: 'unknown', code: 'BAD_SIGNATURE' });
    expect(f.events.slice(before)).toEqual([expect.objectContaining({ channel: id, operation: 'pay', kind: 'bad_signature' })]);
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid' });
    expect((await ch.reverse({ orderNo })).status).toBe('reversed');
  });

  it('system error: never a failure; query finds it paid', async () => {
    const { outcome, orderNo } = await pay(1060);
    expect(['unknown', 'waiting']).toContain(outcome.status);
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid', paidFen: 1060 });
  });

  it('duplicate order number: replay of a paid order and reuse with other parameters are both unknown (query)', async () => {
    const { orderNo, authCode } = await pay(1200);
    const replay = await ch.pay({ orderNo, authCode, amountFen: 1200, subject: '测试商品' });
    expect(replay.status).toBe('unknown');
    const other = await ch.pay({ orderNo, authCode: freshCode(id), amountFen: 999, subject: '测试商品' });
    expect(other.status).toBe('unknown');
    expect(ledgerOrder(orderNo)?.amountFen).toBe(1200);
  });

  it('single-use codes: a charged code cannot be charged again', async () => {
    const { authCode } = await pay(1300);
    const second = await pay(1300, freshOrderNo(), authCode);
    expect(second.outcome.status).toBe('failed');
    expect(ledgerOrder(second.orderNo)?.charged ?? false).toBe(false);
  });

  it('refunds: partial refund, idempotent retry, over-refund refused, refund query', async () => {
    const { orderNo } = await pay(1000);
    const first = await ch.refund({ orderNo, refundNo: `${orderNo}R1`, totalFen: 1000, refundFen: 300 });
    expect(['accepted', 'succeeded']).toContain(first.status);
    const retry = await ch.refund({ orderNo, refundNo: `${orderNo}R1`, totalFen: 1000, refundFen: 300 });
    expect(['accepted', 'succeeded']).toContain(retry.status);
    expect(ledgerOrder(orderNo)?.refundedFen).toBe(300);
    expect(await ch.queryRefund({ orderNo, refundNo: `${orderNo}R1` })).toMatchObject({ status: 'succeeded', refundFen: 300 });
    // Jeepay refuses unsigned; the adapter then asks about the refund number, which Jeepay never recorded: failed.
    expect(await ch.refund({ orderNo, refundNo: `${orderNo}R2`, totalFen: 1000, refundFen: 800 })).toMatchObject(id === 'jeepay' ? { status: 'failed', code: 'JEEPAY_REFUSED' } : { status: 'failed' });
    expect(await ch.queryRefund({ orderNo, refundNo: `${orderNo}R9` })).toEqual({ status: 'not_found' });
    expect(ledgerOrder(orderNo)?.refundedFen).toBe(300);
  });

  it('a refund forced to `insufficient` is refused (nothing refunded); it then goes through (Jeepay: under a new number)', async () => {
    const { orderNo } = await pay(1500);
    f.sandbox.setScenario({ scenario: 'insufficient', operation: 'refund', channel: id });
    const refused = await ch.refund({ orderNo, refundNo: `${orderNo}R1`, totalFen: 1500, refundFen: 500 });
    expect(refused).toMatchObject({ status: 'failed' });
    expect(ledgerOrder(orderNo)?.refundedFen).toBe(0);
    if (id === 'jeepay') {
      // Jeepay keeps the failed refund order and refuses its number (已存在); its signed state says failed.
      expect(await ch.refund({ orderNo, refundNo: `${orderNo}R1`, totalFen: 1500, refundFen: 500 })).toMatchObject({ status: 'failed', code: 'NOTENOUGH' });
      expect(await ch.queryRefund({ orderNo, refundNo: `${orderNo}R1` })).toMatchObject({ status: 'failed' });
      expect(ledgerOrder(orderNo)?.refundedFen).toBe(0);
    }
    const retried = await ch.refund({ orderNo, refundNo: id === 'jeepay' ? `${orderNo}R2` : `${orderNo}R1`, totalFen: 1500, refundFen: 500 });
    expect(['accepted', 'succeeded']).toContain(retried.status);
    expect(ledgerOrder(orderNo)?.refundedFen).toBe(500);
  });

  it('reverse of a paid order refunds it; the number is then dead', async () => {
    const { orderNo, authCode } = await pay(1400);
    expect(await ch.reverse({ orderNo })).toMatchObject({ status: 'reversed' });
    expect(await ch.reverse({ orderNo })).toMatchObject({ status: 'reversed' }); // repeatable
    expect(ledgerOrder(orderNo)?.refundedFen).toBe(1400);
    const again = await ch.pay({ orderNo, authCode, amountFen: 1400, subject: '测试商品' });
    expect(['failed', 'unknown']).toContain(again.status);
    expect(ledgerOrder(orderNo)?.refundedFen).toBe(1400);
  });

  it('control endpoint forces a scenario on the next query', async () => {
    const { orderNo } = await pay(1500);
    const res = await fetch(`${f.sandbox.url}/__sandbox/scenario`, { method: 'POST', body: JSON.stringify({ scenario: 'http_5xx', channel: id, operation: 'query' }) });
    expect(res.status).toBe(200);
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'unknown', code: 'HTTP_502' });
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid' });
  });

  it('daily bill: next day it lists the day’s payments, refunds and reversals; today has none yet', async () => {
    const today = new Date(f.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await ch.downloadBill(today)).status).toBe('no_bill');
    f.clock.advance(DAY);
    const bill = await ch.downloadBill(today);
    expect(bill.status).toBe('ok');
    if (bill.status !== 'ok') return;
    const snap = f.sandbox.ledger.snapshot();
    const paidToday = snap.orders.filter((o) => o.channel === id && o.charged);
    const payments = bill.rows.filter((r) => r.kind === 'payment');
    expect(payments.map((r) => r.orderNo).sort()).toEqual(paidToday.map((o) => o.orderNo).sort());
    for (const row of payments) expect(row.amountFen).toBe(paidToday.find((o) => o.orderNo === row.orderNo)?.amountFen);
    const givenBack = bill.rows.filter((r) => r.kind !== 'payment').reduce((sum, r) => sum + r.amountFen, 0);
    expect(givenBack).toBe(snap.totals[id].refundedFen);
    expect((await ch.downloadBill('2020-01-01')).status).toBe('no_bill');
  });
});
