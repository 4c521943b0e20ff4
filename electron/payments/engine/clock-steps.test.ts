/**
 * A time sync stepping the wall clock while a code payment is open (clock-steps.ts): the payment's timings
 * keep counting real elapsed time. Timers and `monotonic` run on elapsed time; `step` moves only the wall
 * clock, as NTP correcting a wrong clock does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, createSteppableClock } from '../../clock';
import { createClockStepWatch } from './clock-steps';
import { type PaymentsTestHost, codes } from './testing/harness';
import { startSteppableHost } from './testing/steppable-host';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const USERPAYING = { status: 'waiting', code: 'USERPAYING', message: '需要用户输入支付密码' } as const;
const HOUR = 3_600_000;

async function bare() {
  const b = await startSteppableHost();
  t = b.h;
  return b;
}

/** A code payment 2 s into the customer's password entry. */
async function setup() {
  const b = await bare();
  b.wx.queue('pay', USERPAYING);
  b.wx.defaults.query = USERPAYING;
  const saleId = await b.h.openSale(700);
  const started = b.clock.monotonic();
  const a = await b.h.must('payment.start', { saleId, code: codes.wechat() });
  await b.run(2_000);
  return { ...b, saleId, attemptId: a.id, started };
}

describe('the wall clock stepped while a code payment is open', () => {
  it('back an hour, then the cashier cancels: reversed within seconds, not an hour later', async () => {
    const { h, wx, clock, run, attemptId } = await setup();
    clock.step(-HOUR);
    await h.must('payment.cancel', { attemptId });
    await run(30_000);
    expect(wx.count('reverse')).toBeGreaterThanOrEqual(1);
    expect((await h.must('payment.get', { attemptId })).state).toBe('reversed');
  });

  it('back an hour, the customer never pays: reversed at the real deadline, the sale free for cash', async () => {
    const { h, clock, run, saleId, attemptId } = await setup();
    clock.step(-HOUR);
    await run(90_000);
    expect((await h.must('payment.get', { attemptId })).state).toBe('reversed');
    expect(await h.call('sale.tenderCash', { saleId, givenFen: 700 })).toMatchObject({ ok: true });
  });

  it('forward 31 minutes while the customer types the password: the charge confirmed then is kept', async () => {
    const { h, wx, clock, run, saleId, attemptId } = await setup();
    wx.queue('query', USERPAYING);
    wx.defaults.query = { status: 'paid', transactionId: '4200000000000000000000000001', paidFen: 700, paidAt: '2026-11-25T10:00:00+08:00' };
    clock.step(31 * 60_000);
    await run(30_000);
    expect((await h.must('payment.get', { attemptId })).state).toBe('succeeded');
    expect((await h.must('sale.get', { saleId })).status).toBe('paid');
    expect(wx.count('reverse')).toBe(0);
  });

  it('forward 5 minutes: WeChat is still never reversed sooner than 15 s of real time after the pay call', async () => {
    const { wx, clock, run, started } = await setup();
    const reverseAt: number[] = [];
    wx.defaults.reverse = () => (reverseAt.push(clock.monotonic()), { status: 'reversed', action: 'close' });
    clock.step(5 * 60_000);
    await run(60_000);
    expect(reverseAt.length).toBeGreaterThan(0);
    expect((reverseAt[0] ?? 0) - started).toBeGreaterThanOrEqual(15_000);
  });
});

describe('createClockStepWatch', () => {
  it('reports a step once, ignores small drift, and does nothing for a clock without monotonic time', () => {
    const clock = createSteppableClock();
    const watch = createClockStepWatch(clock);
    clock.advance(10_000);
    expect(watch.check()).toBe(0);
    clock.step(1_500);
    expect(watch.check()).toBe(0);
    clock.step(-HOUR);
    expect(watch.check()).toBe(-HOUR + 1_500);
    expect(watch.check()).toBe(0);
    const manual = createManualClock();
    const none = createClockStepWatch(manual);
    manual.set(manual.now() + HOUR);
    expect(none.check()).toBe(0);
  });
});

const PAID = { status: 'paid', transactionId: '4200000000000000000000000001', paidFen: 700, paidAt: '2026-11-25T10:00:00+08:00' } as const;
// Below, the fake steps the clock inside its answer: a sync while the request is in flight.


describe('clock stepped forward while a request is in flight', () => {
  it('pay answered paid while NTP steps forward 31 min: the payment is kept (not given back as abandoned)', async () => {
    const { h, wx, clock, run } = await bare();
    wx.queue('pay', () => {
      clock.step(31 * 60_000);
      return PAID;
    });
    const saleId = await h.openSale(700);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await run(5_000);
    expect((await h.must('payment.get', { attemptId: a.id })).reason ?? '').not.toContain('abandoned');
    expect(wx.count('reverse')).toBe(0);
    expect((await h.must('payment.get', { attemptId: a.id })).state).toBe('succeeded');
    expect((await h.must('sale.get', { saleId })).status).toBe('paid');
  });

  it('query in flight while NTP steps forward 5 min: no reverse 3 s into the password entry', async () => {
    const { h, wx, clock, run } = await bare();
    wx.queue('pay', USERPAYING);
    wx.queue('query', () => {
      clock.step(5 * 60_000);
      return USERPAYING;
    });
    wx.defaults.query = USERPAYING;
    const saleId = await h.openSale(700);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await run(20_000); // well inside WeChat's real 45-60 s deadline
    expect((await h.must('payment.get', { attemptId: a.id })).reason ?? '').not.toContain('deadline');
    expect(wx.count('reverse')).toBe(0);
    expect((await h.must('payment.get', { attemptId: a.id })).state).not.toBe('reversing');
  });
});

describe('clock stepped forward while a reverse is in flight', () => {
  it('reverse finds no order while NTP steps forward 10 min: the late-charge check is still scheduled', async () => {
    const { h, wx, clock, run } = await bare();
    wx.queue('pay', { status: 'unknown', reason: 'timeout', retryable: true });
    wx.defaults.query = { status: 'not_found' };
    wx.defaults.reverse = () => {
      clock.step(10 * 60_000);
      return { status: 'reversed', action: 'none' };
    };
    const saleId = await h.openSale(700);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await run(120_000);
    const row = h.host.ctx.db.prepare('SELECT state, late_check_ms FROM payment_attempts WHERE id = ?').get(a.id) as { state: string; late_check_ms: number | null };
    expect(row.state).toBe('reversed');
    // The pay request may still arrive (only ~1-2 min of real time has passed): it must be asked about later.
    expect(row.late_check_ms).not.toBeNull();
  });
});

describe('clock stepped forward while the pay request is in flight, answered by an unsigned refusal', () => {
  it('the late-charge check for the refusal nobody signed is still scheduled', async () => {
    const { h, wx, clock, run } = await bare();
    wx.queue('pay', () => {
      clock.step(10 * 60_000);
      return { status: 'failed' as const, code: 'SYSTEMERROR', message: 'unsigned', unverified: true as const };
    });
    const saleId = await h.openSale(700);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await run(3_000);
    const row = h.host.ctx.db.prepare('SELECT state, late_check_ms FROM payment_attempts WHERE id = ?').get(a.id) as { state: string; late_check_ms: number | null };
    expect(row.state).toBe('failed');
    expect(row.late_check_ms).not.toBeNull();
  });
});
