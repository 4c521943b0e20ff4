/** The sandbox ledger's records (ledger.ts keeps them, ledger-file.ts writes them down). */
import { type Clock } from '../clock';
export const SANDBOX_CHANNELS = ['wechat', 'alipay', 'unionpay', 'jeepay'] as const;
export type SandboxChannel = (typeof SANDBOX_CHANNELS)[number];
export type OrderStatus = 'paying' | 'paid' | 'failed' | 'closed' | 'reversed';

export type LedgerOrder = {
  channel: SandboxChannel;
  orderNo: string;
  authCode: string;
  amountFen: number;
  subject: string;
  transactionId: string;
  status: OrderStatus;
  /** Money was taken from the customer (stays true after a reversal/refund: see refundedFen). */
  charged: boolean;
  refundedFen: number;
  failCode?: 'INSUFFICIENT' | 'EXPIRED' | 'CANCELLED';
  createdAt: number;
  paidAt?: number;
  closedAt?: number;
  /** Request fingerprint, to tell a replay from a different use of the same order number. */
  fingerprint: string;
  /** The terminal id the request carried (device_info, terminal_id, termId): printed on the bill. */
  terminalId?: string;
  /** Password entry in progress ('never': the customer never finishes; a reverse ends it, or the channel closes it unpaid at `until`). */
  pending?: { then: 'pay' | 'cancel' | 'never'; queriesLeft: number; until: number };
  /** How many more reverse/cancel calls answer "call again" (recall=Y, retry_flag=Y) before one acts. */
  reverseRetries?: number;
};

export type LedgerRefund = {
  channel: SandboxChannel;
  orderNo: string;
  refundNo: string;
  refundId: string;
  amountFen: number;
  status: 'success';
  at: number;
  /** Created by a reversal of a paid order rather than by a refund request. */
  byReversal: boolean;
};

export type LedgerReversal = { channel: SandboxChannel; orderNo: string; action: 'close' | 'refund' | 'none'; amountFen: number; at: number };
/** A reverse/cancel answered "not done, call again" (WeChat recall=Y, Alipay retry_flag=Y, UnionPay 99). */
export type LedgerReverseRetry = { channel: SandboxChannel; orderNo: string; at: number };
/** Every authenticated pay request that carried this code, whatever happened to it (refusals and faults too). */
export type LedgerSubmission = { authCode: string; count: number; channels: SandboxChannel[] };

export type PayInput = { channel: SandboxChannel; orderNo: string; authCode: string; amountFen: number; subject: string; fingerprint: string; terminalId?: string };
export type PayResult =
  | { kind: 'paid' | 'paying' | 'system_error'; order: LedgerOrder }
  | { kind: 'declined'; reason: 'INSUFFICIENT' | 'EXPIRED' | 'CODE_USED'; order?: LedgerOrder }
  | { kind: 'duplicate_paid' | 'duplicate_mismatch' | 'duplicate_closed'; order: LedgerOrder };

export type RefundResult =
  | { kind: 'ok'; refund: LedgerRefund; order: LedgerOrder; replay: boolean }
  | { kind: 'error'; reason: 'NOT_FOUND' | 'NOT_PAID' | 'REVERSED' | 'EXCEEDS' | 'MISMATCH' | 'TOTAL_MISMATCH'; order?: LedgerOrder };

export type LedgerOptions = {
  clock: Clock;
  passwordQueries: number;
  passwordDelayMs: number;
  /** Key of the digest a payment code is written down as (ledger-file.ts); a random one per ledger if none. */
  codeDigestKey?: Buffer;
};

/** A refund the gateway refused but keeps on record under its number (Jeepay); `at`: when. */
export type LedgerFailedRefund = { channel: SandboxChannel; orderNo: string; refundNo: string; amountFen: number; reason: string; at: number };

/** Everything the bank remembers, to be kept across restarts (ledger-file.ts): the training till's sandbox. */
export type LedgerState = {
  seq: number;
  orders: LedgerOrder[];
  refunds: LedgerRefund[];
  failedRefunds: LedgerFailedRefund[];
  reversals: LedgerReversal[];
  reverseRetries: LedgerReverseRetry[];
  /** With when each code was last submitted (`at`), so codes that never made an order can be forgotten too. */
  submissions: (LedgerSubmission & { at: number })[];
  /** Payment code → the order number it was first used on (codes are single use). */
  usedCodes: [string, string][];
};

export type LedgerSnapshot = {
  orders: LedgerOrder[];
  refunds: LedgerRefund[];
  reversals: LedgerReversal[];
  reverseRetries: LedgerReverseRetry[];
  /** Pay requests per payment code: a code submitted more than once was sent again by the till. */
  submissions: LedgerSubmission[];
  /** Per channel: money taken, money given back, money still held. */
  totals: Record<SandboxChannel, { chargedFen: number; refundedFen: number; heldFen: number }>;
};

