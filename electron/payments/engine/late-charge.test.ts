/**
 * A pay request that arrives after its reverse (reversal.ts `lateCheck`): the reverse found no order, so the
 * attempt ends `reversed` and the sale is free at once; five minutes after the pay request (the code has
 * expired by then) the till asks once more, and a charge found then is refunded, once. Manual clock, fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeChannel, createFakeChannel, paid } from './testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { LATE_CHARGE_CHECK_AFTER_MS } from './reversal';
import { countUnresolved } from './unresolved';
import { type QueryOutcome } from '../channels/types';
import { powerCut } from './testing/power-cut';
import { nextOrderNo } from './order-numbers';
import { LIVE_CHANNELS_SECRET } from './live-gateways';
import { setSecret } from '../../services/settings-store';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const AMOUNT = 2_345;

/** A payment whose request vanished: no answer, the order unknown at every query, reversed as "no such order" at 45 s. */
async function reversedAsNothing(): Promise<{ t: PaymentsTestHost; wx: FakeChannel; saleId: string; attemptId: string }> {
  const wx = createFakeChannel('wechat');
  t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
  wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT: no answer', retryable: true });
  wx.defaults.query = { status: 'not_found' };
  wx.defaults.reverse = { status: 'reversed', action: 'none' };
  wx.defaults.refund = (req) => ({ status: 'succeeded', refundId: `RF-${req.refundNo}`, refundFen: AMOUNT });
  wx.defaults.queryRefund = { status: 'not_found' };
  const saleId = await t.openSale(AMOUNT);
  const a = await t.must('payment.start', { saleId, code: codes.wechat() });
  await t.advance(46_000);
  expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversed' });
  return { t, wx, saleId, attemptId: a.id };
}

const lateCheck = (h: PaymentsTestHost, id: string): number | null =>
  (h.host.ctx.db.prepare('SELECT late_check_ms FROM payment_attempts WHERE id = ?').get(id) as { late_check_ms: number | null }).late_check_ms;

describe('a pay request that arrives after its reverse', () => {
  it('the sale is free at once; the charge that turns up later is refunded once, and the sale keeps its cash', async () => {
    const { t, wx, saleId, attemptId } = await reversedAsNothing();
    expect(lateCheck(t, attemptId)).not.toBeNull();
    // The customer pays cash instead: nothing blocks the sale meanwhile.
    await t.must('sale.tenderCash', { saleId, givenFen: AMOUNT });
    // The delayed request reaches the channel and charges the customer.
    wx.defaults.query = paid(AMOUNT);
    const queriesBefore = wx.count('query');
    await t.advance(LATE_CHARGE_CHECK_AFTER_MS - 60_000);
    expect(wx.count('query')).toBe(queriesBefore);
    await t.advance(60_000);
    await t.until(async () => (await t.must('payment.get', { attemptId })).phase === 'reversed' && wx.count('refund') === 1, { what: 'late charge refunded' });
    expect(wx.calls.filter((c) => c.op === 'refund')).toEqual([expect.objectContaining({ amountFen: AMOUNT })]);
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversed', reason: expect.stringContaining('arrived late and was charged') });
    expect(lateCheck(t, attemptId)).toBeNull();
    const sale = await t.must('sale.get', { saleId });
    expect(sale).toMatchObject({ status: 'paid', paidFen: AMOUNT });
    expect(sale.tenders).toEqual([expect.objectContaining({ kind: 'cash' })]);
    const audit = t.host.ctx.db.prepare("SELECT action FROM audit_log WHERE action = 'payment.late_charge'").all();
    expect(audit).toHaveLength(1);
    await t.advance(3_600_000);
    expect(wx.count('refund')).toBe(1);
  });

  it('nothing arrived: the check ends quietly; until then the terminal may not switch gateways', async () => {
    const { t, wx, attemptId } = await reversedAsNothing();
    expect(countUnresolved(t.host.ctx.db, 0)).toMatchObject({ attempts: 0, lateChecks: 1 });
    const s = t.host.ctx.settings();
    expect(await t.call('settings.update', { terminal: { ...s.terminal, mode: 'live' } })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    await t.advance(LATE_CHARGE_CHECK_AFTER_MS);
    await t.until(() => lateCheck(t, attemptId) === null, { what: 'check done' });
    expect(wx.count('refund')).toBe(0);
    expect(countUnresolved(t.host.ctx.db, 0).lateChecks).toBe(0);
  });

  it('an unclear answer asks again later; the check survives a restart', async () => {
    const { t, wx, attemptId } = await reversedAsNothing();
    wx.defaults.query = { status: 'unknown', reason: 'HTTP 502', retryable: true };
    await t.advance(LATE_CHARGE_CHECK_AFTER_MS);
    await t.until(() => (lateCheck(t, attemptId) ?? 0) > t.clock.now(), { what: 'asked again later' });
    await t.restart();
    wx.defaults.query = paid(AMOUNT);
    await t.advance(10 * 60_000, 1_000);
    await t.until(() => wx.count('refund') === 1, { what: 'refunded after the restart' });
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversed' });
  });

  it('a refusal nobody signed (Jeepay\'s errors) fails the payment at once, and is checked again later like a reverse of nothing', async () => {
    const jp = createFakeChannel('jeepay');
    const h = await startPaymentsHost({ payments: { fakes: { jeepay: jp } } });
    t = h;
    const p = h.host.ctx.settings().payments;
    await h.must('settings.update', { payments: { ...p, routing: { ...p.routing, wechat: 'aggregator' } } });
    jp.queue('pay', { status: 'failed', code: 'JEEPAY_REFUSED', message: '付款码已过期', unverified: true });
    jp.defaults.refund = (req) => ({ status: 'succeeded', refundId: `RF-${req.refundNo}`, refundFen: AMOUNT });
    jp.defaults.queryRefund = { status: 'not_found' };
    const saleId = await h.openSale(AMOUNT);
    const a = await h.must('payment.start', { saleId, code: codes.wechat() });
    await h.flush();
    expect(await h.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'failed' });
    expect(lateCheck(h, a.id)).not.toBeNull();
    // The unsigned word was wrong: the order was charged.
    jp.defaults.query = paid(AMOUNT);
    await h.advance(LATE_CHARGE_CHECK_AFTER_MS);
    await h.until(() => jp.count('refund') === 1, { what: 'refunded' });
    await h.until(async () => (await h.must('payment.get', { attemptId: a.id })).state === 'reversed', { what: 'given back' });
    expect(await h.must('sale.get', { saleId })).toMatchObject({ status: 'open', paidFen: 0 });
  });

  it('a charge already refunded elsewhere ends the check: it is not refunded again', async () => {
    const { t, wx, attemptId } = await reversedAsNothing();
    wx.defaults.query = (): QueryOutcome => ({ status: 'paid', transactionId: '4200000000000000000000000001', paidFen: AMOUNT, paidAt: '2026-11-25T10:00:00+08:00', refunded: true });
    await t.advance(LATE_CHARGE_CHECK_AFTER_MS);
    await t.until(() => lateCheck(t, attemptId) === null, { what: 'check done' });
    await t.advance(3_600_000, 60_000);
    expect(wx.count('refund')).toBe(0);
    expect(await t.must('payment.get', { attemptId })).toMatchObject({ state: 'reversed' });
  });
});

describe('a number found nowhere after a power loss (burnt), checked late', () => {
  const row = (h: PaymentsTestHost, orderNo: string) => h.host.ctx.db.prepare('SELECT * FROM payment_attempts WHERE order_no = ?').get(orderNo) as Record<string, unknown>;
  async function burnt(total: number): Promise<{ h: PaymentsTestHost; wx: FakeChannel; lost: string }> {
    const wx = createFakeChannel('wechat');
    const ali = createFakeChannel('alipay');
    const h = await startPaymentsHost({ payments: { fakes: { wechat: wx, alipay: ali } } });
    t = h;
    for (const f of [wx, ali]) {
      f.defaults.query = { status: 'not_found' };
      f.defaults.refund = (req) => ({ status: 'succeeded', refundId: `RF-${req.refundNo}`, refundFen: req.refundFen ?? 0 });
      f.defaults.queryRefund = { status: 'not_found' };
    }
    const s = h.host.ctx.settings();
    await h.must('settings.update', { terminal: { ...s.terminal, mode: 'live' } });
    const saleId = await h.openSale(total);
    const lost = nextOrderNo(h.host.ctx.db, saleId);
    await powerCut(h);
    await h.until(() => row(h, lost) !== undefined, { what: 'burnt', advanceMs: 1_000 });
    expect(row(h, lost)).toMatchObject({ state: 'failed', gateway: 'wechat', code_hash: `burnt:${lost}`, late_check_ms: expect.any(Number) });
    return { h, wx, lost };
  }

  it('holds every gateway until it is done: none of them may be removed meanwhile', async () => {
    const { h } = await burnt(5_000);
    expect(countUnresolved(h.host.ctx.db, 0, ['alipay']).lateChecks).toBe(1);
    // (The fakes stand in for the gateways; the stored configuration says which ones the till has.)
    setSecret(h.host.ctx.db, LIVE_CHANNELS_SECRET, JSON.stringify({ jeepay: { baseUrl: 'https://pay.example.com', mchNo: 'M1', appId: 'a1', apiKey: '12345678' } }), '2026-11-25T02:00:00Z');
    expect(await h.call('payment.setGateways', { jeepay: null })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING', message: expect.stringContaining('late charge') } });
  });

  it('a charge found for part of the sale: the attempt takes the amount charged (it was a guess), and that is refunded', async () => {
    const { h, wx, lost } = await burnt(10_000);
    wx.defaults.query = paid(3_000);
    await h.advance(LATE_CHARGE_CHECK_AFTER_MS + 1_000);
    await h.until(() => row(h, lost).state === 'reversed' && wx.count('refund') === 1, { what: 'refunded', advanceMs: 1_000 });
    expect(row(h, lost)).toMatchObject({ amount_fen: 3_000, reverse_refund_fen: 3_000 });
    expect(wx.calls.filter((c) => c.op === 'refund')).toEqual([expect.objectContaining({ amountFen: 3_000 })]);
  });
});
