import { describe, it, expect } from 'vitest';
import { classifyPaymentCode, maskPaymentCode, normalisePaymentCode, paymentChannelSchema, type ClassifierOptions } from './code';

const digits = (prefix: string, length: number): string => (prefix + '1234567890'.repeat(4)).slice(0, length);
const allOn: ClassifierOptions = { jdpay: true, qqwallet: true, baidu: true, ecny: true };

describe('classifyPaymentCode: core channels', () => {
  it.each(['10', '11', '12', '13', '14', '15'])('WeChat prefix %s, 18 digits', (p) => {
    expect(classifyPaymentCode(digits(p, 18))).toEqual({ ok: true, channel: 'wechat', code: digits(p, 18) });
  });
  it.each([17, 19, 16, 20])('WeChat prefix with %i digits is unsupported', (len) => {
    expect(classifyPaymentCode(digits('13', len))).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
  });
  it.each(['09', '16'])('prefix %s just outside WeChat range is unsupported at 18 digits', (p) => {
    expect(classifyPaymentCode(digits(p, 18))).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
  });

  it.each(['25', '26', '27', '28', '29', '30'])('Alipay prefix %s', (p) => {
    for (let len = 16; len <= 24; len++) {
      expect(classifyPaymentCode(digits(p, len))).toEqual({ ok: true, channel: 'alipay', code: digits(p, len) });
    }
  });
  it.each([15, 25])('Alipay length %i is unsupported', (len) => {
    expect(classifyPaymentCode(digits('28', len))).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
  });
  it.each(['24', '31'])('prefix %s just outside Alipay range', (p) => {
    expect(classifyPaymentCode(digits(p, 18))).toMatchObject({ ok: false });
    expect(classifyPaymentCode(digits(p, 20))).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
  });

  it('UnionPay 62 + 19 digits', () => {
    expect(classifyPaymentCode(digits('62', 19))).toEqual({ ok: true, channel: 'unionpay', code: digits('62', 19) });
    expect(classifyPaymentCode(digits('62', 18))).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
    expect(classifyPaymentCode(digits('62', 20))).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
  });

  it('keeps codes far beyond 2^53 exact', () => {
    const code = '134567890123456789'; // > Number.MAX_SAFE_INTEGER
    expect(Number(code) > Number.MAX_SAFE_INTEGER).toBe(true);
    expect(classifyPaymentCode(code)).toEqual({ ok: true, channel: 'wechat', code });
    const alipay = '287654321098765432109876';
    expect(classifyPaymentCode(alipay)).toEqual({ ok: true, channel: 'alipay', code: alipay });
  });
});

describe('classifyPaymentCode: normalisation and rejection', () => {
  it.each([
    ['134567890123456789\r\n'],
    ['134567890123456789\r'],
    ['134567890123456789\n'],
    ['  134567890123456789\t '],
    [']C0134567890123456789'],
    [']Q1134567890123456789\r\n'],
    [']E0134567890123456789'],
    [' ]C0134567890123456789 '],
    // Typed with a Chinese input method in full-width mode.
    ['１３４５６７８９０１２３４５６７８９'],
    ['1345６７８９0123456789'],
  ])('normalises %j', (raw) => {
    expect(classifyPaymentCode(raw)).toEqual({ ok: true, channel: 'wechat', code: '134567890123456789' });
  });

  it.each(['', '   ', '\r\n', ']C0', ']Q1\r\n'])('empty %j', (raw) => {
    expect(classifyPaymentCode(raw)).toMatchObject({ ok: false, reason: 'EMPTY' });
  });

  it.each([
    '10abcdefghijklmnop', // passes a prefix+length-only check: must not
    '13456789012345678x',
    '1345678901 2345678',
    '-134567890123456789',
    '１３４５６７８９０１２３４５６７８９Ａ', // full-width digits, then a full-width letter
    '١٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩', // Arabic-Indic digits: not read as digits
    '134567890123456789]C0',
    'https://qr.alipay.com/abc',
    '1.34567890123456789',
    // Two partial scans glued by a line break (a lost suffix): never joined into one code.
    '134567890\r\n123456789',
    '13456789\n0123456789',
  ])('not digits %j', (raw) => {
    expect(classifyPaymentCode(raw)).toMatchObject({ ok: false, reason: 'NOT_DIGITS' });
  });

  it('rejects unknown codes and does not fall back to UnionPay', () => {
    for (const raw of ['6901234567892', '9912345678901234567', '0012345678901234567', '1', digits('50', 18)]) {
      const res = classifyPaymentCode(raw);
      expect(res).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
      if (!res.ok) expect(res.message).toMatch(/Unknown payment code/);
    }
  });

  it('rejects absurdly long input without work', () => {
    expect(classifyPaymentCode('1'.repeat(10_000))).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
  });

  it('never throws on non-string input', () => {
    expect(classifyPaymentCode(123 as unknown as string)).toMatchObject({ ok: false, reason: 'NOT_DIGITS' });
  });

  it('normalisePaymentCode strips only a leading AIM id', () => {
    expect(normalisePaymentCode(']C01234')).toBe('1234');
    expect(normalisePaymentCode('1234]C0')).toBe('1234]C0');
  });
});

describe('classifyPaymentCode: optional channels', () => {
  const cases: [string, ClassifierOptions, string, number, string][] = [
    ['jdpay', { jdpay: true }, '18', 18, 'JD Pay'],
    ['qqwallet', { qqwallet: true }, '91', 18, 'QQ Wallet'],
    ['baidu', { baidu: true }, '31', 18, 'Baidu'],
    ['ecny', { ecny: true }, '01', 19, 'e-CNY'],
  ];
  it.each(cases)('%s is DISABLED by default and accepted when enabled', (channel, opts, prefix, len, name) => {
    const code = digits(prefix, len);
    const off = classifyPaymentCode(code);
    expect(off).toMatchObject({ ok: false, reason: 'DISABLED' });
    if (!off.ok) expect(off.message).toContain(name);
    expect(classifyPaymentCode(code, opts)).toEqual({ ok: true, channel, code });
    expect(classifyPaymentCode(digits(prefix, len - 1), allOn)).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
    expect(classifyPaymentCode(digits(prefix, len + 1), allOn)).toMatchObject({ ok: false, reason: 'UNSUPPORTED' });
  });

  it('62/19 goes to UnionPay unless JD Pay is told to take it', () => {
    const code = digits('62', 19);
    expect(classifyPaymentCode(code, { jdpay: true })).toMatchObject({ channel: 'unionpay' });
    expect(classifyPaymentCode(code, { jdpayTakes62: true })).toMatchObject({ channel: 'unionpay' });
    expect(classifyPaymentCode(code, { jdpay: true, jdpayTakes62: true })).toMatchObject({ ok: true, channel: 'jdpay' });
  });

  it('core channels can be switched off: DISABLED, not UNSUPPORTED', () => {
    expect(classifyPaymentCode(digits('13', 18), { wechat: false })).toMatchObject({ ok: false, reason: 'DISABLED' });
    expect(classifyPaymentCode(digits('28', 18), { alipay: false })).toMatchObject({ ok: false, reason: 'DISABLED' });
    expect(classifyPaymentCode(digits('62', 19), { unionpay: false })).toMatchObject({ ok: false, reason: 'DISABLED' });
  });

  it('optional channels never shadow core ones', () => {
    expect(classifyPaymentCode(digits('13', 18), allOn)).toMatchObject({ channel: 'wechat' });
    expect(classifyPaymentCode(digits('28', 18), allOn)).toMatchObject({ channel: 'alipay' });
    expect(classifyPaymentCode(digits('30', 18), allOn)).toMatchObject({ channel: 'alipay' });
  });
});

describe('maskPaymentCode and schema', () => {
  it('keeps first and last 4', () => {
    expect(maskPaymentCode('134567890123456789')).toBe('1345**********6789');
    expect(maskPaymentCode('123456789')).toBe('1234*6789');
    expect(maskPaymentCode('12345678')).toBe('********');
    expect(maskPaymentCode('')).toBe('');
  });
  it('channel schema', () => {
    expect(paymentChannelSchema.options).toEqual(['wechat', 'alipay', 'unionpay', 'jdpay', 'qqwallet', 'baidu', 'ecny']);
    expect(paymentChannelSchema.safeParse('paypal').success).toBe(false);
  });
});
