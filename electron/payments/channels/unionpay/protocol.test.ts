import { describe, it, expect } from 'vitest';
import { parseFlatStringJson, unionpaySign, unionpaySignString, verifyUnionpaySign } from './protocol';
import { createHmac } from 'node:crypto';

describe('UnionPay JSON protocol', () => {
  it('signs sorted non-empty fields with &key= and HMAC-SHA256 hex', () => {
    const fields = { txnAmt: '100', orderId: 'A1', merId: 'M', empty: '', signature: 'ignored' };
    expect(unionpaySignString(fields, 'k')).toBe('merId=M&orderId=A1&txnAmt=100&key=k');
    expect(unionpaySign(fields, 'k')).toBe(createHmac('sha256', 'k').update('merId=M&orderId=A1&txnAmt=100&key=k').digest('hex'));
    const signed = { merId: 'M', orderId: 'A1', signature: unionpaySign({ merId: 'M', orderId: 'A1' }, 'k') };
    expect(verifyUnionpaySign(signed, 'k')).toBe('valid');
    expect(verifyUnionpaySign({ ...signed, orderId: 'A2' }, 'k')).toBe('invalid');
    expect(verifyUnionpaySign({ merId: 'M' }, 'k')).toBe('missing');
  });

  it('accepts only flat all-string JSON objects', () => {
    expect(parseFlatStringJson('{"a":"1"}')).toEqual({ a: '1' });
    for (const bad of ['', '[]', 'null', '{"a":1}', '{"a":{"b":"c"}}', '{"a":"1"', '<xml/>']) expect(parseFlatStringJson(bad)).toBeUndefined();
  });
});
