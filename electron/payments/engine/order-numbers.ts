import { stmt } from '../../db/stmt';
import { type Db } from '../../db/open';
import { PosError } from '../../../shared/api/result';

/**
 * Order numbers of code payments: a function of data already committed durably, so the number a pay
 * request carries is known to recovery even if the attempt's own row never reached the disk.
 *
 * The n-th attempt of a sale is `orderNoFor(saleId, n)`: the sale id (UUIDv7, committed by `sale.open`) in
 * 30 hex digits and n in two base-36 digits (32 characters, WeChat's limit; unique across terminals like
 * the sale id). n is one more than the sale's attempts on record, and the UNIQUE order_no column refuses
 * any reuse. Only the next number of a sale can have left the till unrecorded (a sale has at most one
 * unresolved attempt, and every final state is a durable commit), so after a power loss recovery asks the
 * gateways about exactly that number (power-loss.ts).
 */
export const MAX_ATTEMPTS_PER_SALE = 36 * 36 - 1;

export function orderNoFor(saleId: string, n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_ATTEMPTS_PER_SALE) throw new RangeError(`attempt number ${n} out of range`);
  const hex = saleId.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new RangeError(`sale id ${saleId} is not a UUID`);
  return `${hex.slice(0, 30)}${n.toString(36).padStart(2, '0')}`;
}

const attemptCount = (db: Db, saleId: string): number => (stmt(db, 'SELECT count(*) AS n FROM payment_attempts WHERE sale_id = ?').get(saleId) as { n: number }).n;

/** The number of the attempt after `attempts` recorded ones; a sale with too many must be started anew. */
export function orderNoAfter(saleId: string, attempts: number): string {
  const n = attempts + 1;
  if (n > MAX_ATTEMPTS_PER_SALE) throw new PosError('INVALID_STATE', `this sale has had ${n - 1} payment attempts: start a new sale`);
  return orderNoFor(saleId, n);
}

/** The number the sale's next attempt will carry (inside the caller's transaction). */
export const nextOrderNo = (db: Db, saleId: string): string => orderNoAfter(saleId, attemptCount(db, saleId));
