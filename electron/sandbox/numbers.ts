/**
 * What the simulated gateways accept as a merchant's numbers, as the real ones do: an order number of 1-32
 * letters, digits, `_` or `-` (the strictest of the four: WeChat's length, UnionPay's characters), a refund
 * number of 1-64 (WeChat's `out_refund_no` characters), a terminal id like an order number. A number outside
 * these is refused as a parameter error before anything is charged; the ledger and its bills (CSV lines)
 * then only ever hold numbers they can write back.
 */
const ORDER_NO = /^[0-9A-Za-z_-]{1,32}$/;
const REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

export const isOrderNo = (v: unknown): v is string => typeof v === 'string' && ORDER_NO.test(v);
export const isRefundNo = (v: unknown): v is string => typeof v === 'string' && REFUND_NO.test(v);
/** Absent, or like an order number. */
export const isTerminalIdOrNone = (v: unknown): boolean => v === undefined || v === '' || (typeof v === 'string' && ORDER_NO.test(v));
