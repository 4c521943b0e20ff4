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

  it('refuses a member present twice (a parser would keep the second, unsigned one) and text after the object', () => {
    expect(rawJsonMember('{"a":{"x":1},"a":{"x":2},"sign":"s"}', 'a')).toBeUndefined();
    expect(rawJsonMember('{"a":{"x":1},"sign":"s"}{"a":{"x":2}}', 'a')).toBeUndefined();
    expect(rawJsonMember('{"b":1,"a":{"x":1},"sign":"s"}', 'a')).toBe('{"x":1}');
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

describe("the string to sign: Alipay's documented example (open platform 签名, alipay.mobile.public.menu.add)", () => {
  // The request parameters of the documentation's example, and the string it says is signed: every
  // parameter except `sign`, empty ones dropped, keys in ASCII order, `key=value` joined by `&`, values raw.
  const biz = '{"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"},{"name":"查询","subButton":[{"actionParam":"ZFB_YECX","actionType":"out","name":"余额查询"},{"actionParam":"ZFB_LLCX","actionType":"out","name":"流量查询"},{"actionParam":"ZFB_HFCX","actionType":"out","name":"话费查询"}]},{"actionParam":"http://m.alipay.com","actionType":"link","name":"最新优惠"}]}';
  const params = { app_id: '2014072300007148', method: 'alipay.mobile.public.menu.add', charset: 'GBK', sign_type: 'RSA2', timestamp: '2014-07-24 03:07:50', biz_content: biz, version: '1.0' };
  const documented = `app_id=2014072300007148&biz_content=${biz}&charset=GBK&method=alipay.mobile.public.menu.add&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0`;

  it('is built exactly as documented (sign and empty values left out)', () => {
    expect(alipaySignContent(params)).toBe(documented);
    expect(alipaySignContent({ ...params, sign: 'xxx', notify_url: '', app_auth_token: undefined })).toBe(documented);
  });

  it('signs with SHA256withRSA and verifies with the matching public key only', () => {
    const keys = sharedKeys().alipay;
    const sig = rsa2Sign(documented, loadAlipayPrivateKey(keys.appPrivateKey));
    expect(rsa2Verify(documented, sig, loadAlipayPublicKey(keys.appPublicKey))).toBe(true);
    expect(rsa2Verify(`${documented}x`, sig, loadAlipayPublicKey(keys.appPublicKey))).toBe(false);
    expect(rsa2Verify(documented, sig, loadAlipayPublicKey(keys.alipayPublicKey))).toBe(false);
  });
});
