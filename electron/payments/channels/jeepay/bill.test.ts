import { describe, expect, it } from 'vitest';
import { parseJeepayBillRecords } from './adapter';

describe('Jeepay bill records', () => {
  it('reads good records and rejects each bad one with its reason and position', () => {
    const records = [
      { kind: 'payment', mchOrderNo: 'O1', payOrderId: 'P1', amount: 100, state: 'SUCCESS', time: '20261125120000' },
      { kind: 'refund', mchOrderNo: 'O1', payOrderId: 'P1', mchRefundNo: 'R1', amount: 40, state: 'SUCCESS', time: '20261125130000' },
      { kind: 'payment', mchOrderNo: 'O2', payOrderId: 'P2', amount: 100, state: 'FAILED', time: '20261125120000' },
      { kind: 'refund', mchOrderNo: 'O3', payOrderId: 'P3', amount: 40, state: 'SUCCESS', time: '20261125130000' },
      { kind: 'gift', mchOrderNo: 'O4', payOrderId: 'P4', amount: 1, state: 'SUCCESS' },
      { kind: 'payment', mchOrderNo: 'O5', payOrderId: 'P5', amount: 100_000_000_000, state: 'SUCCESS' },
      { kind: 'payment', mchOrderNo: { no: 1 }, payOrderId: 'P6', amount: 1, state: 'SUCCESS' },
      null,
    ];
    const parsed = parseJeepayBillRecords(JSON.stringify(records));
    expect(parsed.rows).toEqual([
      { kind: 'payment', orderNo: 'O1', transactionId: 'P1', amountFen: 100, status: 'SUCCESS', time: '20261125120000' },
      { kind: 'refund', orderNo: 'O1', transactionId: 'P1', refundNo: 'R1', amountFen: 40, status: 'SUCCESS', time: '20261125130000' },
    ]);
    expect(parsed.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'state "FAILED": no money moved'],
      [4, 'refund without a usable refund number'],
      [5, 'unknown kind "gift"'],
      [6, 'amount 100000000000 fen is beyond any sale'],
      [7, 'bad merchant order number'],
      [8, 'unknown kind null'],
    ]);
  });

  it('records that are not a JSON list are not a bill', () => {
    expect(() => parseJeepayBillRecords('{"a":1}')).toThrow(/not a list/);
    expect(() => parseJeepayBillRecords('[')).toThrow();
  });
});
