import { describe, it, expect } from 'vitest';
import { isFlatData, jeepaySign, jeepaySignString, verifyJeepaySign, type JeepayValue } from './sign';

/**
 * Jeepay's own signing vectors: jeequan/jeepay-skills `tests/signature_vectors.json` (commit 62d2b606), fixed
 * inputs with the full string to sign and the upper-case MD5. Its README says all eight were run through the
 * real backend `JeepayKit.getSign` (jeequan/jeepay d38becc) and the Java SDK 1.6.1 and agree. Every vector
 * adds `version=1.0`, `signType=MD5` and `reqTime` (time_seconds 1700000000.123 in ms) to its params.
 */
const KEY = 'offline-test-key';
const COMMON = { version: '1.0', signType: 'MD5', reqTime: '1700000000123' };
const VECTORS: { name: string; params: Record<string, JeepayValue>; canonical: string; sign: string }[] = [
  {
    name: 'normal',
    params: { mchNo: 'M1621873433953', appId: '60cc09bce4b0f1c0b83761c9', amount: 100 },
    canonical: 'amount=100&appId=60cc09bce4b0f1c0b83761c9&mchNo=M1621873433953&reqTime=1700000000123&signType=MD5&version=1.0&key=offline-test-key',
    sign: 'CE76B1B36C5B683AD2F8FB0FCA95055B',
  },
  { name: 'zero', params: { amount: 0, state: 0 }, canonical: 'amount=0&reqTime=1700000000123&signType=MD5&state=0&version=1.0&key=offline-test-key', sign: '6F5CE7D1150794CB08A853964CDF3723' },
  { name: 'null_empty', params: { amount: 1, absent: null, empty: '' }, canonical: 'amount=1&reqTime=1700000000123&signType=MD5&version=1.0&key=offline-test-key', sign: '7DC985B98166C7A092595BA23A981F50' },
  { name: 'mixed_case', params: { Zebra: 'last', apple: 'first' }, canonical: 'apple=first&reqTime=1700000000123&signType=MD5&version=1.0&Zebra=last&key=offline-test-key', sign: '9C90DE387B013B218B091D5BA0BB76B2' },
  {
    name: 'case_tie_prefix',
    params: { a: 'z', A: 'a', a0: 'prefix' },
    canonical: 'a0=prefix&A=a&a=z&reqTime=1700000000123&signType=MD5&version=1.0&key=offline-test-key',
    sign: 'BA9AF3B13F07EC35495DCC96D8171C56',
  },
  { name: 'false_whitespace', params: { enabled: false, memo: ' ' }, canonical: 'enabled=false&memo= &reqTime=1700000000123&signType=MD5&version=1.0&key=offline-test-key', sign: '15674BFD4022123071E0B1CD1A2A20BF' },
  { name: 'utf8_value', params: { subject: '测试商品', amount: 1 }, canonical: 'amount=1&reqTime=1700000000123&signType=MD5&subject=测试商品&version=1.0&key=offline-test-key', sign: 'F9F6BC7ED815F9B4D129B4C16D28E2C7' },
  { name: 'old_sign', params: { amount: 1, sign: 'OLD_SIGNATURE' }, canonical: 'amount=1&reqTime=1700000000123&signType=MD5&version=1.0&key=offline-test-key', sign: '7DC985B98166C7A092595BA23A981F50' },
];

describe("Jeepay MD5 signature against Jeepay's published vectors", () => {
  it.each(VECTORS)('$name', ({ params, canonical, sign }) => {
    const fields = { ...params, ...COMMON };
    expect(jeepaySignString(fields, KEY)).toBe(canonical);
    expect(jeepaySign(fields, KEY)).toBe(sign);
    const data = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'sign'));
    expect(verifyJeepaySign(data, sign, KEY)).toBe('valid');
    expect(verifyJeepaySign(data, sign, `${KEY}x`)).toBe('invalid');
  });
});

describe('Jeepay MD5 signature (JeepayKit.getSign)', () => {
  it('sorts k=v& pieces case-insensitively, skips null/empty and sign, appends key=', () => {
    const fields = { mchNo: 'M1', amount: 100, appId: 'A', wayCode: 'AUTO_BAR', Zeta: 'z', extParam: '', notify: null, sign: 'x' };
    expect(jeepaySignString(fields, 'K')).toBe('amount=100&appId=A&mchNo=M1&wayCode=AUTO_BAR&Zeta=z&key=K');
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
