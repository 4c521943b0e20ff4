import { create } from 'zustand';
import { type AttemptView, type SaleView } from '../../shared/sales/views';
import { type ApiError } from '../../shared/api/result';
import { useApp } from './app';
import { parseYuanInput } from '../format';

/**
 * The cashier's current sale and its payment attempt. The host is the source of truth: every action
 * returns the new sale view, and `payment.progress` / `sale.changed` events refresh it.
 */
type CheckoutState = {
  sale: SaleView | null;
  attempt: AttemptView | null;
  error: ApiError | null;
  /** Some call is still out (one or more: `inFlight` counts them). */
  busy: boolean;
  inFlight: number;
  /** A `payment.start` is out: no second one until it is answered. */
  starting: boolean;
  /**
   * What the next code charges when only part of what is due goes on it (the customer's wallet holds less,
   * the rest in cash or another code), as keyed in yuan; empty: all that is due. Typed and scanned codes
   * alike use it.
   */
  codePart: string;
  /**
   * The sale whose last `payment.start` got no answer (the link was lost): the host may have started a
   * payment the screen never heard of, until `refreshSale` has looked. Kept apart from the error on screen,
   * which a sign-in again or another tab clears.
   */
  unansweredStart: string | null;
  setCodePart(text: string): void;
  setSale(sale: SaleView | null): void;
  setAttempt(attempt: AttemptView | null): void;
  setError(error: ApiError | null): void;
  run<T>(fn: () => Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>): Promise<T | null>;
};

export const useCheckout = create<CheckoutState>((set) => ({
  sale: null,
  attempt: null,
  error: null,
  busy: false,
  inFlight: 0,
  starting: false,
  codePart: '',
  unansweredStart: null,
  setCodePart: (codePart) => set({ codePart }),
  // Another sale on screen: a part amount keyed for the previous one does not carry over.
  setSale: (sale) => set((s) => (s.sale?.id === sale?.id ? { sale } : { sale, codePart: '' })),
  setAttempt: (attempt) => set({ attempt }),
  setError: (error) => set({ error }),
  async run(fn) {
    // Busy while any call is out, not just until the first one comes back.
    set((s) => ({ inFlight: s.inFlight + 1, busy: true, error: null }));
    let r: Awaited<ReturnType<typeof fn>>;
    try {
      r = await fn();
    } catch (e) {
      // A transport failure (not a host refusal): said on screen, and the buttons come back.
      r = { ok: false, error: { code: 'INTERNAL', message: `the host could not be reached: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) } };
    } finally {
      set((s) => ({ inFlight: s.inFlight - 1, busy: s.inFlight - 1 > 0 }));
    }
    if (!r.ok) {
      set({ error: r.error });
      return null;
    }
    return r.value;
  },
}));

/** A keyed part amount in fen when it is usable (above 0, at most what is due); null otherwise. */
export function codePartFen(text: string, dueFen: number): number | null {
  const fen = parseYuanInput(text);
  return fen !== null && fen > 0 && fen <= dueFen ? fen : null;
}

const api = () => {
  const a = useApp.getState().api;
  if (!a) throw new Error('no API client');
  return a;
};

/** Replies arrive late (a query waits on the channel): only what is about the sale on screen is applied. */
const isCurrent = (saleId: string): boolean => useCheckout.getState().sale?.id === saleId;
const FINAL_ATTEMPT = new Set(['succeeded', 'failed', 'reversed']);

function applySale(next: SaleView | null): void {
  if (next && isCurrent(next.id)) useCheckout.getState().setSale(next);
}
/**
 * Whether `a` was started before `b`. On one sale the order number says it: the sale's id, then the
 * attempt's number in two fixed-width base-36 digits (electron/payments/engine/order-numbers.ts), so a
 * wall clock stepped back between the two cannot turn them round. Otherwise by time.
 */
export function startedBefore(a: AttemptView, b: AttemptView): boolean {
  if (a.saleId === b.saleId && a.orderNo.length === b.orderNo.length && a.orderNo.slice(0, -2) === b.orderNo.slice(0, -2)) return a.orderNo < b.orderNo;
  return a.createdAt < b.createdAt;
}

function applyAttempt(next: AttemptView | null): void {
  if (!next || !isCurrent(next.saleId)) return;
  const shown = useCheckout.getState().attempt;
  // An older attempt's answer never replaces a newer one on the same sale.
  if (shown && shown.id !== next.id && startedBefore(next, shown)) return;
  useCheckout.getState().setAttempt(next);
}

export async function newSale(): Promise<void> {
  const { run, setSale, setAttempt } = useCheckout.getState();
  const sale = await run(() => api().call('sale.open'));
  if (sale) {
    setSale(sale);
    setAttempt(null);
  }
}

/**
 * The screen starts without a sale (first start, a reload, a new sign-in): a sale of this till that money is
 * moving on (a code payment running, or part already paid) is taken up again rather than left behind while
 * a new one opens; otherwise a new sale.
 */
export async function resumeOrNewSale(): Promise<void> {
  const r = await api().call('sale.list', { status: 'paying', limit: 50 });
  const paying = r.ok ? [...r.value].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)) : [];
  const resume = paying.find((s) => s.activeAttempt !== null) ?? paying[0];
  if (resume && !useCheckout.getState().sale) {
    useCheckout.getState().setSale(resume);
    useCheckout.getState().setAttempt(resume.activeAttempt);
    return;
  }
  if (!useCheckout.getState().sale) await newSale();
}

/** The sale as the host has it now, with its payment: the running one, or the one shown, brought up to date. */
export async function refreshSale(saleId: string): Promise<void> {
  const r = await api().call('sale.get', { saleId });
  if (!r.ok || !isCurrent(saleId)) return;
  useCheckout.getState().setSale(r.value);
  if (r.value.activeAttempt) return applyAttempt(r.value.activeAttempt);
  // No payment running any more: the one on screen ended meanwhile (events missed while away): ask for it.
  const shown = useCheckout.getState().attempt;
  if (shown && shown.saleId === saleId && !FINAL_ATTEMPT.has(shown.state)) {
    const a = await api().call('payment.get', { attemptId: shown.id });
    if (a.ok) applyAttempt(a.value);
    return;
  }
  // The link was lost while a payment.start was out: the host may have started (and ended) a payment the
  // screen never heard of. Its newest attempt is shown, so the cashier learns what became of that code.
  if (useCheckout.getState().unansweredStart !== saleId) return;
  const list = await api().call('payment.listForSale', { saleId });
  if (!list.ok || !isCurrent(saleId)) return;
  useCheckout.setState({ unansweredStart: null });
  const newest = [...list.value].sort((a, b) => (startedBefore(a, b) ? 1 : -1))[0];
  if (!newest || (shown && (shown.id === newest.id || startedBefore(newest, shown)))) return;
  applyAttempt(newest);
  if (useCheckout.getState().error?.code === 'INTERNAL') useCheckout.getState().setError(null);
}

/** Adds a keyed-amount line; false when it was not added (the error is on screen). */
export async function addAmountLine(name: string | undefined, unitPriceFen: number, quantity: number): Promise<boolean> {
  const { sale, run } = useCheckout.getState();
  if (!sale) return false;
  const next = await run(() => api().call('sale.addLine', { saleId: sale.id, kind: 'amount', name, unitPriceFen, quantity }));
  applySale(next);
  return next !== null;
}

export async function removeLine(lineId: string): Promise<void> {
  const { sale, run } = useCheckout.getState();
  if (!sale) return;
  applySale(await run(() => api().call('sale.removeLine', { saleId: sale.id, lineId })));
}

/** False when the host refused it (the reason is shown). */
export async function tenderCash(givenFen: number, amountFen?: number): Promise<boolean> {
  const { sale, run } = useCheckout.getState();
  if (!sale) return false;
  const next = await run(() => api().call('sale.tenderCash', { saleId: sale.id, givenFen, amountFen }));
  applySale(next);
  return next !== null;
}

/** A sale with nothing to pay (its lines cost nothing) is completed as it is; false when refused. */
export async function completeFreeSale(): Promise<boolean> {
  const { sale, run } = useCheckout.getState();
  if (!sale) return false;
  const next = await run(() => api().call('sale.complete', { saleId: sale.id }));
  applySale(next);
  return next !== null;
}

export async function startCodePayment(code: string, amountFen?: number): Promise<void> {
  const { sale, run, codePart, setError, starting } = useCheckout.getState();
  if (!sale) return;
  // Pay pressed twice, or a scan while the first start is still out: one payment.start per payment.
  if (starting) return setError({ code: 'PAYMENT_PENDING', message: 'a payment is already being started: wait for its answer' });
  let part = amountFen;
  if (part === undefined && codePart.trim() !== '') {
    part = codePartFen(codePart, sale.dueFen) ?? undefined;
    // A part amount keyed wrongly never turns into "charge everything": nothing is sent until it is fixed.
    if (part === undefined) return setError({ code: 'AMOUNT_INVALID', message: 'the part amount for the code is not valid: fix it or clear it, then scan again' });
  }
  useCheckout.setState({ starting: true });
  let started: AttemptView | null;
  try {
    started = await run(() => api().call('payment.start', { saleId: sale.id, code, amountFen: part }));
  } finally {
    useCheckout.setState({ starting: false });
  }
  // No answer (the link lost): whether the host started it is looked up once the link is back. Answered
  // (started or refused): nothing to look up.
  const unanswered = started === null && useCheckout.getState().error?.code === 'INTERNAL';
  useCheckout.setState((st) => ({ unansweredStart: unanswered ? sale.id : st.unansweredStart === sale.id ? null : st.unansweredStart }));
  // The part amount was for this code: the next one charges what is then due, unless keyed again (and
  // only on this sale: by a late answer the next customer's sale may be on screen).
  if (started && useCheckout.getState().sale?.id === sale.id) useCheckout.getState().setCodePart('');
  applyAttempt(started);
}

export async function cancelPayment(): Promise<void> {
  const { attempt, run } = useCheckout.getState();
  if (!attempt) return;
  applyAttempt(await run(() => api().call('payment.cancel', { attemptId: attempt.id })));
}

export async function queryPayment(): Promise<void> {
  const { attempt, run } = useCheckout.getState();
  if (!attempt) return;
  applyAttempt(await run(() => api().call('payment.query', { attemptId: attempt.id })));
}

/** The payment event of an attempt on the sale on screen: its new state. */
export async function followAttempt(attemptId: string): Promise<void> {
  const r = await api().call('payment.get', { attemptId });
  if (r.ok) applyAttempt(r.value);
}
