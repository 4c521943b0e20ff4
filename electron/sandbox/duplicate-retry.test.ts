/**
 * The duplicate-order-number and reverse-retry scenarios through each adapter, checked on the wire (what the
 * sandbox answered) and against the ledger (what it really did).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels, httpSend, sandboxChannelConfig } from '../payments/channels/index';
import { type ChannelId, type PaymentChannel } from '../payments/channels/types';
import { freshCode, freshOrderNo, startSandboxFixture, type SandboxFixture } from './testing';

const CHANNELS: ChannelId[] = ['wechat', 'alipay', 'unionpay', 'jeepay'];

/**
 * Each channel's answer to a reused order number, as the adapter reports it (a code it must query on).
 * Jeepay answers an unsigned 9999 "商户订单号[…]已存在", which its adapter reports as a plain unknown.
 */
const DUPLICATE_PAID: Record<ChannelId, { status: 'unknown'; code?: string }> = {
  wechat: { status: 'unknown', code: 'ORDERPAID' }, alipay: { status: 'unknown', code: 'ACQ.TRADE_HAS_SUCCESS' }, unionpay: { status: 'unknown', code: '12' }, jeepay: { status: 'unknown' },
};
const DUPLICATE_OTHER: Record<ChannelId, { status: 'unknown'; code?: string }> = {
  wechat: { status: 'unknown', code: 'OUT_TRADE_NO_USED' }, alipay: { status: 'unknown', code: 'ACQ.CONTEXT_INCONSISTENT' }, unionpay: { status: 'unknown', code: '12' }, jeepay: { status: 'unknown' },
};
/** The "not done yet, call again" mark of a reverse answer on the wire. */
const RETRY_MARK: Partial<Record<ChannelId, RegExp>> = {
  wechat: /<recall>(<!\[CDATA\[)?Y(\]\]>)?<\/recall>/,
  alipay: /"retry_flag":"Y"/,
  unionpay: /"respCode":"99"/,
};

describe.each(CHANNELS)('%s: duplicate order numbers and reverse retries', (id) => {
  let f: SandboxFixture;
  let ch: PaymentChannel;
  /** Raw answer bodies, in order. */
  const answers: string[] = [];
  beforeAll(async () => {
    f = await startSandboxFixture();
    const send: typeof httpSend = async (req) => {
      const res = await httpSend(req);
      answers.push(res.body.toString('utf8'));
      return res;
    };
    ch = createChannels(sandboxChannelConfig(f.sandbox), { clock: f.clock, send })[id] as PaymentChannel;
  });
  afterAll(async () => {
    await f.close();
  });

  const pay = (amountFen: number, orderNo = freshOrderNo(), authCode = freshCode(id)) =>
    ch.pay({ orderNo, authCode, amountFen, subject: '测试商品' }).then((outcome) => ({ outcome, orderNo, authCode }));
  const ledgerOrder = (orderNo: string) => f.sandbox.ledger.order(id, orderNo);
  const retriesOf = (orderNo: string) => f.sandbox.ledger.snapshot().reverseRetries.filter((r) => r.channel === id && r.orderNo === orderNo);
  const reversalsOf = (orderNo: string) => f.sandbox.ledger.snapshot().reversals.filter((r) => r.channel === id && r.orderNo === orderNo);

  it('duplicate (.61): the earlier request of this payment was charged; the answer says so, a query finds one charge', async () => {
    const { outcome, orderNo, authCode } = await pay(1061);
    expect(outcome).toMatchObject(DUPLICATE_PAID[id]);
    expect(ledgerOrder(orderNo)).toMatchObject({ status: 'paid', charged: true, amountFen: 1061, authCode });
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'paid', paidFen: 1061 });
    expect(f.sandbox.ledger.snapshot().orders.filter((o) => o.authCode === authCode)).toHaveLength(1);
  });

  it('duplicate_unpaid (.62): the number belongs to another, closed order; nothing charged, the code stays unused', async () => {
    const { outcome, orderNo, authCode } = await pay(1062);
    expect(outcome).toMatchObject(DUPLICATE_OTHER[id]);
    const order = ledgerOrder(orderNo);
    expect(order).toMatchObject({ status: 'closed', charged: false });
    expect(order?.authCode).not.toBe(authCode);
    expect(await ch.query({ orderNo })).toMatchObject({ status: 'failed' });
    // The channel refused the number before reading the code: the customer's code can still pay.
    expect((await pay(1000, freshOrderNo(), authCode)).outcome.status).toBe('paid');
  });

  it('duplicate through the control endpoint', async () => {
    const res = await fetch(`${f.sandbox.url}/__sandbox/scenario`, { method: 'POST', body: JSON.stringify({ scenario: 'duplicate', channel: id }) });
    expect(res.status).toBe(200);
    const { outcome, orderNo } = await pay(1000);
    expect(outcome).toMatchObject(DUPLICATE_PAID[id]);
    expect(ledgerOrder(orderNo)).toMatchObject({ status: 'paid', charged: true });
  });

  it('reverse_retry (.63): the customer never finishes; the first reverse says "call again" and does nothing, the next closes', async () => {
    const { outcome, orderNo } = await pay(1063);
    expect(outcome.status).toBe('waiting');
    f.clock.advance(600_000);
    for (let i = 0; i < 4; i++) expect((await ch.query({ orderNo })).status).toBe('waiting');
    const first = await ch.reverse({ orderNo });
    if (id === 'jeepay') {
      // Jeepay's close has no retry flag: it closes at once.
      expect(first).toMatchObject({ status: 'reversed', action: 'close' });
      expect(retriesOf(orderNo)).toHaveLength(0);
    } else {
      expect(first.status).toBe('retry');
      expect(answers.at(-1)).toMatch(RETRY_MARK[id] ?? /never/);
      expect(ledgerOrder(orderNo)).toMatchObject({ status: 'paying', charged: false });
      expect(reversalsOf(orderNo)).toHaveLength(0);
      expect(retriesOf(orderNo)).toHaveLength(1);
      expect((await ch.reverse({ orderNo })).status).toBe('reversed');
    }
    expect(ledgerOrder(orderNo)).toMatchObject({ status: 'reversed', charged: false });
    expect(reversalsOf(orderNo)).toEqual([expect.objectContaining({ action: 'close', amountFen: 0 })]);
    expect((await ch.query({ orderNo })).status).toBe('failed');
  });

  it('reverse_retry forced on a reverse: a paid order is refunded only by the second call (Jeepay: the first)', async () => {
    const { orderNo } = await pay(1400);
    const res = await fetch(`${f.sandbox.url}/__sandbox/scenario`, { method: 'POST', body: JSON.stringify({ scenario: 'reverse_retry', channel: id, operation: 'reverse' }) });
    expect(res.status).toBe(200);
    if (id === 'jeepay') {
      // No retry flag on Jeepay: a paid order's reverse is one refund (`<order>RV`), whatever was forced;
      // the order stays paid, fully refunded.
      expect((await ch.reverse({ orderNo })).status).toBe('reversed');
      expect(retriesOf(orderNo)).toHaveLength(0);
      expect(ledgerOrder(orderNo)).toMatchObject({ status: 'paid', refundedFen: 1400 });
      expect(reversalsOf(orderNo)).toEqual([]);
      expect(f.sandbox.ledger.findRefund('jeepay', `${orderNo}RV`)).toMatchObject({ amountFen: 1400 });
      return;
    }
    expect((await ch.reverse({ orderNo })).status).toBe('retry');
    expect(answers.at(-1)).toMatch(RETRY_MARK[id] ?? /never/);
    expect(ledgerOrder(orderNo)).toMatchObject({ status: 'paid', refundedFen: 0 });
    expect((await ch.reverse({ orderNo })).status).toBe('reversed');
    expect(ledgerOrder(orderNo)).toMatchObject({ status: 'reversed', refundedFen: 1400 });
    expect(reversalsOf(orderNo)).toEqual([expect.objectContaining({ action: 'refund', amountFen: 1400 })]);
  });

  it('every pay request counts as a submission of its code, refused re-submissions and faults included', async () => {
    const submissions = (code: string) => f.sandbox.ledger.snapshot().submissions.find((s) => s.authCode === code)?.count ?? 0;
    const { authCode } = await pay(1000);
    expect(submissions(authCode)).toBe(1);
    // The same code again, on a new order: refused as used, and counted.
    expect((await pay(1000, freshOrderNo(), authCode)).outcome.status).toBe('failed');
    expect(submissions(authCode)).toBe(2);
    // A 502 before the gateway did anything still counts: the request arrived.
    const other = freshCode(id);
    expect((await pay(1057, freshOrderNo(), other)).outcome.status).toBe('unknown');
    expect(submissions(other)).toBe(1);
  });
});
