import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type PosApi } from '../../shared/api/client';
import { type AttemptView, type SaleView } from '../../shared/sales/views';

// The app store reads the stored language at import time: a minimal localStorage/document for node.
vi.hoisted(() => {
  const mem = new Map<string, string>();
  vi.stubGlobal('localStorage', { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) });
  vi.stubGlobal('document', { documentElement: { lang: 'zh-CN' } });
});
const { useApp } = await import('./app');
const { addAmountLine, completeFreeSale, newSale, queryPayment, refreshSale, resumeOrNewSale, startCodePayment, useCheckout } = await import('./checkout');

/** Order numbers of one sale: its id's digits, then the attempt's number (order-numbers.ts). */
const orderNo = (n: number): string => `0192f0a1b2c3d4e5f6a7b8c9d0e1f2${n.toString(36).padStart(2, '0')}`;
const attempt = (over: Partial<AttemptView> = {}): AttemptView => ({
  id: 'att1', saleId: 'saleA', orderNo: orderNo(2), wallet: 'wechat', gateway: 'wechat', amountFen: 300, maskedCode: '1345**********6789',
  state: 'pending', phase: 'waiting_password', reason: null, transactionId: null, cancelRequested: false,
  createdAt: '2026-11-26T01:00:00.000Z', updatedAt: '2026-11-26T01:00:00.000Z', ...over,
});
const sale = (over: Partial<SaleView> = {}): SaleView => ({
  id: 'saleA', receiptNo: 'T01-20261126-0001', businessDate: '2026-11-26', terminalId: 'T01', cashierId: 'u1', status: 'open',
  lines: [], tenders: [], subtotalFen: 300, discountFen: 0, totalFen: 300, paidFen: 0, dueFen: 300, refundedFen: 0,
  activeAttempt: null, createdAt: '2026-11-26T01:00:00.000Z', completedAt: null, voidedAt: null, training: false, ...over,
});
const ok = <T>(value: T) => ({ ok: true as const, value });
function deferred<T>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  return { promise: new Promise<T>((r) => (resolve = r)), resolve };
}

/** A host that answers each method from `handlers` (unknown methods: UNKNOWN_METHOD); records the calls. */
function host(handlers: Record<string, (input: unknown) => unknown>): string[] {
  const calls: string[] = [];
  const api: PosApi = {
    call: (async (method: string, input?: unknown) => {
      calls.push(method);
      const h = handlers[method];
      return h ? await h(input) : { ok: false, error: { code: 'UNKNOWN_METHOD', message: method } };
    }) as PosApi['call'],
    on: () => () => undefined,
  };
  useApp.setState({ api });
  return calls;
}
const running = (): boolean => {
  const a = useCheckout.getState().attempt;
  return a !== null && !['succeeded', 'failed', 'reversed'].includes(a.state);
};

beforeEach(() => useCheckout.setState({ sale: null, attempt: null, error: null, busy: false, inFlight: 0, starting: false, codePart: '' }));

describe('checkout store', () => {
  it('a payment that ended while the screen was away is read again, not left "waiting for the password"', async () => {
    host({ 'sale.get': () => ok(sale({ status: 'open' })), 'payment.get': () => ok(attempt({ state: 'failed', phase: 'failed' })) });
    useCheckout.setState({ sale: sale({ status: 'paying' }), attempt: attempt() });
    await refreshSale('saleA');
    expect(useCheckout.getState().attempt).toMatchObject({ state: 'failed' });
    expect(running()).toBe(false);
  });

  it('the link lost while payment.start was out: once back, the attempt the host started (and ended) is shown', async () => {
    // The start's reply never arrives (the transport fails every call in flight), though the host sent it.
    host({ 'payment.start': () => ({ ok: false, error: { code: 'INTERNAL', message: 'connection to the POS host lost' } }) });
    useCheckout.setState({ sale: sale() });
    await startCodePayment('287654321098765432');
    expect(useCheckout.getState().error?.code).toBe('INTERNAL');
    const declined = attempt({ state: 'failed', phase: 'failed', reason: 'ACQ.BUYER_BALANCE_NOT_ENOUGH: 买家余额不足' });
    const calls = host({ 'sale.get': () => ok(sale()), 'payment.listForSale': () => ok([attempt({ id: 'old', orderNo: orderNo(1), createdAt: '2026-11-26T00:59:00.000Z', state: 'failed' }), declined]) });
    await refreshSale('saleA');
    expect(useCheckout.getState().attempt).toMatchObject({ id: 'att1', state: 'failed' });
    expect(useCheckout.getState().error).toBeNull();
    expect(calls).toEqual(['sale.get', 'payment.listForSale']);
    // An ordinary refresh (no lost link) asks nothing more.
    expect(await (async () => (await refreshSale('saleA'), calls.slice(2)))()).toEqual(['sale.get']);
  });

  it('the unanswered start is looked up even after its error left the screen (signed in again, another tab)', async () => {
    const earlier = attempt({ id: 'att0', orderNo: orderNo(1), createdAt: '2026-11-26T00:59:00.000Z', state: 'failed', phase: 'failed', reason: 'ACQ.BUYER_BALANCE_NOT_ENOUGH: 买家余额不足' });
    host({ 'payment.start': () => ({ ok: false, error: { code: 'INTERNAL', message: 'connection to the POS host lost' } }) });
    useCheckout.setState({ sale: sale(), attempt: earlier });
    await startCodePayment('287654321098765432');
    // The checkout mounted again: the "a payment has just ended" effect (for the earlier one) cleared the error.
    useCheckout.getState().setError(null);
    const started = attempt({ id: 'att2', orderNo: orderNo(2), state: 'failed', phase: 'failed', reason: 'ACQ.SYSTEM_ERROR: 系统错误' });
    const calls = host({ 'sale.get': () => ok(sale()), 'payment.listForSale': () => ok([earlier, started]) });
    await refreshSale('saleA');
    expect(useCheckout.getState().attempt?.id).toBe('att2');
    expect(calls).toEqual(['sale.get', 'payment.listForSale']);
    // Looked up once: later refreshes ask nothing more; an answered start sets nothing to look up.
    await refreshSale('saleA');
    expect(calls.slice(2)).toEqual(['sale.get']);
    host({ 'payment.start': () => ({ ok: false, error: { code: 'PAYMENT_PENDING', message: 'x' } }) });
    await startCodePayment('287654321098765433');
    expect(useCheckout.getState().unansweredStart).toBeNull();
  });

  it('a sale with nothing to pay is completed as it is; a refusal is shown and the sale stays', async () => {
    const free = sale({ lines: [{ id: 'l1', seq: 1, kind: 'product', sku: null, name: '赠品', quantity: 1, unitPriceFen: 0, grossFen: 0, discountFen: 0, totalFen: 0 }], subtotalFen: 0, totalFen: 0, dueFen: 0 });
    const calls = host({ 'sale.complete': () => ok({ ...free, status: 'paid', completedAt: '2026-11-26T01:01:00.000Z' }) });
    useCheckout.setState({ sale: free });
    expect(await completeFreeSale()).toBe(true);
    expect(calls).toEqual(['sale.complete']);
    expect(useCheckout.getState().sale?.status).toBe('paid');
    host({ 'sale.complete': () => ({ ok: false, error: { code: 'INVALID_STATE', message: '500 fen is still due' } }) });
    useCheckout.setState({ sale: free });
    expect(await completeFreeSale()).toBe(false);
    expect(useCheckout.getState()).toMatchObject({ sale: { status: 'open' }, error: { code: 'INVALID_STATE' } });
  });

  it('a part amount goes with the next code only, and a wrong one sends nothing', async () => {
    const sent: unknown[] = [];
    host({ 'payment.start': (input) => (sent.push(input), ok(attempt({ amountFen: 120 }))) });
    useCheckout.setState({ sale: sale({ dueFen: 300 }), codePart: '1.2' });
    await startCodePayment('134567890123456789');
    expect(sent).toEqual([{ saleId: 'saleA', code: '134567890123456789', amountFen: 120 }]);
    expect(useCheckout.getState().codePart).toBe('');
    await startCodePayment('134567890123456780');
    expect(sent[1]).toEqual({ saleId: 'saleA', code: '134567890123456780', amountFen: undefined });
    for (const wrong of ['4元', '0', '3.01']) {
      useCheckout.setState({ codePart: wrong, error: null });
      await startCodePayment('134567890123456781');
      expect(useCheckout.getState().error?.code).toBe('AMOUNT_INVALID');
    }
    expect(sent).toHaveLength(2);
    // Another sale on screen: the part amount does not carry over.
    useCheckout.getState().setSale(sale({ id: 'saleB' }));
    expect(useCheckout.getState().codePart).toBe('');
  });

  it('a refused line reports false (what was keyed comes back)', async () => {
    host({ 'sale.addLine': () => ({ ok: false, error: { code: 'AMOUNT_INVALID', message: 'too much' } }) });
    useCheckout.setState({ sale: sale() });
    expect(await addAmountLine(undefined, 100, 1)).toBe(false);
    expect(useCheckout.getState().error?.code).toBe('AMOUNT_INVALID');
  });

  it('late answers about the previous sale never land on the next one', async () => {
    const q = deferred<unknown>();
    const g = deferred<unknown>();
    host({ 'payment.query': () => q.promise, 'sale.get': () => g.promise, 'sale.open': () => ok(sale({ id: 'saleB', receiptNo: 'T01-20261126-0002', totalFen: 0, dueFen: 0, subtotalFen: 0 })) });
    useCheckout.setState({ sale: sale({ status: 'paying' }), attempt: attempt() });
    const query = queryPayment();
    const read = refreshSale('saleA');
    // Meanwhile sale A was paid and the cashier pressed "next customer".
    useCheckout.setState({ sale: sale({ status: 'paid', paidFen: 300, dueFen: 0 }), attempt: attempt({ state: 'succeeded', phase: 'paid' }) });
    await newSale();
    q.resolve(ok(attempt({ state: 'succeeded', phase: 'paid' })));
    g.resolve(ok(sale({ status: 'paid', paidFen: 300, dueFen: 0 })));
    await Promise.all([query, read]);
    expect(useCheckout.getState()).toMatchObject({ sale: { id: 'saleB' }, attempt: null });
  });

  it('an answer about an older attempt never replaces the newer one on screen', async () => {
    host({ 'payment.query': () => ok(attempt({ id: 'old', orderNo: orderNo(1), state: 'failed', phase: 'failed', createdAt: '2026-11-26T00:59:00.000Z' })) });
    useCheckout.setState({ sale: sale({ status: 'paying' }), attempt: attempt({ id: 'old', orderNo: orderNo(1), createdAt: '2026-11-26T00:59:00.000Z' }) });
    const q = queryPayment();
    useCheckout.setState({ attempt: attempt({ id: 'new' }) });
    await q;
    expect(useCheckout.getState().attempt?.id).toBe('new');
  });

  it('which attempt is newer follows the order number, not a wall clock stepped back between the two', async () => {
    // The older attempt was stamped by a clock an hour fast; the newer one after a time sync fixed it.
    const older = attempt({ id: 'old', orderNo: orderNo(1), state: 'failed', phase: 'failed', createdAt: '2026-11-26T02:00:00.000Z' });
    host({ 'payment.start': () => ok(attempt({ id: 'new', orderNo: orderNo(2), state: 'pending', createdAt: '2026-11-26T01:05:00.000Z' })) });
    useCheckout.setState({ sale: sale({ status: 'paying' }), attempt: older });
    await startCodePayment('134567890123456789');
    expect(useCheckout.getState().attempt?.id).toBe('new');
  });

  it('starting without a sale takes up one whose payment is running (a reload mid-payment), else opens a new one', async () => {
    let calls = host({ 'sale.list': () => ok([sale({ id: 'older', status: 'paying', paidFen: 100, createdAt: '2026-11-26T00:00:00.000Z' }), sale({ status: 'paying', activeAttempt: attempt() })]), 'sale.open': () => ok(sale({ id: 'saleB' })) });
    await resumeOrNewSale();
    expect(calls).toEqual(['sale.list']);
    expect(useCheckout.getState()).toMatchObject({ sale: { id: 'saleA' }, attempt: { id: 'att1', phase: 'waiting_password' } });

    useCheckout.setState({ sale: null, attempt: null });
    calls = host({ 'sale.list': () => ok([]), 'sale.open': () => ok(sale({ id: 'saleB' })) });
    await resumeOrNewSale();
    expect(calls).toEqual(['sale.list', 'sale.open']);
    expect(useCheckout.getState().sale?.id).toBe('saleB');
  });
});

describe('one payment start at a time', () => {
  it('pay pressed twice sends one payment.start; the second is told why', async () => {
    const d = deferred<unknown>();
    const calls = host({ 'payment.start': () => d.promise });
    useCheckout.setState({ sale: sale() });
    const first = startCodePayment('134567890123456789');
    await startCodePayment('134567890123456789');
    expect(useCheckout.getState().error?.code).toBe('PAYMENT_PENDING');
    d.resolve(ok(attempt()));
    await first;
    expect(calls.filter((m) => m === 'payment.start')).toHaveLength(1);
  });

  it('stays busy while the start is out, even when another call finishes first', async () => {
    const d = deferred<unknown>();
    host({ 'payment.start': () => d.promise, 'sale.addLine': () => ok(sale({ totalFen: 400, dueFen: 400 })) });
    useCheckout.setState({ sale: sale() });
    const first = startCodePayment('134567890123456789');
    await addAmountLine(undefined, 100, 1);
    expect(useCheckout.getState().busy).toBe(true);
    d.resolve(ok(attempt()));
    await first;
    expect(useCheckout.getState().busy).toBe(false);
  });

  it('a transport failure is shown and frees the buttons', async () => {
    host({ 'payment.start': () => Promise.reject(new Error('ipc failed')) });
    useCheckout.setState({ sale: sale() });
    await startCodePayment('134567890123456789');
    expect(useCheckout.getState()).toMatchObject({ busy: false, starting: false, error: { code: 'INTERNAL', message: expect.stringContaining('ipc failed') } });
  });

  it('a late answer about the last customer keeps the part amount keyed for the next one', async () => {
    const d = deferred<unknown>();
    host({ 'payment.start': () => d.promise, 'sale.open': () => ok(sale({ id: 'saleB' })) });
    useCheckout.setState({ sale: sale() });
    const first = startCodePayment('134567890123456789');
    await newSale();
    useCheckout.getState().setCodePart('1');
    d.resolve(ok(attempt()));
    await first;
    expect(useCheckout.getState().codePart).toBe('1');
  });
});
