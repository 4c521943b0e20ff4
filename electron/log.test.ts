import { describe, expect, it } from 'vitest';
import { maskDigits, redact } from './log';

describe('log redaction', () => {
  it('masks long digit runs, full-width ones too (a code typed with a Chinese input method)', () => {
    expect(maskDigits('code 134567890123456789 scanned')).toBe('code 1345**********6789 scanned');
    expect(maskDigits('code １３４５６７８９０１２３４５６７８９ scanned')).toBe('code １３４５**********６７８９ scanned');
    expect(maskDigits('receipt T01-20261125-0001')).toBe('receipt T01-20261125-0001');
    expect(redact({ detail: '１３４５６７８９０１２３４５６７８９', apiKey: 'k' })).toEqual({ detail: '１３４５**********６７８９', apiKey: '[redacted]' });
  });
});
