import { describe, expect, it } from 'vitest';
import { charWidth, padToWidth, sanitizeText, textWidth, truncateToWidth, wrapToWidth } from './width';

describe('charWidth / textWidth', () => {
  it('counts ASCII as 1 and CJK, full-width forms and ￥ as 2', () => {
    expect(textWidth('abc 123')).toBe(7);
    expect(textWidth('中文')).toBe(4);
    expect(textWidth('￥12.50')).toBe(7);
    expect(textWidth('ＡＢ')).toBe(4);
    expect(textWidth('，。')).toBe(4);
  });
  it('counts ambiguous-width symbols as 2 (GB fonts print them full width)', () => {
    expect(textWidth('·×…—é')).toBe(10);
  });
  it('counts half-width katakana as 1, combining marks and zero-width as 0', () => {
    expect(textWidth('ｱｲ')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
    expect(textWidth('a\u200bb')).toBe(2);
    expect(charWidth(0x1b)).toBe(0);
  });
  it('counts astral characters once (surrogate pairs are one character)', () => {
    expect(textWidth('😀')).toBe(2);
    expect(textWidth('𠀀a')).toBe(3);
  });
});

describe('sanitizeText', () => {
  it('turns control characters (ESC/POS injection) into spaces and ¥ into ￥', () => {
    expect(sanitizeText('a\x1b@b\x1dV\nc')).toBe('a @b V c');
    expect(sanitizeText('¥5')).toBe('￥5');
    expect(sanitizeText('a\u00a0b')).toBe('a b');
  });
  it('replaces lone surrogates', () => {
    expect(sanitizeText('a\ud800b')).toBe('a\ufffdb');
  });
});

describe('truncateToWidth', () => {
  it('never splits a wide character and marks the cut', () => {
    expect(truncateToWidth('康师傅红烧牛肉面', 9)).toBe('康师傅..'); // 6 + 2 ≤ 9, next char would be 10
    expect(textWidth(truncateToWidth('康师傅红烧牛肉面', 9))).toBeLessThanOrEqual(9);
    expect(truncateToWidth('abc', 3)).toBe('abc');
    expect(truncateToWidth('中文字', 1)).toBe('');
  });
  it('keeps combining marks with their base', () => {
    expect(truncateToWidth('e\u0301e\u0301e\u0301', 2, '')).toBe('e\u0301e\u0301');
  });
});

describe('wrapToWidth', () => {
  it('wraps CJK between characters and never exceeds the width', () => {
    const lines = wrapToWidth('康师傅红烧牛肉面（五连包）超值装限时特惠', 15);
    expect(lines.every((l) => textWidth(l) <= 15)).toBe(true);
    expect(lines.join('')).toBe('康师傅红烧牛肉面（五连包）超值装限时特惠');
  });
  it('breaks Latin text at spaces', () => {
    expect(wrapToWidth('Coca-Cola Zero 330ml can', 16)).toEqual(['Coca-Cola Zero', '330ml can']);
  });
  it('honours explicit line breaks and survives odd input', () => {
    expect(wrapToWidth('a\nb', 10)).toEqual(['a', 'b']);
    expect(wrapToWidth('', 10)).toEqual(['']);
    expect(() => wrapToWidth('x', 1)).toThrow(RangeError);
  });
  it('property: random mixed text always fits, loses nothing but spaces', () => {
    const alphabet = ['a', 'Z', '1', ' ', '中', '￥', '·', 'e\u0301', '😀', '，', 'ｱ'];
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: Math.floor(rnd() * 80) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const cols = 2 + Math.floor(rnd() * 47);
      const lines = wrapToWidth(text, cols);
      for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(cols);
      expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    }
  });
});

describe('padToWidth', () => {
  it('pads by columns', () => {
    expect(padToWidth('中', 6, 'center')).toBe('  中  ');
    expect(padToWidth('中', 5, 'right')).toBe('   中');
  });
});
