import { describe, expect, it } from 'vitest';
import { allocateRefund, businessDate, cashTender, divRoundHalfUp, lineAmounts, saleTotals } from './money';

describe('sale money math (integer fen)', () => {
  it('line totals with amount and percentage discounts, rounded half-up to the fen', () => {
    expect(lineAmounts(1999, 3)).toEqual({ grossFen: 5997, discountFen: 0, totalFen: 5997 });
    expect(lineAmounts(1000, 2, { kind: 'amount', fen: 150 })).toEqual({ grossFen: 2000, discountFen: 150, totalFen: 1850 });
    // 12% of 333 = 39.96 → 40; 5% of 10 = 0.5 → 1 (half-up); 5% of 9 = 0.45 → 0
    expect(lineAmounts(333, 1, { kind: 'percent', basisPoints: 1200 }).discountFen).toBe(40);
    expect(lineAmounts(10, 1, { kind: 'percent', basisPoints: 500 }).discountFen).toBe(1);
    expect(lineAmounts(9, 1, { kind: 'percent', basisPoints: 500 }).discountFen).toBe(0);
    expect(lineAmounts(100, 1, { kind: 'percent', basisPoints: 10_000 }).totalFen).toBe(0);
    expect(divRoundHalfUp(5, 2)).toBe(3);
    expect(divRoundHalfUp(4, 3)).toBe(1);
    // Exact at the edge of safe integers too (2n + d would round in a double).
    expect(divRoundHalfUp(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(divRoundHalfUp(Number.MAX_SAFE_INTEGER, 2)).toBe(4503599627370496);
    expect(divRoundHalfUp(Number.MAX_SAFE_INTEGER - 1, 3)).toBe(3002399751580330);
  });

  it('refuses floats, negatives, out-of-range quantities and discounts above the line', () => {
    expect(() => lineAmounts(10.5, 1)).toThrow();
    expect(() => lineAmounts(-1, 1)).toThrow();
    expect(() => lineAmounts(10, 0)).toThrow();
    expect(() => lineAmounts(10, 1.5)).toThrow();
    expect(() => lineAmounts(10, 10_000)).toThrow();
    expect(() => lineAmounts(10, 1, { kind: 'amount', fen: 11 })).toThrow();
    expect(() => lineAmounts(10, 1, { kind: 'percent', basisPoints: 10_001 })).toThrow();
    expect(() => lineAmounts(10_000_000_000, 2)).toThrow();
  });

  it('sale totals add up line by line', () => {
    expect(saleTotals([lineAmounts(1000, 2, { kind: 'amount', fen: 100 }), lineAmounts(250, 1)])).toEqual({ subtotalFen: 2250, discountFen: 100, totalFen: 2150 });
  });

  it('cash: change, part cash, explicit cash amount', () => {
    expect(cashTender(1850, 2000)).toEqual({ amountFen: 1850, changeFen: 150 });
    expect(cashTender(1850, 1000)).toEqual({ amountFen: 1000, changeFen: 0 });
    expect(cashTender(1850, 1000, 500)).toEqual({ amountFen: 500, changeFen: 500 });
    expect(() => cashTender(1850, 400, 500)).toThrow();
    expect(() => cashTender(1850, 5000, 2000)).toThrow();
    expect(() => cashTender(0, 100)).toThrow();
  });

  it('refund allocation: newest tender first, never more than a tender can give back', () => {
    const tenders = [
      { id: 'code', refundableFen: 700 },
      { id: 'cash', refundableFen: 300 },
    ];
    expect(allocateRefund(tenders, 500).map((p) => [p.tender.id, p.amountFen])).toEqual([['code', 500]]);
    expect(allocateRefund(tenders, 900).map((p) => [p.tender.id, p.amountFen])).toEqual([['code', 700], ['cash', 200]]);
    expect(() => allocateRefund(tenders, 1001)).toThrow(/more than what was paid/);
    expect(() => allocateRefund(tenders, 0)).toThrow();
  });

  it('business date is the China day', () => {
    expect(businessDate(Date.UTC(2026, 10, 25, 15, 59))).toBe('2026-11-25');
    expect(businessDate(Date.UTC(2026, 10, 25, 16, 0))).toBe('2026-11-26');
  });
});
