import { describe, it, expect } from 'vitest';
import { AmountError, fenToYuan, MAX_FEN, tryYuanToFen, yuanToFen } from './amount';

describe('fenToYuan', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [5, '0.05'],
    [10, '0.10'],
    [99, '0.99'],
    [100, '1.00'],
    [1234, '12.34'],
    [100000, '1000.00'],
    [-150, '-1.50'],
    [-1, '-0.01'],
    [MAX_FEN, '100000000.00'],
  ])('%i fen → %s', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });

  it.each([0.5, 12.34, Number.NaN, Infinity, MAX_FEN + 1, 2 ** 53])('rejects %s', (bad) => {
    expect(() => fenToYuan(bad)).toThrow(AmountError);
  });
});

describe('yuanToFen', () => {
  it.each([
    ['0', 0],
    ['0.00', 0],
    ['0.01', 1],
    ['0.1', 10],
    ['12', 1200],
    ['12.3', 1230],
    ['12.34', 1234],
    ['-1.50', -150],
    ['-0.00', 0],
    ['100000000.00', MAX_FEN],
    // values that float arithmetic gets wrong: 0.07 * 100 = 7.000000000000001, 1.13 * 100 = 112.99999999999999
    ['0.07', 7],
    ['1.13', 113],
    ['4.35', 435],
  ])('%s → %i fen', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it.each(['', ' 1.00', '1.00 ', '+1', '1.', '.5', '1.234', '01.00', '1e2', '1,000.00', 'abc', '１.00', '--1', 'NaN', '100000000.01', '99999999999'])(
    'rejects "%s"',
    (bad) => {
      expect(() => yuanToFen(bad)).toThrow(AmountError);
    },
  );

  it('rejects non-strings with a typed error', () => {
    expect(() => yuanToFen(12 as unknown as string)).toThrow(AmountError);
    expect(tryYuanToFen(12)).toBeUndefined();
    expect(tryYuanToFen('x')).toBeUndefined();
    expect(tryYuanToFen('0.07')).toBe(7);
  });

  it('round-trips every fen value in a range', () => {
    for (let fen = -1000; fen <= 100_000; fen += 7) expect(yuanToFen(fenToYuan(fen))).toBe(fen);
  });
});
