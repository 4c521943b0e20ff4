import { describe, it, expect } from 'vitest';
import { buildWechatBill, parseWechatBill, type WechatBillEntry } from './bill';
import { verifyWechatSign, wechatSign, wechatSignString } from './sign';
import { buildWechatXml, parseWechatXml, WechatXmlError } from './xml';

// The worked example of WeChat Pay's security spec (安全规范), checked against the published values.
const EXAMPLE = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
const EXAMPLE_KEY = '192006250b4c09247ec02edce69f6a2d';

describe('WeChat v2 signature', () => {
  it('matches the official worked example (MD5 and HMAC-SHA256)', () => {
    expect(wechatSignString(EXAMPLE, EXAMPLE_KEY)).toBe(
      'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d',
    );
    expect(wechatSign(EXAMPLE, EXAMPLE_KEY, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(wechatSign(EXAMPLE, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
  });

  it('skips empty values and sign, signs sign_type', () => {
    const withNoise = { ...EXAMPLE, sign: 'X', attach: '', extra: undefined };
    expect(wechatSign(withNoise, EXAMPLE_KEY)).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(wechatSign({ ...EXAMPLE, sign_type: 'MD5' }, EXAMPLE_KEY)).not.toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
  });

  it('verifies: valid, missing, invalid, lower-case hex accepted', () => {
    const sign = wechatSign(EXAMPLE, EXAMPLE_KEY, 'HMAC-SHA256');
    expect(verifyWechatSign({ ...EXAMPLE, sign }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('valid');
    expect(verifyWechatSign({ ...EXAMPLE, sign: sign.toLowerCase() }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('valid');
    expect(verifyWechatSign({ ...EXAMPLE }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('missing');
    expect(verifyWechatSign({ ...EXAMPLE, sign: '' }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('missing');
    expect(verifyWechatSign({ ...EXAMPLE, sign }, EXAMPLE_KEY, 'MD5')).toBe('invalid');
    expect(verifyWechatSign({ ...EXAMPLE, body: 'tampered', sign }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('invalid');
    expect(verifyWechatSign({ ...EXAMPLE, sign: 'short' }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('invalid');
    // An answer cannot downgrade the algorithm by announcing another sign_type.
    const md5 = wechatSign({ ...EXAMPLE, sign_type: 'MD5' }, EXAMPLE_KEY, 'MD5');
    expect(verifyWechatSign({ ...EXAMPLE, sign_type: 'MD5', sign: md5 }, EXAMPLE_KEY, 'HMAC-SHA256')).toBe('invalid');
  });
});

describe('WeChat XML', () => {
  it('round-trips, with CDATA, unicode and "]]>" inside values', () => {
    const fields = { return_code: 'SUCCESS', body: '咖啡 <大杯> & "糖"', attach: 'a]]>b', total_fee: '1' };
    const xml = buildWechatXml(fields);
    expect(xml.startsWith('<xml><return_code><![CDATA[SUCCESS]]></return_code>')).toBe(true);
    expect(parseWechatXml(xml)).toEqual(fields);
  });

  it('parses plain text values, entities, self-closing and an XML declaration', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <total_fee>101</total_fee>\n  <a>x &amp; y &lt;z&gt; &#20013;&#x6587;</a><empty/>\n</xml>\n';
    expect(parseWechatXml(xml)).toEqual({ total_fee: '101', a: 'x & y <z> 中文', empty: '' });
  });

  it.each([
    ['DOCTYPE / XXE', '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>'],
    ['entity declaration', '<xml><!ENTITY a "b"><a>1</a></xml>'],
    ['unknown entity', '<xml><a>&xxe;</a></xml>'],
    ['bare ampersand', '<xml><a>a & b</a></xml>'],
    ['truncated', '<xml><return_code><![CDATA[SUCC'],
    ['unterminated field', '<xml><a>1</xml>'],
    ['nested element', '<xml><a><b>1</b></a></xml>'],
    ['attributes', '<xml><a x="1">1</a></xml>'],
    ['wrong root', '<root><a>1</a></root>'],
    ['trailing garbage', '<xml><a>1</a></xml>junk'],
    ['text outside fields', '<xml>oops<a>1</a></xml>'],
    ['duplicate field', '<xml><a>1</a><a>2</a></xml>'],
    ['duplicate field, the second one empty', '<xml><a>1</a><a/></xml>'],
    ['duplicate field, the first one empty', '<xml><a/><a>1</a></xml>'],
    ['empty', ''],
    ['json', '{"return_code":"SUCCESS"}'],
    ['html error page', '<html><body>502</body></html>'],
    ['huge char ref', '<xml><a>&#99999999;</a></xml>'],
  ])('rejects %s', (_name, xml) => {
    expect(() => parseWechatXml(xml)).toThrow(WechatXmlError);
  });

  it('refuses invalid field names when building', () => {
    expect(() => buildWechatXml({ 'a b': '1' })).toThrow(WechatXmlError);
  });
});

describe('WeChat bill', () => {
  const entry = (over: Partial<WechatBillEntry> = {}): WechatBillEntry => ({
    time: '2026-11-25 10:00:00', appId: 'wx1', mchId: '1900000109', transactionId: '4200000001', orderNo: 'O1', openId: 'o', state: 'SUCCESS', orderFen: 1000, subject: 'x', ...over,
  });

  it('writes backtick fields with a summary and reads them back', () => {
    const text = buildWechatBill([
      { time: '2026-11-24 10:00:00', appId: 'wx1', mchId: 'm1', transactionId: '4200000001', orderNo: 'A1', openId: 'o', state: 'SUCCESS', orderFen: 1234, subject: 'x,y' },
      { time: '2026-11-24 11:00:00', appId: 'wx1', mchId: 'm1', transactionId: '4200000001', orderNo: 'A1', openId: 'o', state: 'REFUND', orderFen: 1234, refundNo: 'R1', refundId: 'r', refundFen: 200, subject: 'x' },
      { time: '2026-11-24 12:00:00', appId: 'wx1', mchId: 'm1', transactionId: '4200000002', orderNo: 'A2', openId: 'o', state: 'REVOKED', orderFen: 500, subject: 'x' },
    ]);
    const lines = text.trim().split('\r\n');
    expect(lines[1]?.startsWith('`2026-11-24 10:00:00,`wx1,`m1')).toBe(true);
    expect(lines.at(-2)?.startsWith('总交易单数')).toBe(true);
    expect(lines.at(-1)).toMatch(/^`3,`12\.34,`2\.00,/);
    expect(parseWechatBill(text)).toEqual({
      rows: [
        { kind: 'payment', orderNo: 'A1', transactionId: '4200000001', amountFen: 1234, status: 'SUCCESS', time: '2026-11-24 10:00:00' },
        { kind: 'refund', orderNo: 'A1', transactionId: '4200000001', amountFen: 200, status: 'REFUND', time: '2026-11-24 11:00:00', refundNo: 'R1' },
        { kind: 'reversal', orderNo: 'A2', transactionId: '4200000002', amountFen: 500, status: 'REVOKED', time: '2026-11-24 12:00:00' },
      ],
      rejected: [],
      declaredCount: 3,
      afterSummary: 0,
    });
  });

  it('lines after the summary (a line appended, the file twice) are rejected one by one, the rest read and counted', () => {
    const bill = buildWechatBill([entry(), entry({ orderNo: 'O2', transactionId: '4200000002', orderFen: 1999 })]);
    const appended = buildWechatBill([entry({ orderNo: 'X', transactionId: '4200000009', orderFen: 5000 })]).split('\r\n')[1] ?? '';
    const one = parseWechatBill(`${bill}${appended}\r\n`);
    expect([one.rows.map((r) => r.orderNo), one.declaredCount, one.afterSummary]).toEqual([['O1', 'O2'], 2, 1]);
    expect(one.rejected).toEqual([{ line: 6, reason: "after the bill's summary", text: appended.slice(0, 200) }]);
    const twice = parseWechatBill(bill + bill);
    expect([twice.rows.length, twice.afterSummary, twice.rejected.length]).toEqual([2, 5, 5]);
  });

  it('rejects text that is not a bill, or one cut before its summary row', () => {
    expect(() => parseWechatBill('hello')).toThrow();
    expect(() => parseWechatBill('')).toThrow();
    const text = buildWechatBill([entry()]);
    expect(() => parseWechatBill(text.split('\r\n').slice(0, 3).join('\r\n'))).toThrow(/no summary/);
  });

  /** Detail line 1 of a one-payment bill with field `idx` replaced (or removed, for null). */
  const edited = (idx: number, value: string | null, over: Partial<WechatBillEntry> = {}): string => {
    const lines = buildWechatBill([entry(over)]).split('\r\n');
    const f = (lines[1] ?? '').split(',');
    if (value === null) f.splice(idx, 1);
    else f[idx] = `\`${value}`;
    lines[1] = f.join(',');
    return lines.join('\r\n');
  };

  it.each([
    ['an unknown 交易状态', edited(9, 'GARBAGE'), /unknown 交易状态/],
    ['a negative amount', edited(24, '-10.00'), /bad amount/],
    ['an amount in three decimals', edited(24, '10.001'), /bad amount/],
    ['a missing column (a misaligned row)', edited(21, null), /26 fields, the header has 27/],
    ['an order number too long to keep', edited(6, 'O'.repeat(65)), /bad merchant order number/],
    ['a refund stuck at the bank (退款异常)', edited(19, 'CHANGE', { state: 'REFUND', refundNo: 'R1', refundFen: 100 }), /refund not done \(退款状态 "CHANGE"\)/],
    ['a refund closed', edited(19, 'REFUNDCLOSE', { state: 'REFUND', refundNo: 'R1', refundFen: 100 }), /refund not done/],
    ['a refund without its number', edited(15, '', { state: 'REFUND', refundNo: 'R1', refundFen: 100 }), /without a usable refund number/],
    ['an amount beyond any sale', edited(24, '100000000.01'), /bad amount "100000000.01"/],
    ['an amount with a leading zero', edited(24, '007.00'), /bad amount "007.00"/],
  ])('a line with %s is rejected with its reason (line number kept), never read as money', (_name, text, reason) => {
    const parsed = parseWechatBill(text);
    expect(parsed.rows).toEqual([]);
    expect(parsed.rejected).toEqual([{ line: 2, reason: expect.stringMatching(reason), text: expect.any(String) }]);
    expect(parsed.declaredCount).toBe(1);
  });

  it('a refund still in progress when the bill was made (退款状态 PROCESSING, never updated) is a refund row marked so', () => {
    const parsed = parseWechatBill(edited(19, 'PROCESSING', { state: 'REFUND', refundNo: 'R1', refundFen: 100 }));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.rows).toEqual([expect.objectContaining({ kind: 'refund', refundNo: 'R1', amountFen: 100, processing: true })]);
  });
});
