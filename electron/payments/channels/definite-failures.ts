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
