import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { isFlatData, jeepaySign, jeepaySignString, verifyJeepaySign } from './sign';

describe('Jeepay MD5 signature (JeepayKit.getSign)', () => {
  it('sorts k=v& pieces case-insensitively, skips null/empty, appends key=', () => {
    const fields = { mchNo: 'M1', amount: 100, appId: 'A', wayCode: 'AUTO_BAR', Zeta: 'z', extParam: '', notify: null, sign: 'x' };
    const expected = 'amount=100&appId=A&extParam=&'.replace('extParam=&', '') + 'mchNo=M1&wayCode=AUTO_BAR&Zeta=z&key=K';
    expect(jeepaySignString(fields, 'K')).toBe(expected);
    expect(jeepaySign(fields, 'K')).toBe(createHash('md5').update(expected).digest('hex').toUpperCase());
  });

  it('verifies data signatures', () => {
    const data = { payOrderId: 'P1', orderState: 2, mchOrderNo: 'A1' };
    expect(verifyJeepaySign(data, jeepaySign(data, 'K'), 'K')).toBe('valid');
    expect(verifyJeepaySign(data, jeepaySign(data, 'K').toLowerCase(), 'K')).toBe('valid');
    expect(verifyJeepaySign({ ...data, orderState: 3 }, jeepaySign(data, 'K'), 'K')).toBe('invalid');
    expect(verifyJeepaySign(data, undefined, 'K')).toBe('missing');
    expect(verifyJeepaySign(data, 42, 'K')).toBe('missing');
  });

  it('only flat data is signable', () => {
    expect(isFlatData({ a: 1, b: 'x', c: null, d: true })).toBe(true);
    expect(isFlatData({ a: { b: 1 } })).toBe(false);
    expect(isFlatData([1])).toBe(false);
    expect(isFlatData(null)).toBe(false);
  });
});
