import { describe, it, expect } from 'vitest';
import { UNIONPAY_BILL_HEADER, parseFlatStringJson, unionpaySign, unionpaySignString, verifyUnionpaySign } from './protocol';
import { parseUnionpayBill } from './adapter';
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

  it('reads bills with and without the optional termId column; anything else is not a bill', () => {
    const rows = ['O1,Q1,payment,100,SUCCESS,20261125120000,', 'O1,Q1,refund,40,SUCCESS,20261125130000,R1'];
    expect(parseUnionpayBill([UNIONPAY_BILL_HEADER, ...rows].join('\n')).rows.map((r) => r.terminalId)).toEqual([undefined, undefined]);
    const withTerm = [`\uFEFF${UNIONPAY_BILL_HEADER},termId`, `${rows[0]},T02`, `${rows[1]},`].join('\r\n');
    expect(parseUnionpayBill(withTerm)).toEqual({
      rows: [
        { kind: 'payment', orderNo: 'O1', transactionId: 'Q1', amountFen: 100, status: 'SUCCESS', time: '20261125120000', terminalId: 'T02' },
        { kind: 'refund', orderNo: 'O1', transactionId: 'Q1', amountFen: 40, status: 'SUCCESS', time: '20261125130000', refundNo: 'R1' },
      ],
      rejected: [],
    });
    expect(() => parseUnionpayBill(`${UNIONPAY_BILL_HEADER},shop\n${rows[0]}`)).toThrow(/Not a UnionPay bill/);
  });

  it('rejects each bad line with its reason and line number, reading the others', () => {
    const bad = [
      'O2,Q2,gift,100,SUCCESS,20261125120000,', // unknown type
      'O3,Q3,payment,100,FAILED,20261125120000,', // no money moved
      'O4,Q4,payment,100,SUCCESS,20261125120000', // a field short
      'O5,Q5,payment,10000000001,SUCCESS,20261125120000,', // beyond any sale
      'O6,Q6,refund,40,SUCCESS,20261125130000,', // a refund without its number
      'O7,Q7,payment,-5,SUCCESS,20261125120000,',
      'O1,Q1,payment,100,SUCCESS,20261125120000,',
    ];
    const parsed = parseUnionpayBill([UNIONPAY_BILL_HEADER, ...bad].join('\n'));
    expect(parsed.rows.map((r) => r.orderNo)).toEqual(['O1']);
    expect(parsed.rejected.map((r) => [r.line, r.reason])).toEqual([
      [2, 'unknown type "gift"'],
      [3, 'state "FAILED": no money moved'],
      [4, '6 fields, the header has 7'],
      [5, 'amount 10000000001 fen is beyond any sale'],
      [6, 'refund without a usable refund number'],
      [7, 'bad amount "-5"'],
    ]);
  });
});
