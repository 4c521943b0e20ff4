import { describe, expect, it } from 'vitest';
import { formatFen, parseYuanInput } from './format';

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
  });
  it('formats with the full-width yen sign', () => {
    expect(formatFen(123456)).toBe('￥1234.56');
    expect(formatFen(5)).toBe('￥0.05');
  });
});
