import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charWidth, displayWidth, padEnd, padStart, truncateToWidth, wrapToWidth } from './text';

describe('displayWidth', () => {
  it.each<[string, number]>([
    ['', 0],
    ['Beer 0.5L', 9],
    ['啤酒', 4],
    ['青岛啤酒 Tsingtao', 17],
    ['ＡＢ', 4], // fullwidth Latin
    ['￥12', 4],
    ['，。', 4], // CJK punctuation
    ['café', 4],
    ['cafe\u0301', 4], // e + combining acute
    ['한국', 4],
    ['𠀀', 2], // CJK Extension B, a surrogate pair
    ['€', 1],
  ])('%j is %i cells', (text, w) => {
    expect(displayWidth(text)).toBe(w);
  });
});

describe('truncateToWidth', () => {
  it('never splits a wide character or a surrogate pair', () => {
    expect(truncateToWidth('啤酒饮料', 5)).toBe('啤酒');
    expect(truncateToWidth('a𠀀b', 2)).toBe('a');
    expect(truncateToWidth('a𠀀b', 3)).toBe('a𠀀');
    expect(truncateToWidth('cafe\u0301s', 4)).toBe('cafe\u0301');
  });

  it('returns a prefix that fits, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 0, max: 60 }), (text, w) => {
        const t = truncateToWidth(text, w);
        expect(displayWidth(t)).toBeLessThanOrEqual(w);
        expect(text.startsWith(t)).toBe(true);
        expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(t)).toBe(false); // no lone high surrogate at the cut
      }),
    );
  });
});

describe('pad and wrap', () => {
  it('pads by cells, not by UTF-16 units', () => {
    expect(padEnd('啤酒', 6)).toBe('啤酒  ');
    expect(padStart('¥5', 4)).toBe('  ¥5');
  });

  it('wraps English at spaces and Chinese anywhere', () => {
    expect(wrapToWidth('Thank you for visiting the stadium', 12)).toEqual([
      'Thank you',
      'for visiting',
      'the stadium',
    ]);
    expect(wrapToWidth('欢迎再次光临体育场', 8)).toEqual(['欢迎再次', '光临体育', '场']);
  });

  it('every wrapped line fits and nothing is lost but spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 2, max: 48 }), (text, w) => {
        const lines = wrapToWidth(text, w);
        for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(w);
        expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      }),
    );
  });
});

describe('widths in the printer Hanzi mode', () => {
  it('counts every non-ASCII character two cells, as Chinese firmware prints it', () => {
    expect(charWidth(0xd7)).toBe(1); // "×" in a code page
    expect(charWidth(0xd7, true)).toBe(2); // "×" as GB18030 A1C1
    expect(displayWidth('2 × 热狗', true)).toBe(2 + 2 + 1 + 4);
    expect(padEnd('×', 4, true)).toBe('×  ');
    expect(wrapToWidth('×××', 4, true)).toEqual(['××', '×']);
  });
});
