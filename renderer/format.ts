import { fenToYuan } from '../shared/payments/amount';

/** ￥12.34 — full-width yen sign as on the printed receipt; integer fen in, text out, no floats. */
export const formatFen = (fen: number): string => `￥${fenToYuan(fen)}`;

/** "12.5" typed by a cashier → 1250 fen; null when it is not a valid amount (never rounds). */
export function parseYuanInput(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
