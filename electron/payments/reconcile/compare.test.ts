import { describe, expect, it } from 'vitest';
import { type BillRow } from '../channels/types';
import { type LocalAttempt, type LocalRefund, compareBill } from './compare';

const pay = (orderNo: string, amountFen: number): BillRow => ({ kind: 'payment', orderNo, transactionId: `tx-${orderNo}`, amountFen, status: 'SUCCESS', time: '2026-11-25 12:00:00' });
const refund = (orderNo: string, refundNo: string, amountFen: number): BillRow => ({ kind: 'refund', orderNo, transactionId: `tx-${orderNo}`, refundNo, amountFen, status: 'REFUND', time: '2026-11-25 13:00:00' });
const reversal = (orderNo: string, amountFen: number): BillRow => ({ kind: 'reversal', orderNo, transactionId: `tx-${orderNo}`, amountFen, status: 'REVOKED', time: '2026-11-25 12:01:00' });
const attempt = (orderNo: string, amountFen: number, state = 'succeeded', over: Partial<LocalAttempt> = {}): LocalAttempt => ({ orderNo, state, amountFen, saleId: `sale-${orderNo}`, reverseRefundNo: null, keptOnDay: state === 'succeeded', givenUpLater: false, ...over });
const NONE_ELSEWHERE = { rows: 0, chargedFen: 0, givenBackFen: 0, terminals: [] };
const on = (terminalId: string, row: BillRow): BillRow => ({ ...row, terminalId });
const localRefund = (orderNo: string, refundNo: string, amountFen: number, over: Partial<LocalRefund> = {}): LocalRefund => ({ refundNo, orderNo, amountFen, state: 'succeeded', onDay: true, ...over });

describe('compareBill', () => {
  it('a reversal listed twice (by order, or by its refund number) is a duplicate_row, counted once', () => {
    const given = attempt('C', 300, 'reversed', { keptOnDay: false });
    const twice = compareBill([pay('C', 300), reversal('C', 300), reversal('C', 300)], [], [given], [], 'T01');
    expect([twice.givenBackFen, twice.problems.map((p) => p.kind)]).toEqual([300, ['duplicate_row']]);
    const withNo = { ...reversal('C', 300), refundNo: 'C-REVERSE' };
    const numbered = compareBill([pay('C', 300), withNo, withNo], [], [given], [], 'T01');
    expect([numbered.givenBackFen, numbered.problems.map((p) => p.kind)]).toEqual([300, ['duplicate_row']]);
  });

  it('a bill that matches the till has no problems and sums what moved', () => {
    const r = compareBill(
      [pay('A', 1000), pay('B', 2000), refund('B', 'RB1', 500), pay('C', 300), reversal('C', 300)],
      [],
      [attempt('A', 1000), attempt('B', 2000), attempt('C', 300, 'reversed', { keptOnDay: false })],
      [localRefund('B', 'RB1', 500)],
      'T01',
    );
    expect(r).toEqual({ matchedPayments: 3, matchedRefunds: 1, chargedFen: 3300, givenBackFen: 800, otherTerminals: NONE_ELSEWHERE, problems: [] });
  });

  it('finds money the till knows nothing about, money not given back, and wrong amounts', () => {
    const r = compareBill(
      [pay('A', 1000), pay('X', 700), pay('F', 400), pay('R', 900), refund('A', 'RX', 100), refund('A', 'RA', 250)],
      [],
      [attempt('A', 1200), attempt('F', 400, 'failed', { keptOnDay: false }), attempt('R', 900, 'reversed', { keptOnDay: false })],
      [localRefund('A', 'RA', 200)],
      'T01',
    );
    const kinds = r.problems.map((p) => [p.kind, p.orderNo, p.billFen, p.localFen]);
    expect(kinds).toContainEqual(['amount_mismatch', 'A', 1000, 1200]);
    expect(kinds).toContainEqual(['unknown_order', 'X', 700, null]);
    expect(kinds).toContainEqual(['not_given_back', 'F', 400, 0]);
    expect(kinds).toContainEqual(['not_given_back', 'R', 900, 0]);
    expect(kinds).toContainEqual(['unknown_refund', 'A', 100, null]);
    expect(kinds).toContainEqual(['refund_amount_mismatch', 'A', 250, 200]);
    expect(r.problems).toHaveLength(6);
  });

  it('finds what the till recorded for the day but the bill lacks, and keeps unreadable lines', () => {
    const r = compareBill(
      [pay('A', 1000)],
      [{ line: 7, reason: 'amount is not a number', text: 'garbage' }],
      [attempt('A', 1000), attempt('M', 500), attempt('Y', 800, 'succeeded', { keptOnDay: false })],
      [localRefund('A', 'R1', 100), localRefund('A', 'R2', 50, { onDay: false })],
      'T01',
    );
    expect(r.problems.map((p) => p.kind).sort()).toEqual(['missing_at_channel', 'refund_missing_at_channel', 'unreadable_row']);
    expect(r.problems.find((p) => p.kind === 'missing_at_channel')).toMatchObject({ orderNo: 'M', localFen: 500 });
    expect(r.problems.find((p) => p.kind === 'unreadable_row')?.detail).toContain('line 7');
  });

  it('a charge given back by refund past the reverse window matches its fixed refund number', () => {
    const r = compareBill([pay('L', 600), refund('L', 'REV-L', 600)], [], [attempt('L', 600, 'reversed', { reverseRefundNo: 'REV-L', keptOnDay: false })], [], 'T01');
    expect(r.problems).toEqual([]);
    expect(r.matchedRefunds).toBe(1);
  });

  it('a charge given up after the day ended is not reported kept (its give-back is on the next bill); long details are cut', () => {
    const r = compareBill(
      [pay('N', 700)],
      [{ line: 3, reason: 'x'.repeat(400), text: 'y' }],
      [attempt('N', 700, 'reversed', { keptOnDay: false, givenUpLater: true })],
      [],
      'T01',
    );
    expect(r.problems.map((p) => p.kind)).toEqual(['unreadable_row']);
    expect(r.problems[0]?.detail.length).toBe(300);
  });

  it("another till's rows on a shared merchant account are counted apart, not reported; rows with no terminal are compared", () => {
    const r = compareBill(
      [on('T01', pay('A', 1000)), on('T02', pay('B', 2000)), on('T02', refund('B', 'RB', 500)), on('T03', pay('C', 300)), pay('X', 700), on('T01', refund('A', 'RA', 100))],
      [],
      [attempt('A', 1000)],
      [localRefund('A', 'RA', 100)],
      'T01',
    );
    expect(r.matchedPayments).toBe(1);
    expect(r.matchedRefunds).toBe(1);
    expect(r.chargedFen).toBe(1700);
    expect(r.givenBackFen).toBe(100);
    expect(r.otherTerminals).toEqual({ rows: 3, chargedFen: 2300, givenBackFen: 500, terminals: ['T02', 'T03'] });
    // No terminal id on the row: it may be this till's, so it is still a problem.
    expect(r.problems.map((p) => [p.kind, p.orderNo])).toEqual([['unknown_order', 'X']]);
  });

  it("a row the till knows is compared whatever its terminal id (the till's id was changed since)", () => {
    const r = compareBill([on('OLD-ID', pay('A', 1000)), on('OLD-ID', refund('A', 'RA', 100)), on('T02', pay('B', 500))], [], [attempt('A', 1000)], [localRefund('A', 'RA', 100)], 'T01');
    expect(r).toMatchObject({ matchedPayments: 1, matchedRefunds: 1, chargedFen: 1000, givenBackFen: 100, problems: [] });
    expect(r.otherTerminals).toEqual({ rows: 1, chargedFen: 500, givenBackFen: 0, terminals: ['T02'] });
  });

  it('a row the bill lists twice is reported and counted once', () => {
    const r = compareBill([pay('A', 1000), pay('A', 1000), refund('A', 'RA', 200), refund('A', 'RA', 200)], [], [attempt('A', 1000)], [localRefund('A', 'RA', 200)], 'T01');
    expect(r).toMatchObject({ matchedPayments: 1, matchedRefunds: 1, chargedFen: 1000, givenBackFen: 200 });
    expect(r.problems.map((p) => [p.kind, p.orderNo, p.refundNo])).toEqual([
      ['duplicate_row', 'A', undefined],
      ['duplicate_row', 'A', 'RA'],
    ]);
  });

  it("a refund under one of the attempt's reverse refund numbers (Jeepay's RV) is its reversal: fine if reversed, a problem if paid", () => {
    const rv = { reversalRefundNos: ['RRV', 'RRV2'] };
    const reversed = compareBill([pay('R', 900), refund('R', 'RRV2', 900)], [], [attempt('R', 900, 'reversed', { ...rv, keptOnDay: false })], [], 'T01');
    expect(reversed).toMatchObject({ matchedPayments: 1, matchedRefunds: 0, givenBackFen: 900, problems: [] });
    const paid = compareBill([pay('P', 900), refund('P', 'PRV', 900)], [], [attempt('P', 900, 'succeeded', { reversalRefundNos: ['PRV'] })], [], 'T01');
    expect(paid.problems).toEqual([expect.objectContaining({ kind: 'given_back_unexpectedly', orderNo: 'P', billFen: 900, localFen: 900 })]);
    // Listed twice: one reversal, counted once.
    const twice = compareBill([pay('R', 900), refund('R', 'RRV', 900), refund('R', 'RRV', 900)], [], [attempt('R', 900, 'reversed', { ...rv, keptOnDay: false })], [], 'T01');
    expect([twice.givenBackFen, twice.problems.map((p) => p.kind)]).toEqual([900, ['duplicate_row']]);
    // A number the reverse does not use, or one of another order's, is still unknown.
    const stray = compareBill([pay('R', 900), refund('R', 'RRV3', 900)], [], [attempt('R', 900, 'reversed', { ...rv, keptOnDay: false })], [], 'T01');
    expect(stray.problems.map((p) => [p.kind, p.refundNo])).toEqual([['unknown_refund', 'RRV3']]);
  });

  it('a refund the till counts as failed that the bill shows given back is refund_failed_but_given_back, never matched', () => {
    const r = compareBill([pay('A', 1000), refund('A', 'RA', 400)], [], [attempt('A', 1000)], [localRefund('A', 'RA', 400, { state: 'failed' })], 'T01');
    expect(r.matchedRefunds).toBe(0);
    expect(r.givenBackFen).toBe(400);
    expect(r.problems).toEqual([{ kind: 'refund_failed_but_given_back', orderNo: 'A', refundNo: 'RA', billFen: 400, localFen: 0, detail: 'the till counts this refund of 400 fen as failed; the channel gave it back' }]);
    // Not missing either way: a failed refund is not expected on the bill.
    expect(compareBill([pay('A', 1000)], [], [attempt('A', 1000)], [localRefund('A', 'RA', 400, { state: 'failed' })], 'T01').problems).toEqual([]);
  });

  it('a reversal of an attempt the till counts as paid is reported (the sale shows paid, the money went back)', () => {
    const r = compareBill([pay('A', 1000), reversal('A', 1000)], [], [attempt('A', 1000)], [], 'T01');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'given_back_unexpectedly', orderNo: 'A', billFen: 1000, localFen: 1000 })]);
  });
});

describe('a refund the channel had accepted but not finished when the bill was made (WeChat PROCESSING)', () => {
  const processing = (refundNo: string, orderNo: string, amountFen: number): BillRow => ({ kind: 'refund', orderNo, transactionId: `tx-${orderNo}`, refundNo, amountFen, status: 'REFUND', time: '2026-11-25 13:00:00', processing: true });
  it('is the refund at the channel: never "missing at the channel" when the till has it done', () => {
    const r = compareBill([pay('O1', 1000), processing('RF1', 'O1', 250)], [], [attempt('O1', 1000)], [{ refundNo: 'RF1', orderNo: 'O1', amountFen: 250, state: 'succeeded', onDay: true }], 'T01');
    expect(r.problems).toEqual([]);
  });
  it('one the till counts as failed is said: the channel had accepted it', () => {
    const r = compareBill([pay('O1', 1000), processing('RF1', 'O1', 250)], [], [attempt('O1', 1000)], [{ refundNo: 'RF1', orderNo: 'O1', amountFen: 250, state: 'failed', onDay: true }], 'T01');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'refund_failed_but_given_back', refundNo: 'RF1', detail: expect.stringMatching(/had accepted it \(still in progress when the bill was made\)/) })]);
  });
});
