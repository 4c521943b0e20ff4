import { ALIPAY_DECLINES, UNIONPAY_DECLINES, WECHAT_DECLINES, allDeclines } from '../../../shared/payments/decline-codes';

/**
 * The refusals of a pay request that are definite: the channel took no money and never will under that
 * order number, so the attempt may fail and the cashier may ask for another code. Everything else a channel
 * can answer (a new code, a missing code, a code documented as "unknown") is `unknown` and gets queried:
 * guessing "failed" about a charge that went through is how a customer pays twice (PAYMENTS.md §5). The
 * codes, by what the cashier should do about them, are in shared/payments/decline-codes.ts.
 */

/** WeChat micropay `err_code` (result_code=FAIL): the customer's code or account, or a request refused as invalid. */
export const WECHAT_PAY_FAILURES: ReadonlySet<string> = allDeclines(WECHAT_DECLINES);

/** Alipay `alipay.trade.pay` code 40004 `sub_code`s that decline the payment. */
export const ALIPAY_PAY_FAILURES: ReadonlySet<string> = allDeclines(ALIPAY_DECLINES);

/** UnionPay (aggregator-style API) `respCode`s that decline: request refused, insufficient funds, invalid code. */
export const UNIONPAY_PAY_FAILURES: ReadonlySet<string> = allDeclines(UNIONPAY_DECLINES);

/**
 * The refusals of a refund request that are definite: nothing was refunded under that refund number, and
 * sending it again unchanged would be refused again, so the refund part may fail (the manager sees why and
 * may retry). Anything else (SYSTEMERROR, a frequency limit, "order not ready", a code we do not know, an
 * answer with no code at all) is `unknown`: the refund is queried by its number and resent under the same
 * number only if the channel never recorded it. Failing it by guess would free the amount for a second
 * refund under a new number while the first may still go through: a double refund.
 */
export const WECHAT_REFUND_FAILURES: ReadonlySet<string> = new Set([
  // A request refused as invalid (signature, parameters, merchant ids): the same codes as for a payment.
  ...WECHAT_DECLINES.merchant_setup,
  'CERT_ERROR',
  'TRADE_OVERDUE', // over a year old
  'ERROR', // a business error, with its reason (e.g. 订单已全额退款)
  'USER_ACCOUNT_ABNORMAL',
  'INVALID_REQ_TOO_MUCH',
  'NOTENOUGH', // the merchant's balance cannot pay it
  'INVALID_TRANSACTIONID',
  'ORDERNOTEXIST',
  'TRADE_STATE_ERROR',
  'REFUND_FEE_MISMATCH',
]);

/** Alipay `alipay.trade.refund` code 40004 `sub_code`s that refuse the refund. */
export const ALIPAY_REFUND_FAILURES: ReadonlySet<string> = new Set([
  'ACQ.INVALID_PARAMETER',
  'ACQ.SELLER_BALANCE_NOT_ENOUGH',
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
  'ACQ.REASON_TRADE_BEEN_FREEZEN',
  'ACQ.TRADE_NOT_EXIST',
  'ACQ.TRADE_HAS_FINISHED',
  'ACQ.TRADE_STATUS_ERROR',
  'ACQ.DISCORDANT_REPEAT_REQUEST',
  'ACQ.REASON_TRADE_REFUND_FEE_ERR',
  'ACQ.TRADE_NOT_ALLOW_REFUND',
  'ACQ.REFUND_FEE_ERROR',
  'ACQ.BUYER_ERROR',
]);

/**
 * Alipay gateway codes refusing any request before it is processed: missing parameter, invalid parameter
 * or signature, insufficient permissions.
 */
export const ALIPAY_REQUEST_REFUSED: ReadonlySet<string> = new Set(['40001', '40002', '40006']);

/** UnionPay (aggregator-style API) refund `respCode`s: no such order, merchant balance short, more than paid, refused. */
export const UNIONPAY_REFUND_FAILURES: ReadonlySet<string> = new Set(['34', '51', '61', '01']);
