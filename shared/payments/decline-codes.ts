/**
 * The channels' codes for a pay request that is refused for good, by what the cashier should do about it.
 * One list: the adapters take exactly these as definite refusals (electron/payments/channels/
 * definite-failures.ts), and the checkout's advice (advice.ts) reads the category. Anything else a channel
 * answers is `unknown` and gets queried (PAYMENTS.md §5).
 */
export type DeclineKind = 'insufficient_funds' | 'code_invalid' | 'merchant_setup' | 'declined';

/** WeChat micropay `err_code` (result_code=FAIL). */
export const WECHAT_DECLINES: Readonly<Record<DeclineKind, readonly string[]>> = {
  insufficient_funds: ['NOTENOUGH'],
  code_invalid: ['AUTHCODEEXPIRE', 'AUTH_CODE_ERROR', 'AUTH_CODE_INVALID'],
  merchant_setup: [
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
  ],
  declined: ['NOTSUPORTCARD', 'ORDERCLOSED', 'ORDERREVERSED', 'BUYER_MISMATCH', 'TRADE_ERROR'],
};

/** Alipay `alipay.trade.pay` code 40004 `sub_code`. */
export const ALIPAY_DECLINES: Readonly<Record<DeclineKind, readonly string[]>> = {
  insufficient_funds: ['ACQ.BUYER_BALANCE_NOT_ENOUGH', 'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH'],
  code_invalid: ['ACQ.PAYMENT_AUTH_CODE_INVALID'],
  merchant_setup: [
    'ACQ.INVALID_PARAMETER',
    'ACQ.ACCESS_FORBIDDEN',
    'ACQ.EXIST_FORBIDDEN_WORD',
    'ACQ.INVALID_STORE_ID',
    'ACQ.MERCHANT_STATUS_NOT_NORMAL',
    'ACQ.SELLER_BEEN_BLOCKED',
    'ACQ.CURRENCY_NOT_SUPPORT',
    'ACQ.AMOUNT_OR_CURRENCY_ERROR',
  ],
  declined: [
    'ACQ.TRADE_HAS_CLOSE',
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
    'ACQ.ERROR_BUYER_CERTIFY_LEVEL_LIMIT',
    'ACQ.PAYMENT_REQUEST_HAS_RISK',
    'ACQ.NO_PAYMENT_INSTRUMENTS_AVAILABLE',
    'ACQ.MOBILE_PAYMENT_SWITCH_OFF',
    'ACQ.PRODUCT_AMOUNT_LIMIT_ERROR',
  ],
};

/** UnionPay (aggregator-style API) `respCode`: request refused, insufficient funds, invalid code. */
export const UNIONPAY_DECLINES: Readonly<Record<DeclineKind, readonly string[]>> = {
  insufficient_funds: ['51'],
  code_invalid: ['54'],
  merchant_setup: [],
  declined: ['01'],
};

const KINDS: readonly DeclineKind[] = ['insufficient_funds', 'code_invalid', 'merchant_setup', 'declined'];
export const allDeclines = (table: Readonly<Record<DeclineKind, readonly string[]>>): ReadonlySet<string> => new Set(KINDS.flatMap((k) => table[k]));

/** A channel code's category (codes of all three channels; they do not overlap). */
const BY_CODE: ReadonlyMap<string, DeclineKind> = new Map(
  [WECHAT_DECLINES, ALIPAY_DECLINES, UNIONPAY_DECLINES].flatMap((table) => KINDS.flatMap((k) => table[k].map((code) => [code, k] as const))),
);
export const declineKind = (code: string): DeclineKind | undefined => BY_CODE.get(code);

/**
 * Channel codes for "the channel failed", not "the customer was refused": a system or bank error, or an
 * unknown outcome. Adapters never fail on them (they query), but an aggregator may: Jeepay records any Alipay
 * answer but success or "paying" as failed (state 3, errCode = the sub_code), 20000 / ACQ.SYSTEM_ERROR
 * included, and never asks again. Such a failure is no proof that nothing was charged (or refunded).
 */
export const UNCLEAR_FAILURE_CODES: ReadonlySet<string> = new Set(['SYSTEMERROR', 'BANKERROR', 'ACQ.SYSTEM_ERROR', '20000', 'isp.unknow-error', 'aop.unknow-error', '96', '98']);
