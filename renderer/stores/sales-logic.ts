import { allocateRefund } from '../../shared/sales/money';
import { type RefundView, type SaleView, type TenderView } from '../../shared/sales/views';
import { fenToYuan } from '../../shared/payments/amount';
import { parseYuanInput } from '../format';

/**
 * Pure helpers of the Sales screen: what a sale can still give back, per tender and in all, the split a
 * refund will take (the host's rule: newest tender first), and the refund amount typed by a manager.
 * Integer fen everywhere; the host checks all of it again inside its transaction.
 */

/** Only a completed sale (paid, or refunded in part) can give money back. */
/**
 * A sale of the other mode (a training sale while live, a live one while training): the host refunds it
 * only back in its own mode, so the screen says so instead of offering a form. Unknown mode: not assumed.
 */
export const inOtherMode = (sale: SaleView, mode: 'sandbox' | 'live' | undefined): boolean => mode !== undefined && sale.training !== (mode === 'sandbox');

export const canRefund = (sale: SaleView): boolean => sale.completedAt !== null && (sale.status === 'paid' || sale.status === 'partly_refunded');

/**
 * Fen held per tender by refunds already given back or on their way, as the host counts them: a failed part
 * holds nothing, unless the host says it still holds its amount (refused without a signature).
 */
export function reservedByTender(refunds: readonly RefundView[]): Map<string, number> {
  const held = new Map<string, number>();
  for (const r of refunds) for (const p of r.parts) if (p.holdsAmount) held.set(p.tenderId, (held.get(p.tenderId) ?? 0) + p.amountFen);
  return held;
}

export type TenderRoom = { tender: TenderView; id: string; refundableFen: number };

/** What each tender can still give back, newest tender first (the order the host takes them in). */
export function tenderRoom(sale: SaleView, refunds: readonly RefundView[]): TenderRoom[] {
  const held = reservedByTender(refunds);
  return [...sale.tenders].reverse().map((tender) => ({ tender, id: tender.id, refundableFen: Math.max(0, tender.amountFen - (held.get(tender.id) ?? 0)) }));
}

/** Everything the sale can still give back; 0 when it cannot be refunded at all. */
export function refundableFen(sale: SaleView, refunds: readonly RefundView[]): number {
  if (!canRefund(sale)) return 0;
  return tenderRoom(sale, refunds).reduce((sum, t) => sum + t.refundableFen, 0);
}

/** Where a refund of `amountFen` goes: one part per tender, newest first; empty when it does not fit. */
export function planRefund(sale: SaleView, refunds: readonly RefundView[], amountFen: number): { tender: TenderView; amountFen: number }[] {
  if (!canRefund(sale) || amountFen <= 0 || amountFen > refundableFen(sale, refunds)) return [];
  return allocateRefund(tenderRoom(sale, refunds), amountFen).map((p) => ({ tender: p.tender.tender, amountFen: p.amountFen }));
}

export type RefundAmountCheck = { ok: true; fen: number } | { ok: false; problem: 'format' | 'zero' | 'exceeds' };

/** The refund amount as typed ("5", "5.5", "5.50") against what is left; never rounds, never floats. */
export function checkRefundAmount(text: string, refundable: number): RefundAmountCheck {
  const fen = parseYuanInput(text);
  if (fen === null) return { ok: false, problem: 'format' };
  if (fen <= 0) return { ok: false, problem: 'zero' };
  if (fen > refundable) return { ok: false, problem: 'exceeds' };
  return { ok: true, fen };
}

/** The amount field's default: everything still refundable, as yuan with two decimals. */
export const defaultRefundText = (refundable: number): string => (refundable > 0 ? fenToYuan(refundable) : '');

/** A refund's failure as the manager reads it: the parts' reasons, or null. */
export function refundFailure(refund: RefundView): string | null {
  if (refund.state !== 'failed') return null;
  const reasons = refund.parts.filter((p) => p.state === 'failed').map((p) => p.reason ?? '');
  return reasons.filter((r) => r !== '').join('; ') || null;
}

/** The sales list comes a page at a time (the host's `sale.list`), newest first. */
export const SALES_PAGE = 200;

/** The host's list order, newest first: opened later, then the greater id. True when `a` comes after `b`. */
const listedAfter = (a: SaleView, b: SaleView): boolean => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);

/**
 * The first page reloaded, with the older pages already shown kept behind it (a refresh must not take away
 * what the manager scrolled to), but only when the page reaches them: after many new sales (the tab was
 * left for a while) keeping them would leave a gap nobody could see, so they go and the next page is asked
 * for again. A short first page is the whole day: nothing older is left.
 */
export function withFirstPage(shown: readonly SaleView[], page: readonly SaleView[], more: boolean): { sales: SaleView[]; more: boolean } {
  const last = page.at(-1);
  if (page.length < SALES_PAGE || !last) return { sales: [...page], more: false };
  const ids = new Set(page.map((s) => s.id));
  if (!shown.some((s) => ids.has(s.id))) return { sales: [...page], more: true };
  const older = shown.filter((s) => !ids.has(s.id) && listedAfter(s, last));
  return { sales: [...page, ...older], more: older.length > 0 ? more : true };
}

/** The next page appended (a sale already shown is not shown twice); a short page is the last. */
export function withNextPage(shown: readonly SaleView[], page: readonly SaleView[]): { sales: SaleView[]; more: boolean } {
  const ids = new Set(shown.map((s) => s.id));
  return { sales: [...shown, ...page.filter((s) => !ids.has(s.id))], more: page.length === SALES_PAGE };
}

/** Sales worth listing: everything but the empty cart the checkout keeps open for the next customer. */
export const listedSales = (sales: readonly SaleView[]): SaleView[] => sales.filter((s) => !(s.status === 'open' && s.lines.length === 0));

/**
 * A sale that can be voided (the host's rule, electron/sales/void.ts): never completed and not voided yet,
 * that is open or paying. An empty cart is not worth voiding: it simply waits for the next customer.
 */
export const canVoid = (sale: SaleView): boolean =>
  sale.completedAt === null && (sale.status === 'open' || sale.status === 'paying') && (sale.lines.length > 0 || sale.paidFen > 0 || sale.activeAttempt !== null);

/** What voiding gives back: the part payments, cash over the counter and codes back to the customer. */
export function voidGivesBack(sale: SaleView): { cashFen: number; codeFen: number } {
  const sum = (kind: 'cash' | 'code'): number => sale.tenders.filter((t) => t.kind === kind).reduce((s, t) => s + t.amountFen, 0);
  return { cashFen: sum('cash'), codeFen: sum('code') };
}

/**
 * For a voided sale: the cash handed back (landed at once) and the code money still on its way back or
 * already back with the customer.
 */
export function voidedMoney(sale: SaleView): { cashBackFen: number; codeBackFen: number; codeOnItsWayFen: number } {
  let cashBackFen = 0;
  let codeBackFen = 0;
  let codeOnItsWayFen = 0;
  for (const t of sale.tenders) {
    if (t.kind === 'cash') cashBackFen += t.refundedFen;
    else {
      codeBackFen += t.refundedFen;
      codeOnItsWayFen += Math.max(0, t.amountFen - t.refundedFen);
    }
  }
  return { cashBackFen, codeBackFen, codeOnItsWayFen };
}

/** A refund that failed at the channel (some part failed) and can be sent again with `refund.retry`. */
export const canRetryRefund = (refund: RefundView): boolean => refund.state === 'failed' && refund.parts.some((p) => p.state === 'failed');
