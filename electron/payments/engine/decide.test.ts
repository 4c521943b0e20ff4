import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYMENT_SETTINGS } from '../../../shared/sales/payment-settings';
import { backoff, decidePay, decideQuery, decideRefund, decideRefundQuery, decideReverse } from './decide';

const timing = DEFAULT_PAYMENT_SETTINGS.timings.wechat;
const c = (now: number) => ({ now, sentMs: 0, amountFen: 500, timing });
const paid = (paidFen: number) => ({ status: 'paid' as const, transactionId: 'T', paidFen, paidAt: '' });

describe('decide: pay answers', () => {
  it('maps every outcome without guessing', () => {
    expect(decidePay(paid(500), c(100))).toEqual({ kind: 'succeed', transactionId: 'T' });
    expect(decidePay(paid(499), c(100))).toMatchObject({ kind: 'reverse' });
    expect(decidePay({ status: 'failed', code: 'NOTENOUGH', message: 'x' }, c(100))).toMatchObject({ kind: 'fail' });
    expect(decidePay({ status: 'not_sent', reason: 'ECONNREFUSED' }, c(100))).toMatchObject({ kind: 'fail', reason: expect.stringMatching(/^not sent/) });
    expect(decidePay({ status: 'waiting', code: 'USERPAYING', message: '' }, c(100))).toEqual({ kind: 'wait', phase: 'waiting_password', reason: 'USERPAYING', nextAt: 10_100 });
    expect(decidePay({ status: 'unknown', reason: 'TIMEOUT', retryable: true }, c(100))).toMatchObject({ kind: 'wait', phase: 'querying', nextAt: 5_100 });
  });

  it('queries: unclear until the deadline, then reverse; the next query never lands past the deadline', () => {
    expect(decideQuery({ status: 'not_found' }, c(40_000))).toMatchObject({ kind: 'wait', nextAt: 45_000 });
    expect(decideQuery({ status: 'not_found' }, c(45_000))).toMatchObject({ kind: 'reverse' });
    expect(decideQuery({ status: 'unknown', reason: 'bad sign', retryable: true }, c(46_000))).toMatchObject({ kind: 'reverse' });
    expect(decideQuery({ status: 'waiting', code: 'USERPAYING', message: '' }, c(50_000))).toMatchObject({ kind: 'reverse' });
    expect(decideQuery(paid(500), c(50_000))).toMatchObject({ kind: 'succeed' });
    // Paid but refunded since (outside this till): never the sale's payment; what is left goes back.
    expect(decideQuery({ ...paid(500), refunded: true }, c(100))).toMatchObject({ kind: 'reverse', reason: expect.stringMatching(/since refunded/) });
    expect(decideQuery({ status: 'failed', code: 'CLOSED', message: '' }, c(1))).toMatchObject({ kind: 'fail' });
  });
});

describe('decide: reverse and refund answers', () => {
  it('reverse: done, again (recall=Y), check on refusal, back off when unanswered', () => {
    const r = { now: 0, timing };
    expect(decideReverse({ status: 'reversed', action: 'close' }, r, 1)).toMatchObject({ kind: 'reversed' });
    expect(decideReverse({ status: 'retry', reason: 'recall=Y' }, r, 1)).toEqual({ kind: 'retry', nextAt: timing.reverseRetryMs, reason: 'reverse again: recall=Y' });
    expect(decideReverse({ status: 'failed', code: 'REVERSE_EXPIRE', message: '' }, r, 1)).toMatchObject({ kind: 'check' });
    expect(decideReverse({ status: 'not_sent', reason: 'ECONNREFUSED' }, r, 3)).toMatchObject({ kind: 'retry', nextAt: timing.reverseRetryMs * 4 });
    expect(backoff(r, 50)).toBe(60_000);
  });

  it('recall=Y / retry_flag=Y: again at the channel pace three times, then less and less often (a minute at most)', () => {
    const r = { now: 0, timing };
    const next = (calls: number): number => {
      const d = decideReverse({ status: 'retry', reason: 'recall=Y' }, r, calls);
      return d.kind === 'retry' ? d.nextAt : -1;
    };
    const pace = timing.reverseRetryMs;
    expect([1, 2, 3, 4, 5, 6, 40].map(next)).toEqual([pace, pace, pace, pace * 2, pace * 4, pace * 8, 60_000].map((ms) => Math.min(ms, 60_000)));
  });

  it('a refund in progress is asked about at the query interval, then less often (bank-card refunds take days)', () => {
    const r = { now: 0, timing, expectedFen: 1 };
    const at = (calls: number): number[] => [decideRefund({ status: 'accepted', refundId: 'R', refundFen: 1 }, r, calls), decideRefundQuery({ status: 'processing' }, r, calls)].map((d) => (d.kind === 'poll' ? d.nextAt : -1));
    expect(at(1)).toEqual([timing.queryIntervalMs, timing.queryIntervalMs]);
    expect(at(30)).toEqual([60_000, 60_000]);
  });

  it('refund: accepted is polled, not found is resent with the same number, failure is final', () => {
    const r = { now: 0, timing, expectedFen: 1 };
    expect(decideRefund({ status: 'succeeded', refundId: 'R', refundFen: 1 }, r, 1)).toEqual({ kind: 'done', refundId: 'R' });
    expect(decideRefund({ status: 'accepted', refundId: 'R', refundFen: 1 }, r, 1)).toMatchObject({ kind: 'poll' });
    expect(decideRefund({ status: 'unknown', reason: 'x', retryable: true }, r, 1)).toMatchObject({ kind: 'poll' });
    expect(decideRefund({ status: 'not_sent', reason: 'x' }, r, 1)).toMatchObject({ kind: 'resend' });
    expect(decideRefund({ status: 'failed', code: 'NOTENOUGH', message: '' }, r, 1)).toMatchObject({ kind: 'failed' });
    expect(decideRefundQuery({ status: 'not_found' }, r, 1)).toMatchObject({ kind: 'resend', nextAt: 0 });
    expect(decideRefundQuery({ status: 'processing' }, r, 1)).toMatchObject({ kind: 'poll' });
    // Done for another amount than this refund number asked: never landed, kept open and looked at again.
    const other = { kind: 'poll', reason: expect.stringMatching(/reports 2 fen refunded, 1 fen asked/) };
    expect(decideRefund({ status: 'succeeded', refundId: 'R', refundFen: 2 }, r, 1)).toMatchObject(other);
    expect(decideRefundQuery({ status: 'succeeded', refundId: 'R', refundFen: 2 }, r, 1)).toMatchObject(other);
  });
});
