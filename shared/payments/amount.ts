/**
 * Fen (分) ↔ yuan text, with no floating point anywhere: money is integer fen; yuan only exists as the
 * decimal text some gateways (Alipay `total_amount`, WeChat bills) speak.
 */

export class AmountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmountError';
  }
}

/** Largest amount we accept: 100 million yuan, far above any till sale, far below 2^53. */
export const MAX_FEN = 10_000_000_000;

function assertFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new AmountError(`Amount must be an integer number of fen, got ${String(fen)}`);
  if (Math.abs(fen) > MAX_FEN) throw new AmountError('Amount is out of range');
}

/** 1234 → "12.34", 5 → "0.05", -150 → "-1.50". */
export function fenToYuan(fen: number): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = String(Math.abs(fen)).padStart(3, '0');
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

const YUAN_PATTERN = /^(-)?(0|[1-9]\d{0,9})(?:\.(\d{1,2}))?$/;

/**
 * "12.34" → 1234, "12" → 1200, "12.3" → 1230, "-0.50" → -50. Strict: no spaces, no "+", no exponent,
 * no thousands separators, no leading zeros, at most two decimals (a third decimal is an error, not rounded).
 */
export function yuanToFen(yuan: string): number {
  if (typeof yuan !== 'string') throw new AmountError('Yuan amount must be text');
  const m = YUAN_PATTERN.exec(yuan);
  if (!m) throw new AmountError(`Not a yuan amount: "${yuan.slice(0, 32)}"`);
  const whole = Number(m[2]);
  const cents = Number((m[3] ?? '').padEnd(2, '0'));
  const fen = whole * 100 + cents;
  assertFen(fen);
  return m[1] === '-' && fen !== 0 ? -fen : fen;
}

/** Non-throwing variant for parsing gateway answers. */
export function tryYuanToFen(yuan: unknown): number | undefined {
  if (typeof yuan !== 'string') return undefined;
  try {
    return yuanToFen(yuan);
  } catch {
    return undefined;
  }
}
