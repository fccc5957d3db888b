import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../printer/profiles';
import { encodeText } from './commands';
import { renderReceipt } from './render';
import { sampleReceipt } from './sample-receipt';
import { displayWidth } from './text';
import iconv from 'iconv-lite';

const p80 = resolveProfile('80mm');
const p58 = resolveProfile('58mm');
const hex = (u: Uint8Array) =>
  Buffer.from(u)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');

/** The printed lines: text between the command bytes, decoded per the mode in force. */
function printedLines(bytes: Uint8Array, codePage = 'cp858'): string[] {
  const lines: string[] = [];
  let hanzi = false;
  let cur: number[] = [];
  const flush = () => {
    lines.push(iconv.decode(Buffer.from(cur), hanzi ? 'gb18030' : codePage));
    cur = [];
  };
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i]!;
    const next = bytes[i + 1];
    if (c === 0x1c) {
      if (next === 0x26) hanzi = true;
      if (next === 0x2e) hanzi = false;
      i += next === 0x2d ? 3 : 2; // FS & / FS . / FS - n
    } else if (c === 0x1b) {
      i += next === 0x40 ? 2 : next === 0x64 ? 3 : 3; // ESC @ | ESC d n | ESC x n
      if (next === 0x70) i += 2; // ESC p m t1 t2
    } else if (c === 0x1d) {
      if (next === 0x28)
        i += 5 + bytes[i + 3]! + 256 * bytes[i + 4]!; // GS ( k pL pH ...
      else if (next === 0x56) i += bytes[i + 2]! >= 65 ? 4 : 3;
      else i += 3;
    } else if (c === 0x0a) {
      flush();
      i++;
    } else {
      cur.push(c);
      i++;
    }
  }
  return lines;
}

describe('renderReceipt', () => {
  it('sets the character mode explicitly: FS . after ESC @, FS & for Chinese lines, FS . back', () => {
    const bytes = renderReceipt(
      {
        blocks: [
          { kind: 'text', text: 'Gate 3' },
          { kind: 'text', text: '啤酒 Beer' },
          { kind: 'text', text: 'Café €2' },
        ],
      },
      p80,
    );
    expect(hex(bytes)).toBe(
      [
        '1b 40', // ESC @
        '1c 2e', // FS .   leave Hanzi mode, whatever the firmware started in
        '1b 74 13', // ESC t 19 (PC858)
        '1b 4d 00', // ESC M 0 font A
        '1b 61 00', // ESC a 0
        hex(encodeText('Gate 3', 'cp858')),
        '0a',
        '1c 26', // FS & for the Chinese line
        hex(encodeText('啤酒 Beer', 'gb18030')),
        '0a',
        '1c 2e', // FS . before a code-page line
        hex(encodeText('Café €2', 'cp858')),
        '0a',
      ].join(' '),
    );
  });

  it('lays out the bilingual receipt in 48 cells on 80 mm, amounts right-aligned, CJK counted double', () => {
    const lines = printedLines(renderReceipt(sampleReceipt(), p80));
    const beer = lines.find((l) => l.includes('Tsingtao'))!;
    // Printed in Hanzi mode, where "×" and the full-width "￥" are two cells like every
    // non-ASCII glyph: 28 cells of text, 13 of padding, 7 of amount.
    expect(beer).toBe('2 × 青岛啤酒 Tsingtao 500ml' + ' '.repeat(48 - 28 - 7) + '￥36.00');
    expect(displayWidth(beer, true)).toBe(48);
    for (const l of lines.filter((l) => l.includes('￥'))) {
      expect(displayWidth(l, true)).toBe(48);
      expect(l).toMatch(/￥\d+\.\d\d$/);
    }
    expect(lines).toContain('-'.repeat(48));
    // the title is double height only, so it keeps 48 cells and is centred by ESC a 1
    expect(lines[0]).toBe('工人体育场 Workers Stadium');
  });

  it('on 58 mm wraps long item names under the amount, never cutting the amount', () => {
    const lines = printedLines(renderReceipt(sampleReceipt(), p58));
    const i = lines.findIndex((l) => l.startsWith('1 × 爆米花'));
    expect(lines[i]).toBe('1 × 爆米花 (大) Popcorn' + ' ' + '￥18.00');
    expect(displayWidth(lines[i]!, true)).toBe(32);
    expect(lines[i + 1]).toBe('large');
    for (const l of lines) expect(displayWidth(l, /[^ -~]/.test(l))).toBeLessThanOrEqual(32);
  });

  it('halves the line for double width and truncates on request without splitting a Hanzi', () => {
    const lines = printedLines(
      renderReceipt(
        {
          blocks: [
            { kind: 'columns', left: '合计 TOTAL', right: '¥179.00', style: { doubleWidth: true } },
            {
              kind: 'columns',
              left: '一二三四五六七八九十一二三四五六七八九十一二',
              right: '¥1.00',
              overflow: 'truncate',
            },
          ],
        },
        p80,
      ),
    );
    // 24 cells at double width: 10 of text, 6 of padding, 8 of "￥179.00" ("￥" is two cells)
    expect(lines[0]).toBe('合计 TOTAL' + ' '.repeat(24 - 10 - 8) + '￥179.00');
    // room = 48 - 6 - 1 = 41 cells = 20 Hanzi (a 21st would straddle), then the gap and the amount
    expect(lines[1]).toBe('一二三四五六七八九十一二三四五六七八九十 ' + ' ' + '￥1.00');
  });

  it('puts an amount wider than the line on its own line', () => {
    const lines = printedLines(
      renderReceipt(
        { blocks: [{ kind: 'columns', left: 'Tip', right: 'x'.repeat(40) }] },
        resolveProfile('80mm', { charsPerLine: { A: 32 } }),
      ),
    );
    expect(lines).toEqual(['Tip', ' '.repeat(0) + 'x'.repeat(32)]);
  });

  it('without Hanzi firmware prints "?" for Chinese and keeps the columns', () => {
    const profile = resolveProfile('80mm', { supports: { hanzi: false } });
    const bytes = renderReceipt(
      { blocks: [{ kind: 'columns', left: '啤酒 Beer', right: '€5.00' }] },
      profile,
    );
    expect(Buffer.from(bytes).includes(Buffer.from([0x1c, 0x26]))).toBe(false);
    expect(printedLines(bytes)).toEqual(['?? Beer' + ' '.repeat(48 - 7 - 5) + '€5.00']);
  });

  it('ends with the cut the profile can do: partial cut after feed on 80 mm, a tear-off feed on 58 mm', () => {
    expect(hex(renderReceipt({ blocks: [{ kind: 'cut' }] }, p80)).endsWith('1d 56 42 00')).toBe(
      true,
    );
    expect(
      hex(renderReceipt({ blocks: [{ kind: 'cut', partial: false }] }, p80)).endsWith(
        '1d 56 41 00',
      ),
    ).toBe(true);
    expect(hex(renderReceipt({ blocks: [{ kind: 'cut' }] }, p58)).endsWith('1b 64 04')).toBe(true);
  });

  it('opens the drawer on the profile pin and prints QR, barcode and logo centred', () => {
    const profile = resolveProfile('80mm', { drawer: { pin: 5 } });
    const bytes = hex(
      renderReceipt(
        {
          blocks: [
            { kind: 'logo', bitmap: { width: 8, height: 1, data: Uint8Array.from([0xf0]) } },
            { kind: 'qr', data: 'T' },
            { kind: 'barcode', symbology: 'code128', data: 'A1', hri: false, height: 40 },
            { kind: 'drawer' },
          ],
        },
        profile,
      ),
    );
    expect(bytes).toContain('1b 61 01 1d 76 30 00 01 00 01 00 f0 1d 28 6b');
    expect(bytes).toContain('1d 48 00 1d 6b 49 04 7b 42 41 31');
    expect(bytes.endsWith('1b 70 01 32 64')).toBe(true);
  });

  it('refuses a logo wider than the paper', () => {
    expect(() =>
      renderReceipt(
        { blocks: [{ kind: 'logo', bitmap: { width: 400, height: 1, data: new Uint8Array(50) } }] },
        p58,
      ),
    ).toThrow(/384/);
  });

  it('keeps the standard receipt under 2 KB', () => {
    expect(renderReceipt(sampleReceipt(), p80).length).toBeLessThan(2048);
  });
});
