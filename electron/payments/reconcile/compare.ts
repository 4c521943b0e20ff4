import { type BillRow, type BillRowRejection } from '../channels/types';
import { type OtherTerminals, type ReconcileProblem } from '../../../shared/api/reconcile';

/**
 * Compares one gateway's daily bill with what the till recorded. Pure: the caller loads both sides.
 *
 * The bill is the channel's truth of money that moved; the till's records say what should have. Every
 * difference is a problem to look at, most serious first:
 * - `unknown_order`: the channel charged an order number the till never recorded (money with no sale);
 * - `not_given_back`: the channel kept money for an attempt the till gave up (failed or reversed);
 * - `amount_mismatch`: charged amount differs from the attempt's;
 * - `unknown_refund` / `refund_amount_mismatch`: money given back under a refund number the till does not
 *   know, or of another amount;
 * - `refund_failed_but_given_back`: money given back under a refund the till counts as failed (the sale
 *   still shows the money as kept);
 * - `missing_at_channel` / `refund_missing_at_channel`: the till has a charge (or refund) of that day the
 *   bill does not list;
 * - `unreadable_row`: a bill line the parser could not read (kept, never dropped);
 * - `duplicate_row`: the same payment (order number), refund (refund number) or reversal (its refund number,
 *   else its order) listed twice: counted once;
 * - `given_back_unexpectedly`: a reversal on the bill for an attempt the till counts as paid (the sale shows
 *   paid while the money went back).
 *
 * A reversal is a row the bill lists as one, or a refund under one of the numbers a gateway's own reverse
 * uses for its attempt (`reversalRefundNos`: Jeepay has no reverse call and refunds a paid order instead).
 *
 * Tills sharing one merchant account share its bill. A row the till does not know (order or refund number)
 * that the channel marks with another terminal id than this till's (the id each till sends with its
 * payments) is another till's: it is counted apart (`otherTerminals`), not reported. A row the till knows
 * is always compared, whatever its terminal id (the till's id may have been changed since); a row with no
 * terminal id is compared too: it may be this till's.
 */
export type LocalAttempt = {
  orderNo: string;
  state: string;
  amountFen: number;
  saleId: string;
  /** The refund number used to give the charge back past the reverse window, if any. */
  reverseRefundNo: string | null;
  /** What that refund returns, when it is not `amountFen` (the channel charged another amount). */
  reverseRefundFen?: number | null;
  /**
   * Refund numbers under which the channel adapter's reverse gives this order back (Jeepay: `<orderNo>RV`,
   * `RV2`…`RV9`). The engine does not store them: such a refund on the bill is the attempt's reversal.
   */
  reversalRefundNos?: readonly string[];
  /**
   * A succeeded attempt whose sale was voided: what of it the till still owes back (its void's give-back
   * not gone through: failed, or still on its way). Kept at the channel, that is money not given back.
   */
  owedBackFen?: number;
  /**
   * The till counts this attempt's money as taken on the bill's day: it succeeded, and both its request
   * and its confirmation fall in that day (one that straddles midnight may be on either day's bill, so it
   * is not reported missing from one of them).
   */
  keptOnDay: boolean;
  /** It was given up (failed or reversed) after the bill's day ended: the give-back is on a later bill. */
  givenUpLater: boolean;
};
export type LocalRefund = { refundNo: string; orderNo: string; amountFen: number; state: string; onDay: boolean };

export type Comparison = {
  matchedPayments: number;
  matchedRefunds: number;
  chargedFen: number;
  givenBackFen: number;
  otherTerminals: OtherTerminals;
  problems: ReconcileProblem[];
};

/** At most this many other terminal ids are listed (the counts cover them all). */
const MAX_OTHER_TERMINALS = 20;

function splitByTerminal(rows: readonly BillRow[], terminalId: string, known: (row: BillRow) => boolean): { mine: BillRow[]; others: OtherTerminals } {
  const mine: BillRow[] = [];
  const others: OtherTerminals = { rows: 0, chargedFen: 0, givenBackFen: 0, terminals: [] };
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.terminalId === undefined || row.terminalId === terminalId || known(row)) {
      mine.push(row);
      continue;
    }
    others.rows++;
    if (row.kind === 'payment') others.chargedFen += row.amountFen;
    else others.givenBackFen += row.amountFen;
    ids.add(row.terminalId.slice(0, 32));
  }
  others.terminals = [...ids].sort().slice(0, MAX_OTHER_TERMINALS);
  return { mine, others };
}

export function compareBill(
  allRows: readonly BillRow[],
  rejected: readonly BillRowRejection[],
  attempts: readonly LocalAttempt[],
  refunds: readonly LocalRefund[],
  terminalId: string,
): Comparison {
  const byOrder = new Map(attempts.map((a) => [a.orderNo, a]));
  const refundByNo = new Map(refunds.map((r) => [r.refundNo, r]));
  for (const a of attempts) if (a.reverseRefundNo) refundByNo.set(a.reverseRefundNo, { refundNo: a.reverseRefundNo, orderNo: a.orderNo, amountFen: a.reverseRefundFen ?? a.amountFen, state: 'succeeded', onDay: false });
  // A till refund under the number wins: only a number the till never used is read as the reverse's.
  const isReverseRefund = (row: BillRow): boolean =>
    row.kind === 'refund' && row.refundNo !== undefined && !refundByNo.has(row.refundNo) && (byOrder.get(row.orderNo)?.reversalRefundNos?.includes(row.refundNo) ?? false);
  const known = (row: BillRow): boolean => byOrder.has(row.orderNo) || (row.refundNo !== undefined && refundByNo.has(row.refundNo));
  const { mine: rows, others } = splitByTerminal(allRows, terminalId, known);
  const problems: ReconcileProblem[] = [];
  const charged = new Map<string, number>();
  const givenBack = new Map<string, number>();
  const refundsSeen = new Set<string>();
  let matchedPayments = 0;
  let matchedRefunds = 0;
  let chargedFen = 0;
  let givenBackFen = 0;

  const paymentsSeen = new Set<string>();
  /** Reversals by their refund number when they carry one (Alipay), else by order: an order is reversed once. */
  const reversalsSeen = new Set<string>();
  const reversalKey = (row: BillRow): string => (row.refundNo !== undefined ? `no:${row.refundNo}` : `order:${row.orderNo}`);
  for (const row of rows) {
    // A bill lists a payment once, a refund number once and an order's reversal once: a repeat is the bill's
    // error, counted once.
    const isReversal = row.kind !== 'payment' && (row.kind !== 'refund' || row.refundNo === undefined || isReverseRefund(row));
    const repeated =
      row.kind === 'payment' ? paymentsSeen.has(row.orderNo) : isReversal ? reversalsSeen.has(reversalKey(row)) : row.refundNo !== undefined && refundsSeen.has(row.refundNo);
    if (repeated) {
      problems.push({ kind: 'duplicate_row', orderNo: row.orderNo, ...(row.refundNo !== undefined ? { refundNo: row.refundNo } : {}), billFen: row.amountFen, localFen: null, detail: `the bill lists this ${row.kind} twice; counted once` });
      continue;
    }
    if (row.kind === 'payment') {
      paymentsSeen.add(row.orderNo);
      chargedFen += row.amountFen;
      charged.set(row.orderNo, (charged.get(row.orderNo) ?? 0) + row.amountFen);
      const local = byOrder.get(row.orderNo);
      if (!local) problems.push({ kind: 'unknown_order', orderNo: row.orderNo, billFen: row.amountFen, localFen: null, detail: `charged at the channel (${row.transactionId}), no attempt at the till` });
      else if (local.amountFen !== row.amountFen) problems.push({ kind: 'amount_mismatch', orderNo: row.orderNo, billFen: row.amountFen, localFen: local.amountFen, detail: `sale ${local.saleId}` });
      else matchedPayments++;
      continue;
    }
    givenBackFen += row.amountFen;
    givenBack.set(row.orderNo, (givenBack.get(row.orderNo) ?? 0) + row.amountFen);
    if (isReversal || row.refundNo === undefined) {
      // A reversal: money given back on the order as a whole. Fine for an attempt given up; not for a paid one.
      reversalsSeen.add(reversalKey(row));
      const local = byOrder.get(row.orderNo);
      if (local?.state === 'succeeded') problems.push({ kind: 'given_back_unexpectedly', orderNo: row.orderNo, billFen: row.amountFen, localFen: local.amountFen, detail: `the channel reversed it; the till counts it as paying sale ${local.saleId}` });
      continue;
    }
    refundsSeen.add(row.refundNo);
    const local = refundByNo.get(row.refundNo);
    if (!local) problems.push({ kind: 'unknown_refund', orderNo: row.orderNo, refundNo: row.refundNo, billFen: row.amountFen, localFen: null, detail: 'given back at the channel under a refund number the till does not know' });
    // The till gave nothing back under it (localFen 0), the channel did: never a match, whatever the amount.
    else if (local.state === 'failed') problems.push({ kind: 'refund_failed_but_given_back', orderNo: row.orderNo, refundNo: row.refundNo, billFen: row.amountFen, localFen: 0, detail: `the till counts this refund of ${local.amountFen} fen as failed; the channel ${row.processing ? 'had accepted it (still in progress when the bill was made)' : 'gave it back'}` });
    else if (local.amountFen !== row.amountFen) problems.push({ kind: 'refund_amount_mismatch', orderNo: row.orderNo, refundNo: row.refundNo, billFen: row.amountFen, localFen: local.amountFen, detail: '' });
    else matchedRefunds++;
  }

  for (const [orderNo, fen] of charged) {
    const local = byOrder.get(orderNo);
    if (local?.state === 'succeeded' && (local.owedBackFen ?? 0) > 0) {
      const kept = Math.min(fen - (givenBack.get(orderNo) ?? 0), local.owedBackFen ?? 0);
      if (kept > 0) problems.push({ kind: 'not_given_back', orderNo, billFen: kept, localFen: 0, detail: `sale ${local.saleId} was voided; its give-back of ${kept} fen has not gone through (retry it on the sale)` });
      continue;
    }
    if (!local || local.state === 'succeeded') continue;
    const kept = fen - (givenBack.get(orderNo) ?? 0);
    if (kept > 0 && (local.state === 'failed' || local.state === 'reversed') && !local.givenUpLater) problems.push({ kind: 'not_given_back', orderNo, billFen: kept, localFen: 0, detail: `the till ${local.state === 'failed' ? 'failed' : 'reversed'} this attempt (sale ${local.saleId}); the channel still holds it` });
  }
  for (const a of attempts) {
    if (a.keptOnDay && a.state === 'succeeded' && !charged.has(a.orderNo)) problems.push({ kind: 'missing_at_channel', orderNo: a.orderNo, billFen: null, localFen: a.amountFen, detail: `sale ${a.saleId} was paid by it at the till` });
  }
  for (const r of refunds) {
    if (r.onDay && r.state === 'succeeded' && !refundsSeen.has(r.refundNo)) problems.push({ kind: 'refund_missing_at_channel', orderNo: r.orderNo, refundNo: r.refundNo, billFen: null, localFen: r.amountFen, detail: '' });
  }
  for (const r of rejected) problems.push({ kind: 'unreadable_row', billFen: null, localFen: null, detail: `line ${r.line}: ${r.reason}` });

  // Problems quote bill fields: cut to what the contract carries (parsers already refuse longer ids).
  const cut = (p: ReconcileProblem): ReconcileProblem => ({
    ...p,
    ...(p.orderNo !== undefined ? { orderNo: p.orderNo.slice(0, 64) } : {}),
    ...(p.refundNo !== undefined ? { refundNo: p.refundNo.slice(0, 64) } : {}),
    detail: p.detail.slice(0, 300),
  });
  return { matchedPayments, matchedRefunds, chargedFen, givenBackFen, otherTerminals: others, problems: problems.map(cut) };
}
