import { afterEach, describe, expect, it } from 'vitest';
import { type FakeChannel, createFakeChannel, paid } from '../payments/engine/testing/fake-channel';
import { type PaymentsTestHost, codes, startPaymentsHost } from '../payments/engine/testing/harness';
import { TEST_MANAGER_PIN } from '../testing/host-fixture';
import { verifyAuditChain } from '../services/audit';

let t: PaymentsTestHost | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

async function setup(): Promise<{ t: PaymentsTestHost; wx: FakeChannel }> {
  const wx = createFakeChannel('wechat');
  wx.defaults.pay = () => paid(lastAmount);
  t = await startPaymentsHost({ payments: { fakes: { wechat: wx } } });
  return { t, wx };
}
let lastAmount = 0;

async function paidByCode(h: PaymentsTestHost, saleId: string, amountFen?: number): Promise<string> {
  const sale = await h.must('sale.get', { saleId });
  lastAmount = amountFen ?? sale.dueFen;
  const a = await h.must('payment.start', { saleId, code: codes.wechat(), ...(amountFen ? { amountFen } : {}) });
  await h.flush();
  return a.id;
}

async function asCashier(h: PaymentsTestHost) {
  await h.must('users.create', { name: 'Cashier', role: 'cashier', pin: '1111' });
  const id = (await h.must('users.list')).find((u) => u.role === 'cashier')?.id as string;
  const client = h.host.connect();
  await h.must('session.login', { userId: id, pin: '1111' }, client);
  return client;
}

describe('sales', () => {
  it('lines, discounts, totals and receipt numbers per terminal and day', async () => {
    const { t } = await setup();
    const a = await t.must('sale.open');
    const b = await t.must('sale.open');
    expect(a.receiptNo).toBe('T01-20261125-0001');
    expect(b.receiptNo).toBe('T01-20261125-0002');
    await t.must('sale.addLine', { saleId: a.id, sku: '6901234567892', name: '矿泉水', quantity: 3, unitPriceFen: 199 });
    const s = await t.must('sale.addLine', { saleId: a.id, name: '面包', unitPriceFen: 1000, discount: { kind: 'percent', basisPoints: 1250 } });
    expect(s).toMatchObject({ subtotalFen: 1597, discountFen: 125, totalFen: 1472, dueFen: 1472, status: 'open' });
    const removed = await t.must('sale.removeLine', { saleId: a.id, lineId: s.lines[0]?.id as string });
    expect(removed).toMatchObject({ totalFen: 875, lines: [expect.objectContaining({ name: '面包' })] });
    expect(await t.call('sale.addLine', { saleId: a.id, kind: 'amount', unitPriceFen: 0 })).toMatchObject({ ok: false, error: { code: 'AMOUNT_INVALID' } });
    t.clock.advance(24 * 3600_000);
    expect((await t.must('sale.open')).receiptNo).toBe('T01-20261126-0001');
    expect((await t.must('sale.list')).map((x) => x.receiptNo)).toEqual(['T01-20261126-0001']);
  });

  it('a sale with money on it is still listed after midnight (the checkout resumes it); an empty one is not', async () => {
    const { t } = await setup();
    const part = await t.openSale(1000);
    await t.must('sale.tenderCash', { saleId: part, givenFen: 400 });
    await t.openSale(500); // left open, nothing paid
    t.clock.advance(24 * 3600_000);
    const today = await t.must('sale.open');
    expect((await t.must('sale.list')).map((x) => x.id)).toEqual([today.id, part]);
    expect((await t.must('sale.list', { status: 'paying' })).map((x) => [x.id, x.dueFen])).toEqual([[part, 600]]);
    // Opened before midnight, paid after it: still on today's list (to reprint or refund it), as paid.
    await t.must('sale.tenderCash', { saleId: part, givenFen: 600 });
    expect((await t.must('sale.list')).map((x) => x.id)).toEqual([today.id, part]);
    expect((await t.must('sale.list', { status: 'paid' })).map((x) => x.id)).toEqual([part]);
    expect(await t.must('sale.list', { status: 'paying' })).toEqual([]);
    // The next day it is back on its own day only.
    t.clock.advance(24 * 3600_000);
    expect((await t.must('sale.list')).map((x) => x.id)).toEqual([]);
  });

  it('a sale of the day before that was paid before midnight is not on today\'s list; one voided after midnight is', async () => {
    const { t } = await setup();
    const paidYesterday = await t.openSale(300);
    await t.must('sale.tenderCash', { saleId: paidYesterday, givenFen: 300 });
    const voidedToday = await t.openSale(500);
    await t.must('sale.tenderCash', { saleId: voidedToday, givenFen: 200 });
    t.clock.advance(24 * 3600_000);
    await t.must('sale.void', { saleId: voidedToday, reason: 'customer left' });
    expect((await t.must('sale.list')).map((x) => [x.id, x.status])).toEqual([[voidedToday, 'voided']]);
  });

  it('the empty sale kept ready overnight takes the day it is rung up on, with that day\'s next receipt number', async () => {
    const { t } = await setup();
    const last = await t.openSale(500);
    await t.must('sale.tenderCash', { saleId: last, givenFen: 500 });
    const ready = await t.must('sale.open');
    expect(ready.receiptNo).toMatch(/-20261125-0002$/);
    t.clock.advance(20 * 3600_000); // the next morning
    const rung = await t.must('sale.addLine', { saleId: ready.id, kind: 'amount', unitPriceFen: 700 });
    expect([rung.businessDate, rung.receiptNo]).toEqual(['2026-11-26', 'T01-20261126-0001']);
    await t.must('sale.tenderCash', { saleId: ready.id, givenFen: 700 });
    expect(t.records.find((r) => r.id === ready.id)?.businessDate).toBe('2026-11-26');
    expect((await t.must('sale.list')).map((x) => x.id)).toEqual([ready.id]);
    // A sale with a line on it keeps its day (it was rung up then).
    const open = await t.openSale(300);
    t.clock.advance(24 * 3600_000);
    expect((await t.must('sale.addLine', { saleId: open, kind: 'amount', unitPriceFen: 100 })).businessDate).toBe('2026-11-26');
  });

  it('a sale unfinished over two midnights is on the list the day it ends (paid or voided), then back on its own day only', async () => {
    const { t } = await setup();
    const paidLate = await t.openSale(800);
    await t.must('sale.tenderCash', { saleId: paidLate, givenFen: 300 });
    const voidedLate = await t.openSale(500);
    await t.must('sale.tenderCash', { saleId: voidedLate, givenFen: 200 });
    const paidOnTime = await t.openSale(100);
    await t.must('sale.tenderCash', { saleId: paidOnTime, givenFen: 100 });
    // An offline weekend: both still being paid two and three days later.
    t.clock.advance(2 * 24 * 3600_000);
    expect((await t.must('sale.list')).map((x) => x.id).sort()).toEqual([paidLate, voidedLate].sort());
    await t.must('sale.tenderCash', { saleId: paidLate, givenFen: 500 });
    expect((await t.must('sale.list')).map((x) => [x.id, x.status]).sort()).toEqual([[paidLate, 'paid'], [voidedLate, 'paying']].sort());
    t.clock.advance(24 * 3600_000);
    await t.must('sale.void', { saleId: voidedLate, reason: 'customer never came back' });
    expect((await t.must('sale.list')).map((x) => [x.id, x.status])).toEqual([[voidedLate, 'voided']]);
    expect((await t.must('sale.list', { status: 'voided' })).map((x) => x.id)).toEqual([voidedLate]);
    expect(await t.must('sale.list', { status: 'paid' })).toEqual([]);
    t.clock.advance(24 * 3600_000);
    expect(await t.must('sale.list')).toEqual([]);
  });

  it('pages through a busy day: each page starts after the last sale of the one before, none twice, none missed', async () => {
    const { t } = await setup();
    const yesterday = await t.openSale(300);
    t.clock.advance(24 * 3600_000);
    await t.must('sale.tenderCash', { saleId: yesterday, givenFen: 300 }); // opened yesterday, paid today: listed last
    // Several sales opened in the same millisecond: the id breaks the tie, and no page loses one of them.
    for (let i = 0; i < 3; i++) await t.openSale(100 + i);
    t.clock.advance(1000);
    for (let i = 0; i < 4; i++) await t.openSale(200 + i);
    const listed = await t.must('sale.list');
    const all = listed.map((x) => x.id);
    expect(all).toHaveLength(8);
    // Newest first, also within one millisecond: the receipt numbers count down.
    const seqs = listed.slice(0, 7).map((x) => x.receiptNo);
    expect(seqs).toEqual([...seqs].sort().reverse());
    expect(all.at(-1)).toBe(yesterday);
    const paged: string[] = [];
    let before: { createdAt: string; id: string } | undefined;
    for (;;) {
      const page = await t.must('sale.list', { limit: 3, ...(before ? { before } : {}) });
      paged.push(...page.map((x) => x.id));
      const last = page.at(-1);
      if (page.length < 3 || !last) break;
      before = { createdAt: last.createdAt, id: last.id };
    }
    expect(paged).toEqual(all);
    // A status filter pages the same way; a malformed cursor is refused, not ignored.
    expect((await t.must('sale.list', { status: 'paid', limit: 1 })).map((x) => x.id)).toEqual([yesterday]);
    expect(await t.call('sale.list', { before: { createdAt: 'yesterday', id: yesterday } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('cash with change completes the sale and writes it to the outbox once', async () => {
    const { t } = await setup();
    const saleId = await t.openSale(1850);
    const s = await t.must('sale.tenderCash', { saleId, givenFen: 2000 });
    expect(s).toMatchObject({ status: 'paid', paidFen: 1850, tenders: [expect.objectContaining({ kind: 'cash', amountFen: 1850, givenFen: 2000, changeFen: 150 })] });
    expect(t.records).toHaveLength(1);
    expect(await t.call('sale.tenderCash', { saleId, givenFen: 100 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(await t.call('sale.addLine', { saleId, kind: 'amount', unitPriceFen: 5 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });

  it('mixed: part cash, the rest by code', async () => {
    const { t } = await setup();
    const saleId = await t.openSale(3000);
    expect(await t.must('sale.tenderCash', { saleId, givenFen: 1000 })).toMatchObject({ status: 'paying', dueFen: 2000 });
    // The customer adds an item after paying part: the code then pays the rest, the new item included.
    expect(await t.must('sale.addLine', { saleId, kind: 'amount', unitPriceFen: 5 })).toMatchObject({ status: 'paying', dueFen: 2005 });
    await paidByCode(t, saleId);
    const s = await t.must('sale.get', { saleId });
    expect(s).toMatchObject({ status: 'paid', paidFen: 3005 });
    expect(t.records[0]?.payload).toMatchObject({ tenders: [{ kind: 'cash', amountFen: 1000 }, { kind: 'code', channel: 'wechat', amountFen: 2005 }] });
  });
});

describe('refunds', () => {
  it('partial and full refunds, never more than paid, idempotent per request id, each recorded', async () => {
    const { t, wx } = await setup();
    const saleId = await t.openSale(1000);
    await paidByCode(t, saleId);
    const r1 = await t.must('refund.request', { saleId, amountFen: 300, requestId: 'req-1', reason: '退货' });
    expect(r1).toMatchObject({ state: 'succeeded', amountFen: 300, parts: [expect.objectContaining({ kind: 'code', state: 'succeeded' })] });
    expect(await t.must('refund.request', { saleId, amountFen: 300, requestId: 'req-1' })).toEqual(r1);
    expect(wx.count('refund')).toBe(1);
    expect((await t.must('sale.get', { saleId })).status).toBe('partly_refunded');
    expect(await t.call('refund.request', { saleId, amountFen: 701 })).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID' } });
    const r2 = await t.must('refund.request', { saleId });
    expect(r2).toMatchObject({ amountFen: 700, state: 'succeeded' });
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'refunded', refundedFen: 1000 });
    expect(await t.call('refund.request', { saleId, amountFen: 1 })).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID' } });
    const refundNos = wx.calls.filter((c) => c.op === 'refund').map((c) => c.refundNo);
    expect(new Set(refundNos).size).toBe(2);
    expect(t.records.filter((r) => r.kind === 'refund').map((r) => r.payload.amountFen)).toEqual([300, 700]);
    expect(verifyAuditChain(t.host.ctx.db).ok).toBe(true);
  });

  it('an unclear refund is queried, and a failed one is retried with the same refund number', async () => {
    const { t, wx } = await setup();
    const saleId = await t.openSale(500);
    await paidByCode(t, saleId);
    wx.queue('refund', { status: 'unknown', reason: 'TIMEOUT', retryable: true }, { status: 'failed', code: 'SYSTEMERROR', message: 'x' });
    wx.queue('queryRefund', { status: 'not_found' }, { status: 'succeeded', refundId: 'R9', refundFen: 500 });
    const r = await t.must('refund.request', { saleId });
    expect(r.state).toBe('pending');
    await t.advance(10_000);
    const failed = await t.must('refund.get', { refundId: r.id });
    expect(failed.state).toBe('failed');
    expect((await t.must('sale.get', { saleId })).refundedFen).toBe(0);
    const retried = await t.must('refund.retry', { refundId: r.id });
    await t.advance(10_000);
    expect((await t.must('refund.get', { refundId: r.id })).state).toBe('succeeded');
    const nos = wx.calls.filter((c) => c.op === 'refund' || c.op === 'queryRefund').map((c) => c.refundNo);
    expect(new Set(nos)).toEqual(new Set([retried.parts[0]?.refundNo]));
    expect((await t.must('sale.get', { saleId })).refundedFen).toBe(500);
  });

  it('an unfinished refund is finished after a restart, with the same refund number', async () => {
    const { t, wx } = await setup();
    const saleId = await t.openSale(640);
    await paidByCode(t, saleId);
    wx.queue('refund', { status: 'unknown', reason: 'TIMEOUT', retryable: true });
    const r = await t.must('refund.request', { saleId });
    expect(r.state).toBe('pending');
    wx.queue('queryRefund', { status: 'succeeded', refundId: 'R7', refundFen: 640 });
    await t.restart();
    await t.until(async () => (await t.must('refund.get', { refundId: r.id })).state === 'succeeded', { what: 'refund recovery' });
    expect(await t.must('sale.get', { saleId })).toMatchObject({ status: 'refunded', refundedFen: 640 });
    expect(wx.calls.filter((c) => c.op === 'refund' || c.op === 'queryRefund').map((c) => c.refundNo)).toEqual([r.parts[0]?.refundNo, r.parts[0]?.refundNo]);
  });

  it('cash refunds, mixed tenders refunded newest first', async () => {
    const { t } = await setup();
    const saleId = await t.openSale(1000);
    await t.must('sale.tenderCash', { saleId, givenFen: 400 });
    await paidByCode(t, saleId);
    const r = await t.must('refund.request', { saleId, amountFen: 800 });
    expect(r.parts.map((p) => [p.kind, p.amountFen, p.state])).toEqual([
      ['code', 600, 'succeeded'],
      ['cash', 200, 'succeeded'],
    ]);
  });

  it("a refund goes to HQ under the day the money went back, not the sale's day (a closed day's totals stay put)", async () => {
    const { t } = await setup();
    const saleId = await t.openSale(1000);
    await t.must('sale.tenderCash', { saleId, givenFen: 1000 });
    t.clock.advance(3 * 24 * 3600_000);
    await t.must('refund.request', { saleId, amountFen: 300 });
    const sale = t.records.find((r) => r.kind === 'sale');
    const refund = t.records.find((r) => r.kind === 'refund');
    expect(sale?.businessDate).toBe('2026-11-25');
    expect(refund?.businessDate).toBe('2026-11-28');
  });

  it('needs a manager: a cashier alone is refused, with a manager PIN it passes (and a wrong PIN is refused)', async () => {
    const { t } = await setup();
    const saleId = await t.openSale(100);
    await t.must('sale.tenderCash', { saleId, givenFen: 100 });
    const cashier = await asCashier(t);
    expect(await t.call('refund.request', { saleId }, cashier)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    expect(await t.call('refund.request', { saleId, authorize: { userId: 'manager', pin: '000000' } }, cashier)).toMatchObject({ ok: false, error: { code: 'PIN_INVALID' } });
    const r = await t.must('refund.request', { saleId, authorize: { userId: 'manager', pin: TEST_MANAGER_PIN } }, cashier);
    expect(r).toMatchObject({ state: 'succeeded', authorizedBy: 'manager' });
  });

  it('an unpaid sale cannot be refunded', async () => {
    const { t } = await setup();
    const saleId = await t.openSale(100);
    expect(await t.call('refund.request', { saleId })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
  });
});

describe('void', () => {
  it('voids an open sale (manager), gives back part payments, cancels an unresolved attempt', async () => {
    const { t, wx } = await setup();
    const plain = await t.openSale(100);
    expect(await t.must('sale.void', { saleId: plain, reason: 'customer left' })).toMatchObject({ status: 'voided', dueFen: 0 });

    const partly = await t.openSale(1000);
    await t.must('sale.tenderCash', { saleId: partly, givenFen: 300 });
    await paidByCode(t, partly, 200);
    wx.queue('pay', { status: 'waiting', code: 'USERPAYING', message: '' });
    wx.defaults.query = { status: 'waiting', code: 'USERPAYING', message: '' };
    const pending = await t.must('payment.start', { saleId: partly, code: codes.wechat() });
    await t.flush();
    const v = await t.must('sale.void', { saleId: partly });
    expect(v.status).toBe('voided');
    await t.advance(20_000);
    expect((await t.must('payment.get', { attemptId: pending.id })).state).toBe('reversed');
    const [refund] = await t.must('refund.list', { saleId: partly });
    expect(refund).toMatchObject({ purpose: 'void', amountFen: 500, state: 'succeeded' });
    expect(await t.call('payment.start', { saleId: partly, code: codes.wechat() })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    // Voided sales reach HQ for the record, with no tenders: they count in no total.
    expect(t.records.map((r) => [r.kind, r.id, r.payload.status, r.payload.tenders])).toEqual([
      ['sale', plain, 'voided', []],
      ['sale', partly, 'voided', []],
    ]);
    expect(t.records[1]?.payload).toMatchObject({ totalFen: 1000, returnedFen: 500 });
  });

  it('a paid sale is refunded, not voided; a cashier needs a manager', async () => {
    const { t } = await setup();
    const saleId = await t.openSale(100);
    await t.must('sale.tenderCash', { saleId, givenFen: 100 });
    expect(await t.call('sale.void', { saleId })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const cashier = await asCashier(t);
    const other = await t.openSale(50);
    expect(await t.call('sale.void', { saleId: other }, cashier)).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
  });
});
