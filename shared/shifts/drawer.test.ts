import { describe, expect, it } from 'vitest';
import { cashDifferenceFen, expectedCashFen } from './drawer';

describe('drawer arithmetic', () => {
  it('expected = float + cash sales − cash given back + cash in − cash out; difference = counted − expected', () => {
    const expected = expectedCashFen({ openingFloatFen: 20_000, cashSalesFen: 1_850, cashRefundsFen: 300, cashInFen: 5_000, cashOutFen: 10_000 });
    expect(expected).toBe(16_550);
    expect(cashDifferenceFen(16_500, expected)).toBe(-50);
    expect(cashDifferenceFen(16_600, expected)).toBe(50);
    expect(cashDifferenceFen(expected, expected)).toBe(0);
  });
});
