import { describe, it, expect } from 'vitest';
import { alipaySignContent, loadAlipayPrivateKey, loadAlipayPublicKey, rawJsonMember, rsa2Sign, rsa2Verify, AlipayKeyError } from './sign';
import { sharedKeys } from '../../../sandbox/testing';

describe('rawJsonMember', () => {
  it('returns the exact text of a top-level member', () => {
    const inner = '{"code":"10000","msg":"Success","total_amount":"0.01","x":[1,{"a":"}"}]}';
    expect(rawJsonMember(`{"alipay_trade_pay_response":${inner},"sign":"abc"}`, 'alipay_trade_pay_response')).toBe(inner);
    expect(rawJsonMember(`{ "sign" : "abc" , "alipay_trade_pay_response" :  ${inner} }`, 'alipay_trade_pay_response')).toBe(inner);
  });

  it('is not fooled by the key or braces inside strings', () => {
    const text = '{"note":"\\"alipay_trade_pay_response\\":{\\"code\\":\\"10000\\"}","alipay_trade_pay_response":{"code":"40004","s":"\\\\"},"sign":"x"}';
    expect(rawJsonMember(text, 'alipay_trade_pay_response')).toBe('{"code":"40004","s":"\\\\"}');
    expect(rawJsonMember('{"a_response":{"msg":"{{{"}}', 'a_response')).toBe('{"msg":"{{{"}');
  });

  it.each(['', '[]', 'x{"a":1}', '{"a":', '{"a":{"b":1', '{"a" 1}', '{"b":1}', '{"b":1,,"a":2}', '{"b":"unterminated'])('absent or malformed: %j', (text) => {
    expect(rawJsonMember(text, 'a')).toBeUndefined();
  });
});

describe('RSA2 signing', () => {
  const keys = sharedKeys().alipay;

  it('sign content: sorted, unencoded, sign and empty values excluded', () => {
    expect(alipaySignContent({ method: 'm', app_id: '1', sign: 'x', biz_content: '{"a":"b c&d"}', empty: '', none: undefined })).toBe(
      'app_id=1&biz_content={"a":"b c&d"}&method=m',
    );
  });

  it('signs and verifies; PEM and bare base64 keys both load', () => {
    const priv = loadAlipayPrivateKey(keys.appPrivateKey);
    const pub = loadAlipayPublicKey(keys.appPublicKey);
    const sig = rsa2Sign('hello', priv);
    expect(rsa2Verify('hello', sig, pub)).toBe(true);
    expect(rsa2Verify('hellO', sig, pub)).toBe(false);
    expect(rsa2Verify('hello', 'not base64!!', pub)).toBe(false);
    const bare = (pem: string): string => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const sig2 = rsa2Sign('hello', loadAlipayPrivateKey(bare(keys.appPrivateKey)));
    expect(sig2).toBe(sig);
    expect(rsa2Verify('hello', sig, loadAlipayPublicKey(bare(keys.appPublicKey)))).toBe(true);
    expect(() => loadAlipayPrivateKey('garbage')).toThrow(AlipayKeyError);
    expect(() => loadAlipayPublicKey('garbage')).toThrow(AlipayKeyError);
  });

  it('parses each key text once (the KeyObject is reused); an unreadable key is refused every time', () => {
    expect(loadAlipayPrivateKey(keys.appPrivateKey)).toBe(loadAlipayPrivateKey(keys.appPrivateKey));
    expect(loadAlipayPublicKey(keys.appPublicKey)).toBe(loadAlipayPublicKey(keys.appPublicKey));
    expect(loadAlipayPublicKey(keys.alipayPublicKey)).not.toBe(loadAlipayPublicKey(keys.appPublicKey));
    for (let i = 0; i < 2; i++) expect(() => loadAlipayPrivateKey('garbage')).toThrow(AlipayKeyError);
  });
});
