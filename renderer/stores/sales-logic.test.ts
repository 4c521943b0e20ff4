import { describe, expect, it } from 'vitest';
import { type RefundView, type SaleView, type TenderView } from '../../shared/sales/views';
import { canRefund, canRetryRefund, canVoid, inOtherMode, checkRefundAmount, defaultRefundText, listedSales, planRefund, refundFailure, refundableFen, tenderRoom, voidGivesBack, voidedMoney } from './sales-logic';
import { fill } from '../i18n/messages-sales';

const T0 = '2026-11-25T02:00:00.000Z';

function tender(id: string, kind: 'cash' | 'code', amountFen: number): TenderView {
  return {
    id,
    kind,
    amountFen,
    givenFen: kind === 'cash' ? amountFen : null,
    changeFen: kind === 'cash' ? 0 : null,
    wallet: kind === 'code' ? 'wechat' : null,
    gateway: kind === 'code' ? 'wechat' : null,
    maskedCode: kind === 'code' ? '1345**********6789' : null,
    transactionId: null,
    attemptId: null,
    refundedFen: 0,
    createdAt: T0,
  };
}

function sale(tenders: TenderView[], over: Partial<SaleView> = {}): SaleView {
  const paid = tenders.reduce((s, t) => s + t.amountFen, 0);
  return {
    id: 'sale1',
    receiptNo: 'T01-20261125-0001',
    businessDate: '2026-11-25',
    terminalId: 'T01',
    cashierId: 'u1',
    status: 'paid',
    lines: [{ id: 'l1', seq: 1, kind: 'amount', sku: null, name: '金额', quantity: 1, unitPriceFen: paid, grossFen: paid, discountFen: 0, totalFen: paid }],
    tenders,
    subtotalFen: paid,
    discountFen: 0,
    totalFen: paid,
    paidFen: paid,
    dueFen: 0,
    refundedFen: 0,
    activeAttempt: null,
    createdAt: T0,
    completedAt: T0,
    voidedAt: null,
    training: false,
    ...over,
  };
}

function refund(id: string, parts: { tenderId: string; amountFen: number; state: 'created' | 'sent' | 'pending' | 'succeeded' | 'failed'; reason?: string; holds?: boolean }[]): RefundView {
  const states = parts.map((p) => p.state);
  return {
    id,
    saleId: 'sale1',
    purpose: 'refund',
    amountFen: parts.reduce((s, p) => s + p.amountFen, 0),
    state: states.includes('failed') ? 'failed' : states.every((s) => s === 'succeeded') ? 'succeeded' : 'pending',
    reason: null,
    authorizedBy: 'm1',
    parts: parts.map((p, i) => ({ id: `${id}-p${i}`, tenderId: p.tenderId, kind: p.tenderId.startsWith('cash') ? 'cash' : 'code', amountFen: p.amountFen, refundNo: null, state: p.state, reason: p.reason ?? null, holdsAmount: p.state !== 'failed' || p.holds === true })),
    createdAt: T0,
  };
}

describe('refundable amount', () => {
  it('is everything paid before any refund, in integer fen', () => {
    expect(refundableFen(sale([tender('cash1', 'cash', 1250)]), [])).toBe(1250);
  });

  it('subtracts refunds given back or on their way, but not failed ones', () => {
    const s = sale([tender('cash1', 'cash', 1000), tender('code1', 'code', 300)], { status: 'partly_refunded' });
    const refunds = [refund('r1', [{ tenderId: 'code1', amountFen: 300, state: 'succeeded' }]), refund('r2', [{ tenderId: 'cash1', amountFen: 200, state: 'pending' }])];
    expect(refundableFen(s, refunds)).toBe(800);
    const failed = [refund('r3', [{ tenderId: 'cash1', amountFen: 500, state: 'failed', reason: 'NOTENOUGH' }])];
    expect(refundableFen(s, failed)).toBe(1300);
  });

  it('keeps out what a part refused without a signature still holds, and plans the rest as the host does', () => {
    // 500 cash then 500 code (Jeepay); a 300 refund of the code was refused unsigned: the host holds it.
    const s = sale([tender('cash1', 'cash', 500), tender('code1', 'code', 500)], { status: 'paid' });
    const held = [refund('r1', [{ tenderId: 'code1', amountFen: 300, state: 'failed', reason: 'UNSIGNED_ERROR', holds: true }])];
    expect(refundableFen(s, held)).toBe(700);
    expect(planRefund(s, held, 400).map((p) => [p.tender.id, p.amountFen])).toEqual([['code1', 200], ['cash1', 200]]);
  });

  it('a sale of the other mode is refunded only back in its own mode', () => {
    const live = sale([tender('cash1', 'cash', 100)], { status: 'paid', training: false });
    const practice = { ...live, training: true };
    expect([inOtherMode(live, 'live'), inOtherMode(live, 'sandbox'), inOtherMode(practice, 'sandbox'), inOtherMode(practice, 'live'), inOtherMode(live, undefined)]).toEqual([false, true, false, true, false]);
  });

  it('is zero for sales that cannot be refunded', () => {
    for (const status of ['open', 'paying', 'voided', 'refunded'] as const) expect(refundableFen(sale([tender('cash1', 'cash', 100)], { status }), [])).toBe(0);
    expect(canRefund(sale([tender('cash1', 'cash', 100)], { completedAt: null }))).toBe(false);
  });

  it('takes the newest tender first, like the host', () => {
    const s = sale([tender('cash1', 'cash', 1000), tender('code1', 'code', 300)]);
    expect(tenderRoom(s, []).map((t) => t.id)).toEqual(['code1', 'cash1']);
    expect(planRefund(s, [], 500).map((p) => [p.tender.id, p.amountFen])).toEqual([
      ['code1', 300],
      ['cash1', 200],
    ]);
    expect(planRefund(s, [], 1301)).toEqual([]);
  });
});

describe('refund amount field', () => {
  it('parses yuan text to integer fen without rounding', () => {
    expect(checkRefundAmount('5', 750)).toEqual({ ok: true, fen: 500 });
    expect(checkRefundAmount(' 5.5 ', 750)).toEqual({ ok: true, fen: 550 });
    expect(checkRefundAmount('7.50', 750)).toEqual({ ok: true, fen: 750 });
    expect(checkRefundAmount('0.07', 750)).toEqual({ ok: true, fen: 7 });
  });

  it('refuses malformed, zero and too large amounts with the reason', () => {
    for (const bad of ['', 'abc', '1.234', '-1', '1e3', '1,00']) expect(checkRefundAmount(bad, 750)).toEqual({ ok: false, problem: 'format' });
    expect(checkRefundAmount('５', 750)).toEqual({ ok: true, fen: 500 }); // full-width, from a Chinese IME
    expect(checkRefundAmount('0', 750)).toEqual({ ok: false, problem: 'zero' });
    expect(checkRefundAmount('0.00', 750)).toEqual({ ok: false, problem: 'zero' });
    expect(checkRefundAmount('7.51', 750)).toEqual({ ok: false, problem: 'exceeds' });
    expect(checkRefundAmount('10', 750)).toEqual({ ok: false, problem: 'exceeds' });
  });

  it('defaults to everything refundable with two decimals', () => {
    expect(defaultRefundText(750)).toBe('7.50');
    expect(defaultRefundText(5)).toBe('0.05');
    expect(defaultRefundText(0)).toBe('');
  });
});

describe('void', () => {
  it('is offered for a sale never completed: open or paying, with something in it', () => {
    const open = sale([], { status: 'open', completedAt: null, paidFen: 0, dueFen: 100 });
    expect(canVoid(open)).toBe(true);
    expect(canVoid(sale([tender('cash1', 'cash', 40)], { status: 'paying', completedAt: null }))).toBe(true);
    expect(canVoid({ ...open, lines: [] })).toBe(false);
    for (const status of ['paid', 'partly_refunded', 'refunded', 'voided'] as const) expect(canVoid(sale([tender('cash1', 'cash', 100)], { status }))).toBe(false);
    expect(canVoid(sale([], { status: 'voided', completedAt: null }))).toBe(false);
  });

  it('says what goes back: cash over the counter, codes back to the customer', () => {
    const partly = sale([tender('cash1', 'cash', 400), tender('code1', 'code', 300)], { status: 'paying', completedAt: null });
    expect(voidGivesBack(partly)).toEqual({ cashFen: 400, codeFen: 300 });
    const voided = sale([{ ...tender('cash1', 'cash', 400), refundedFen: 400 }, { ...tender('code1', 'code', 300), refundedFen: 0 }], { status: 'voided', completedAt: null });
    expect(voidedMoney(voided)).toEqual({ cashBackFen: 400, codeBackFen: 0, codeOnItsWayFen: 300 });
  });
});

describe('refund retry', () => {
  it('is offered for a failed refund only', () => {
    expect(canRetryRefund(refund('r1', [{ tenderId: 'code1', amountFen: 300, state: 'failed', reason: 'NOTENOUGH' }]))).toBe(true);
    expect(canRetryRefund(refund('r2', [{ tenderId: 'code1', amountFen: 300, state: 'pending' }]))).toBe(false);
    expect(canRetryRefund(refund('r3', [{ tenderId: 'cash1', amountFen: 300, state: 'succeeded' }]))).toBe(false);
  });
});

describe('misc', () => {
  it("names a failed refund's reasons", () => {
    expect(refundFailure(refund('r1', [{ tenderId: 'code1', amountFen: 300, state: 'failed', reason: 'NOTENOUGH' }]))).toBe('NOTENOUGH');
    expect(refundFailure(refund('r2', [{ tenderId: 'cash1', amountFen: 300, state: 'succeeded' }]))).toBeNull();
  });

  it('leaves out the empty cart kept open for the next customer', () => {
    const empty = sale([], { id: 'open1', status: 'open', lines: [], completedAt: null });
    const keyed = sale([], { id: 'open2', status: 'open', completedAt: null });
    expect(listedSales([empty, keyed, sale([tender('cash1', 'cash', 1)])]).map((s) => s.id)).toEqual(['open2', 'sale1']);
  });

  it('fills message placeholders', () => {
    expect(fill('退还 {amount}（原单 {receiptNo}）', { amount: '￥5.00', receiptNo: 'T01-1' })).toBe('退还 ￥5.00（原单 T01-1）');
    expect(fill('{x} {y}', { x: '1' })).toBe('1 {y}');
  });
});
