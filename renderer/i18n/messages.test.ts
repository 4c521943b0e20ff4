import { describe, expect, it } from 'vitest';
import { MESSAGES } from './messages';

describe('messages', () => {
  it('has every key in both languages, none empty', () => {
    const zh = Object.keys(MESSAGES['zh-CN']).sort();
    expect(Object.keys(MESSAGES.en).sort()).toEqual(zh);
    for (const locale of ['zh-CN', 'en'] as const) for (const v of Object.values(MESSAGES[locale])) expect(v.length).toBeGreaterThan(0);
  });
});
