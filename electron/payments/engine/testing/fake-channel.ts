import {
  type ChannelId, type OrderRef, type PayOutcome, type PayRequest, type PaymentChannel, type QueryOutcome, type RefundOutcome,
  type RefundQueryOutcome, type RefundRef, type RefundRequest, type ReverseOutcome,
} from '../../channels/types';

/**
 * A scriptable in-test channel: each operation answers from its queue (then from its default), and every
 * call is recorded, so a test can assert exactly what reached "the channel" (and that nothing did).
 */
type Op = 'pay' | 'query' | 'reverse' | 'refund' | 'queryRefund';
/** What a scripted answer sees of the request (a refund's amounts included). */
type Req = { orderNo: string; refundNo?: string; totalFen?: number; refundFen?: number };
type Answer<T> = T | ((req: Req) => T | Promise<T>);
type Outcomes = { pay: PayOutcome; query: QueryOutcome; reverse: ReverseOutcome; refund: RefundOutcome; queryRefund: RefundQueryOutcome };

export type FakeChannel = PaymentChannel & {
  calls: { op: Op; orderNo: string; refundNo?: string; amountFen?: number; authCode?: string }[];
  queue<K extends Op>(op: K, ...answers: Answer<Outcomes[K]>[]): void;
  defaults: { [K in Op]: Answer<Outcomes[K]> };
  count(op: Op): number;
};

export const paid = (orderNoOrAmount: number, tx = '4200000000000000000000000001'): PayOutcome & QueryOutcome => ({ status: 'paid', transactionId: tx, paidFen: orderNoOrAmount, paidAt: '2026-11-25T10:00:00+08:00' });

/** A promise you settle from the test: a request "in flight". */
export function deferred<T>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function createFakeChannel(id: ChannelId): FakeChannel {
  const queues: { [K in Op]: Answer<Outcomes[K]>[] } = { pay: [], query: [], reverse: [], refund: [], queryRefund: [] };
  const fake: FakeChannel = {
    id,
    calls: [],
    defaults: {
      pay: () => ({ status: 'unknown', reason: 'no script', retryable: true }),
      query: { status: 'not_found' },
      reverse: { status: 'reversed', action: 'close' },
      refund: { status: 'succeeded', refundId: 'R1', refundFen: 0 },
      queryRefund: { status: 'not_found' },
    },
    queue(op, ...answers) {
      (queues[op] as unknown[]).push(...answers);
    },
    count: (op) => fake.calls.filter((c) => c.op === op).length,
    async pay(req: PayRequest) {
      fake.calls.push({ op: 'pay', orderNo: req.orderNo, amountFen: req.amountFen, authCode: req.authCode });
      return next('pay', req);
    },
    async query(req: OrderRef) {
      fake.calls.push({ op: 'query', orderNo: req.orderNo });
      return next('query', req);
    },
    async reverse(req: OrderRef) {
      fake.calls.push({ op: 'reverse', orderNo: req.orderNo });
      return next('reverse', req);
    },
    async refund(req: RefundRequest) {
      fake.calls.push({ op: 'refund', orderNo: req.orderNo, refundNo: req.refundNo, amountFen: req.refundFen });
      const out = await next('refund', req);
      return out.status === 'succeeded' && out.refundFen === 0 ? { ...out, refundFen: req.refundFen } : out;
    },
    async queryRefund(req: RefundRef) {
      fake.calls.push({ op: 'queryRefund', orderNo: req.orderNo, refundNo: req.refundNo });
      return next('queryRefund', req);
    },
    async downloadBill() {
      return { status: 'no_bill', message: 'fake' };
    },
  };
  async function next<K extends Op>(op: K, req: Req): Promise<Outcomes[K]> {
    const a = (queues[op].shift() ?? fake.defaults[op]) as Answer<Outcomes[K]>;
    return typeof a === 'function' ? await (a as (r: typeof req) => Outcomes[K] | Promise<Outcomes[K]>)(req) : a;
  }
  return fake;
}
