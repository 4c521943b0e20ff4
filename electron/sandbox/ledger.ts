/**
 * The sandbox's bank: channel-neutral order, charge, reversal and refund logic, and the ledger that is the
 * ground truth in tests ("every charge belongs to one paid sale or was reversed/refunded").
 * Protocol handlers translate their wire formats to these calls and back.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { cstCompact, cstDate } from '../payments/channels/common';
import { type BusinessScenario } from './scenarios';
import { type LedgerFailedRefund, type LedgerOptions, type LedgerOrder, type LedgerRefund, type LedgerReversal, type LedgerReverseRetry, type LedgerSnapshot, type LedgerState, type LedgerSubmission, type PayInput, type PayResult, type RefundResult, type SandboxChannel } from './ledger-types';

export * from './ledger-types';

/** The prefix of a digested code or fingerprint (ledger-file.ts writes codes down only that way). */
export const DIGEST_PREFIX = 'hmac:';
/** How long an order whose customer never finishes the password stays open before the channel closes it. */
export const UNPAID_CLOSE_AFTER_MS = 2 * 3600_000;

const TX_PREFIX: Record<SandboxChannel, string> = { wechat: '4200', alipay: '', unionpay: '9', jeepay: 'P' };

export function createLedger(opts: LedgerOptions) {
  const orders = new Map<string, LedgerOrder>();
  const refunds = new Map<string, LedgerRefund>();
  const reversals: LedgerReversal[] = [];
  const reverseRetries: LedgerReverseRetry[] = [];
  const submissions = new Map<string, LedgerSubmission>();
  const usedCodes = new Map<string, string>();
  const submittedAt = new Map<string, number>();
  /**
   * How a payment code (or a fingerprint holding one) is written down in the kept ledger: never in full, and
   * keyed (a till's own key, kept outside the file), since a code has few enough digits to try them all
   * against a plain hash. A code read back that way still counts as used, and a fingerprint still matches.
   */
  const digestKey = opts.codeDigestKey ?? randomBytes(32);
  const digest = (s: string): string => `${DIGEST_PREFIX}${createHmac('sha256', digestKey).update(s, 'utf8').digest('hex')}`;
  const sameFingerprint = (kept: string, given: string): boolean => kept === given || (kept.startsWith(DIGEST_PREFIX) && kept === digest(given));
  let seq = 0;
  const key = (channel: SandboxChannel, no: string): string => `${channel}:${no}`;
  // What changed since the last takeChanges(), so the kept file grows by a line per change (ledger-file.ts).
  const changed = { orders: new Set<string>(), refunds: new Set<string>(), failedRefunds: new Set<string>(), submissions: new Set<string>(), usedCodes: new Set<string>() };
  let reversalsTaken = 0;
  let reverseRetriesTaken = 0;
  let seqTaken = 0;
  const touched = (o: LedgerOrder): void => void changed.orders.add(key(o.channel, o.orderNo));

  function nextId(channel: SandboxChannel, now: number): string {
    seq++;
    const base = cstCompact(now).slice(0, 8);
    if (channel === 'wechat') return `${TX_PREFIX.wechat}${base}${String(seq).padStart(16, '0')}`; // 28 digits
    if (channel === 'alipay') return `${base}22${String(seq).padStart(18, '0')}`; // 28 digits
    if (channel === 'unionpay') return `${TX_PREFIX.unionpay}${base}${String(seq).padStart(12, '0')}`; // 21 digits
    return `${TX_PREFIX.jeepay}${base}${String(seq).padStart(10, '0')}`;
  }

  function markPaid(order: LedgerOrder, at: number): void {
    touched(order);
    order.status = 'paid';
    order.charged = true;
    order.paidAt = at;
    delete order.pending;
  }

  /**
   * Advance password entry: each query counts; the clock counts too. A customer done by time alone was done
   * when the time ran out, not when someone next looked (the charge time in bills and the ledger).
   */
  function settle(order: LedgerOrder, countQuery: boolean): void {
    const p = order.pending;
    if (!p || order.status !== 'paying') return;
    if (p.then === 'never') {
      // Left unpaid, the channel closes it by itself once its time is up, as real ones do (a till that was off
      // past the reverse window then finds it closed); a reverse ends it sooner.
      if (opts.clock.now() < p.until) return;
      touched(order);
      order.status = 'closed';
      order.closedAt = p.until;
      delete order.pending;
      return;
    }
    touched(order);
    if (countQuery) p.queriesLeft--;
    const now = opts.clock.now();
    if (p.queriesLeft > 0 && now < p.until) return;
    const at = Math.min(now, p.until);
    if (p.then === 'pay') markPaid(order, at);
    else {
      order.status = 'failed';
      order.failCode = 'CANCELLED';
      order.closedAt = at;
      delete order.pending;
    }
  }

  /** Every password entry whose time is up ends before the ledger is read: what was charged is charged. */
  const settleAll = (): void => {
    for (const o of orders.values()) settle(o, false);
  };

  function pay(input: PayInput, scenario: BusinessScenario): PayResult {
    const existing = orders.get(key(input.channel, input.orderNo));
    if (existing) {
      settle(existing, false);
      if (!sameFingerprint(existing.fingerprint, input.fingerprint)) return { kind: 'duplicate_mismatch', order: existing };
      if (existing.status === 'paid') return { kind: 'duplicate_paid', order: existing };
      if (existing.status === 'paying') return { kind: 'paying', order: existing };
      return { kind: 'duplicate_closed', order: existing };
    }
    const now = opts.clock.now();
    if (scenario === 'duplicate_unpaid') {
      // The number belongs to another, earlier order that was never paid: refused before the code is read.
      const earlier: LedgerOrder = {
        channel: input.channel, orderNo: input.orderNo, authCode: '', amountFen: input.amountFen, subject: 'an earlier order with this number',
        transactionId: nextId(input.channel, now), status: 'closed', charged: false, refundedFen: 0, createdAt: now, closedAt: now, fingerprint: 'earlier order',
      };
      orders.set(key(input.channel, input.orderNo), earlier);
      touched(earlier);
      return { kind: 'duplicate_mismatch', order: earlier };
    }
    // Payment codes are single use, even when the payment failed.
    if (usedCodes.has(input.authCode) || usedCodes.has(digest(input.authCode))) return { kind: 'declined', reason: 'CODE_USED' };
    usedCodes.set(input.authCode, input.orderNo);
    changed.usedCodes.add(input.authCode);
    const order: LedgerOrder = {
      ...input,
      transactionId: nextId(input.channel, now),
      status: 'paying',
      charged: false,
      refundedFen: 0,
      createdAt: now,
    };
    orders.set(key(input.channel, input.orderNo), order);
    touched(order);
    switch (scenario) {
      case 'password':
      case 'password_cancel':
        order.pending = { then: scenario === 'password' ? 'pay' : 'cancel', queriesLeft: opts.passwordQueries, until: now + opts.passwordDelayMs };
        return { kind: 'paying', order };
      case 'reverse_retry':
        order.pending = { then: 'never', queriesLeft: 0, until: now + UNPAID_CLOSE_AFTER_MS };
        order.reverseRetries = 1;
        return { kind: 'paying', order };
      case 'insufficient':
      case 'expired':
        order.status = 'failed';
        order.failCode = scenario === 'insufficient' ? 'INSUFFICIENT' : 'EXPIRED';
        order.closedAt = now;
        return { kind: 'declined', reason: order.failCode, order };
      case 'system_error':
        markPaid(order, now);
        return { kind: 'system_error', order };
      case 'duplicate':
        // An earlier request of this same payment (same number, code and amount) was charged; its answer
        // never arrived, and this is the request again.
        markPaid(order, now);
        return { kind: 'duplicate_paid', order };
      case 'success':
        markPaid(order, now);
        return { kind: 'paid', order };
    }
  }

  /** Counts a pay request carrying `authCode` (called for every authenticated pay request, before anything else). */
  function submit(channel: SandboxChannel, authCode: string): void {
    // A ledger read back from its file knows earlier submissions by the code's digest only.
    const k = submissions.has(authCode) || !submissions.has(digest(authCode)) ? authCode : digest(authCode);
    const s = submissions.get(k) ?? { authCode: k, count: 0, channels: [] };
    s.count++;
    if (!s.channels.includes(channel)) s.channels.push(channel);
    submissions.set(k, s);
    submittedAt.set(k, opts.clock.now());
    changed.submissions.add(k);
  }

  /**
   * Should this reverse/cancel answer "not done yet, call again" instead of acting? Yes when forced (the
   * `reverse_retry` scenario on a reverse request) or while the order's own scenario asks for it.
   */
  function reverseRetry(channel: SandboxChannel, orderNo: string, forced: boolean): boolean {
    const order = orders.get(key(channel, orderNo));
    if (!forced) {
      if (!order?.reverseRetries || order.status === 'reversed') return false;
      order.reverseRetries--;
      touched(order);
    }
    reverseRetries.push({ channel, orderNo, at: opts.clock.now() });
    return true;
  }

  /** A status query: counts towards the customer finishing password entry. */
  function query(channel: SandboxChannel, orderNo: string): LedgerOrder | undefined {
    const order = orders.get(key(channel, orderNo));
    if (order) settle(order, true);
    return order;
  }

  /** The order as of now (time-based progress only), without counting as a query. */
  function current(channel: SandboxChannel, orderNo: string): LedgerOrder | undefined {
    const order = orders.get(key(channel, orderNo));
    if (order) settle(order, false);
    return order;
  }

  function addRefund(order: LedgerOrder, refundNo: string, amountFen: number, byReversal: boolean): LedgerRefund {
    const now = opts.clock.now();
    const refund: LedgerRefund = { channel: order.channel, orderNo: order.orderNo, refundNo, refundId: `${nextId(order.channel, now)}R`, amountFen, status: 'success', at: now, byReversal };
    // A reversal's refund has a number of the sandbox's own: kept apart, so no merchant number can replace it.
    const refundKey = byReversal ? `${key(order.channel, order.orderNo)}#reversal` : key(order.channel, refundNo);
    refunds.set(refundKey, refund);
    changed.refunds.add(refundKey);
    order.refundedFen += amountFen;
    touched(order);
    return refund;
  }

  /** The reverse/cancel/close that ended this order, if one did (the first: later ones change nothing). */
  const reversalOf = (channel: SandboxChannel, orderNo: string): LedgerReversal | undefined => reversals.find((r) => r.channel === channel && r.orderNo === orderNo);

  /** Reverse/cancel: close an unpaid order, refund a paid one; unknown numbers become dead tombstones. */
  function reverse(channel: SandboxChannel, orderNo: string): { action: 'close' | 'refund' | 'none'; order: LedgerOrder } {
    const now = opts.clock.now();
    let order = orders.get(key(channel, orderNo));
    if (!order) {
      order = { channel, orderNo, authCode: '', amountFen: 0, subject: '', transactionId: '', status: 'reversed', charged: false, refundedFen: 0, createdAt: now, closedAt: now, fingerprint: '' };
      orders.set(key(channel, orderNo), order);
      touched(order);
      reversals.push({ channel, orderNo, action: 'none', amountFen: 0, at: now });
      return { action: 'none', order };
    }
    settle(order, false);
    const previous = reversalOf(channel, orderNo);
    if (order.status === 'reversed') return { action: previous?.action ?? 'close', order };
    let action: 'close' | 'refund';
    let amountFen = 0;
    if (order.status === 'paid') {
      amountFen = order.amountFen - order.refundedFen;
      if (amountFen > 0) addRefund(order, `${orderNo}-REVERSE`, amountFen, true);
      action = 'refund';
    } else action = 'close';
    touched(order);
    order.status = 'reversed';
    order.closedAt = now;
    delete order.pending;
    reversals.push({ channel, orderNo, action, amountFen, at: now });
    return { action, order };
  }

  function refund(channel: SandboxChannel, orderNo: string, refundNo: string, amountFen: number, totalFen?: number): RefundResult {
    const order = orders.get(key(channel, orderNo));
    if (!order) return { kind: 'error', reason: 'NOT_FOUND' };
    const existing = refunds.get(key(channel, refundNo));
    if (existing) {
      if (existing.orderNo !== orderNo || existing.amountFen !== amountFen) return { kind: 'error', reason: 'MISMATCH', order };
      return { kind: 'ok', refund: existing, order, replay: true };
    }
    settle(order, false);
    if (order.status === 'reversed') return { kind: 'error', reason: 'REVERSED', order };
    if (order.status !== 'paid') return { kind: 'error', reason: 'NOT_PAID', order };
    if (totalFen !== undefined && totalFen !== order.amountFen) return { kind: 'error', reason: 'TOTAL_MISMATCH', order };
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0 || amountFen > order.amountFen - order.refundedFen) return { kind: 'error', reason: 'EXCEEDS', order };
    return { kind: 'ok', refund: addRefund(order, refundNo, amountFen, false), order, replay: false };
  }

  const findRefund = (channel: SandboxChannel, refundNo: string): LedgerRefund | undefined => refunds.get(key(channel, refundNo));
  /** Refunds a gateway refused but keeps on record under their number (Jeepay): nothing moved. */
  const failedRefunds = new Map<string, LedgerFailedRefund>();
  function failRefund(channel: SandboxChannel, orderNo: string, refundNo: string, amountFen: number, reason: string): void {
    failedRefunds.set(key(channel, refundNo), { channel, orderNo, refundNo, amountFen, reason, at: opts.clock.now() });
    changed.failedRefunds.add(key(channel, refundNo));
  }
  const findFailedRefund = (channel: SandboxChannel, refundNo: string) => failedRefunds.get(key(channel, refundNo));

  /** Rows for a China-time day, or undefined when that day's bill is not out yet (today or later). */
  function billFor(channel: SandboxChannel, date: string): { orders: LedgerOrder[]; refunds: LedgerRefund[] } | undefined {
    if (date >= cstDate(opts.clock.now())) return undefined;
    settleAll();
    return {
      orders: [...orders.values()].filter((o) => o.channel === channel && o.charged && o.paidAt !== undefined && cstDate(o.paidAt) === date),
      refunds: [...refunds.values()].filter((r) => r.channel === channel && cstDate(r.at) === date),
    };
  }

  function snapshot(): LedgerSnapshot {
    settleAll();
    const totals = {} as LedgerSnapshot['totals'];
    for (const c of ['wechat', 'alipay', 'unionpay', 'jeepay'] as const) totals[c] = { chargedFen: 0, refundedFen: 0, heldFen: 0 };
    for (const o of orders.values()) {
      if (!o.charged) continue;
      const t = totals[o.channel];
      t.chargedFen += o.amountFen;
      t.refundedFen += o.refundedFen;
      t.heldFen += o.amountFen - o.refundedFen;
    }
    return {
      orders: [...orders.values()].map((o) => ({ ...o, ...(o.pending ? { pending: { ...o.pending } } : {}) })),
      refunds: [...refunds.values()].map((r) => ({ ...r })),
      reversals: reversals.map((r) => ({ ...r })),
      reverseRetries: reverseRetries.map((r) => ({ ...r })),
      submissions: [...submissions.values()].map((s) => ({ ...s, channels: [...s.channels] })),
      totals,
    };
  }

  const submissionsWithTimes = (codes: Iterable<string>): LedgerState['submissions'] =>
    [...codes].flatMap((c) => {
      const x = submissions.get(c);
      return x ? [{ ...x, at: submittedAt.get(c) ?? 0 }] : [];
    });

  /** A copy of everything remembered (no time-based progress applied: it is applied again when read). */
  function exportState(): LedgerState {
    return structuredClone({
      seq,
      orders: [...orders.values()],
      refunds: [...refunds.values()],
      failedRefunds: [...failedRefunds.values()],
      reversals,
      reverseRetries,
      submissions: submissionsWithTimes(submissions.keys()),
      usedCodes: [...usedCodes.entries()],
    });
  }

  /** Forgets what changed so far: what exportState() returns now is what the file holds. */
  function changesKept(): void {
    for (const set of Object.values(changed)) set.clear();
    reversalsTaken = reversals.length;
    reverseRetriesTaken = reverseRetries.length;
    seqTaken = seq;
  }

  /** What changed since the last call (or export kept), as a partial state to lay over it; null: nothing. */
  function takeChanges(): LedgerState | null {
    const none = Object.values(changed).every((set) => set.size === 0) && reversals.length === reversalsTaken && reverseRetries.length === reverseRetriesTaken && seq === seqTaken;
    if (none) return null;
    const pick = <T>(map: Map<string, T>, keys: Set<string>): T[] => [...keys].flatMap((k) => (map.has(k) ? [map.get(k) as T] : []));
    const delta: LedgerState = structuredClone({
      seq,
      orders: pick(orders, changed.orders),
      refunds: pick(refunds, changed.refunds),
      failedRefunds: pick(failedRefunds, changed.failedRefunds),
      reversals: reversals.slice(reversalsTaken),
      reverseRetries: reverseRetries.slice(reverseRetriesTaken),
      submissions: submissionsWithTimes(changed.submissions),
      usedCodes: [...changed.usedCodes].map((c): [string, string] => [c, usedCodes.get(c) ?? '']),
    });
    changesKept();
    return delta;
  }

  /** Lays `state` (from exportState, or takeChanges over it, checked by the caller) over what is remembered. */
  function applyState(state: LedgerState): void {
    const s = structuredClone(state);
    seq = Math.max(seq, s.seq);
    for (const o of s.orders) orders.set(key(o.channel, o.orderNo), o);
    for (const r of s.refunds) refunds.set(r.byReversal ? `${key(r.channel, r.orderNo)}#reversal` : key(r.channel, r.refundNo), r);
    for (const f of s.failedRefunds) failedRefunds.set(key(f.channel, f.refundNo), f);
    reversals.push(...s.reversals);
    reverseRetries.push(...s.reverseRetries);
    for (const { at, ...x } of s.submissions) {
      submissions.set(x.authCode, x);
      submittedAt.set(x.authCode, at);
    }
    for (const [code, orderNo] of s.usedCodes) usedCodes.set(code, orderNo);
    changesKept();
  }

  /** Replaces everything remembered by `state`. */
  function importState(state: LedgerState): void {
    reset();
    applyState(state);
  }

  function reset(): void {
    orders.clear();
    refunds.clear();
    failedRefunds.clear();
    reversals.length = 0;
    reverseRetries.length = 0;
    submissions.clear();
    submittedAt.clear();
    usedCodes.clear();
    changesKept();
  }

  return { pay, submit, reverseRetry, query, current, reverse, reversalOf, refund, findRefund, failRefund, findFailedRefund, billFor, snapshot, exportState, importState, applyState, takeChanges, reset, digest, order: (c: SandboxChannel, no: string) => orders.get(key(c, no)) };
}

export type Ledger = ReturnType<typeof createLedger>;
