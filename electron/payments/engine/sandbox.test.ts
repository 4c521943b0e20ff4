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
    const runs: { scenario: (typeof SCENARIOS)[number]; saleId: string; attemptId: string; orderNo: string; amountFen: number }[] = [];
    for (const [i, scenario] of SCENARIOS.entries()) {
      const amountFen = (10 + i) * 100 + scenario.cents;
      const saleId = await t.openSale(amountFen);
      const a = await t.must('payment.start', { saleId, code: codeFor(gateway) });
      expect(a.gateway).toBe(gateway);
      runs.push({ scenario, saleId, attemptId: a.id, orderNo: a.orderNo, amountFen });
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
    }
  });

  it('a cashier cancel during password entry reverses at the channel', async () => {
    const saleId = await t.openSale(3_351);
    sandbox.setScenario({ scenario: 'password_cancel', channel: gateway, operation: 'pay' });
    // Keep the customer "typing": queries answer USERPAYING until the cancel.
    const a = await t.must('payment.start', { saleId, code: codeFor(gateway) });
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).phase === 'waiting_password', { what: 'password entry' });
    await t.must('payment.cancel', { attemptId: a.id });
    await t.until(async () => isTerminalAttempt((await t.must('payment.get', { attemptId: a.id })).state), { advanceMs: 1_000, what: 'cancel' });
    const final = await t.must('payment.get', { attemptId: a.id });
    expect(['reversed', 'failed']).toContain(final.state);
    const order = sandbox.ledger.snapshot().orders.find((o) => o.orderNo === a.orderNo);
    expect(held(order)).toBe(0);
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
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
