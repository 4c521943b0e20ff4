import { describe, expect, it } from 'vitest';
import { decidePay, decideReverse } from './decide';
import { isUnclearFailure, paymentAdvice, reasonCode } from '../../../shared/payments/advice';

/** The engine's stored reasons (built by its own decision code) as the checkout's advice reads them. */

const timing = { firstQueryMs: 5_000, queryIntervalMs: 10_000, payDeadlineMs: 45_000, minReverseAfterMs: 15_000, reverseRetryMs: 10_000 };
const ctx = { now: 0, sentMs: 0, amountFen: 100, timing } as Parameters<typeof decidePay>[1];
/** The reason the engine stores for a refusal, built by the engine's own decision code. */
const failedFor = (code: string, message = 'x'): string => {
  const d = decidePay({ status: 'failed', code, message }, ctx);
  if (d.kind !== 'fail') throw new Error('expected a refusal');
  return d.reason;
};
const failed = (reason: string, transactionId: string | null = null) => paymentAdvice({ state: 'failed', phase: 'failed', reason, transactionId });

describe('what the cashier should do next', () => {
  it('reads the channel code at the head of a reason', () => {
    expect(reasonCode('ACQ.BUYER_BALANCE_NOT_ENOUGH: 买家余额不足')).toBe('ACQ.BUYER_BALANCE_NOT_ENOUGH');
    expect(reasonCode('51: Insufficient funds')).toBe('51');
    expect(reasonCode('not sent: ECONNREFUSED: connect')).toBeNull();
    expect(reasonCode(null)).toBeNull();
  });

  it('refusals: another method for no money, a fresh code for a bad one, cash for the merchant side', () => {
    for (const code of ['NOTENOUGH', 'ACQ.BUYER_BALANCE_NOT_ENOUGH', 'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH', '51']) expect(failed(failedFor(code)), code).toBe('insufficient_funds');
    for (const code of ['AUTHCODEEXPIRE', 'AUTH_CODE_INVALID', 'ACQ.PAYMENT_AUTH_CODE_INVALID', '54']) expect(failed(failedFor(code)), code).toBe('code_invalid');
    for (const code of ['SIGNERROR', 'APPID_MCHID_NOT_MATCH', 'ACQ.INVALID_STORE_ID']) expect(failed(failedFor(code)), code).toBe('merchant_setup');
    for (const code of ['ORDERCLOSED', 'ACQ.PAYMENT_REQUEST_HAS_RISK', 'BUYER_MISMATCH', 'SOMETHING_NEW']) expect(failed(failedFor(code)), code).toBe('declined');
    const notSent = decidePay({ status: 'not_sent', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' }, ctx);
    expect(notSent.kind === 'fail' && failed(notSent.reason)).toBe('not_sent');
    expect(failed('cancelled before sending')).toBeNull();
    // A channel's error passed on as a refusal (Jeepay's state 3 with Alipay's 20000 / ACQ.SYSTEM_ERROR, its
    // code alone or with a message): never "nothing charged".
    for (const code of ['ACQ.SYSTEM_ERROR', '20000', 'SYSTEMERROR', 'isp.unknow-error']) {
      expect(failed(failedFor(code)), code).toBe('failed_unclear');
      expect(failed(failedFor(code, '')), code).toBe('failed_unclear');
    }
    expect(isUnclearFailure('ACQ.SYSTEM_ERROR: 系统错误【系统繁忙】')).toBe(true);
    expect(isUnclearFailure('ACQ.TRADE_NOT_EXIST: 交易不存在')).toBe(false);
    expect(isUnclearFailure(null)).toBe(false);
    // A reverse refused, then the order found holding nothing: a charge seen before went back; else unclear.
    const afterCheck = 'paid after the cashier cancelled: giving it back; reverse refused: TRADE_STATE_ERROR: x; the channel holds no payment (REVOKED)';
    expect(failed(afterCheck, '4200000000000777')).toBe('reversed_given_back');
    expect(failed('cancelled by the cashier; reverse refused: x; the channel holds no payment (no such order)')).toBe('reversed_unclear');
    // An order number found at no gateway after a power cut: not the customer's refusal; a late check follows.
    expect(failed('checked after an unclean shutdown: this order number reached no gateway; never used again')).toBe('reversed_nothing_so_far');
  });

  it('a reversal says whether money was taken and given back, taken at all, or cannot tell', () => {
    const reversed = (how: ReturnType<typeof decideReverse>, transactionId: string | null = null) =>
      paymentAdvice({ state: 'reversed', phase: 'reversed', reason: `cancelled by the cashier; ${how.reason}`, transactionId });
    expect(reversed(decideReverse({ status: 'reversed', action: 'close' }, ctx, 1))).toBe('reversed_nothing_taken');
    expect(reversed(decideReverse({ status: 'reversed', action: 'refund' }, ctx, 1))).toBe('reversed_given_back');
    expect(reversed(decideReverse({ status: 'reversed', action: 'unspecified' }, ctx, 1))).toBe('reversed_unclear');
    // A charge the till saw (paid after the cashier cancelled) is given back even when the reverse says "close".
    expect(reversed(decideReverse({ status: 'reversed', action: 'close' }, ctx, 1), '4200001234')).toBe('reversed_given_back');
    expect(paymentAdvice({ state: 'reversed', phase: 'reversed', reason: 'paid, but sale was voided: giving it back; refunded (R1)', transactionId: null })).toBe('reversed_given_back');
    // No order found: its request may still charge (the late check refunds that): never "nothing was charged".
    expect(reversed(decideReverse({ status: 'reversed', action: 'none' }, ctx, 1))).toBe('reversed_nothing_so_far');
    // Refunded by hand outside the till: the rest is for a person, seen charge or not.
    const elsewhere = 'past the reverse window; refund refused (ACQ.REFUND_AMT_NOT_EQUAL_TOTAL: 退款金额超限): the order was refunded outside the till; anything left of it is to be given back at the merchant platform';
    for (const transactionId of [null, '2026112522001400000000000001']) expect(paymentAdvice({ state: 'reversed', phase: 'reversed', reason: elsewhere, transactionId })).toBe('refunded_elsewhere');
  });

  it('while it runs: the password, the check, the give-back; nothing while sending or once paid', () => {
    expect(paymentAdvice({ state: 'pending', phase: 'waiting_password', reason: 'USERPAYING: 需要用户输入支付密码', transactionId: null })).toBe('enter_password');
    expect(paymentAdvice({ state: 'pending', phase: 'querying', reason: 'TIMEOUT: x', transactionId: null })).toBe('checking');
    expect(paymentAdvice({ state: 'reversing', phase: 'refunding', reason: 'x', transactionId: 'T' })).toBe('giving_back');
    expect(paymentAdvice({ state: 'sent', phase: 'sending', reason: null, transactionId: null })).toBeNull();
    expect(paymentAdvice({ state: 'succeeded', phase: 'paid', reason: null, transactionId: 'T' })).toBeNull();
  });
  it("reads only the host's own words at the end of a reason: a gateway's text quoted earlier never passes for them", () => {
    const view = (state: 'failed' | 'reversed', reason: string) => ({ state, phase: state, reason, transactionId: null });
    const quoted = 'still unclear at the deadline (RETURN_FAIL: return_code=FAIL: reversed (refund) refunded (x) reversed (close))';
    expect(paymentAdvice(view('reversed', `${quoted}; reversed (none)`))).toBe('reversed_nothing_so_far');
    expect(paymentAdvice(view('reversed', `${quoted}; reversed (close)`))).toBe('reversed_nothing_taken');
    expect(paymentAdvice(view('reversed', `${quoted}; reversed (refund)`))).toBe('reversed_given_back');
    expect(paymentAdvice(view('reversed', `${quoted}; refunded (50000000012026112500000001)`))).toBe('reversed_given_back');
    expect(paymentAdvice(view('reversed', 'RETURN_FAIL: reversed (refund); refunded outside the till; the channel holds no payment (20000)'))).toBe('reversed_unclear');
    expect(paymentAdvice(view('failed', 'SYSTEMERROR: the order was refunded outside the till; the channel holds no payment (20000) later'))).toBe('failed_unclear');
    expect(paymentAdvice(view('failed', 'ORDERCLOSED: reached no gateway; never used again, says the gateway'))).toBe('declined');
  });
});
