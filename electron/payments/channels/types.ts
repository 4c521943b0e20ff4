/**
 * The one interface every payment gateway adapter implements (ARCHITECTURE.md §4).
 *
 * Contract for the payment engine:
 * - Every method resolves; none throws for gateway or network trouble. Programming errors (bad config) throw
 *   `PosError('VALIDATION' | 'CHANNEL_ERROR', …)` before anything is sent.
 * - `not_sent`: the request provably never left this machine (connection refused, DNS failure, invalid
 *   request refused locally). Safe to treat the attempt as failed.
 * - `unknown`: the request may have reached the gateway (timeout, reset after writing, 5xx, unparsable,
 *   unsigned or wrongly signed answer, answer about another order, or the gateway itself says "unknown").
 *   Never treat as failed: query, and reverse at the deadline. `retryable` says whether querying again
 *   soon is useful (always true today except for configuration errors).
 * - `waiting`: the order exists and the customer has not finished (entering the password, NOTPAY).
 * - `failed`: a definite, terminal "not paid" (or "not done") from a correctly signed answer.
 * - Amounts are integer fen, times are ISO-8601 strings with offset, order numbers are the engine's own
 *   (`orderNo`, persisted before the first request and never reused).
 */
import { type PaymentChannel as WalletChannel } from '../../../shared/payments/channel';

/** Gateway adapters. `jeepay` is an aggregator: it takes any wallet's code (AUTO_BAR). */
export const CHANNEL_IDS = ['wechat', 'alipay', 'unionpay', 'jeepay'] as const;
export type ChannelId = (typeof CHANNEL_IDS)[number];

/**
 * Gateways that never take a refund number twice, even after refusing it for good (Jeepay keeps the failed
 * refund order and answers 商户退款订单号已存在). A refund they refused definitively (nothing moved under the
 * number) goes again under a fresh number; the others take the same number again.
 */
export const SINGLE_USE_REFUND_NUMBERS: ReadonlySet<ChannelId> = new Set<ChannelId>(['jeepay']);

/**
 * Gateways whose reverse works at any age: Jeepay has no reverse call, its adapter's reverse refunds a paid
 * order under the order's own fixed numbers (`<order>RV`…), and finds such a refund already made. Past the
 * reverse window the engine keeps reversing them rather than refunding under a number of its own (which
 * would not see an `RV` refund that landed while its answer was lost).
 */
export const REVERSE_AT_ANY_AGE: ReadonlySet<ChannelId> = new Set<ChannelId>(['jeepay']);

export type PayRequest = {
  orderNo: string;
  /** Normalised payment code from `classifyPaymentCode`: digits, as a string. */
  authCode: string;
  amountFen: number;
  /** Goods description shown on the customer's bill (WeChat `body`, Alipay `subject`). */
  subject: string;
  /** Which wallet the classifier saw; aggregators may use it, direct channels ignore it. */
  wallet?: WalletChannel;
  storeId?: string;
  terminalId?: string;
  operatorId?: string;
  clientIp?: string;
};
export type OrderRef = { orderNo: string };
export type RefundRequest = {
  orderNo: string;
  /** Unique per refund; retrying a refund must reuse the same number (channels refund it once). */
  refundNo: string;
  /** The original order's amount (WeChat needs it). */
  totalFen: number;
  refundFen: number;
  reason?: string;
};
export type RefundRef = { orderNo: string; refundNo: string };

// ---- outcomes -------------------------------------------------------------------------------------------

export type NotSent = { status: 'not_sent'; reason: string };
export type Unknown = { status: 'unknown'; reason: string; retryable: boolean; code?: string };
/**
 * `unverified`: the refusal rests on an answer nobody signed (Jeepay never signs its errors): the engine
 * takes it, and asks again once the code has expired whether the order was charged after all.
 */
export type Failed = { status: 'failed'; code: string; message: string; unverified?: true };
export type Waiting = { status: 'waiting'; code: string; message: string };
export type Paid = {
  status: 'paid';
  /** The gateway's transaction id (WeChat transaction_id, Alipay trade_no, …). */
  transactionId: string;
  paidFen: number;
  paidAt: string;
  /** Query only: the paid order has since been (partly) refunded or reversed-by-refund. */
  refunded?: boolean;
};

export type PayOutcome = Paid | Waiting | Failed | Unknown | NotSent;
/** `not_found`: the gateway has no order with this number (the pay request never arrived or is still in flight). */
export type QueryOutcome = Paid | Waiting | Failed | { status: 'not_found' } | Unknown | NotSent;
export type ReverseOutcome =
  /**
   * `close`: an unpaid order is closed for good; `refund`: a paid one was refunded; `none`: nothing existed
   * (the order number should now be dead; the engine asks once more later, reversal.ts `lateCheck`);
   * `unspecified`: done, the gateway does not say which (WeChat).
   */
  | { status: 'reversed'; action: 'close' | 'refund' | 'none' | 'unspecified' }
  /** Call reverse again (WeChat recall=Y, Alipay retry_flag=Y, a refund still in progress). */
  | { status: 'retry'; reason: string }
  | Failed
  | Unknown
  | NotSent;
export type RefundOutcome =
  /** Accepted by the gateway; poll `queryRefund` for the money movement. */
  | { status: 'accepted'; refundId: string; refundFen: number }
  | { status: 'succeeded'; refundId: string; refundFen: number; refundedAt?: string }
  | Failed
  | Unknown
  | NotSent;
export type RefundQueryOutcome =
  | { status: 'succeeded'; refundId: string; refundFen: number; refundedAt?: string }
  | { status: 'processing' }
  | Failed
  | { status: 'not_found' }
  | Unknown
  | NotSent;

export type BillRow = {
  kind: 'payment' | 'refund' | 'reversal';
  orderNo: string;
  transactionId: string;
  refundNo?: string;
  /** Always positive: the money moved by this row. */
  amountFen: number;
  /** Channel's own status word (SUCCESS, REVOKED, 交易, 退款, …). */
  status: string;
  time: string;
  /**
   * The terminal the order was taken on, as the till sent it with the payment (WeChat 设备号 device_info,
   * Alipay 终端号 terminal_id, UnionPay termId); absent when the bill has none for the row.
   */
  terminalId?: string;
  /** A refund the channel had accepted but not finished when the bill was made (WeChat 退款状态 PROCESSING). */
  processing?: true;
};
/** A detail line of a bill that could not be read as a row: kept and counted, never silently dropped. */
export type BillRowRejection = {
  /** 1-based line number in the bill's detail file. */
  line: number;
  reason: string;
  /** The line as received (cut to 200 characters). */
  text: string;
};
/** Why a downloaded bill file cannot be read at all. */
export type BillProblemCode =
  | 'NOT_ZIP' // the download is not a ZIP archive (an error page, plain text, …)
  | 'CORRUPT_ZIP' // a ZIP that cannot be read: truncated, bad CRC, unsupported compression, encrypted
  | 'TOO_LARGE' // an entry or the archive is larger than any daily bill should be
  | 'NO_DETAIL_FILE' // the archive has no trade-detail CSV
  | 'AMBIGUOUS_DETAIL_FILE' // more than one file looks like the trade detail
  | 'NOT_A_BILL' // the detail file has no bill header, or misses a needed column
  | 'COUNT_MISMATCH'; // the file's own totals line counts other than the rows found in it
export type BillOutcome =
  /** `rejected`: detail lines that are not valid rows (adapters that check rows per line fill it). */
  | { status: 'ok'; date: string; rows: BillRow[]; raw: string; rejected?: BillRowRejection[] }
  /** No bill for that day (none yet, or no transactions). */
  | { status: 'no_bill'; message: string }
  /** The bill was downloaded but its file is broken: a typed reason, nothing half-read. */
  | { status: 'bad_bill'; code: BillProblemCode; message: string }
  | Failed
  | Unknown
  | NotSent;

/** Bad or missing signatures are security events: the engine/audit log wants to know, not just the outcome. */
export type SecurityEvent = {
  channel: ChannelId;
  operation: ChannelOperation;
  kind: 'missing_signature' | 'bad_signature' | 'wrong_merchant' | 'wrong_order';
  detail: string;
};
export type ChannelOperation = 'pay' | 'query' | 'reverse' | 'refund' | 'queryRefund' | 'downloadBill';

export type PaymentChannel = {
  readonly id: ChannelId;
  pay(req: PayRequest): Promise<PayOutcome>;
  query(req: OrderRef): Promise<QueryOutcome>;
  /**
   * Cancel/reverse: closes an unpaid order, refunds a paid one. Repeat while it answers `retry`.
   * Timing is the engine's job: WeChat wants ≥15 s after the pay call and within 7 days; Alipay within 24 h.
   */
  reverse(req: OrderRef): Promise<ReverseOutcome>;
  refund(req: RefundRequest): Promise<RefundOutcome>;
  queryRefund(req: RefundRef): Promise<RefundQueryOutcome>;
  /** `date` is `YYYY-MM-DD` (China time). */
  downloadBill(date: string): Promise<BillOutcome>;
};
