import { describe, expect, it } from 'vitest';
import { channelName, formatFen, formatLocalTime } from './format';
import { PAYMENT_CHANNELS } from '../payments/channel';

describe('formatFen', () => {
  it('formats integer fen', () => {
    expect(formatFen(0)).toBe('￥0.00');
    expect(formatFen(5)).toBe('￥0.05');
    expect(formatFen(123456)).toBe('￥1234.56');
    expect(formatFen(-50)).toBe('-￥0.50');
    expect(formatFen(Number.MAX_SAFE_INTEGER)).toBe('￥90071992547409.91');
  });
  it('refuses floats', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
    expect(() => formatFen(Number.NaN)).toThrow(RangeError);
  });
});

describe('formatLocalTime', () => {
  it('prints in the store offset', () => {
    expect(formatLocalTime('2024-12-31T16:00:00Z', 480)).toBe('2025-01-01 00:00:00');
    expect(() => formatLocalTime('soon', 480)).toThrow(RangeError);
  });
});

describe('channelName', () => {
  it('names known channels, passes unknown ones', () => {
    expect(channelName('alipay', 'zh-CN')).toBe('支付宝');
    expect(channelName('acme', 'en')).toBe('acme');
    // Every wallet the till can take has a printed name (the optional ones too).
    for (const wallet of PAYMENT_CHANNELS) expect(channelName(wallet, 'zh-CN')).not.toBe(wallet);
  });
});
