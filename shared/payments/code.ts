import { type PaymentChannel } from './channel';

export { paymentChannelSchema, PAYMENT_CHANNELS, type PaymentChannel } from './channel';

/**
 * Payment-code (付款码 / auth_code) classifier, PAYMENTS.md §1.
 *
 * A scanned string is normalised (CR/LF, surrounding whitespace, AIM symbology id such as `]C0`/`]Q1`),
 * must then be digits only, and must match one channel's exact prefix + length rule. Anything ambiguous or
 * unknown is rejected, never guessed: no "everything else is UnionPay", no prefix-only checks.
 * Codes are far longer than 2^53, so they stay strings from scanner to gateway.
 */

export type ClassifierOptions = {
  /** JD Pay codes (18 + 18 digits). Off by default. */
  jdpay?: boolean;
  /** Route the 62 + 19-digit form to JD Pay instead of UnionPay (needs `jdpay`). Off by default. */
  jdpayTakes62?: boolean;
  /** QQ Wallet (91 + 18 digits): from one library only, off by default. */
  qqwallet?: boolean;
  /** Baidu wallet (31 + 18 digits): from one library only, off by default. */
  baidu?: boolean;
  /** e-CNY (01 + 19 digits): weak evidence, off by default. */
  ecny?: boolean;
  /** Turn off a core channel (e.g. a shop without a UnionPay contract). Core channels are on by default. */
  wechat?: boolean;
  alipay?: boolean;
  unionpay?: boolean;
};

export type CodeRejection = 'EMPTY' | 'NOT_DIGITS' | 'UNSUPPORTED' | 'DISABLED';

export type ClassifiedCode =
  | { ok: true; channel: PaymentChannel; code: string }
  | { ok: false; reason: CodeRejection; message: string };

type Rule = { channel: PaymentChannel; matches: (code: string) => boolean };

const twoDigitPrefix = (code: string): number => Number(code.slice(0, 2));
const inRange = (n: number, lo: number, hi: number): boolean => n >= lo && n <= hi;

const RULES: readonly Rule[] = [
  { channel: 'wechat', matches: (c) => c.length === 18 && inRange(twoDigitPrefix(c), 10, 15) },
  { channel: 'alipay', matches: (c) => c.length >= 16 && c.length <= 24 && inRange(twoDigitPrefix(c), 25, 30) },
  { channel: 'jdpay', matches: (c) => c.length === 18 && c.startsWith('18') },
  { channel: 'qqwallet', matches: (c) => c.length === 18 && c.startsWith('91') },
  { channel: 'baidu', matches: (c) => c.length === 18 && c.startsWith('31') },
  { channel: 'ecny', matches: (c) => c.length === 19 && c.startsWith('01') },
];
/** The 62 + 19-digit form: UnionPay, or JD Pay when configured so. */
const is62Form = (c: string): boolean => c.length === 19 && c.startsWith('62');

const CHANNEL_NAMES: Record<PaymentChannel, string> = {
  wechat: 'WeChat Pay',
  alipay: 'Alipay',
  unionpay: 'UnionPay',
  jdpay: 'JD Pay',
  qqwallet: 'QQ Wallet',
  baidu: 'Baidu Wallet',
  ecny: 'e-CNY',
};

function isEnabled(channel: PaymentChannel, options: ClassifierOptions): boolean {
  switch (channel) {
    case 'wechat':
    case 'alipay':
    case 'unionpay':
      return options[channel] !== false;
    default:
      return options[channel] === true;
  }
}

// AIM symbology identifier: `]` + code letter + modifier digit (ISO/IEC 15424), e.g. ]C0, ]Q1, ]E0.
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

/**
 * Strip what scanners add around the digits (a CR/LF suffix, spaces, an AIM prefix) and read full-width
 * digits as digits. Only around them: a line
 * break inside is two scans glued together (a lost suffix), never one code. Exported for the scan pipeline.
 */
export function normalisePaymentCode(raw: string): string {
  let s = raw.trim();
  if (AIM_PREFIX.test(s)) s = s.slice(3).trim();
  // Full-width digits (０-９): a code typed with a Chinese input method in full-width mode is the same code.
  return s.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

const MAX_RAW_LENGTH = 256;

export function classifyPaymentCode(raw: string, options: ClassifierOptions = {}): ClassifiedCode {
  if (typeof raw !== 'string') return { ok: false, reason: 'NOT_DIGITS', message: 'Payment code must be text' };
  if (raw.length > MAX_RAW_LENGTH) return { ok: false, reason: 'UNSUPPORTED', message: 'Payment code is far too long' };
  const code = normalisePaymentCode(raw);
  if (code === '') return { ok: false, reason: 'EMPTY', message: 'No payment code was scanned' };
  if (!/^\d+$/.test(code)) {
    return { ok: false, reason: 'NOT_DIGITS', message: 'A payment code has digits only: this looks like another barcode' };
  }

  const candidates: PaymentChannel[] = [];
  for (const rule of RULES) if (rule.matches(code)) candidates.push(rule.channel);
  if (is62Form(code)) candidates.push(options.jdpay === true && options.jdpayTakes62 === true ? 'jdpay' : 'unionpay');

  const enabled = candidates.find((c) => isEnabled(c, options));
  if (enabled) return { ok: true, channel: enabled, code };
  const disabled = candidates[0];
  if (disabled) {
    return { ok: false, reason: 'DISABLED', message: `${CHANNEL_NAMES[disabled]} payment codes are not accepted here` };
  }
  return { ok: false, reason: 'UNSUPPORTED', message: 'Unknown payment code: not a supported wallet' };
}

/** For display and logs: first 4 and last 4 digits, the rest as `*`. Short inputs are masked entirely. */
export function maskPaymentCode(code: string): string {
  if (code.length <= 8) return '*'.repeat(code.length);
  return `${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`;
}
