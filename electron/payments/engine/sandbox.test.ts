import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxChannelConfig } from '../channels/index';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { sharedKeys } from '../../sandbox/testing';
import { type LedgerOrder } from '../../sandbox/ledger';
import { type Gateway, isTerminalAttempt } from '../../../shared/sales/views';
import { type PaymentsTestHost, codes, lateClock, startPaymentsHost } from './testing/harness';

/**
 * Every sandbox scenario through the real adapters and the engine, each ending in the right terminal
 * state, with the sandbox ledger (what was really charged) agreeing with the sales.
 */
const SCENARIOS = [
  { name: 'success', cents: 0, state: 'succeeded' },
  { name: 'password', cents: 51, state: 'succeeded' },
  { name: 'password_cancel', cents: 52, state: 'failed' },
  { name: 'insufficient', cents: 53, state: 'failed' },
  { name: 'expired', cents: 54, state: 'failed' },
  { name: 'lost (charged, no answer)', cents: 55, state: 'succeeded' },
  { name: 'reset before charging', cents: 56, state: 'reversed' },
  { name: 'http 5xx', cents: 57, state: 'reversed' },
  { name: 'slow answer past the timeout', cents: 58, state: 'succeeded' },
  { name: 'bad signature', cents: 59, state: 'succeeded' },
  { name: 'system error', cents: 60, state: 'succeeded' },
  // The number was used by an earlier request of this payment, which was charged: the query finds the charge.
  { name: 'duplicate order number, earlier request charged', cents: 61, state: 'succeeded' },
  // The number belongs to another order, closed unpaid: this customer was never charged.
  { name: 'duplicate order number, other order unpaid', cents: 62, state: 'failed' },
  { name: 'reverse answered "call again" first (recall=Y / retry_flag=Y / 99)', cents: 63, state: 'reversed' },
  // .64 (a request that arrives after its reverse) has its own test below: it ends only at the late check.
] as const;

const held = (o: LedgerOrder | undefined): number => (o?.charged ? o.amountFen - o.refundedFen : 0);

const codeFor = (g: Gateway): string => (g === 'alipay' ? codes.alipay() : g === 'unionpay' ? codes.unionpay() : codes.wechat());

describe.each(['wechat', 'alipay', 'unionpay', 'jeepay'] as const)('sandbox scenarios through the engine: %s', (gateway) => {
  let sandbox: Sandbox;
  let t: PaymentsTestHost;
  const clock = lateClock();

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, keys: sharedKeys(), slowDelayMs: 1_200, passwordQueries: 2, passwordDelayMs: 60_000 });
    t = await startPaymentsHost({ payments: { channels: sandboxChannelConfig(sandbox) } });
    clock.bind(t.clock);
    const p = t.host.ctx.settings().payments;
    const timings = Object.fromEntries(Object.entries(p.timings).map(([k, v]) => [k, { ...v, requestTimeoutMs: 400 }])) as typeof p.timings;
    await t.must('settings.update', { payments: { ...p, timings, routing: gateway === 'jeepay' ? { wechat: 'aggregator', alipay: 'aggregator', unionpay: 'aggregator' } : p.routing } });
  });
  afterAll(async () => {
    await t.dispose();
    await sandbox.close();
  });

  it('every scenario ends in the right state and the ledger agrees', async () => {
    const runs: { scenario: (typeof SCENARIOS)[number]; saleId: string; attemptId: string; orderNo: string; amountFen: number; code: string }[] = [];
    for (const [i, scenario] of SCENARIOS.entries()) {
      const amountFen = (10 + i) * 100 + scenario.cents;
      const saleId = await t.openSale(amountFen);
      const code = codeFor(gateway);
      const a = await t.must('payment.start', { saleId, code });
      expect(a.gateway).toBe(gateway);
      runs.push({ scenario, saleId, attemptId: a.id, orderNo: a.orderNo, amountFen, code });
    }
    await t.until(async () => (await t.must('payment.unresolved')).length === 0, { advanceMs: 1_000, timeoutMs: 20_000, what: 'all attempts final' });
    const ledger = sandbox.ledger.snapshot();
    for (const run of runs) {
      const attempt = await t.must('payment.get', { attemptId: run.attemptId });
      const sale = await t.must('sale.get', { saleId: run.saleId });
      const order = ledger.orders.find((o) => o.channel === gateway && o.orderNo === run.orderNo);
      expect(isTerminalAttempt(attempt.state), run.scenario.name).toBe(true);
      expect(attempt.state, `${run.scenario.name}: ${attempt.reason ?? ''}`).toBe(run.scenario.state);
      // The ledger is the truth: money held at the channel ⇔ the sale is paid by this attempt.
      expect(held(order), run.scenario.name).toBe(attempt.state === 'succeeded' ? run.amountFen : 0);
      expect(sale.status, run.scenario.name).toBe(attempt.state === 'succeeded' ? 'paid' : 'open');
      // Whatever happened, the engine sent the customer's code exactly once (it queries, never pays again).
      expect(ledger.submissions.find((s) => s.authCode === run.code)?.count, run.scenario.name).toBe(1);
      const reversals = ledger.reversals.filter((r) => r.channel === gateway && r.orderNo === run.orderNo);
      const retries = ledger.reverseRetries.filter((r) => r.channel === gateway && r.orderNo === run.orderNo);
      if (run.scenario.cents === 61) {
        // The one charge under that number is this customer's, and it is the sale's payment.
        expect(order).toMatchObject({ status: 'paid', charged: true, authCode: run.code, amountFen: run.amountFen });
        expect(attempt.transactionId).toBe(order?.transactionId);
        expect(reversals).toEqual([]);
      }
      if (run.scenario.cents === 62) {
        // The number's order is someone else's and unpaid; this code was never charged, nothing to give back.
        expect(order).toMatchObject({ status: 'closed', charged: false });
        expect(ledger.orders.filter((o) => o.authCode === run.code)).toEqual([]);
        expect(reversals).toEqual([]);
      }
      if (run.scenario.cents === 63) {
        // Reverse was called again after "not done" and then closed the order; Jeepay has no retry flag.
        expect(order).toMatchObject({ status: 'reversed', charged: false });
        expect(retries).toHaveLength(gateway === 'jeepay' ? 0 : 1);
        expect(reversals).toEqual([expect.objectContaining({ action: 'close', amountFen: 0 })]);
        if (gateway !== 'jeepay') expect(retries[0]?.at).toBeLessThan(reversals[0]?.at ?? 0);
      }
    }
  });

  it('a cashier cancel during password entry reverses at the channel', async () => {
    const saleId = await t.openSale(3_351);
    // The customer would give up after two queries (password_cancel), but the cashier cancels first: the
    // engine queries no more and reverses, so the order is closed by the reverse, not by the customer.
    sandbox.setScenario({ scenario: 'password_cancel', channel: gateway, operation: 'pay' });
    const a = await t.must('payment.start', { saleId, code: codeFor(gateway) });
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).phase === 'waiting_password', { what: 'password entry' });
    expect(sandbox.ledger.order(gateway, a.orderNo)).toMatchObject({ status: 'paying', charged: false });
    await t.must('payment.cancel', { attemptId: a.id });
    await t.until(async () => isTerminalAttempt((await t.must('payment.get', { attemptId: a.id })).state), { advanceMs: 1_000, what: 'cancel' });
    const final = await t.must('payment.get', { attemptId: a.id });
    expect(final.state).toBe('reversed');
    // The ledger: the order was closed by exactly one reverse/cancel, nothing was ever charged or held.
    const ledger = sandbox.ledger.snapshot();
    const order = ledger.orders.find((o) => o.channel === gateway && o.orderNo === a.orderNo);
    expect(order).toMatchObject({ status: 'reversed', charged: false, refundedFen: 0 });
    expect(order?.failCode).toBeUndefined();
    expect(ledger.reversals.filter((r) => r.channel === gateway && r.orderNo === a.orderNo)).toEqual([expect.objectContaining({ action: 'close', amountFen: 0 })]);
    expect(held(order)).toBe(0);
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
  });

  // Jeepay's reverse of a paid order is a refund (no close call, no retry flag): the forced "call again" does
  // not apply there, and the charge goes back in one refund.
  it('a reverse answered "call again" (control endpoint) is repeated until the charge is given back', async () => {
    const saleId = await t.openSale(2_555); // .55: charged, the answer lost
    const a = await t.must('payment.start', { saleId, code: codeFor(gateway) });
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).phase === 'querying', { what: 'pay answer lost' });
    sandbox.setScenario({ scenario: 'reverse_retry', channel: gateway, operation: 'reverse', count: 2 });
    await t.must('payment.cancel', { attemptId: a.id });
    await t.until(async () => isTerminalAttempt((await t.must('payment.get', { attemptId: a.id })).state), { advanceMs: 1_000, what: 'reversed' });
    expect((await t.must('payment.get', { attemptId: a.id })).state).toBe('reversed');
    const ledger = sandbox.ledger.snapshot();
    const order = ledger.orders.find((o) => o.channel === gateway && o.orderNo === a.orderNo);
    // Jeepay keeps a paid order paid and records the refund against it.
    expect(order).toMatchObject({ status: gateway === 'jeepay' ? 'paid' : 'reversed', charged: true, refundedFen: 2_555 });
    expect(held(order)).toBe(0);
    expect(ledger.reverseRetries.filter((r) => r.channel === gateway && r.orderNo === a.orderNo)).toHaveLength(gateway === 'jeepay' ? 0 : 2);
    const reversals = ledger.reversals.filter((r) => r.channel === gateway && r.orderNo === a.orderNo);
    if (gateway === 'jeepay') {
      expect(reversals).toEqual([]);
      expect(ledger.refunds.filter((r) => r.channel === gateway && r.orderNo === a.orderNo)).toEqual([expect.objectContaining({ refundNo: `${a.orderNo}RV`, amountFen: 2_555 })]);
    } else {
      expect(reversals).toEqual([expect.objectContaining({ action: 'refund', amountFen: 2_555 })]);
    }
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
  });

  // WeChat, Alipay and UnionPay kill a number reversed before they knew it (the sandbox keeps a tombstone), so
  // the late request is refused there; Jeepay has no such close, so it charges, and the late check refunds it.
  it('a pay request that reaches the channel after its reverse (.64) never keeps the money', async () => {
    const saleId = await t.openSale(2_664);
    const code = codeFor(gateway);
    const a = await t.must('payment.start', { saleId, code });
    // No answer, no order at any query, reversed as "no such order": the sale is free again.
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'reversed', { advanceMs: 1_000, what: 'reversed as nothing' });
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
    // Only a reverse that found nothing (Jeepay, UnionPay; Alipay's cancel with no `action`) leaves a late
    // check; WeChat closes the number.
    const lateCheck = (): unknown => t.host.ctx.db.prepare('SELECT late_check_ms FROM payment_attempts WHERE id = ?').pluck().get(a.id);
    expect(lateCheck() !== null).toBe(gateway !== 'wechat');
    // The request arrives (90 s), then the till's late check (5 min after the request) asks once more.
    await t.advance(6 * 60_000, 5_000);
    await t.until(() => lateCheck() === null, { advanceMs: 5_000, what: 'late check done' });
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'reversed', { advanceMs: 1_000, what: 'given back' });
    const order = sandbox.ledger.order(gateway, a.orderNo);
    if (gateway === 'jeepay') expect(order).toMatchObject({ charged: true, amountFen: 2_664, refundedFen: 2_664 });
    else expect(order).toMatchObject({ status: 'reversed', charged: false, refundedFen: 0 });
    expect(held(order)).toBe(0);
    expect(sandbox.ledger.snapshot().submissions.find((s) => s.authCode === code)?.count).toBe(1);
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'open', paidFen: 0 });
  });

  it('refunds through the real channel: partial then the rest, never more than paid', async () => {
    const saleId = await t.openSale(2_000);
    const a = await t.must('payment.start', { saleId, code: codeFor(gateway) });
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'paid' });
    const r1 = await t.must('refund.request', { saleId, amountFen: 500 });
    await t.until(async () => (await t.must('refund.get', { refundId: r1.id })).state === 'succeeded', { advanceMs: 1_000, what: 'refund 1' });
    const r2 = await t.must('refund.request', { saleId });
    await t.until(async () => (await t.must('refund.get', { refundId: r2.id })).state === 'succeeded', { advanceMs: 1_000, what: 'refund 2' });
    expect(await t.call('refund.request', { saleId, amountFen: 1 })).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID' } });
    const order = sandbox.ledger.snapshot().orders.find((o) => o.orderNo === a.orderNo);
    expect(order).toMatchObject({ refundedFen: 2_000 });
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'refunded', refundedFen: 2_000 });
  });
});

describe('a gateway that refuses the connection (nothing listening)', () => {
  it('the payment fails at once as not sent, the code may be scanned again, and the sale is open', async () => {
    const sandbox = await startSandbox({ keys: sharedKeys() });
    const config = sandboxChannelConfig(sandbox);
    await sandbox.close(); // its port now refuses connections: the request never left the machine
    const t = await startPaymentsHost({ payments: { channels: config } });
    try {
      const saleId = await t.openSale(1_000);
      const code = codes.wechat();
      const a = await t.must('payment.start', { saleId, code });
      await t.until(async () => isTerminalAttempt((await t.must('payment.get', { attemptId: a.id })).state), { what: 'final' });
      expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'failed', reason: expect.stringMatching(/not sent/) });
      expect((await t.must('sale.get', { saleId })).status).toBe('open');
      // Provably never sent: the same code is not a replay.
      const again = await t.call('payment.start', { saleId, code });
      expect(again.ok || again.error.code !== 'CODE_REPLAYED').toBe(true);
    } finally {
      await t.dispose();
    }
  });
});
