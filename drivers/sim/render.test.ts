import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEscPos, type Page } from './document';
import { renderSvg, renderText } from './render';

function b(...parts: (number | string | Uint8Array)[]): Uint8Array {
  return Uint8Array.from(
    parts.flatMap((p) =>
      typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : typeof p === 'number' ? [p] : [...p],
    ),
  );
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;
const CUT = b(GS, 0x56, 0x00);

function page(...parts: (number | string | Uint8Array)[]): Page {
  const { pages } = decodeEscPos(b(...parts, CUT));
  const p = pages[0];
  if (!p) throw new Error('no page');
  return p;
}

/**
 * A strict enough XML check for our own output: balanced tags, quoted attributes, and no raw
 * `<` or unescaped `&` in text.
 */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = token.exec(xml)) !== null) {
    at = token.lastIndex;
    const [, close, name, , selfClose, text] = m;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`bare & in ${text}`);
    } else if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else if (!selfClose) stack.push(name ?? '');
  }
  if (at !== xml.length) throw new Error(`not XML at ${at}: ${xml.slice(at, at + 40)}`);
  if (stack.length) throw new Error(`unclosed ${stack.join(',')}`);
}

describe('renderText', () => {
  it('aligns lines to the paper width; Hanzi count two columns, magnified characters their width', () => {
    const p = page(
      ESC,
      0x61,
      1,
      'Venue',
      LF,
      ESC,
      0x61,
      2,
      'right',
      LF,
      ESC,
      0x61,
      0,
      FS,
      0x26,
      0xc8,
      0xc8,
      0xb9,
      0xb7,
      FS,
      0x2e,
      ' 2x',
      LF,
      GS,
      0x21,
      0x10,
      'AB',
      GS,
      0x21,
      0x00,
      LF,
    );
    expect(renderText(p, { columns: 32 }).split('\n')).toEqual([
      '             Venue',
      '                           right',
      '热狗 2x',
      'A B',
    ]);
  });

  it('centres CJK by its printed width', () => {
    const p = page(ESC, 0x61, 1, FS, 0x26, 0xc8, 0xc8, 0xb9, 0xb7, LF);
    // 4 columns on 48: 22 spaces either side.
    expect(renderText(p)).toBe(`${' '.repeat(22)}热狗`);
  });

  it('wraps a line longer than the paper like the printer does', () => {
    const p = page('x'.repeat(40), LF);
    expect(renderText(p, { columns: 32 })).toBe(`${'x'.repeat(32)}\n${'x'.repeat(8)}`);
  });

  it('shows symbols and images as labelled placeholders', () => {
    const p = page(
      ESC,
      0x61,
      1,
      GS,
      0x28,
      0x6b,
      8,
      0,
      0x31,
      0x50,
      0x30,
      'r/AB1',
      GS,
      0x28,
      0x6b,
      3,
      0,
      0x31,
      0x51,
      0x30,
      ESC,
      0x61,
      0,
      GS,
      0x6b,
      0x04,
      'A1',
      0x00,
      GS,
      0x76,
      0x30,
      0,
      1,
      0,
      1,
      0,
      0xff,
      ESC,
      0x70,
      0,
      25,
      250,
    );
    expect(renderText(p, { columns: 32 }).split('\n')).toEqual([
      '         [QR L: r/AB1]', // (32 - 13) / 2 = 9
      '[CODE39: A1]',
      '[image 8x1]',
    ]);
  });
});

describe('renderSvg', () => {
  it('is a self-contained SVG: no external references, scripts or images', () => {
    const svg = renderSvg(
      page(
        ESC,
        0x45,
        1,
        'Bold <&> "q"',
        LF,
        GS,
        0x28,
        0x6b,
        8,
        0,
        0x31,
        0x50,
        0x30,
        'a<b&c',
        GS,
        0x28,
        0x6b,
        3,
        0,
        0x31,
        0x51,
        0x30,
      ),
    );
    assertWellFormed(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.replace('http://www.w3.org/2000/svg', '')).not.toMatch(
      /href|url\(|<script|<image|https?:/i,
    );
    expect(svg).toContain('font-weight="bold">Bold &lt;&amp;&gt; &quot;q&quot;</text>');
    expect(svg).toContain('>a&lt;b&amp;c</text>');
  });

  it('draws raster images as black runs and gives double size its width and height', () => {
    const svg = renderSvg(page(GS, 0x76, 0x30, 0, 1, 0, 1, 0, 0xf0, GS, 0x21, 0x11, 'W', LF));
    expect(svg).toMatch(/<path fill="#000" d="M\d+ \d+h4v1h-4z"\/>/);
    expect(svg).toMatch(/font-size="48" textLength="24"/);
  });

  it('keeps the padding that aligns amounts on each text element, not only on the root', () => {
    // Chromium ignores the root's xml:space inside an <img>; each <text> must say it itself.
    const svg = renderSvg(
      page(
        'Beer' + ' '.repeat(34) + '5.00',
        LF,
        ESC,
        0x61,
        1,
        '  centred  ',
        LF,
        GS,
        0x28,
        0x6b,
        8,
        0,
        0x31,
        0x50,
        0x30,
        'r/AB1',
        GS,
        0x28,
        0x6b,
        3,
        0,
        0x31,
        0x51,
        0x30,
        GS,
        0x48,
        2,
        GS,
        0x6b,
        0x04,
        'A1',
        0x00,
      ),
      { columns: 42 },
    );
    const texts = svg.match(/<text\b[^>]*>/g) ?? [];
    expect(texts.length).toBeGreaterThanOrEqual(5); // two lines, QR title and data, barcode HRI
    for (const t of texts) expect(t).toContain('xml:space="preserve"');
    expect(svg).toContain(`>Beer${' '.repeat(34)}5.00</text>`);
  });

  it('renders whatever random bytes decode to as well-formed XML', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, hanzi) => {
        const { pages, current } = decodeEscPos(b(bytes, CUT), { hanziByDefault: hanzi });
        for (const p of [...pages, current]) {
          assertWellFormed(renderSvg(p));
          renderText(p);
        }
      }),
      { numRuns: 300 },
    );
  });
});
