import { describe, expect, it } from 'vitest';
import { amountInputProblem, formatFen, parseYuanInput } from './format';

describe('cashier money input', () => {
  it('parses what a cashier types into fen without floats', () => {
    expect(parseYuanInput('12')).toBe(1200);
    expect(parseYuanInput('12.5')).toBe(1250);
    expect(parseYuanInput('0.07')).toBe(7);
    expect(parseYuanInput('12.')).toBe(1200);
    expect(parseYuanInput('0.1')).toBe(10);
    expect(parseYuanInput('1.005')).toBeNull();
    expect(parseYuanInput('-1')).toBeNull();
    expect(parseYuanInput('abc')).toBeNull();
    expect(parseYuanInput('')).toBeNull();
    expect(parseYuanInput('.')).toBeNull();
    expect(parseYuanInput('.5')).toBe(50);
    expect(parseYuanInput('１２．５')).toBe(1250); // a Chinese IME's full-width digits
    expect(parseYuanInput('１００')).toBe(10000);
    expect(parseYuanInput('12。5')).toBe(1250); // the period key in Chinese punctuation mode
    expect(parseYuanInput('1e5')).toBeNull();
    expect(parseYuanInput('12,5')).toBeNull();
  });
  it('says when a typed amount cannot be taken (not while the field is empty)', () => {
    expect(amountInputProblem('')).toBeNull();
    expect(amountInputProblem('5.50')).toBeNull();
    for (const bad of ['0', '0.00', '-1', '12.345', '1e5', 'abc']) expect(amountInputProblem(bad), bad).toBe('format');
  });
  it('formats with the full-width yen sign', () => {
    expect(formatFen(123456)).toBe('￥1234.56');
    expect(formatFen(5)).toBe('￥0.05');
  });
});
