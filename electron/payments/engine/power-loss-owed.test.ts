/**
 * The power-loss check survives what happens while it waits (review of issue #3): a manager voiding the
 * uncertain sale, the host restarting again, a sale with no order number left.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChannel, paid } from './testing/fake-channel';
import { type PaymentsTestHost, startPaymentsHost } from './testing/harness';
import { powerCut } from './testing/power-cut';
import { MAX_ATTEMPTS_PER_SALE, nextOrderNo, orderNoFor } from './order-numbers';
import { OWED_CHECKS_KEY, RUN_MARKER_KEY } from './power-loss';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});


describe('checks owed after an unclean shutdown', () => {
  it('a voided uncertain sale is still checked after a further restart, and a charge found is given back', async () => {
    const wx = createFakeChannel('wechat');
    const h = (t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } }));
    const saleId = await h.openSale(800);
    const lost = nextOrderNo(h.host.ctx.db, saleId);
    wx.defaults.query = { status: 'unknown', reason: 'timeout', retryable: true };
    await powerCut(h);
    await h.flush(20);
    expect(JSON.parse(h.host.ctx.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(OWED_CHECKS_KEY) as string)).toEqual({ [saleId]: lost });
    // The manager voids the uncertain sale (to ring it up again); then the till restarts cleanly.
    await h.must('sale.void', { saleId, reason: 'rung up again' });
    await h.restart();
    expect(h.host.ctx.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(RUN_MARKER_KEY)).toBe('running');
    // Now the gateway answers: the lost order was paid. It is found and given back.
    wx.defaults.query = (req) => (req.orderNo === lost ? paid(800) : { status: 'not_found' });
    await h.advance(60_000, 5_000);
    const attempts = await h.must('payment.listForSale', { saleId });
    expect(attempts.find((a) => a.orderNo === lost)?.state).toBe('reversed');
    expect(wx.count('reverse')).toBe(1);
    // Nothing is owed any more: the next clean stop closes the run.
    expect(JSON.parse(h.host.ctx.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(OWED_CHECKS_KEY) as string)).toEqual({});
  });

  it('an unreadable record of owed checks still checks every unfinished sale', async () => {
    const wx = createFakeChannel('wechat');
    const h = (t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } }));
    const saleId = await h.openSale(500);
    const next = nextOrderNo(h.host.ctx.db, saleId);
    await powerCut(h, (db) => db.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, '{broken', 't') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(OWED_CHECKS_KEY));
    await h.flush(20);
    expect(wx.calls.filter((c) => c.op === 'query').map((c) => c.orderNo)).toContain(next);
  });

  it('a sale with no order number left does not stop the host from starting', async () => {
    const wx = createFakeChannel('wechat');
    const h = (t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } }));
    const saleId = await h.openSale(800);
    const other = await h.openSale(300);
    const otherNext = nextOrderNo(h.host.ctx.db, other);
    await powerCut(h, (db) => {
      const ins = db.prepare(
        `INSERT INTO payment_attempts (id, sale_id, order_no, wallet, gateway, amount_fen, code_hash, code_masked, state, phase, created_ms, sent_ms, created_at, updated_at)
         VALUES (?, ?, ?, 'wechat', 'wechat', 800, ?, '****', 'failed', 'failed', 0, 0, 't', 't')`,
      );
      db.transaction(() => {
        for (let n = 1; n <= MAX_ATTEMPTS_PER_SALE; n++) ins.run(`a${n}`, saleId, orderNoFor(saleId, n), `h${n}`);
      })();
    });
    await h.flush(20);
    // The other unfinished sale is still checked.
    expect(wx.calls.filter((c) => c.op === 'query').map((c) => c.orderNo)).toContain(otherNext);
  });
});
