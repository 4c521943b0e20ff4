/**
 * The refusals of a pay request that are definite: the channel took no money and never will under that
 * order number, so the attempt may fail and the cashier may ask for another code. Everything else a channel
 * can answer (a new code, a missing code, a code documented as "unknown") is `unknown` and gets queried:
 * guessing "failed" about a charge that went through is how a customer pays twice (PAYMENTS.md §5).
 */

/** WeChat micropay `err_code` (result_code=FAIL): the customer's code or account, or a request refused as invalid. */
export const WECHAT_PAY_FAILURES: ReadonlySet<string> = new Set([
  'AUTHCODEEXPIRE',
  'AUTH_CODE_ERROR',
  'AUTH_CODE_INVALID',
  'NOTENOUGH',
  'NOTSUPORTCARD',
  'ORDERCLOSED',
  'ORDERREVERSED',
  'BUYER_MISMATCH',
  'TRADE_ERROR',
  'PARAM_ERROR',
  'SIGNERROR',
  'LACK_PARAMS',
  'NOAUTH',
  'APPID_NOT_EXIST',
  'MCHID_NOT_EXIST',
  'APPID_MCHID_NOT_MATCH',
  'XML_FORMAT_ERROR',
  'REQUIRE_POST_METHOD',
  'POST_DATA_EMPTY',
  'NOT_UTF8',
  'INVALID_REQUEST',
]);

/** Alipay `alipay.trade.pay` code 40004 `sub_code`s that decline the payment. */
export const ALIPAY_PAY_FAILURES: ReadonlySet<string> = new Set([
  'ACQ.PAYMENT_AUTH_CODE_INVALID',
  'ACQ.BUYER_BALANCE_NOT_ENOUGH',
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH',
  'ACQ.TRADE_HAS_CLOSE',
  'ACQ.INVALID_PARAMETER',
  'ACQ.ACCESS_FORBIDDEN',
  'ACQ.EXIST_FORBIDDEN_WORD',
  'ACQ.TOTAL_FEE_EXCEED',
  'ACQ.ERROR_BALANCE_PAYMENT_DISABLE',
  'ACQ.BUYER_SELLER_EQUAL',
  'ACQ.TRADE_BUYER_NOT_MATCH',
  'ACQ.BUYER_ENABLE_STATUS_FORBID',
  'ACQ.PAYMENT_FAIL',
  'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR',
  'ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR',
  'ACQ.BEYOND_PAY_RESTRICTION',
  'ACQ.BEYOND_PER_RECEIPT_RESTRICTION',
  'ACQ.SELLER_BEEN_BLOCKED',
  'ACQ.ERROR_BUYER_CERTIFY_LEVEL_LIMIT',
  'ACQ.PAYMENT_REQUEST_HAS_RISK',
  'ACQ.NO_PAYMENT_INSTRUMENTS_AVAILABLE',
  'ACQ.MOBILE_PAYMENT_SWITCH_OFF',
  'ACQ.INVALID_STORE_ID',
  'ACQ.MERCHANT_STATUS_NOT_NORMAL',
  'ACQ.AMOUNT_OR_CURRENCY_ERROR',
  'ACQ.CURRENCY_NOT_SUPPORT',
  'ACQ.PRODUCT_AMOUNT_LIMIT_ERROR',
]);

/** UnionPay (aggregator-style API) `respCode`s that decline: request refused, insufficient funds, invalid code. */
export const UNIONPAY_PAY_FAILURES: ReadonlySet<string> = new Set(['01', '51', '54']);
