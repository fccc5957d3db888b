// Renders a printed page as plain text (for the terminal and tests) and as a self-contained SVG
// (for the UI's Devices screen: no external references, no scripts, fonts by family name only).
// QR codes and barcodes are drawn as labelled placeholder boxes carrying their data, not as
// scannable symbols: the simulator shows what was asked for, it is not a symbol encoder.
import type { Align } from './escpos-decoder';
import type { Block, Page, TextStyle } from './document';

export interface RenderOptions {
  /** Characters per line of font A: 48 on 80 mm paper, 32 on 58 mm. */
  columns?: number;
}

interface Segment {
  text: string;
  style: TextStyle;
  /** Cells (font A character widths) the segment takes. */
  cells: number;
  /** Cells per character. */
  cellsPerChar: number;
  /** A Hanzi-mode multi-byte character, drawn two cells wide by a terminal too. */
  wide: boolean;
}

interface PhysicalLine {
  /** Cells of left padding from alignment. */
  offset: number;
  segments: Segment[];
  height: number;
}

/** Breaks a printed line at the paper width (as the printer does) and applies its alignment. */
function layoutLine(block: Extract<Block, { kind: 'line' }>, columns: number): PhysicalLine[] {
  const lines: { segments: Segment[]; used: number }[] = [{ segments: [], used: 0 }];
  for (const run of block.runs) {
    const per = (run.wide ? 2 : 1) * run.style.width;
    for (const ch of run.text) {
      let line = lines[lines.length - 1] ?? { segments: [], used: 0 };
      if (line.used + per > columns && line.used > 0) {
        line = { segments: [], used: 0 };
        lines.push(line);
      }
      const last = line.segments[line.segments.length - 1];
      if (last && last.style === run.style && last.wide === run.wide) {
        last.text += ch;
        last.cells += per;
      } else
        line.segments.push({
          text: ch,
          style: run.style,
          cells: per,
          cellsPerChar: per,
          wide: run.wide,
        });
      line.used += per;
    }
  }
  return lines.map(({ segments, used }) => ({
    offset: alignOffset(block.align, used, columns),
    segments,
    height: Math.max(1, ...segments.map((s) => s.style.height)),
  }));
}

function alignOffset(align: Align, used: number, columns: number): number {
  const free = Math.max(0, columns - used);
  return align === 'center' ? Math.floor(free / 2) : align === 'right' ? free : 0;
}

function placeholder(block: Block): string | null {
  switch (block.kind) {
    case 'qr':
      return `[QR ${block.errorLevel}: ${block.data}]`;
    case 'symbol':
      return `[2D symbol cn=${block.cn}: ${block.data}]`;
    case 'barcode':
      return `[${block.symbology}: ${block.data}]`;
    case 'image':
      return `[image ${block.width}x${block.height}]`;
    case 'line':
    case 'feed':
    case 'pulse':
      return null;
  }
}

/** The page as text: one line per printed line, aligned to `columns`, CJK two columns wide. */
export function renderText(page: Page, options: RenderOptions = {}): string {
  const columns = options.columns ?? 48;
  const out: string[] = [];
  for (const block of page.blocks) {
    if (block.kind === 'line') {
      for (const line of layoutLine(block, columns)) {
        let s = ' '.repeat(line.offset);
        for (const seg of line.segments) {
          // A magnified character keeps its cells: pad after it so columns stay true.
          const pad = ' '.repeat(seg.cellsPerChar - (seg.wide ? 2 : 1));
          s += pad ? [...seg.text].map((c) => c + pad).join('') : seg.text;
        }
        out.push(s.trimEnd());
      }
    } else if (block.kind === 'feed') {
      for (let i = 0; i < Math.round(block.dots / 30); i++) out.push('');
    } else if (block.kind !== 'pulse') {
      const label = placeholder(block);
      if (label === null) continue;
      const align = block.align;
      const width = [...label].length;
      out.push(`${' '.repeat(alignOffset(align, width, columns))}${label}`.trimEnd());
    }
  }
  return out.join('\n');
}

// ---- SVG ----

const CELL = 12; // font A is 12 x 24 dots
const CHAR_H = 24;
const LINE_GAP = 6; // default line spacing is 30 dots
const MARGIN = 16;
const FONT = "'Noto Sans Mono CJK SC','Noto Sans Mono','DejaVu Sans Mono',monospace";

/** The page as a standalone SVG document, one unit per printer dot. */
export function renderSvg(page: Page, options: RenderOptions = {}): string {
  const columns = options.columns ?? 48;
  const paper = columns * CELL;
  const parts: string[] = [];
  let y = MARGIN;
  for (const block of page.blocks) {
    switch (block.kind) {
      case 'line':
        for (const line of layoutLine(block, columns)) {
          const h = line.height * CHAR_H;
          let cell = line.offset;
          for (const seg of line.segments) {
            const x = MARGIN + cell * CELL;
            const w = seg.cells * CELL;
            const sh = seg.style.height * CHAR_H;
            if (seg.style.reverse)
              parts.push(
                `<rect x="${x}" y="${y + h - sh}" width="${w}" height="${sh}" fill="#000"/>`,
              );
            const attrs = [
              // Chromium ignores the root's xml:space (and white-space:pre) in an SVG shown
              // through <img>, collapsing the padding that aligns amounts; each text keeps its own.
              'xml:space="preserve"',
              `x="${x}"`,
              `y="${y + h - Math.round(sh * 0.18)}"`,
              `font-size="${sh}"`,
              `textLength="${w}"`,
              'lengthAdjust="spacingAndGlyphs"',
              seg.style.bold ? 'font-weight="bold"' : '',
              seg.style.underline ? 'text-decoration="underline"' : '',
              seg.style.reverse ? 'fill="#fff"' : '',
            ].filter(Boolean);
            parts.push(`<text ${attrs.join(' ')}>${escapeXml(seg.text)}</text>`);
            cell += seg.cells;
          }
          y += h + LINE_GAP;
        }
        break;
      case 'feed':
        y += block.dots;
        break;
      case 'image': {
        const x0 = MARGIN + alignDots(block.align, block.width, paper);
        parts.push(`<path fill="#000" d="${imagePath(block, x0, y)}"/>`);
        y += block.height + LINE_GAP;
        break;
      }
      case 'qr':
      case 'symbol': {
        const side = block.kind === 'qr' ? Math.max(96, block.moduleSize * 33) : 120;
        const x0 = MARGIN + alignDots(block.align, side, paper);
        const title = block.kind === 'qr' ? `QR (${block.errorLevel})` : `2D cn=${block.cn}`;
        parts.push(labelledBox(x0, y, side, side, title, block.data));
        y += side + LINE_GAP;
        break;
      }
      case 'barcode': {
        const width = Math.min(
          paper,
          Math.max(120, (block.data.length * 11 + 35) * block.moduleWidth),
        );
        const x0 = MARGIN + alignDots(block.align, width, paper);
        const hriAbove = block.hri === 'above' || block.hri === 'both';
        const hriBelow = block.hri === 'below' || block.hri === 'both';
        if (hriAbove) {
          parts.push(hriText(x0 + width / 2, y + CHAR_H - 4, block.data));
          y += CHAR_H;
        }
        parts.push(labelledBox(x0, y, width, block.height, block.symbology, block.data));
        y += block.height;
        if (hriBelow) {
          parts.push(hriText(x0 + width / 2, y + CHAR_H - 4, block.data));
          y += CHAR_H;
        }
        y += LINE_GAP;
        break;
      }
      case 'pulse':
        break;
    }
  }
  if (page.cut !== null) {
    y += MARGIN;
    const dash = page.cut === 'full' ? '' : ' stroke-dasharray="12 6"';
    parts.push(
      `<line x1="0" y1="${y}" x2="${paper + 2 * MARGIN}" y2="${y}" stroke="#888"${dash}/>`,
    );
  }
  const width = paper + 2 * MARGIN;
  const height = y + MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<g font-family="${FONT}" fill="#000" style="white-space:pre">`,
    ...parts,
    '</g>',
    '</svg>',
  ].join('\n');
}

function alignDots(align: Align, width: number, paper: number): number {
  const free = Math.max(0, paper - width);
  return align === 'center' ? Math.floor(free / 2) : align === 'right' ? free : 0;
}

/** Horizontal runs of black dots as one path. */
function imagePath(block: Extract<Block, { kind: 'image' }>, x0: number, y0: number): string {
  const d: string[] = [];
  for (let row = 0; row < block.height; row++) {
    let x = 0;
    while (x < block.width) {
      if (block.dots[row * block.width + x] !== 1) {
        x++;
        continue;
      }
      const start = x;
      while (x < block.width && block.dots[row * block.width + x] === 1) x++;
      d.push(`M${x0 + start} ${y0 + row}h${x - start}v1h${start - x}z`);
    }
  }
  return d.join('');
}

function labelledBox(
  x: number,
  y: number,
  w: number,
  h: number,
  title: string,
  data: string,
): string {
  const perLine = Math.max(4, Math.floor((w - 8) / 7));
  const chars = [...data];
  const lines: string[] = [];
  for (let i = 0; i < chars.length && lines.length < Math.floor((h - 24) / 13); i += perLine)
    lines.push(chars.slice(i, i + perLine).join(''));
  const text = lines
    .map(
      (l, i) =>
        `<text xml:space="preserve" x="${x + 4}" y="${y + 32 + i * 13}" font-size="12">${escapeXml(l)}</text>`,
    )
    .join('');
  return (
    `<g><rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#eee" stroke="#000" stroke-width="2"/>` +
    `<text xml:space="preserve" x="${x + 4}" y="${y + 16}" font-size="14" font-weight="bold">${escapeXml(title)}</text>${text}</g>`
  );
}

function hriText(cx: number, y: number, data: string): string {
  return `<text xml:space="preserve" x="${cx}" y="${y}" font-size="20" text-anchor="middle">${escapeXml(data)}</text>`;
}

/** Escapes for XML text and attributes, dropping characters XML cannot hold at all. */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
