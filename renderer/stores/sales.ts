import { create } from 'zustand';
import { type PrintResult } from '../../shared/api/devices';
import { type ApiError, type Result } from '../../shared/api/result';
import { type RefundView, type SaleView } from '../../shared/sales/views';
import { useApp } from './app';
import { SALES_PAGE, withFirstPage, withNextPage } from './sales-logic';

/**
 * The Sales screen: today's sales on this terminal, the one selected with its refunds, the refund being
 * followed (from `refund.progress`), and the last receipt printed from here. The host is the source of
 * truth: `sale.changed` and `refund.progress` reload what they touch.
 */
export type ReceiptTarget = { saleId: string } | { refundId: string };

type SalesState = {
  /** Today's sales as loaded so far, newest first: the first page, and the older ones asked for. */
  sales: SaleView[];
  loaded: boolean;
  /** The last page loaded was full: older sales of the day may be left. */
  more: boolean;
  loadingMore: boolean;
  selectedId: string | null;
  /** Refunds of the selected sale, oldest first. */
  refunds: RefundView[];
  /** The sale whose refunds are loaded (until then nothing about refunds is shown). */
  refundsFor: string | null;
  /** The refund asked for from this screen: its progress stays on screen until it is final. */
  activeRefundId: string | null;
  /** The sale voided from this screen just now (what to hand back is said as an instruction). */
  justVoidedId: string | null;
  /** The receipt printed last from this screen, with what it was for. */
  preview: { target: ReceiptTarget; copy: boolean; result: PrintResult } | null;
  busy: boolean;
  listError: ApiError | null;
  refundError: ApiError | null;
  /** A refused `refund.retry`, with the refund it was for (the channel's own failure shows on the refund). */
  retryError: { refundId: string; error: ApiError } | null;
  printError: ApiError | null;
  /** A sale looked up by its receipt number (any day): shown while selected, even when not on today's list. */
  found: SaleView | null;
  findError: ApiError | null;
};

const initial: SalesState = {
  sales: [],
  loaded: false,
  more: false,
  loadingMore: false,
  selectedId: null,
  refunds: [],
  refundsFor: null,
  activeRefundId: null,
  justVoidedId: null,
  preview: null,
  busy: false,
  listError: null,
  refundError: null,
  retryError: null,
  printError: null,
  found: null,
  findError: null,
};

export const useSales = create<SalesState>(() => initial);

const api = () => {
  const a = useApp.getState().api;
  if (!a) throw new Error('no API client');
  return a;
};

const upsertSale = (sales: SaleView[], sale: SaleView): SaleView[] => (sales.some((s) => s.id === sale.id) ? sales.map((s) => (s.id === sale.id ? sale : s)) : [sale, ...sales]);
const upsertRefund = (refunds: RefundView[], refund: RefundView): RefundView[] =>
  refunds.some((r) => r.id === refund.id) ? refunds.map((r) => (r.id === refund.id ? refund : r)) : [...refunds, refund];

let listing: Promise<void> | null = null;
let listAgain = false;

/** Reloads today's newest sales (older pages shown stay); calls arriving while one runs are folded into one more run. */
export function refreshSales(): Promise<void> {
  if (listing) {
    listAgain = true;
    return listing;
  }
  listing = (async () => {
    do {
      listAgain = false;
      const r = await api().call('sale.list', { limit: SALES_PAGE });
      if (r.ok) useSales.setState((st) => ({ ...withFirstPage(st.sales, r.value, st.more), loaded: true, listError: null }));
      else useSales.setState({ listError: r.error, loaded: true });
    } while (listAgain);
  })().finally(() => {
    listing = null;
  });
  return listing;
}

/** Loads the next page of today's sales, older than the last one shown (a busy till has more than a page). */
export async function loadMoreSales(): Promise<void> {
  const st = useSales.getState();
  const last = st.sales.at(-1);
  if (!last || !st.more || st.loadingMore) return;
  useSales.setState({ loadingMore: true });
  const r = await api().call('sale.list', { limit: SALES_PAGE, before: { createdAt: last.createdAt, id: last.id } });
  // A refresh meanwhile (a new day, many new sales) may have changed where the list ends: this page then
  // follows nothing on screen and is dropped; the button asks again from the new end.
  if (r.ok) useSales.setState((now) => (now.sales.at(-1)?.id === last.id ? { ...withNextPage(now.sales, r.value), loadingMore: false, listError: null } : { loadingMore: false }));
  else useSales.setState({ loadingMore: false, listError: r.error });
}

/** Reloads one sale (and, when it is the selected one, its refunds). */
async function refreshSale(saleId: string): Promise<void> {
  // Refunds only for the sale on screen: any other sale's are not shown.
  const refundsWanted = useSales.getState().selectedId === saleId;
  const [sale, refunds] = await Promise.all([api().call('sale.get', { saleId }), refundsWanted ? api().call('refund.list', { saleId }) : null]);
  const st = useSales.getState();
  // A sale looked up from an earlier day stays out of today's list.
  if (sale.ok && st.found?.id === saleId && !st.sales.some((s) => s.id === saleId)) useSales.setState({ found: sale.value });
  else if (sale.ok) useSales.setState({ sales: upsertSale(st.sales, sale.value) });
  if (refunds?.ok && useSales.getState().selectedId === saleId) useSales.setState({ refunds: refunds.value, refundsFor: saleId });
}

/** Looks a sale up by the number on its receipt (a customer back another day) and selects it; false if none. */
export async function findSale(receiptNo: string): Promise<boolean> {
  const r = await api().call('sale.find', { receiptNo });
  if (!r.ok) {
    useSales.setState({ findError: r.error });
    return false;
  }
  useSales.setState({ found: r.value, findError: null });
  await selectSale(r.value.id);
  return true;
}

export async function selectSale(saleId: string | null): Promise<void> {
  if (useSales.getState().selectedId === saleId) return;
  useSales.setState({ selectedId: saleId, refunds: [], refundsFor: null, activeRefundId: null, justVoidedId: null, preview: null, refundError: null, retryError: null, printError: null });
  if (saleId) await refreshSale(saleId);
}

/** Keeps the store in step with the host while the screen is shown; returns the unsubscribe function. */
export function connectSales(): () => void {
  const a = api();
  void refreshSales();
  const selected = useSales.getState().selectedId;
  if (selected) void refreshSale(selected);
  const offs = [
    a.on('sale.changed', (p) => {
      // A sale on the list: reload that one (a busy till sends this for every scan and payment step, and
      // reloading a page of sales each time would take the host's time from the cashier). A sale not on it
      // (a new one, or a new day): the newest page again.
      const st = useSales.getState();
      if (st.sales.some((s) => s.id === p.saleId)) return void refreshSale(p.saleId);
      void refreshSales();
      if (st.selectedId === p.saleId) void refreshSale(p.saleId);
    }),
    a.on('refund.progress', (refund) => {
      if (useSales.getState().selectedId !== refund.saleId) return;
      useSales.setState((st) => ({ refunds: upsertRefund(st.refunds, refund) }));
    }),
  ];
  return () => offs.forEach((off) => off());
}

export type RefundForm = { saleId: string; amountFen: number; reason: string; requestId: string; authorize?: { userId: string; pin: string } };

/** Asks the host for a refund; the answer (and later `refund.progress`) is followed on screen. */
export async function requestRefund(form: RefundForm): Promise<RefundView | null> {
  useSales.setState({ busy: true, refundError: null });
  const reason = form.reason.trim();
  const r = await api().call('refund.request', {
    saleId: form.saleId,
    amountFen: form.amountFen,
    requestId: form.requestId,
    ...(reason ? { reason } : {}),
    ...(form.authorize ? { authorize: form.authorize } : {}),
  });
  useSales.setState({ busy: false });
  if (!r.ok) {
    useSales.setState({ refundError: r.error });
    return null;
  }
  const refund = r.value;
  useSales.setState((st) => ({ activeRefundId: refund.id, refunds: st.selectedId === refund.saleId ? upsertRefund(st.refunds, refund) : st.refunds }));
  await refreshSale(refund.saleId);
  return refund;
}

/**
 * Sends a failed refund again (`refund.retry`: same refund numbers, so the channel never refunds twice);
 * its progress is followed on screen like a new refund's. A refusal by the host is kept for the screen.
 */
export async function retryRefund(refundId: string, authorize?: { userId: string; pin: string }): Promise<RefundView | null> {
  useSales.setState({ busy: true, retryError: null });
  const r = await api().call('refund.retry', { refundId, ...(authorize ? { authorize } : {}) });
  useSales.setState({ busy: false });
  if (!r.ok) {
    useSales.setState({ retryError: { refundId, error: r.error } });
    return null;
  }
  const refund = r.value;
  useSales.setState((st) => ({ activeRefundId: refund.id, refunds: st.selectedId === refund.saleId ? upsertRefund(st.refunds, refund) : st.refunds }));
  await refreshSale(refund.saleId);
  return refund;
}

/** A sale the host just voided: shown at once, and its refunds reloaded when selected. */
export async function saleVoided(sale: SaleView): Promise<void> {
  useSales.setState((st) => ({ sales: upsertSale(st.sales, sale), justVoidedId: st.selectedId === sale.id ? sale.id : st.justVoidedId }));
  if (useSales.getState().selectedId === sale.id) await refreshSale(sale.id);
}

/** Prints (or, with `copy`, reprints a marked copy of) a sale's or a refund's receipt; keeps its preview. */
export async function printReceipt(target: ReceiptTarget, copy: boolean): Promise<void> {
  useSales.setState({ busy: true, printError: null });
  const r: Result<PrintResult> = await api().call(copy ? 'devices.reprint' : 'devices.printReceipt', target);
  useSales.setState({ busy: false });
  if (r.ok) useSales.setState({ preview: { target, copy, result: r.value } });
  else useSales.setState({ printError: r.error });
}

export const clearRefundError = (): void => useSales.setState({ refundError: null });

/** Forget everything when the user changes (sign-out, another sign-in): the next user starts afresh. */
export const resetSales = (): void => useSales.setState(initial);
useApp.subscribe((s, prev) => {
  if (s.session?.user.id !== prev.session?.user.id) resetSales();
});
