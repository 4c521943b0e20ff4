import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sandboxChannelConfig } from '../channels/index';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { sharedKeys } from '../../sandbox/testing';
import { isTerminalAttempt } from '../../../shared/sales/views';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { powerCut as cutPower } from './testing/power-cut';
import { MAX_ATTEMPTS_PER_SALE, nextOrderNo, orderNoFor } from './order-numbers';
import { RUN_MARKER_KEY } from './power-loss';

/**
 * A payment's start is committed without waiting for the disk; these tests play what can lose it: the
 * machine going down (the run never marked closed) with the pay request already at the gateway.
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

describe('after a run that did not end cleanly', () => {
  let sandbox: Sandbox;
  let t: PaymentsTestHost;
  const marker = (): unknown => t.host.ctx.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(RUN_MARKER_KEY);
  /** The machine went down: the host never marked its run closed (as after a power cut). */
  const powerCut = (): Promise<void> => cutPower(t);
  /** What a pay request that left just before the power went would have done at the gateway. */
  const chargeLost = (orderNo: string, amountFen: number, scenario: 'success' | 'password' = 'success'): void => {
    const r = sandbox.ledger.pay({ channel: 'wechat', orderNo, authCode: codes.wechat(), amountFen, subject: 'lost', fingerprint: 'lost' }, scenario);
    expect(r.kind).toBe(scenario === 'success' ? 'paid' : 'paying');
  };
  const attempts = (saleId: string) => t.must('payment.listForSale', { saleId });

  beforeEach(async () => {
    sandbox = await startSandbox({ keys: sharedKeys() });
    t = await startPaymentsHost({ payments: { channels: sandboxChannelConfig(sandbox) } });
  });
  afterEach(async () => {
    await t.dispose();
    await sandbox.close();
  });

  it('marks its run: running while up, closed after a clean shutdown', async () => {
    expect(marker()).toBe('running');
    await t.restart(() => {
      const db = new Database(path.join(t.dataDir, 'pos.db'), { readonly: true });
      expect(db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(RUN_MARKER_KEY)).toBe('closed');
      db.close();
    });
    expect(marker()).toBe('running');
  });

  it('a charge made under an order number the till never recorded is found and given back', async () => {
    const saleId = await t.openSale(1_500);
    const lost = nextOrderNo(t.host.ctx.db, saleId);
    chargeLost(lost, 1_500);
    await powerCut();
    await t.until(async () => (await attempts(saleId)).some((a) => a.orderNo === lost && isTerminalAttempt(a.state)), { advanceMs: 1_000, what: 'the lost charge reversed' });
    const found = (await attempts(saleId)).find((a) => a.orderNo === lost);
    expect(found).toMatchObject({ state: 'reversed', gateway: 'wechat', amountFen: 1_500 });
    expect(sandbox.ledger.snapshot().orders.find((o) => o.orderNo === lost)?.status).not.toBe('paid');
    // The sale goes on, with the next number.
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(a.orderNo).toBe(orderNoFor(saleId, 2));
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'paid' });
  });

  it('a customer still entering the password is cancelled too', async () => {
    const saleId = await t.openSale(2_000);
    const lost = nextOrderNo(t.host.ctx.db, saleId);
    chargeLost(lost, 2_000, 'password');
    await powerCut();
    await t.until(async () => (await attempts(saleId)).some((a) => a.orderNo === lost && isTerminalAttempt(a.state)), { advanceMs: 1_000, what: 'the waiting order cancelled' });
    expect(sandbox.ledger.snapshot().orders.find((o) => o.orderNo === lost)?.status).not.toBe('paid');
  });

  it('several unfinished sales: each number that reached no gateway is burnt; the run is closed cleanly only after', async () => {
    const sales = [await t.openSale(900), await t.openSale(901), await t.openSale(902)];
    const unused = sales.map((id) => nextOrderNo(t.host.ctx.db, id));
    const done = await t.openSale(500);
    await t.must('sale.tenderCash', { saleId: done, givenFen: 500 });
    const before = t.events.length;
    await powerCut();
    await t.until(async () => (await Promise.all(sales.map(attempts))).every((list) => list.length === 1), { what: 'the checks' });
    for (const [i, id] of sales.entries()) expect((await attempts(id))[0]).toMatchObject({ orderNo: unused[i], state: 'failed' });
    // Each sale's screen hears that it is no longer held.
    const told = t.events.slice(before).flatMap((e) => (e.event === 'sale.changed' ? [e.payload.saleId] : []));
    expect(told).toEqual(expect.arrayContaining(sales));
    expect(await attempts(done)).toEqual([]); // a finished sale is not asked about
    const a = await t.must('payment.start', { saleId: sales[0] ?? '', code: codes.wechat() });
    expect(a.orderNo).toBe(orderNoFor(sales[0] ?? '', 2));
    await t.restart();
    expect(await attempts(sales[1] ?? '')).toHaveLength(1); // clean shutdown: nothing checked again
  });

  it('a number found nowhere is asked about again five minutes on, at every gateway: charged late at another one → refunded there', async () => {
    const saleId = await t.openSale(1_800);
    const lost = nextOrderNo(t.host.ctx.db, saleId);
    await powerCut();
    await t.until(async () => (await attempts(saleId)).length === 1, { advanceMs: 1_000, what: 'the check' });
    expect((await attempts(saleId))[0]).toMatchObject({ orderNo: lost, state: 'failed', gateway: 'wechat' });
    // The sale goes on (cash); then the request that left before the power went reaches Alipay and charges.
    await t.must('sale.tenderCash', { saleId, givenFen: 1_800 });
    const r = sandbox.ledger.pay({ channel: 'alipay', orderNo: lost, authCode: codes.alipay(), amountFen: 1_800, subject: 'late', fingerprint: 'late' }, 'success');
    expect(r.kind).toBe('paid');
    await t.advance(5 * 60_000, 5_000);
    await t.until(() => (sandbox.ledger.order('alipay', lost)?.refundedFen ?? 0) === 1_800, { advanceMs: 1_000, what: 'the late charge refunded' });
    await t.until(async () => (await attempts(saleId))[0]?.state === 'reversed', { advanceMs: 1_000, what: 'given back' });
    expect((await attempts(saleId))[0]).toMatchObject({ orderNo: lost, state: 'reversed', gateway: 'alipay', amountFen: 1_800 });
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'paid', paidFen: 1_800, tenders: [expect.objectContaining({ kind: 'cash' })] });
  });

  it('while the gateways cannot answer, the sale refuses a code and cash (PAYMENT_PENDING) and is asked again later', async () => {
    const saleId = await t.openSale(700);
    const lost = nextOrderNo(t.host.ctx.db, saleId);
    chargeLost(lost, 700);
    // The first three queries of the WeChat gateway fail (5xx); the check is retried with backoff.
    sandbox.setScenario({ scenario: 'http_5xx', operation: 'query', channel: 'wechat', count: 3 });
    await powerCut();
    await t.flush(20);
    expect(await t.call('payment.start', { saleId, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    expect(await t.call('sale.tenderCash', { saleId, givenFen: 700 })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    // Past midnight the held sale (open, nothing recorded on it) is still on the till's list, to void or finish.
    t.clock.advance(24 * 3600_000);
    expect((await t.must('sale.list')).map((s) => s.id)).toContain(saleId);
    await t.until(async () => (await attempts(saleId)).some((a) => a.orderNo === lost && a.state === 'reversed'), { advanceMs: 5_000, timeoutMs: 20_000, what: 'reversed once the gateway answers' });
    const paid = await t.must('sale.tenderCash', { saleId, givenFen: 700 });
    expect(paid.status).toBe('paid');
  });

  it('a shutdown in the middle of the check checks again at the next start', async () => {
    const saleId = await t.openSale(650);
    const lost = nextOrderNo(t.host.ctx.db, saleId);
    chargeLost(lost, 650);
    sandbox.setScenario({ scenario: 'http_5xx', operation: 'query', channel: 'wechat', count: 1 });
    await powerCut();
    await t.flush(20);
    expect(t.host.ctx.db.prepare('SELECT count(*) FROM payment_attempts WHERE sale_id = ?').pluck().get(saleId)).toBe(0);
    await t.restart(); // clean, but the check was still owed: not marked closed
    await t.until(async () => (await attempts(saleId)).some((a) => a.orderNo === lost && a.state === 'reversed'), { advanceMs: 1_000, what: 'reversed after the second start' });
  });

  it('a voided uncertain sale is still checked and what was charged is given back', async () => {
    const saleId = await t.openSale(800);
    const lost = nextOrderNo(t.host.ctx.db, saleId);
    chargeLost(lost, 800);
    sandbox.setScenario({ scenario: 'http_5xx', operation: 'query', channel: 'wechat', count: 2 });
    await powerCut();
    await t.must('sale.void', { saleId, reason: 'rung up again' });
    await t.until(async () => (await attempts(saleId)).some((a) => a.orderNo === lost && a.state === 'reversed'), { advanceMs: 5_000, timeoutMs: 20_000, what: 'given back' });
    expect((await t.must('sale.get', { saleId })).status).toBe('voided');
  });

  it('only the start transaction skips waiting for the disk: FULL again after it, even when it is refused', async () => {
    const db = t.host.ctx.db;
    const saleId = await t.openSale(300);
    expect(await t.call('payment.start', { saleId, code: codes.wechat(), amountFen: 301 })).toMatchObject({ ok: false, error: { code: 'AMOUNT_INVALID' } });
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('a clean restart, or a database from before the marker, checks nothing', async () => {
    const saleId = await t.openSale(800);
    await t.restart();
    await t.restart(() => {
      const db = new Database(path.join(t.dataDir, 'pos.db'));
      db.prepare('DELETE FROM settings WHERE key = ?').run(RUN_MARKER_KEY);
      db.close();
    });
    await t.flush(20);
    expect(await attempts(saleId)).toEqual([]);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(a.orderNo).toBe(orderNoFor(saleId, 1));
  });
});
