/**
 * A wall-clock step after a restart moves only the times this run wrote (clock-steps.ts). Field case: the
 * power is cut mid-payment on a till with a dead clock battery; it boots with the clock far behind, the POS
 * starts, then NTP puts the clock right. The previous run's payments were timed by the right clock: their
 * deadlines, a cashier's cancel and a late-charge check still come at their real times.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { deferred, paid } from './testing/fake-channel';
import { RUN_MARKER_KEY } from './power-loss';
import { nextOrderNo } from './order-numbers';
import { type PaymentsTestHost, codes } from './testing/harness';
import { startSteppableHost } from './testing/steppable-host';
import { type PayOutcome, type QueryOutcome } from '../channels/types';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const DAY = 24 * 3_600_000;
const USERPAYING = { status: 'waiting', code: 'USERPAYING', message: '需要用户输入支付密码' } as const;

async function setup() {
  const b = await startSteppableHost();
  t = b.h;
  return b;
}

/**
 * A WeChat payment whose answer never came (the customer still typing the password), then a power cut:
 * the till boots with its clock reset 30 days behind and runs 5 s before NTP.
 */
async function cutMidPayment() {
  const b = await setup();
  const hang = deferred<PayOutcome>();
  b.wx.queue('pay', () => hang.promise);
  b.wx.defaults.query = USERPAYING;
  const saleId = await b.h.openSale(700);
  const a = await b.h.must('payment.start', { saleId, code: codes.wechat() });
  await b.h.restart(() => b.clock.step(-30 * DAY));
  await b.run(5_000);
  return { ...b, a };
}

describe('clock corrected after a restart (RTC reset by the power cut, then NTP)', () => {
  it('an attempt from before the restart is still reversed at its real deadline', async () => {
    const { h, clock, run, a } = await cutMidPayment();
    expect((await h.must('payment.get', { attemptId: a.id })).state).toBe('pending');
    // NTP puts the clock right.
    clock.step(30 * DAY);
    await run(120_000);
    const row = h.host.ctx.db.prepare('SELECT state, sent_ms FROM payment_attempts WHERE id = ?').get(a.id) as { state: string; sent_ms: number };
    // The attempt was sent ~2 minutes of real time ago: its deadline (45 s) is long past.
    expect(row.sent_ms).toBeLessThanOrEqual(clock.now());
    expect(row.state).toBe('reversed');
  });

  it('a cashier cancel after the correction reverses within seconds (the charge is given back)', async () => {
    const { h, wx, clock, run, a } = await cutMidPayment();
    clock.step(30 * DAY);
    await run(2_000);
    await h.must('payment.cancel', { attemptId: a.id });
    await run(60_000);
    expect(wx.count('reverse')).toBeGreaterThanOrEqual(1);
    expect((await h.must('payment.get', { attemptId: a.id })).state).toBe('reversed');
  });

  it('a late-charge check recorded before the restart still happens about five minutes after the pay request', async () => {
    const { h, wx, clock, run } = await setup();
    // The reverse finds no order: the sale is free, a late check is due 5 min after the pay request.
    wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT: no answer', retryable: true });
    wx.defaults.query = { status: 'not_found' };
    wx.defaults.reverse = { status: 'reversed', action: 'none' };
    const saleId = await h.openSale(700);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await run(50_000);
    expect((await h.must('payment.get', { attemptId: a.id })).state).toBe('reversed');
    await h.restart(() => clock.step(-30 * DAY));
    await run(5_000);
    clock.step(30 * DAY);
    // The pay request arrives late after all and is charged.
    wx.defaults.query = { status: 'paid', transactionId: '4200000000000000000000000009', paidFen: 700, paidAt: '2026-11-25T10:00:00+08:00' };
    await run(10 * 60_000);
    expect(wx.count('refund')).toBe(1);
  });
});

describe('a step noticed while a gateway answer was awaited: times written after it are not moved by it again', () => {
  it('a charge found after a power cut is given back even when NTP corrects the clock while the check is asking', async () => {
    const b = await startSteppableHost();
    t = b.h;
    const { h, wx, clock, run } = b;
    const saleId = await h.openSale(700);
    const lost = nextOrderNo(h.host.ctx.db, saleId);
    // The power-loss check's query hangs until we let it answer.
    const q = deferred<QueryOutcome>();
    wx.queue('query', () => q.promise);
    wx.defaults.query = paid(700);
    wx.defaults.reverse = { status: 'reversed', action: 'refund' };
    // Power cut; the till boots with its clock 30 days behind (dead battery).
    await h.restart(() => {
      const db = new Database(path.join(h.dataDir, 'pos.db'));
      db.prepare("UPDATE settings SET value = 'running' WHERE key = ?").run(RUN_MARKER_KEY);
      db.close();
      clock.step(-30 * DAY);
    });
    await run(3_000);
    // NTP puts the clock right while the check is still asking; then the gateway answers: the lost charge.
    clock.step(30 * DAY);
    await run(1_000);
    q.resolve(paid(700));
    await run(5 * 60_000);
    const row = h.host.ctx.db.prepare('SELECT state, created_ms, sent_ms FROM payment_attempts WHERE order_no = ?').get(lost) as { state: string; created_ms: number; sent_ms: number };
    // Written with the corrected clock after following the step: never moved again by it.
    expect(row.sent_ms - clock.now()).toBeLessThan(60_000);
    expect(wx.count('reverse')).toBeGreaterThanOrEqual(1);
    expect(row.state).toBe('reversed');
  });

  it('a late-charge check whose query was in flight when NTP stepped the clock is not pushed a month away', async () => {
    const b = await startSteppableHost();
    t = b.h;
    const { h, wx, clock, run } = b;
    // The till runs 30 days behind (dead battery, no network for NTP yet). A payment's reverse finds no order.
    clock.step(-30 * DAY);
    await run(1_000);
    wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT: no answer', retryable: true });
    wx.defaults.query = { status: 'not_found' };
    wx.defaults.reverse = { status: 'reversed', action: 'none' };
    const saleId = await h.openSale(700);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await run(60_000);
    expect((await h.must('payment.get', { attemptId: a.id })).state).toBe('reversed');
    // Five minutes on, the late check asks; its query hangs; NTP corrects the clock meanwhile; no answer.
    const q = deferred<QueryOutcome>();
    wx.queue('query', () => q.promise);
    await run(4 * 60_000 + 10_000);
    const asked = wx.count('query');
    clock.step(30 * DAY);
    q.resolve({ status: 'unknown', reason: 'TIMEOUT', retryable: true });
    await run(1_000);
    // The pay request arrives late after all: charged.
    wx.defaults.query = paid(700);
    await run(10 * 60_000);
    const row = h.host.ctx.db.prepare('SELECT late_check_ms FROM payment_attempts WHERE id = ?').get(a.id) as { late_check_ms: number | null };
    expect(asked).toBeGreaterThan(0);
    expect(row.late_check_ms === null || row.late_check_ms - clock.now() < 3_600_000).toBe(true);
    expect(wx.count('refund')).toBe(1);
  });
});
