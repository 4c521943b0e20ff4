import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HostConfig } from '../../host';
import { sandboxChannelConfig } from '../channels/index';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { sharedKeys } from '../../sandbox/testing';
import { isTerminalAttempt } from '../../../shared/sales/views';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { MAX_ATTEMPTS_PER_SALE, nextOrderNo, orderNoFor } from './order-numbers';
import { BOOT_SETTING_KEY } from './power-loss';

/**
 * A payment's start is committed without waiting for the disk; these tests play the one thing that can
 * lose it, the machine restarting (a new OS boot), with the pay request already at the gateway.
 */
describe('order numbers', () => {
  it('are the sale id and the attempt number, 32 characters, never the same twice', () => {
    const sale = '0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6';
    expect(orderNoFor(sale, 1)).toBe('0192f3a45b6c7d8e9fa0b1c2d3e4f501');
    expect(orderNoFor(sale, 36)).toBe('0192f3a45b6c7d8e9fa0b1c2d3e4f510');
    expect(orderNoFor(sale, MAX_ATTEMPTS_PER_SALE)).toHaveLength(32);
    const all = new Set(Array.from({ length: MAX_ATTEMPTS_PER_SALE }, (_, i) => orderNoFor(sale, i + 1)));
    expect(all.size).toBe(MAX_ATTEMPTS_PER_SALE);
    expect(() => orderNoFor(sale, 0)).toThrow(RangeError);
    expect(() => orderNoFor(sale, MAX_ATTEMPTS_PER_SALE + 1)).toThrow(RangeError);
    expect(() => orderNoFor('not-a-uuid', 1)).toThrow(RangeError);
  });
});

describe('after the machine restarted', () => {
  let sandbox: Sandbox;
  let t: PaymentsTestHost;
  const config: Partial<HostConfig> = { bootTimeMs: 1_000_000_000_000 };
  const rebootMachine = async (): Promise<void> => {
    config.bootTimeMs = (config.bootTimeMs ?? 0) + 3_600_000;
    await t.restart();
  };
  /** What a pay request that left just before the power went would have done at the gateway. */
  const chargeLost = (orderNo: string, amountFen: number): void => {
    const r = sandbox.ledger.pay({ channel: 'wechat', orderNo, authCode: codes.wechat(), amountFen, subject: 'lost', fingerprint: 'lost' }, 'success');
    expect(r.kind).toBe('paid');
  };
  const attempts = (saleId: string) => t.must('payment.listForSale', { saleId });

  beforeEach(async () => {
    sandbox = await startSandbox({ keys: sharedKeys() });
    config.payments = { channels: sandboxChannelConfig(sandbox) };
    t = await startPaymentsHost(config);
  });
  afterEach(async () => {
    await t.dispose();
    await sandbox.close();
  });

  it('a charge made under an order number the till never recorded is found and given back', async () => {
    const saleId = await t.openSale(1_500);
    const lost = nextOrderNo(t.host.ctx.db, saleId);
    chargeLost(lost, 1_500);
    await rebootMachine();
    // Until the gateways have answered, the sale cannot take another code.
    await t.until(async () => (await attempts(saleId)).some((a) => a.orderNo === lost && isTerminalAttempt(a.state)), { advanceMs: 1_000, what: 'the lost charge reversed' });
    const found = (await attempts(saleId)).find((a) => a.orderNo === lost);
    expect(found).toMatchObject({ state: 'reversed', gateway: 'wechat', amountFen: 1_500 });
    const order = sandbox.ledger.snapshot().orders.find((o) => o.orderNo === lost);
    expect(order?.status).not.toBe('paid');
    // The sale goes on, with the next number.
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(a.orderNo).toBe(orderNoFor(saleId, 2));
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'paid' });
  });

  it('an order number that reached no gateway is burnt, and the sale pays under the next one', async () => {
    const saleId = await t.openSale(900);
    const unused = nextOrderNo(t.host.ctx.db, saleId);
    await rebootMachine();
    await t.until(async () => (await attempts(saleId)).some((a) => a.orderNo === unused), { what: 'the check' });
    expect((await attempts(saleId))[0]).toMatchObject({ orderNo: unused, state: 'failed' });
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(a.orderNo).toBe(orderNoFor(saleId, 2));
    expect(t.host.ctx.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(BOOT_SETTING_KEY)).toBe(String(config.bootTimeMs));
  });

  it('while the gateways cannot answer, the sale refuses codes (PAYMENT_PENDING) and is checked again later', async () => {
    const saleId = await t.openSale(700);
    const lost = nextOrderNo(t.host.ctx.db, saleId);
    chargeLost(lost, 700);
    // The first three queries of the WeChat gateway fail (5xx); the check is retried every few seconds.
    sandbox.setScenario({ scenario: 'http_5xx', operation: 'query', channel: 'wechat', count: 3 });
    await rebootMachine();
    await t.flush(20);
    expect(await t.call('payment.start', { saleId, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    await t.until(async () => (await attempts(saleId)).some((a) => a.orderNo === lost && a.state === 'reversed'), { advanceMs: 1_000, what: 'reversed once the gateway answers' });
  });

  it('a restart on the same boot (the app, not the machine) checks nothing', async () => {
    const saleId = await t.openSale(800);
    await t.restart();
    await t.flush(20);
    expect(await attempts(saleId)).toEqual([]);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(a.orderNo).toBe(orderNoFor(saleId, 1));
  });
});
