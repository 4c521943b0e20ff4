import { type Db } from '../../db/open';
import { type Logger } from '../../log';
import { type Gateway } from '../../../shared/sales/views';
import { type ReconcileResult } from '../../../shared/api/reconcile';
import { type BillRow } from '../channels/types';
import { jeepayReverseRefundNos } from '../channels/jeepay/adapter';
import { type Channels } from '../engine/engine';
import { type LocalAttempt, type LocalRefund, compareBill } from './compare';

/**
 * `payment.reconcile`: downloads one gateway's bill for a day (China time, as the channels cut their
 * bills) and compares it with the till's attempts and refunds (compare.ts). Local records are taken from
 * a day either side as well, so a charge confirmed just after midnight still finds its attempt.
 */
/** `terminalId`: this till's, as it sends it with every payment (settings.terminal.id). */
/** `training`: the till's mode now; only its own sales are compared (a sandbox bill knows no live order, and back). */
export type ReconcileDeps = { db: Db; log: Logger; channels: () => Promise<Channels>; terminalId: () => string; training: () => boolean; now?: () => number };


const DAY_MS = 86_400_000;
/** Bills come the next morning (China time): from noon of the next day, "no bill" means no transactions. */
const NO_BILL_MEANS_EMPTY_AFTER_MS = DAY_MS + 12 * 3_600_000;
/** What one answer lists (the contract's limit); `problemCount` and the message tell the rest. */
const MAX_PROBLEMS_SHOWN = 500;
const dayStartMs = (date: string): number => Date.parse(`${date}T00:00:00+08:00`);

type AttemptRowLite = { order_no: string; state: string; amount_fen: number; sale_id: string; reverse_refund_no: string | null; reverse_refund_fen: number | null; sent_ms: number | null; created_ms: number; resolved_ms: number | null };
type RefundRowLite = { refund_no: string; order_no: string; amount_fen: number; state: string; created_at: string; updated_at: string };

function loadAttempts(db: Db, gateway: Gateway, training: number, start: number, rows: readonly BillRow[]): LocalAttempt[] {
  const found = new Map<string, AttemptRowLite>();
  const cols = 'order_no, state, amount_fen, sale_id, reverse_refund_no, reverse_refund_fen, sent_ms, created_ms, resolved_ms';
  // Per attempt, on the sales primary key (an IN over the sales of a mode would read every sale ever made).
  const ofMode = 'EXISTS (SELECT 1 FROM sales s WHERE s.id = payment_attempts.sale_id AND s.training = @training)';
  const inWindow = db.prepare(`SELECT ${cols} FROM payment_attempts WHERE gateway = @gateway AND created_ms >= @from AND created_ms < @to AND ${ofMode}`);
  for (const r of inWindow.iterate({ gateway, from: start - DAY_MS, to: start + 2 * DAY_MS, training }) as IterableIterator<AttemptRowLite>) found.set(r.order_no, r);
  const byOrderNo = db.prepare(`SELECT ${cols} FROM payment_attempts WHERE order_no = @orderNo AND ${ofMode}`);
  for (const row of rows) {
    if (found.has(row.orderNo)) continue;
    const r = byOrderNo.get({ orderNo: row.orderNo, training }) as AttemptRowLite | undefined;
    if (r) found.set(r.order_no, r);
  }
  const inDay = (ms: number | null): boolean => ms !== null && ms >= start && ms < start + DAY_MS;
  // What a voided sale still owes back on this attempt's tender (its give-back not landed).
  const owedBack = db.prepare(
    `SELECT t.amount_fen - coalesce((SELECT sum(p.amount_fen) FROM refund_parts p WHERE p.tender_id = t.id AND p.state = 'succeeded'), 0)
     FROM tenders t JOIN payment_attempts a ON a.id = t.attempt_id JOIN sales s ON s.id = t.sale_id WHERE a.order_no = ? AND s.status = 'voided'`,
  ).pluck();
  return [...found.values()].map((r) => ({
    orderNo: r.order_no,
    state: r.state,
    amountFen: r.amount_fen,
    saleId: r.sale_id,
    reverseRefundNo: r.reverse_refund_no,
    reverseRefundFen: r.reverse_refund_fen,
    // Jeepay has no reverse call: its adapter refunds a paid order under numbers the engine never stores.
    ...(gateway === 'jeepay' ? { reversalRefundNos: jeepayReverseRefundNos(r.order_no) } : {}),
    keptOnDay: r.state === 'succeeded' && inDay(r.sent_ms ?? r.created_ms) && inDay(r.resolved_ms),
    givenUpLater: (r.state === 'failed' || r.state === 'reversed') && r.resolved_ms !== null && r.resolved_ms >= start + DAY_MS,
    ...(r.state === 'succeeded' ? { owedBackFen: Math.max(0, (owedBack.get(r.order_no) as number | undefined) ?? 0) } : {}),
  }));
}

function loadRefunds(db: Db, gateway: Gateway, training: number, start: number, rows: readonly BillRow[]): LocalRefund[] {
  const select = `SELECT p.refund_no AS refund_no, a.order_no AS order_no, p.amount_fen AS amount_fen, p.state AS state, p.created_at AS created_at, p.updated_at AS updated_at
    FROM refund_parts p JOIN tenders t ON t.id = p.tender_id JOIN payment_attempts a ON a.id = t.attempt_id JOIN sales s ON s.id = t.sale_id
    WHERE p.kind = 'code' AND a.gateway = ? AND s.training = ?`;
  const found = new Map<string, RefundRowLite>();
  const fromIso = new Date(start - DAY_MS).toISOString();
  for (const r of db.prepare(`${select} AND p.updated_at >= ?`).iterate(gateway, training, fromIso) as IterableIterator<RefundRowLite>) found.set(r.refund_no, r);
  const byRefundNo = db.prepare(`${select} AND p.refund_no = ?`);
  for (const row of rows) {
    if (row.refundNo === undefined || found.has(row.refundNo)) continue;
    const r = byRefundNo.get(gateway, training, row.refundNo) as RefundRowLite | undefined;
    if (r) found.set(r.refund_no, r);
  }
  return [...found.values()].map((r) => {
    // Asked and confirmed on the day (as for payments): a refund asked at 23:59 and confirmed after midnight
    // is on the channel's bill of the day it was asked, so it is only matched, never "missing", on either day.
    const inDay = (iso: string): boolean => {
      const at = Date.parse(iso);
      return at >= start && at < start + DAY_MS;
    };
    return { refundNo: r.refund_no, orderNo: r.order_no, amountFen: r.amount_fen, state: r.state, onDay: inDay(r.created_at) && inDay(r.updated_at) };
  });
}

export async function reconcileDay(deps: ReconcileDeps, date: string, gateway: Gateway): Promise<ReconcileResult> {
  const empty = { date, gateway, matchedPayments: 0, matchedRefunds: 0, chargedFen: 0, givenBackFen: 0, otherTerminals: { rows: 0, chargedFen: 0, givenBackFen: 0, terminals: [] }, problems: [], problemCount: 0 };
  // The mode the gateways below are built for: its sales are the ones the bill can know.
  const mode = deps.training() ? 1 : 0;
  let channels: Channels;
  try {
    channels = await deps.channels();
  } catch (e) {
    return { ...empty, bill: 'unavailable', message: `payment gateways are not available: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) };
  }
  const channel = channels[gateway];
  if (!channel) return { ...empty, bill: 'unavailable', message: `gateway ${gateway} is not configured` };
  const bill = await channel.downloadBill(date);
  switch (bill.status) {
    case 'ok': {
      const start = dayStartMs(date);
      const compared = compareBill(bill.rows, bill.rejected ?? [], loadAttempts(deps.db, gateway, mode, start, bill.rows), loadRefunds(deps.db, gateway, mode, start, bill.rows), deps.terminalId());
      if (compared.problems.length > 0) deps.log.warn('bill reconciliation found differences', { date, gateway, problems: compared.problems.length });
      const shown = compared.problems.slice(0, MAX_PROBLEMS_SHOWN);
      const more = compared.problems.length - shown.length;
      const message = `${bill.rows.length - compared.otherTerminals.rows} bill rows compared${more > 0 ? `; ${compared.problems.length} differences, the first ${shown.length} listed` : ''}`;
      return { ...empty, ...compared, problems: shown, problemCount: compared.problems.length, bill: 'ok', message };
    }
    case 'no_bill': {
      const start = dayStartMs(date);
      if (deps.now === undefined || deps.now() < start + NO_BILL_MEANS_EMPTY_AFTER_MS) return { ...empty, bill: 'no_bill', message: bill.message.slice(0, 300) };
      // A day long over with no bill: the channel had no transaction that day. Whatever the till counts as
      // taken or given back then is missing at the channel, as against any bill (never hidden as "no bill").
      const compared = compareBill([], [], loadAttempts(deps.db, gateway, mode, start, []), loadRefunds(deps.db, gateway, mode, start, []), deps.terminalId());
      if (compared.problems.length > 0) deps.log.warn('no bill for a day the till has payments on', { date, gateway, problems: compared.problems.length });
      const shown = compared.problems.slice(0, MAX_PROBLEMS_SHOWN);
      const message = `${bill.message}`.slice(0, 200) + (compared.problems.length > 0 ? `; the till has ${compared.problems.length} payment(s) or refund(s) that day the channel does not` : '');
      return { ...empty, ...compared, problems: shown, problemCount: compared.problems.length, bill: 'no_bill', message: message.slice(0, 300) };
    }
    case 'bad_bill':
      return { ...empty, bill: 'bad_bill', message: `${bill.code}: ${bill.message}`.slice(0, 300) };
    case 'failed':
      return { ...empty, bill: 'failed', message: `${bill.code}: ${bill.message}`.slice(0, 300) };
    default:
      return { ...empty, bill: 'unavailable', message: `the gateway did not answer usably: ${bill.reason}`.slice(0, 300) };
  }
}
