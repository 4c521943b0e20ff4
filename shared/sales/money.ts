/**
 * Sale arithmetic in integer fen. No floats anywhere: a percentage discount is in basis points and is
 * rounded half-up to the fen, once per line (the rounding rule printed on the receipt is the one used here).
 */

/** Upper bound of one line and of a sale: 100 million yuan, far below 2^53 even when multiplied by 10 000. */
export const MAX_LINE_FEN = 10_000_000_000;
export const MAX_QUANTITY = 9_999;
/**
 * Most lines and tenders (payments: cash, code) one sale may hold. Every finished sale goes to HQ as one
 * entry, which takes at most 16 tenders and MAX_ENTRY_BYTES (shared/sync/protocol.ts): the till refuses the
 * 501st line, and a 16th payment that would leave something due, rather than finish a sale HQ cannot take.
 */
export const MAX_SALE_LINES = 500;
export const MAX_SALE_TENDERS = 16;
export const LINE_LIMIT_MESSAGE = `a sale holds at most ${MAX_SALE_LINES} lines: finish this one and ring the rest up as another sale`;
export const TENDER_LIMIT_MESSAGE = `a sale takes at most ${MAX_SALE_TENDERS} payments: this last one must pay all that is due`;
/** Would this payment (of `amountFen`, with `tenders` already taken) leave the sale owing with no payment left? */
export const overTenderLimit = (tenders: number, amountFen: number, dueFen: number): boolean => tenders >= MAX_SALE_TENDERS - 1 && amountFen < dueFen;

export type LineDiscount = { kind: 'amount'; fen: number } | { kind: 'percent'; basisPoints: number };

export type LineAmounts = { grossFen: number; discountFen: number; totalFen: number };

export class SaleMathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaleMathError';
  }
}

const isFen = (n: number): boolean => Number.isSafeInteger(n);

/** Half-up rounding of a non-negative integer ratio, exact for any safe integers (BigInt past 2^52). */
export function divRoundHalfUp(numerator: number, denominator: number): number {
  if (!isFen(numerator) || !isFen(denominator) || numerator < 0 || denominator <= 0) throw new SaleMathError('rounding needs non-negative integers');
  // 2n + d stays exact in a double only below 2^53: the product's amounts (≤ ~1e14) never reach that.
  if (2 * numerator + denominator < 2 ** 53) return Math.floor((2 * numerator + denominator) / (2 * denominator));
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  return Number((2n * n + d) / (2n * d));
}

/** gross = unit × quantity; discount per the rule; total = gross − discount (never negative). */
export function lineAmounts(unitPriceFen: number, quantity: number, discount?: LineDiscount): LineAmounts {
  if (!isFen(unitPriceFen) || unitPriceFen < 0) throw new SaleMathError('Unit price must be a non-negative integer number of fen');
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) throw new SaleMathError(`Quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
  const grossFen = unitPriceFen * quantity;
  if (grossFen > MAX_LINE_FEN) throw new SaleMathError('Line amount is out of range');
  let discountFen = 0;
  if (discount?.kind === 'amount') {
    if (!isFen(discount.fen) || discount.fen < 0) throw new SaleMathError('Discount must be a non-negative integer number of fen');
    if (discount.fen > grossFen) throw new SaleMathError('Discount is larger than the line amount');
    discountFen = discount.fen;
  } else if (discount?.kind === 'percent') {
    if (!Number.isSafeInteger(discount.basisPoints) || discount.basisPoints < 0 || discount.basisPoints > 10_000) {
      throw new SaleMathError('Percentage discount must be 0-10000 basis points');
    }
    discountFen = divRoundHalfUp(grossFen * discount.basisPoints, 10_000);
  }
  return { grossFen, discountFen, totalFen: grossFen - discountFen };
}

export type SaleTotals = { subtotalFen: number; discountFen: number; totalFen: number };

export function saleTotals(lines: readonly LineAmounts[]): SaleTotals {
  let subtotalFen = 0;
  let discountFen = 0;
  for (const l of lines) {
    subtotalFen += l.grossFen;
    discountFen += l.discountFen;
  }
  const totalFen = subtotalFen - discountFen;
  if (totalFen > MAX_LINE_FEN) throw new SaleMathError('Sale total is out of range');
  return { subtotalFen, discountFen, totalFen };
}

/**
 * Cash handed over: `given` covers `amount` (default: what is due, or all of `given` when it is less: part
 * cash, the rest by code). Change is what goes back; it is never a tender.
 */
export function cashTender(dueFen: number, givenFen: number, amountFen?: number): { amountFen: number; changeFen: number } {
  if (!isFen(dueFen) || dueFen <= 0) throw new SaleMathError('Nothing is due');
  if (!isFen(givenFen) || givenFen <= 0) throw new SaleMathError('Cash given must be a positive integer number of fen');
  const applied = amountFen ?? Math.min(dueFen, givenFen);
  if (!isFen(applied) || applied <= 0) throw new SaleMathError('Cash amount must be a positive integer number of fen');
  if (applied > dueFen) throw new SaleMathError('Cash amount is more than what is due');
  if (givenFen < applied) throw new SaleMathError('Cash given is less than the cash amount');
  return { amountFen: applied, changeFen: givenFen - applied };
}

/**
 * Splits a refund over what each tender can still give back, newest tender first (the last payment is the
 * one most likely still reversible), so a refund never takes more from a tender than it paid.
 */
export function allocateRefund<T extends { id: string; refundableFen: number }>(tendersNewestFirst: readonly T[], amountFen: number): { tender: T; amountFen: number }[] {
  if (!isFen(amountFen) || amountFen <= 0) throw new SaleMathError('Refund amount must be a positive integer number of fen');
  const out: { tender: T; amountFen: number }[] = [];
  let left = amountFen;
  for (const t of tendersNewestFirst) {
    if (left === 0) break;
    const take = Math.min(left, Math.max(0, t.refundableFen));
    if (take > 0) out.push({ tender: t, amountFen: take });
    left -= take;
  }
  if (left > 0) throw new SaleMathError('Refund is more than what was paid');
  return out;
}

/** China Standard Time: UTC+8, no DST. */
export const STORE_UTC_OFFSET_MINUTES = 480;

/** The store's business day (China Standard Time, UTC+8, no DST) as yyyy-mm-dd. */
export function businessDate(ms: number, utcOffsetMinutes = STORE_UTC_OFFSET_MINUTES): string {
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}
