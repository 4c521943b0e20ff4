import { afterEach, describe, expect, it } from 'vitest';
import { type FakeChannel, createFakeChannel, deferred, paid } from './testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from './testing/harness';
import { type PayOutcome } from '../channels/types';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

async function setup(): Promise<{ t: PaymentsTestHost; wx: FakeChannel; ali: FakeChannel }> {
  const wx = createFakeChannel('wechat');
  const ali = createFakeChannel('alipay');
  t = await startPaymentsHost({ payments: { fakes: { wechat: wx, alipay: ali } } });
  return { t, wx, ali };
}

const state = async (h: PaymentsTestHost, id: string) => (await h.must('payment.get', { attemptId: id })).state;

describe('payment engine: pay outcomes', () => {
  it('paid at once: the sale is paid, the tender is recorded, the outbox gets the sale in the same commit', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', paid(1234));
    const saleId = await t.openSale(1234);
    const code = codes.wechat();
    const a = await t.must('payment.start', { saleId, code: `]Q1${code}\r\n` });
    expect(a).toMatchObject({ wallet: 'wechat', gateway: 'wechat', amountFen: 1234 });
    expect(a.maskedCode).not.toContain(code.slice(4, 14));
    await t.flush();
    const sale = await t.must('sale.get', { saleId });
    expect(sale).toMatchObject({ status: 'paid', paidFen: 1234, dueFen: 0, activeAttempt: null });
    expect(sale.tenders).toEqual([expect.objectContaining({ kind: 'code', amountFen: 1234, wallet: 'wechat', transactionId: expect.any(String) })]);
    expect(t.records).toEqual([expect.objectContaining({ kind: 'sale', id: saleId, payload: expect.objectContaining({ totalFen: 1234, tenders: [{ kind: 'code', channel: 'wechat', amountFen: 1234 }] }) })]);
    expect(wx.calls).toEqual([{ op: 'pay', orderNo: a.orderNo, amountFen: 1234, authCode: code }]);
    const phases = t.events.filter((e) => e.event === 'payment.progress').map((e) => (e.payload as { phase: string }).phase);
    // "created" and "sent" are one commit: the attempt is announced once while sending, then paid.
    expect(phases).toEqual(['sending', 'paid']);
    expect(JSON.stringify(t.events)).not.toContain(code);
  });

  it('a definite refusal fails the attempt, the sale is open again, and the same code is refused as replayed', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'failed', code: 'NOTENOUGH', message: '余额不足' });
    const saleId = await t.openSale(500);
    const code = codes.wechat();
    const a = await t.must('payment.start', { saleId, code });
    await t.flush();
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'failed', reason: expect.stringContaining('NOTENOUGH') });
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
    expect(await t.call('payment.start', { saleId, code })).toMatchObject({ ok: false, error: { code: 'CODE_REPLAYED' } });
    expect(wx.count('pay')).toBe(1);
  });

  it('connection refused (never sent) fails at once and the code may be scanned again', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'not_sent', reason: 'ECONNREFUSED' }, paid(500));
    const saleId = await t.openSale(500);
    const code = codes.wechat();
    const a = await t.must('payment.start', { saleId, code });
    await t.flush();
    expect(await state(t, a.id)).toBe('failed');
    const b = await t.must('payment.start', { saleId, code });
    await t.flush();
    expect(await state(t, b.id)).toBe('succeeded');
    expect(a.orderNo).not.toBe(b.orderNo);
  });

  it('USERPAYING: waits for the password, queries on the schedule, then paid', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '需要用户输入支付密码' });
    wx.queue('query', { status: 'waiting', code: 'USERPAYING', message: '' }, paid(800));
    const saleId = await t.openSale(800);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'pending', phase: 'waiting_password' });
    expect((await t.must('sale.get', { saleId })).status).toBe('paying');
    // The customer is never asked to pay again while it is unresolved.
    expect(await t.call('payment.start', { saleId, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    expect(await t.call('sale.tenderCash', { saleId, givenFen: 1000 })).toMatchObject({ ok: false, error: { code: 'PAYMENT_PENDING' } });
    await t.advance(9_000);
    expect(wx.count('query')).toBe(0);
    await t.advance(1_000);
    expect(wx.count('query')).toBe(1);
    await t.advance(10_000);
    expect(await state(t, a.id)).toBe('succeeded');
    expect((await t.must('sale.get', { saleId })).status).toBe('paid');
  });

  it('"query this order" at the till asks the channel at once', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT: no answer', retryable: true });
    wx.queue('query', paid(310));
    const saleId = await t.openSale(310);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect(wx.count('query')).toBe(0);
    expect(await t.must('payment.query', { attemptId: a.id })).toMatchObject({ state: 'succeeded' });
    expect(wx.count('query')).toBe(1);
  });

  it('"query" pressed while a cancelled payment is given back sends nothing: the reverse keeps its pace', async () => {
    const { t, wx } = await setup();
    const waiting = { status: 'waiting', code: 'USERPAYING', message: '需要用户输入支付密码' } as const;
    wx.defaults.pay = waiting;
    wx.defaults.query = waiting;
    wx.defaults.reverse = { status: 'retry', reason: 'recall=Y' };
    const saleId = await t.openSale(500);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    await t.advance(16_000);
    await t.must('payment.cancel', { attemptId: a.id });
    await t.flush();
    const reverses = wx.count('reverse');
    const queries = wx.count('query');
    for (let i = 0; i < 3; i++) expect(await t.must('payment.query', { attemptId: a.id })).toMatchObject({ state: 'reversing' });
    await t.flush();
    expect([wx.count('reverse'), wx.count('query')]).toEqual([reverses, queries]);
    // The next reverse goes at its own time.
    await t.advance(6_000);
    expect(wx.count('reverse')).toBeGreaterThan(reverses);
  });

  it('unknown answer (SYSTEMERROR / timeout): first query after 5 s', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT: no answer', retryable: true });
    wx.queue('query', paid(300));
    const saleId = await t.openSale(300);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.flush();
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'pending', phase: 'querying' });
    await t.advance(5_000);
    expect(await state(t, a.id)).toBe('succeeded');
  });

  it('still unclear at the 45 s deadline: reversed, repeating while recall=Y; never marked failed by guess', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'unknown', reason: 'HTTP 502', retryable: true, code: 'HTTP_502' });
    wx.defaults.query = { status: 'unknown', reason: 'bad signature', retryable: true };
    wx.queue('reverse', { status: 'retry', reason: 'recall=Y' }, { status: 'retry', reason: 'recall=Y' }, { status: 'reversed', action: 'refund' });
    const saleId = await t.openSale(999);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(44_000);
    expect(await state(t, a.id)).toBe('pending');
    expect(wx.count('reverse')).toBe(0);
    await t.advance(1_000);
    expect(await state(t, a.id)).toBe('reversing');
    await t.advance(20_000);
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversed', phase: 'reversed' });
    expect(wx.count('reverse')).toBe(3);
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
  });

  it('cashier cancel during password entry reverses, not sooner than 15 s after the pay call', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '' });
    wx.defaults.query = { status: 'waiting', code: 'USERPAYING', message: '' };
    const saleId = await t.openSale(700);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(2_000);
    const c = await t.must('payment.cancel', { attemptId: a.id });
    expect(c).toMatchObject({ cancelRequested: true });
    await t.flush();
    expect(await state(t, a.id)).toBe('reversing');
    expect(wx.count('reverse')).toBe(0);
    await t.advance(12_000);
    expect(wx.count('reverse')).toBe(0);
    await t.advance(1_000);
    expect(wx.count('reverse')).toBe(1);
    expect(await state(t, a.id)).toBe('reversed');
  });

  it('cancel pressed again while the reverse waits for recall=Y changes nothing: one audit entry, the schedule kept', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '' });
    wx.defaults.query = { status: 'waiting', code: 'USERPAYING', message: '' };
    wx.queue('reverse', { status: 'retry', reason: 'recall=Y' });
    wx.defaults.reverse = { status: 'reversed', action: 'close' };
    const saleId = await t.openSale(710);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(2_000);
    await t.must('payment.cancel', { attemptId: a.id });
    await t.advance(14_000); // the first reverse (15 s after pay) answers recall=Y
    expect(wx.count('reverse')).toBe(1);
    for (let i = 0; i < 5; i++) await t.must('payment.cancel', { attemptId: a.id });
    await t.flush();
    expect(wx.count('reverse')).toBe(1); // the retry waits its interval, whatever is pressed
    const cancels = t.host.ctx.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'payment.cancel'").get() as { n: number };
    expect(cancels.n).toBe(1);
    await t.until(async () => (await state(t, a.id)) === 'reversed', { advanceMs: 1_000, what: 'reversed on the retry' });
    expect(wx.count('reverse')).toBe(2);
  });

  it('a first cancel press on a payment already being given back (past its deadline) keeps the reverse schedule', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '' });
    wx.defaults.query = { status: 'waiting', code: 'USERPAYING', message: '' };
    wx.defaults.reverse = { status: 'retry', reason: 'recall=Y' };
    const saleId = await t.openSale(720);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.until(async () => wx.count('reverse') >= 1, { advanceMs: 1_000, what: 'reversed at the deadline' });
    expect(await state(t, a.id)).toBe('reversing');
    const reverses = wx.count('reverse');
    expect(await t.must('payment.cancel', { attemptId: a.id })).toMatchObject({ cancelRequested: true, state: 'reversing' });
    await t.flush();
    expect(wx.count('reverse')).toBe(reverses);
  });

  it('a WeChat code through the aggregator keeps WeChat\'s 15 s before the reverse (the aggregator itself has none)', async () => {
    const jp = createFakeChannel('jeepay');
    t = await startPaymentsHost({ payments: { fakes: { jeepay: jp } } });
    const p = t.host.ctx.settings().payments;
    await t.must('settings.update', { payments: { ...p, routing: { ...p.routing, wechat: 'aggregator' } } });
    expect(p.timings.jeepay.minReverseAfterMs).toBe(0);
    jp.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '' });
    jp.defaults.query = { status: 'waiting', code: 'USERPAYING', message: '' };
    const saleId = await t.openSale(700);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(a).toMatchObject({ wallet: 'wechat', gateway: 'jeepay' });
    await t.advance(2_000);
    await t.must('payment.cancel', { attemptId: a.id });
    await t.advance(12_000);
    expect(jp.count('reverse')).toBe(0);
    await t.advance(1_000);
    expect(jp.count('reverse')).toBe(1);
    expect(await state(t, a.id)).toBe('reversed');
  });

  it('paid after the cashier cancelled (pay in flight): the charge is reversed, the sale stays unpaid', async () => {
    const { t, wx } = await setup();
    const inflight = deferred<PayOutcome>();
    wx.queue('pay', () => inflight.promise);
    const saleId = await t.openSale(650);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.must('payment.cancel', { attemptId: a.id });
    inflight.resolve(paid(650));
    await t.advance(16_000);
    expect(await state(t, a.id)).toBe('reversed');
    expect((await t.must('sale.get', { saleId })).paidFen).toBe(0);
  });

  it('a charge for another amount is never accepted: reversed', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', paid(1));
    const saleId = await t.openSale(400);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(16_000);
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversed', reason: expect.stringContaining('1 fen paid') });
    expect((await t.must('sale.get', { saleId })).paidFen).toBe(0);
  });

  it('reverse refused for a paid order: refunds the whole charge with its own refund number', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT', retryable: true });
    wx.defaults.query = { status: 'unknown', reason: 'x', retryable: true };
    wx.queue('reverse', { status: 'failed', code: 'REVERSE_EXPIRE', message: 'expired' });
    // The check after the refusal sees the payment.
    const saleId = await t.openSale(321);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(44_000);
    wx.defaults.query = paid(321);
    wx.queue('query', { status: 'waiting', code: 'USERPAYING', message: '' });
    await t.advance(20_000);
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ state: 'reversed', reason: expect.stringContaining('refunded') });
    const refunds = wx.calls.filter((c) => c.op === 'refund');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ orderNo: a.orderNo, amountFen: 321 });
  });
});

describe('payment engine: refusals before anything is sent', () => {
  it('unknown, malformed, disabled and replayed codes, bad amounts, offline', async () => {
    const { t, wx, ali } = await setup();
    const saleId = await t.openSale(1000);
    const cases: [string, number | undefined, string][] = [
      ['', undefined, 'CODE_EMPTY'],
      ['10abcdefghijklmnop', undefined, 'CODE_NOT_DIGITS'],
      ['990000000000000000', undefined, 'CODE_UNSUPPORTED'],
      ['1300000000000000', undefined, 'CODE_UNSUPPORTED'],
      [codes.jdpay(), undefined, 'CODE_DISABLED'],
      [codes.unionpay(), undefined, 'CODE_DISABLED'],
      [codes.wechat(), 1001, 'AMOUNT_INVALID'],
    ];
    for (const [code, amountFen, expected] of cases) {
      const r = await t.call('payment.start', { saleId, code, ...(amountFen ? { amountFen } : {}) });
      expect(r, code).toMatchObject({ ok: false, error: { code: expected } });
    }
    for (const amountFen of [0, -1, 1.5]) expect(await t.call('payment.start', { saleId, code: codes.wechat(), amountFen })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await t.must('settings.update', { payments: { ...t.host.ctx.settings().payments, maxAmountFen: { wechat: 999, alipay: 100_000, unionpay: 100_000, jeepay: 100_000 } } });
    expect(await t.call('payment.start', { saleId, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'AMOUNT_INVALID' } });
    // HQ down alone refuses nothing; the gateway's own failures do.
    for (let i = 0; i < 3; i++) t.host.ctx.connectivity.report(false, 'hq', 'ECONNREFUSED');
    expect(t.host.ctx.connectivity.gatewayDown('payment gateway alipay')).toBeNull();
    for (let i = 0; i < 3; i++) t.host.ctx.connectivity.report(false, 'payment gateway alipay', 'ECONNREFUSED');
    expect(await t.call('payment.start', { saleId, code: codes.alipay() })).toMatchObject({ ok: false, error: { code: 'OFFLINE', message: expect.stringContaining('alipay') } });
    // Nothing answers (HQ and a gateway): a gateway not tried yet is refused at once too.
    expect(await t.call('payment.start', { saleId, code: codes.wechat(), amountFen: 500 })).toMatchObject({ ok: false, error: { code: 'OFFLINE', message: expect.stringContaining('network is down') } });
    expect(wx.calls).toEqual([]);
    expect(ali.calls).toEqual([]);
    expect((await t.must('sale.get', { saleId })).status).toBe('open');
  });

  it('a sale with nothing due is refused for what it is (paid, voided), not as a bad amount or the gateway being down', async () => {
    const { t, wx } = await setup();
    const paidSale = await t.openSale(1000);
    await t.must('sale.tenderCash', { saleId: paidSale, givenFen: 1000 });
    expect(await t.call('payment.start', { saleId: paidSale, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: 'the sale is paid' } });
    const empty = await t.must('sale.open');
    expect(await t.call('payment.start', { saleId: empty.id, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', message: 'nothing is due on this sale' } });
    for (let i = 0; i < 3; i++) t.host.ctx.connectivity.report(false, 'payment gateway wechat', 'ECONNREFUSED');
    expect(await t.call('payment.start', { saleId: paidSale, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(wx.calls).toEqual([]);
  });

  it('optional wallets route through the aggregator when enabled', async () => {
    const jee = createFakeChannel('jeepay');
    t = await startPaymentsHost({ payments: { fakes: { jeepay: jee } } });
    await t.must('settings.update', {
      payments: { ...t.host.ctx.settings().payments, routing: { wechat: 'aggregator', alipay: 'aggregator', unionpay: 'aggregator' }, wallets: { ...t.host.ctx.settings().payments.wallets, jdpay: true } },
    });
    jee.queue('pay', paid(100), paid(100));
    const s1 = await t.openSale(100);
    expect(await t.must('payment.start', { saleId: s1, code: codes.jdpay() })).toMatchObject({ wallet: 'jdpay', gateway: 'jeepay' });
    const s2 = await t.openSale(100);
    expect(await t.must('payment.start', { saleId: s2, code: codes.wechat() })).toMatchObject({ wallet: 'wechat', gateway: 'jeepay' });
    await t.flush();
    expect((await t.must('sale.get', { saleId: s2 })).status).toBe('paid');
  });
});

describe('payment engine: recovery', () => {
  it('the attempt and its order number are committed as sent before the pay request leaves', async () => {
    const { t, wx } = await setup();
    let seen: unknown;
    wx.queue('pay', (req) => {
      seen = t.host.ctx.db.prepare('SELECT state, order_no AS orderNo, sent_ms AS sentMs FROM payment_attempts WHERE order_no = ?').get(req.orderNo);
      return paid(260);
    });
    const saleId = await t.openSale(260);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    expect(a.state).toBe('sent');
    await t.flush();
    expect(seen).toEqual({ state: 'sent', orderNo: a.orderNo, sentMs: expect.any(Number) });
    expect(await state(t, a.id)).toBe('succeeded');
  });

  it('after a restart: every open attempt may have been sent, so it is queried (never sent again, never failed by guess)', async () => {
    const { t, wx } = await setup();
    const hang = deferred<PayOutcome>();
    wx.queue('pay', () => hang.promise, () => hang.promise, () => hang.promise);
    // a: charged, the answer was lost in the crash.
    const s1 = await t.openSale(210);
    const a = await t.must('payment.start', { saleId: s1, code: codes.wechat() });
    // b: committed as sent, but the till died before the request left (the channel never heard of it).
    const s2 = await t.openSale(220);
    const b = await t.must('payment.start', { saleId: s2, code: codes.wechat() });
    // c: left in 'created' by an older version (whose "sent" marker could be lost): treated the same way.
    const s3 = await t.openSale(230);
    const c = await t.must('payment.start', { saleId: s3, code: codes.wechat() });
    t.host.ctx.db.prepare("UPDATE payment_attempts SET state = 'created', sent_ms = NULL WHERE id = ?").run(c.id);
    wx.defaults.query = (req) => (req.orderNo === a.orderNo ? paid(210) : { status: 'not_found' });
    await t.restart();
    await t.until(async () => (await state(t!, a.id)) === 'succeeded', { what: 'recovery of a' });
    expect((await t.must('sale.get', { saleId: s1 })).status).toBe('paid');
    // "Not found" before the deadline is not a verdict: b and c stay unresolved and are asked again.
    const queried = (orderNo: string): boolean => wx.calls.some((x) => x.op === 'query' && x.orderNo === orderNo);
    await t.until(async () => queried(b.orderNo) && queried(c.orderNo) && (await state(t!, b.id)) === 'pending' && (await state(t!, c.id)) === 'pending', { what: 'b and c queried' });
    // At the deadline they are reversed (the channel holds nothing, so nothing is kept or lost).
    await t.until(async () => (await state(t!, b.id)) === 'reversed' && (await state(t!, c.id)) === 'reversed', { advanceMs: 5_000, what: 'reversal of b and c' });
    expect(wx.count('pay')).toBe(3);
    expect((await t.must('sale.get', { saleId: s2 })).status).toBe('open');
  });

  it('a charge confirmed after the sale was abandoned is given back', async () => {
    const { t, wx } = await setup();
    const hang = deferred<PayOutcome>();
    wx.queue('pay', () => hang.promise);
    const saleId = await t.openSale(230);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.restart();
    t.clock.advance(31 * 60_000);
    wx.queue('query', paid(230));
    await t.until(async () => (await state(t!, a.id)) === 'reversed', { advanceMs: 1_000, what: 'give back' });
    expect(await t.must('payment.get', { attemptId: a.id })).toMatchObject({ reason: expect.stringContaining('abandoned') });
    expect((await t.must('sale.get', { saleId })).paidFen).toBe(0);
  });

  it('network returns: waiting reversals are driven at once', async () => {
    const { t, wx } = await setup();
    wx.queue('pay', { status: 'unknown', reason: 'TIMEOUT: x', retryable: true });
    wx.defaults.query = { status: 'not_sent', reason: 'ECONNREFUSED' };
    wx.defaults.reverse = { status: 'not_sent', reason: 'ECONNREFUSED' };
    const saleId = await t.openSale(240);
    const a = await t.must('payment.start', { saleId, code: codes.wechat() });
    await t.advance(60_000);
    expect(t.host.ctx.connectivity.state()).toBe('offline');
    expect(await state(t, a.id)).toBe('reversing');
    const calls = wx.count('reverse');
    wx.defaults.reverse = { status: 'reversed', action: 'close' };
    t.host.ctx.connectivity.report(true, 'probe');
    await t.flush();
    expect(wx.count('reverse')).toBe(calls + 1);
    expect(await state(t, a.id)).toBe('reversed');
  });
});
