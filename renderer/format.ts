import { fenToYuan } from '../shared/payments/amount';

/** ￥12.34 — full-width yen sign as on the printed receipt; integer fen in, text out, no floats. */
export const formatFen = (fen: number): string => `￥${fenToYuan(fen)}`;

/** Full-width digits and point (a Chinese IME's ０-９, ． and its period key's 。) as their ASCII forms. */
const asciiDigits = (text: string): string => text.replace(/[\uFF10-\uFF19\uFF0E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3002/g, '.');

/** "12.5" (or "１２．５", ".5") typed by a cashier → fen; null when it is not a valid amount (never rounds). */
export function parseYuanInput(text: string): number | null {
  const m = /^(\d{0,9})(?:\.(\d{0,2}))?$/.exec(asciiDigits(text.trim()));
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  return Number(m[1] || '0') * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** What is wrong with a typed amount that must be above zero, or null when it is fine (or still empty). */
export function amountInputProblem(text: string): 'format' | null {
  if (text.trim() === '') return null;
  const fen = parseYuanInput(text);
  return fen === null || fen <= 0 ? 'format' : null;
}
