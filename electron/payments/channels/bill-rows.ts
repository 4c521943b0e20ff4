import { MAX_FEN } from '../../../shared/payments/amount';
import { channelRef } from './channel-ref';
import { type BillRow, type BillRowRejection } from './types';

/**
 * What every gateway's bill parser gives back: the rows it could read, and every detail line it could not
 * (with its line number and reason), so a bad line is reported at reconciliation, never dropped and never
 * the reason the good lines go unread.
 */
export type BillParse = { rows: BillRow[]; rejected: BillRowRejection[] };

/** Why a row read from a bill cannot be compared, or undefined when it can. Shared by every parser. */
export function billRowProblem(row: BillRow): string | undefined {
  if (channelRef(row.orderNo) === undefined) return 'bad merchant order number';
  if (channelRef(row.transactionId) === undefined) return 'bad gateway transaction id';
  if (!Number.isSafeInteger(row.amountFen) || row.amountFen <= 0) return `bad amount ${String(row.amountFen)}`;
  if (row.amountFen > MAX_FEN) return `amount ${row.amountFen} fen is beyond any sale`;
  if (row.kind === 'refund' && channelRef(row.refundNo) === undefined) return 'refund without a usable refund number';
  if (row.refundNo !== undefined && channelRef(row.refundNo) === undefined) return 'bad refund number';
  if (row.terminalId !== undefined && channelRef(row.terminalId) === undefined) return 'bad terminal id';
  return undefined;
}

/** Adds a row, or its line as rejected. */
export function keepRow(out: BillParse, line: number, text: string, row: BillRow | string): void {
  const problem = typeof row === 'string' ? row : billRowProblem(row);
  if (problem === undefined && typeof row !== 'string') out.rows.push(row);
  else out.rejected.push({ line, reason: problem ?? 'unreadable', text: text.slice(0, 200) });
}
