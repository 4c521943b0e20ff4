import { create } from 'zustand';
import { type AttemptView, type SaleView } from '../../shared/sales/views';
import { type ApiError } from '../../shared/api/result';
import { useApp } from './app';

/**
 * The cashier's current sale and its payment attempt. The host is the source of truth: every action
 * returns the new sale view, and `payment.progress` / `sale.changed` events refresh it.
 */
type CheckoutState = {
  sale: SaleView | null;
  attempt: AttemptView | null;
  error: ApiError | null;
  busy: boolean;
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
  setSale: (sale) => set({ sale }),
  setAttempt: (attempt) => set({ attempt }),
  setError: (error) => set({ error }),
  async run(fn) {
    set({ busy: true, error: null });
    const r = await fn();
    set({ busy: false });
    if (!r.ok) {
      set({ error: r.error });
      return null;
    }
    return r.value;
  },
}));

const api = () => {
  const a = useApp.getState().api;
  if (!a) throw new Error('no API client');
  return a;
};

export async function newSale(): Promise<void> {
  const { run, setSale, setAttempt } = useCheckout.getState();
  const sale = await run(() => api().call('sale.open'));
  if (sale) {
    setSale(sale);
    setAttempt(null);
  }
}

export async function refreshSale(saleId: string): Promise<void> {
  const r = await api().call('sale.get', { saleId });
  if (r.ok) {
    useCheckout.getState().setSale(r.value);
    if (r.value.activeAttempt) useCheckout.getState().setAttempt(r.value.activeAttempt);
  }
}

/** Adds a keyed-amount line; false when it was not added (the error is on screen). */
export async function addAmountLine(name: string | undefined, unitPriceFen: number, quantity: number): Promise<boolean> {
  const { sale, run, setSale } = useCheckout.getState();
  if (!sale) return false;
  const next = await run(() => api().call('sale.addLine', { saleId: sale.id, kind: 'amount', name, unitPriceFen, quantity }));
  if (next) setSale(next);
  return next !== undefined;
}

export async function removeLine(lineId: string): Promise<void> {
  const { sale, run, setSale } = useCheckout.getState();
  if (!sale) return;
  const next = await run(() => api().call('sale.removeLine', { saleId: sale.id, lineId }));
  if (next) setSale(next);
}

export async function tenderCash(givenFen: number, amountFen?: number): Promise<void> {
  const { sale, run, setSale } = useCheckout.getState();
  if (!sale) return;
  const next = await run(() => api().call('sale.tenderCash', { saleId: sale.id, givenFen, amountFen }));
  if (next) setSale(next);
}

export async function startCodePayment(code: string, amountFen?: number): Promise<void> {
  const { sale, run, setAttempt } = useCheckout.getState();
  if (!sale) return;
  const attempt = await run(() => api().call('payment.start', { saleId: sale.id, code, amountFen }));
  if (attempt) setAttempt(attempt);
}

export async function cancelPayment(): Promise<void> {
  const { attempt, run, setAttempt } = useCheckout.getState();
  if (!attempt) return;
  const next = await run(() => api().call('payment.cancel', { attemptId: attempt.id }));
  if (next) setAttempt(next);
}

export async function queryPayment(): Promise<void> {
  const { attempt, run, setAttempt } = useCheckout.getState();
  if (!attempt) return;
  const next = await run(() => api().call('payment.query', { attemptId: attempt.id }));
  if (next) setAttempt(next);
}
