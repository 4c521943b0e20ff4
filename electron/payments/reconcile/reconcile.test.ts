import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxChannelConfig } from '../channels/index';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { type BillRow } from '../channels/types';
import { sharedKeys } from '../../sandbox/testing';
import { type PaymentsTestHost, codes, lateClock, startPaymentsHost } from '../engine/testing/harness';
import { createFakeChannel } from '../engine/testing/fake-channel';
import { silentLogger } from '../../log';
import { reconcileResultSchema } from '../../../shared/api/reconcile';
import { reconcileDay } from './reconcile';
import { jeepayReverseRefundNos } from '../channels/jeepay/adapter';

describe('payment.reconcile against the sandbox bill', () => {
  let sandbox: Sandbox;
  let t: PaymentsTestHost;
  const clock = lateClock();
  let day = '';

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, keys: sharedKeys() });
    t = await startPaymentsHost({ payments: { channels: sandboxChannelConfig(sandbox) } });
    clock.bind(t.clock);
    day = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  });
  afterAll(async () => {
    await t.dispose();
    await sandbox.close();
  });

  const paid = async (fen: number, code = codes.wechat()): Promise<{ saleId: string; orderNo: string }> => {
    const saleId = await t.openSale(fen);
    const a = await t.must('payment.start', { saleId, code });
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'paid' });
    return { saleId, orderNo: a.orderNo };
  };

  it('before the day is over there is no bill yet; afterwards every sale, refund and give-back matches', async () => {
    const a = await paid(1_000);
    const b = await paid(2_000);
    const r = await t.must('refund.request', { saleId: b.saleId, amountFen: 500 });
    await t.until(async () => (await t.must('refund.get', { refundId: r.id })).state === 'succeeded', { advanceMs: 1_000, what: 'refund' });
    expect(await t.must('payment.reconcile', { date: day, gateway: 'wechat' })).toMatchObject({ bill: 'no_bill', problems: [] });

    t.clock.advance(86_400_000);
    const report = await t.must('payment.reconcile', { date: day, gateway: 'wechat' });
    expect(report).toMatchObject({ bill: 'ok', matchedPayments: 2, matchedRefunds: 1, chargedFen: 3_000, givenBackFen: 500, otherTerminals: { rows: 0, terminals: [] }, problems: [] });
    expect(a.orderNo).not.toBe(b.orderNo);
  });

  it('money at the channel the till never recorded, and a recorded amount the bill disagrees with, are listed', async () => {
    const sale = await paid(1_500);
    const stranger = `X${Date.now()}`;
    sandbox.ledger.pay({ channel: 'wechat', orderNo: stranger, authCode: codes.wechat(), amountFen: 4_200, subject: 'not ours', fingerprint: 'x' }, 'success');
    t.host.ctx.db.prepare('UPDATE payment_attempts SET amount_fen = 1600 WHERE order_no = ?').run(sale.orderNo);
    const today = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    t.clock.advance(86_400_000);
    const report = await t.must('payment.reconcile', { date: today, gateway: 'wechat' });
    expect(report.bill).toBe('ok');
    expect(report.problems.map((p) => [p.kind, p.orderNo, p.billFen, p.localFen])).toEqual(
      expect.arrayContaining([
        ['unknown_order', stranger, 4_200, null],
        ['amount_mismatch', sale.orderNo, 1_500, 1_600],
      ]),
    );
    expect(report.problems).toHaveLength(2);
  });

  it("another till's orders on the same merchant account (its terminal id on the bill) are counted apart, on WeChat and Alipay", async () => {
    const today = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const ours = { wechat: await paid(1_100), alipay: await paid(1_300, codes.alipay()) };
    for (const channel of ['wechat', 'alipay'] as const) {
      const code = channel === 'wechat' ? codes.wechat() : codes.alipay();
      sandbox.ledger.pay({ channel, orderNo: `T02${channel}${Date.now()}`, authCode: code, amountFen: 2_500, subject: 'till 2', fingerprint: 'y', terminalId: 'T02' }, 'success');
    }
    t.clock.advance(86_400_000);
    for (const gateway of ['wechat', 'alipay'] as const) {
      const report = await t.must('payment.reconcile', { date: today, gateway });
      expect(report.otherTerminals, gateway).toEqual({ rows: 1, chargedFen: 2_500, givenBackFen: 0, terminals: ['T02'] });
      expect(report.problems, gateway).toEqual([]);
      expect(report.matchedPayments, gateway).toBe(1);
      expect(ours[gateway].orderNo).toBeTruthy();
    }
  });

  it('a refund asked just before midnight and confirmed after it is matched on its day and missing on neither', async () => {
    const b = await paid(2_000);
    const dayD = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const midnight = Date.parse(`${dayD}T00:00:00+08:00`) + 86_400_000;
    t.clock.advance(midnight - 2_000 - t.clock.now()); // 23:59:58 in China
    const r = await t.must('refund.request', { saleId: b.saleId, amountFen: 500 });
    // WeChat takes the refund, and the till learns it is done from a query, after midnight.
    await t.until(async () => (await t.must('refund.get', { refundId: r.id })).state === 'succeeded', { advanceMs: 1_000, what: 'refund' });
    expect(t.clock.now()).toBeGreaterThanOrEqual(midnight);
    const dayD1 = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await paid(1_000); // so the next day has a bill too
    t.clock.advance(2 * 86_400_000);
    const onD = await t.must('payment.reconcile', { date: dayD, gateway: 'wechat' });
    expect(onD).toMatchObject({ bill: 'ok', problems: [] });
    expect(onD.matchedRefunds).toBeGreaterThanOrEqual(1);
    expect(await t.must('payment.reconcile', { date: dayD1, gateway: 'wechat' })).toMatchObject({ bill: 'ok', problems: [] });
  });

  it('is for managers only; a date that is not a date is a validation error', async () => {
    expect(await t.call('payment.reconcile', { date: '2026-13-45', gateway: 'wechat' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await t.must('session.logout');
    expect(await t.call('payment.reconcile', { date: day, gateway: 'wechat' })).toMatchObject({ ok: false });
    await t.loginManager();
  });
});

describe('a reconciliation with more differences than one answer lists', () => {
  it('lists the first 500 and says how many there are in all', async () => {
    const t = await startPaymentsHost();
    try {
      const rows = Array.from({ length: 501 }, (_, i) => ({ kind: 'payment' as const, orderNo: `X${i}`, transactionId: `T${i}`, amountFen: 100, status: 'SUCCESS', time: '2026-11-25 12:00:00' }));
      const fake = createFakeChannel('wechat');
      fake.downloadBill = async (date) => ({ status: 'ok', date, rows, raw: '' });
      const report = await reconcileDay({ db: t.host.ctx.db, log: silentLogger, channels: async () => ({ wechat: fake }), terminalId: () => 'T01', training: () => true }, '2026-11-25', 'wechat');
      expect(report).toMatchObject({ bill: 'ok', problemCount: 501, message: expect.stringContaining('501 differences, the first 500 listed') });
      expect(report.problems).toHaveLength(500);
      expect(reconcileResultSchema.safeParse(report).success).toBe(true);
    } finally {
      await t.dispose();
    }
  });
});

describe('a reconciliation in one mode', () => {
  it('compares only the sales of that mode: a sandbox bill knows no live order, and back', async () => {
    const t = await startPaymentsHost();
    try {
      const fake = createFakeChannel('wechat');
      fake.downloadBill = async (date) => ({ status: 'ok', date, rows: [], raw: '' });
      const saleId = await t.openSale(700);
      t.host.ctx.db.prepare('UPDATE sales SET training = 0 WHERE id = ?').run(saleId); // a live sale
      const day = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      const deps = { db: t.host.ctx.db, log: silentLogger, channels: async () => ({ wechat: fake }), terminalId: () => 'T01' };
      // Paid at the (live) gateway, missing from this empty bill: a difference in live mode only.
      const a = t.host.ctx.db.prepare("INSERT INTO payment_attempts (id, sale_id, order_no, wallet, gateway, amount_fen, code_hash, code_masked, state, phase, created_ms, sent_ms, resolved_ms, created_at, updated_at) VALUES ('a1', ?, 'O-LIVE-1', 'wechat', 'wechat', 700, 'h1', '1300****0001', 'succeeded', 'done', ?, ?, ?, 'x', 'x')");
      a.run(saleId, t.clock.now(), t.clock.now(), t.clock.now());
      expect((await reconcileDay({ ...deps, training: () => true }, day, 'wechat')).problems).toEqual([]);
      const live = await reconcileDay({ ...deps, training: () => false }, day, 'wechat');
      expect(live.problems.map((p) => p.orderNo)).toEqual(['O-LIVE-1']);
    } finally {
      await t.dispose();
    }
  });
});

describe('Jeepay: a paid order the till reversed is given back by a refund the adapter numbers itself', () => {
  it('`<orderNo>RV`…`RV9` of a known attempt is its reversal (fine if reversed, given_back_unexpectedly if paid); only at Jeepay', async () => {
    const t = await startPaymentsHost();
    try {
      const insert = t.host.ctx.db.prepare(
        "INSERT INTO payment_attempts (id, sale_id, order_no, wallet, gateway, amount_fen, code_hash, code_masked, state, phase, created_ms, sent_ms, resolved_ms, created_at, updated_at) VALUES (?, ?, ?, 'wechat', ?, 900, ?, '1300****0001', ?, 'done', ?, ?, ?, 'x', 'x')",
      );
      const now = t.clock.now();
      const day = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
      const attempt = async (id: string, orderNo: string, gateway: string, state: string): Promise<void> => {
        insert.run(id, await t.openSale(900), orderNo, gateway, `h-${id}`, state, now, now, now);
      };
      await attempt('a1', 'JPREV', 'jeepay', 'reversed');
      await attempt('a2', 'JPREV2', 'jeepay', 'reversed');
      await attempt('a3', 'JPPAID', 'jeepay', 'succeeded');
      await attempt('a4', 'WXREV', 'wechat', 'reversed');
      const pay = (orderNo: string): BillRow => ({ kind: 'payment', orderNo, transactionId: `P-${orderNo}`, amountFen: 900, status: 'SUCCESS', time: `${day} 12:00:00` });
      const refund = (orderNo: string, refundNo: string): BillRow => ({ ...pay(orderNo), kind: 'refund', refundNo, time: `${day} 12:01:00` });
      const bill = (rows: BillRow[]) => {
        const fake = createFakeChannel('jeepay');
        fake.downloadBill = async (date) => ({ status: 'ok', date, rows, raw: '' });
        return fake;
      };
      const deps = { db: t.host.ctx.db, log: silentLogger, terminalId: () => 'T01', training: () => true };
      const jeepayRows = [pay('JPREV'), refund('JPREV', 'JPREVRV'), pay('JPREV2'), refund('JPREV2', 'JPREV2RV3'), pay('JPPAID'), refund('JPPAID', 'JPPAIDRV')];
      const jeepay = await reconcileDay({ ...deps, channels: async () => ({ jeepay: bill(jeepayRows) }) }, day, 'jeepay');
      expect(jeepay.problems.map((p) => [p.kind, p.orderNo, p.refundNo])).toEqual([['given_back_unexpectedly', 'JPPAID', undefined]]);
      expect(jeepay).toMatchObject({ bill: 'ok', matchedPayments: 3, chargedFen: 2_700, givenBackFen: 2_700 });
      // Not a number the adapter uses (RV10), or another gateway: a refund the till does not know.
      const other = await reconcileDay({ ...deps, channels: async () => ({ jeepay: bill([pay('JPREV'), refund('JPREV', 'JPREVRV10')]) }) }, day, 'jeepay');
      expect(other.problems.map((p) => [p.kind, p.refundNo ?? p.orderNo])).toEqual([['unknown_refund', 'JPREVRV10'], ['missing_at_channel', 'JPPAID']]);
      const wechat = await reconcileDay({ ...deps, channels: async () => ({ wechat: bill([pay('WXREV'), refund('WXREV', 'WXREVRV')]) }) }, day, 'wechat');
      expect(wechat.problems.map((p) => p.kind)).toEqual(['unknown_refund']);
      expect(jeepayReverseRefundNos('O1')).toEqual(['O1RV', 'O1RV2', 'O1RV3', 'O1RV4', 'O1RV5', 'O1RV6', 'O1RV7', 'O1RV8', 'O1RV9']);
    } finally {
      await t.dispose();
    }
  });
});

describe('Jeepay against the sandbox: a cashier-cancelled payment the customer had finished', () => {
  let sandbox: Sandbox;
  let t: PaymentsTestHost;
  const clock = lateClock();
  beforeAll(async () => {
    sandbox = await startSandbox({ clock, keys: sharedKeys(), passwordQueries: 100, passwordDelayMs: 2_000 });
    t = await startPaymentsHost({ payments: { channels: sandboxChannelConfig(sandbox) } });
    clock.bind(t.clock);
    const p = t.host.ctx.settings().payments;
    await t.must('settings.update', { payments: { ...p, routing: { wechat: 'aggregator', alipay: 'aggregator', unionpay: 'aggregator' } } });
  });
  afterAll(async () => {
    await t.dispose();
    await sandbox.close();
  });

  it('reconciles clean: the refund the adapter gave it back under (`<orderNo>RV`) is the reversal', async () => {
    const day = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const saleId = await t.openSale(3_351);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(a.gateway).toBe('jeepay');
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).phase === 'waiting_password', { what: 'password entry' });
    await t.must('payment.cancel', { attemptId: a.id });
    await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'reversed', { advanceMs: 1_000, what: 'reversed' });
    // The customer had finished: the reverse refunded the charge under the adapter's own number.
    expect(sandbox.ledger.findRefund('jeepay', `${a.orderNo}RV`)).toMatchObject({ amountFen: 3_351 });
    t.clock.advance(86_400_000);
    expect(await t.must('payment.reconcile', { date: day, gateway: 'jeepay' })).toMatchObject({ bill: 'ok', givenBackFen: 3_351, problems: [] });
  });
});

/** A host paying through a fresh in-process sandbox on a late clock; the sandbox and host are closed after. */
async function withSandboxHost(run: (t: PaymentsTestHost, sandbox: Sandbox, day: string) => Promise<void>): Promise<void> {
  const clock = lateClock();
  const sandbox = await startSandbox({ clock, keys: sharedKeys() });
  const t = await startPaymentsHost({ payments: { channels: sandboxChannelConfig(sandbox) } });
  try {
    clock.bind(t.clock);
    await run(t, sandbox, new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10));
  } finally {
    await t.dispose();
    await sandbox.close();
  }
}

describe('a day long over that the channel has no bill for (it had no transaction then)', () => {
  it("the till's payments of that day are differences (missing at the channel), not \"no bill yet\"", () =>
    withSandboxHost(async (t, sandbox, day) => {
      const saleId = await t.openSale(1_000);
      const a = await t.must('payment.start', { saleId, code: codes.wechat() });
      await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'paid' });
      // The channel has nothing of that day (another merchant account, a ledger that lost it).
      sandbox.reset();
      expect(await t.must('payment.reconcile', { date: day, gateway: 'wechat' })).toMatchObject({ bill: 'no_bill', problems: [] });
      t.clock.advance(3 * 86_400_000);
      const report = await t.must('payment.reconcile', { date: day, gateway: 'wechat' });
      expect(report).toMatchObject({ bill: 'no_bill', problemCount: 1, message: expect.stringContaining('the channel does not') });
      expect(report.problems.map((p) => [p.kind, p.orderNo])).toEqual([['missing_at_channel', a.orderNo]]);
    }));
});

describe('a voided sale whose code give-back the channel refused', () => {
  it('is a difference on the bill (money not given back), not "no differences"', () =>
    withSandboxHost(async (t, sandbox, day) => {
      const saleId = await t.openSale(1000);
      const a = await t.must('payment.start', { saleId, code: codes.wechat(), amountFen: 600 });
      await t.until(async () => (await t.must('payment.get', { attemptId: a.id })).state === 'succeeded', { what: 'paid' });
      sandbox.setScenario({ scenario: 'insufficient', channel: 'wechat', operation: 'refund' });
      await t.must('sale.void', { saleId, reason: 'customer left' });
      await t.until(async () => (await t.must('refund.list', { saleId }))[0]?.state === 'failed', { advanceMs: 1_000, what: 'give-back refused' });
      t.clock.advance(2 * 86_400_000);
      const report = await t.must('payment.reconcile', { date: day, gateway: 'wechat' });
      // The bill: 6.00 charged on a sale the till voided, nothing given back. The till knows it owes it.
      expect(report.problems).toEqual([{ kind: 'not_given_back', orderNo: a.orderNo, billFen: 600, localFen: 0, detail: expect.stringMatching(/was voided; its give-back of 600 fen has not gone through/) }]);
    }));
});
