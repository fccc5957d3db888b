// Column arithmetic for a fixed-pitch printer: an East Asian Wide or Fullwidth character takes
// two cells, a combining mark none. Works on code points, so a cut never splits a surrogate pair.

// [first, last] code point ranges that print two cells wide (Unicode EastAsianWidth W and F,
// the blocks a receipt meets; not the whole table).
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2e80, 0x303e], // CJK radicals, Kangxi radicals, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK compatibility
  [0x3400, 0x4dbf], // CJK Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // Fullwidth forms
  [0xffe0, 0xffe6], // Fullwidth signs (￥ ￡)
  [0x1f300, 0x1f64f], // pictographs, emoticons
  [0x1f900, 0x1f9ff], // supplemental symbols and pictographs
  [0x20000, 0x3fffd], // CJK Extensions B..
];

const ZERO: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x0300, 0x036f], // combining diacritics
  [0x200b, 0x200f], // zero-width space, joiners, marks
  [0xfe00, 0xfe0f], // variation selectors
];

function inRanges(cp: number, ranges: readonly (readonly [number, number])[]): boolean {
  for (const [lo, hi] of ranges) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

/**
 * `hanzi`: the line prints in the printer's Chinese (GB18030) mode, where every non-ASCII
 * character is a double-byte glyph two cells wide, even ones Unicode calls narrow ("×", "°").
 */
export function charWidth(cp: number, hanzi = false): 0 | 1 | 2 {
  if (cp >= 0x20 && cp < 0x7f) return 1;
  if (inRanges(cp, ZERO)) return 0;
  if (hanzi && cp >= 0x80) return 2;
  return inRanges(cp, WIDE) ? 2 : 1;
}

export function isWide(cp: number): boolean {
  return charWidth(cp) === 2;
}

/** Cells the text takes on a fixed-pitch printer. */
export function displayWidth(text: string, hanzi = false): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0) ?? 0, hanzi);
  return w;
}

/** The longest prefix that fits in `width` cells; a wide character that would straddle is left out. */
export function truncateToWidth(text: string, width: number, hanzi = false): string {
  let w = 0;
  let out = '';
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0) ?? 0, hanzi);
    if (w + cw > width) break;
    w += cw;
    out += ch;
  }
  return out;
}

export function padEnd(text: string, width: number, hanzi = false): string {
  const w = displayWidth(text, hanzi);
  return w >= width ? text : text + ' '.repeat(width - w);
}

export function padStart(text: string, width: number, hanzi = false): string {
  const w = displayWidth(text, hanzi);
  return w >= width ? text : ' '.repeat(width - w) + text;
}

/**
 * Lines of at most `width` cells. Breaks after the last space that fits when there is one (so
 * English words stay whole), else anywhere between characters (Chinese has no spaces).
 */
export function wrapToWidth(text: string, width: number, hanzi = false): string[] {
  if (width < 2) throw new RangeError('wrap width must be at least 2');
  const lines: string[] = [];
  let rest = text;
  while (displayWidth(rest, hanzi) > width) {
    let head = truncateToWidth(rest, width, hanzi);
    const space = head.lastIndexOf(' ');
    if (space > 0 && rest[head.length] !== ' ') head = head.slice(0, space);
    lines.push(head.trimEnd());
    rest = rest.slice(head.length).trimStart();
  }
  lines.push(rest);
  return lines;
}
