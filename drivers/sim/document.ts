// What a printer makes of the parsed commands: pages (receipts, ended by a cut) made of printed
// lines, symbols and images. The modes that matter for how a receipt looks are kept (style,
// alignment, character size); spacing, margins and the like are accepted and not modelled.
import type { Align, CutKind, EscPosEvent } from './escpos-decoder';
import { EscPosParser, type ParserOptions } from './escpos-decoder';

export interface TextStyle {
  bold: boolean;
  underline: 0 | 1 | 2;
  /** Character magnification, 1..8. */
  width: number;
  height: number;
  font: 'A' | 'B' | 'C';
  reverse: boolean;
  upsideDown: boolean;
}

export interface TextRun {
  text: string;
  style: TextStyle;
  /** Printed two cells wide per character (multi-byte characters in Hanzi mode). */
  wide: boolean;
}

export type HriPosition = 'none' | 'above' | 'below' | 'both';

export type Block =
  | { kind: 'line'; align: Align; runs: TextRun[] }
  | { kind: 'feed'; dots: number }
  | {
      kind: 'qr';
      align: Align;
      data: string;
      bytes: Uint8Array;
      model: 1 | 2 | 'micro';
      moduleSize: number;
      errorLevel: 'L' | 'M' | 'Q' | 'H';
    }
  /** A 2D symbol other than QR (PDF417, DataMatrix, ...), by its GS ( k cn. */
  | { kind: 'symbol'; align: Align; cn: number; data: string }
  | {
      kind: 'barcode';
      align: Align;
      symbology: string;
      m: number;
      data: string;
      hri: HriPosition;
      height: number;
      moduleWidth: number;
    }
  /** Dots row-major, one byte per dot (1 = black), `width` x `height` after scaling. */
  | { kind: 'image'; align: Align; width: number; height: number; dots: Uint8Array }
  /** A drawer pulse happened here in the stream (not printed). */
  | { kind: 'pulse'; pin: 2 | 5; onMs: number; offMs: number };

export interface Page {
  blocks: Block[];
  /** How the page was cut off, or null for the page still in the printer. */
  cut: CutKind | null;
}

const DEFAULT_STYLE: TextStyle = {
  bold: false,
  underline: 0,
  width: 1,
  height: 1,
  font: 'A',
  reverse: false,
  upsideDown: false,
};

const TAB_WIDTH = 8;

const BARCODES: Record<number, string> = {
  0: 'UPC-A',
  1: 'UPC-E',
  2: 'EAN13',
  3: 'EAN8',
  4: 'CODE39',
  5: 'ITF',
  6: 'CODABAR',
  65: 'UPC-A',
  66: 'UPC-E',
  67: 'EAN13',
  68: 'EAN8',
  69: 'CODE39',
  70: 'ITF',
  71: 'CODABAR',
  72: 'CODE93',
  73: 'CODE128',
  74: 'GS1-128',
  75: 'GS1 DataBar Omnidirectional',
  76: 'GS1 DataBar Truncated',
  77: 'GS1 DataBar Limited',
  78: 'GS1 DataBar Expanded',
  79: 'CODE128 auto',
};

interface SymbolState {
  model: 1 | 2 | 'micro';
  moduleSize: number;
  errorLevel: 'L' | 'M' | 'Q' | 'H';
  stored: Uint8Array | null;
}

function freshSymbols(): Map<number, SymbolState> {
  return new Map();
}

/** Applies parsed events to a growing document. */
export class DocumentBuilder {
  private done: Page[] = [];
  private page: Page = { blocks: [], cut: null };
  private style: TextStyle = { ...DEFAULT_STYLE };
  private hanziStyle = { doubleWidth: false, doubleHeight: false, underline: false };
  private align: Align = 'left';
  private runs: TextRun[] = [];
  /** Alignment taken when the line got its first character (ESC a acts only at line start). */
  private lineAlign: Align | null = null;
  private column = 0;
  private hri: HriPosition = 'none';
  private barcodeHeight = 162;
  private barcodeWidth = 3;
  private symbols = freshSymbols();

  /** Finished pages, oldest first. */
  pages(): Page[] {
    return this.done;
  }

  /** Forgets the finished pages (torn off); modes and the page in the printer stay. */
  clearPages(): void {
    this.done = [];
  }

  /** The page in the printer: what has printed since the last cut (lines not yet ended excluded). */
  current(): Page {
    return this.page;
  }

  /** Applies one event; returns the page it finished, if it was a cut. */
  apply(e: EscPosEvent): Page | null {
    switch (e.kind) {
      case 'text':
        this.addText(e.text, e.wide);
        return null;
      case 'tab': {
        const spaces = TAB_WIDTH - (this.column % TAB_WIDTH);
        this.addText(' '.repeat(spaces), false);
        return null;
      }
      case 'lf':
      case 'ff':
        this.endLine(true);
        return null;
      case 'feed-lines':
        if (e.lines === 0) this.endLine(false);
        else {
          this.endLine(true);
          for (let i = 1; i < e.lines; i++) this.page.blocks.push(blankLine(this.align));
        }
        return null;
      case 'feed-dots':
        this.endLine(false);
        if (e.dots > 0) this.page.blocks.push({ kind: 'feed', dots: e.dots });
        return null;
      case 'init':
        // ESC @ clears the print buffer (the unfinished line) and resets the modes.
        this.runs = [];
        this.lineAlign = null;
        this.column = 0;
        this.style = { ...DEFAULT_STYLE };
        this.hanziStyle = { doubleWidth: false, doubleHeight: false, underline: false };
        this.align = 'left';
        this.hri = 'none';
        this.barcodeHeight = 162;
        this.barcodeWidth = 3;
        this.symbols = freshSymbols();
        return null;
      case 'print-mode':
        this.style = {
          ...this.style,
          font: e.n & 1 ? 'B' : 'A',
          bold: (e.n & 0x08) !== 0,
          height: e.n & 0x10 ? 2 : 1,
          width: e.n & 0x20 ? 2 : 1,
          underline: e.n & 0x80 ? 1 : 0,
        };
        return null;
      case 'bold':
        this.style = { ...this.style, bold: e.on };
        return null;
      case 'underline':
        this.style = { ...this.style, underline: e.thickness };
        return null;
      case 'char-size':
        this.style = { ...this.style, width: e.width, height: e.height };
        return null;
      case 'font':
        this.style = { ...this.style, font: e.font };
        return null;
      case 'reverse':
        this.style = { ...this.style, reverse: e.on };
        return null;
      case 'upside-down':
        this.style = { ...this.style, upsideDown: e.on };
        return null;
      case 'align':
        this.align = e.align;
        return null;
      case 'hanzi-mode':
        this.hanziStyle = {
          doubleWidth: (e.n & 0x04) !== 0,
          doubleHeight: (e.n & 0x08) !== 0,
          underline: (e.n & 0x80) !== 0,
        };
        return null;
      case 'code-page':
      case 'hanzi':
      case 'status-request':
      case 'asb':
      case 'process-id':
      case 'ignored':
      case 'unknown':
        return null;
      case 'cut':
        return this.cut(e.cut, e.feed);
      case 'barcode-setting':
        this.barcodeSetting(e.setting, e.value);
        return null;
      case 'barcode':
        this.endLine(false);
        this.page.blocks.push({
          kind: 'barcode',
          align: this.align,
          m: e.m,
          symbology: BARCODES[e.m] ?? `system ${e.m}`,
          data: barcodeText(e.m, e.data),
          hri: this.hri,
          height: this.barcodeHeight,
          moduleWidth: this.barcodeWidth,
        });
        return null;
      case 'symbol-setting':
        this.symbolSetting(e.cn, e.fn, e.params);
        return null;
      case 'symbol-store':
        this.symbol(e.cn).stored = e.data;
        return null;
      case 'symbol-print':
        this.printSymbol(e.cn);
        return null;
      case 'raster':
        this.endLine(false);
        this.page.blocks.push(rasterBlock(this.align, e.m, e.widthBytes, e.height, e.data));
        return null;
      case 'pulse':
        this.page.blocks.push({ kind: 'pulse', pin: e.pin, onMs: e.onMs, offMs: e.offMs });
        return null;
    }
  }

  private addText(text: string, wide: boolean): void {
    if (text.length === 0) return;
    this.lineAlign ??= this.align;
    let style = this.style;
    if (wide) {
      style = {
        ...style,
        width: this.hanziStyle.doubleWidth ? Math.max(2, style.width) : style.width,
        height: this.hanziStyle.doubleHeight ? Math.max(2, style.height) : style.height,
        underline: this.hanziStyle.underline && style.underline === 0 ? 1 : style.underline,
      };
    }
    const last = this.runs[this.runs.length - 1];
    if (last && last.wide === wide && sameStyle(last.style, style)) last.text += text;
    else this.runs.push({ text, style, wide });
    this.column += [...text].length * (wide ? 2 : 1) * style.width;
  }

  /**
   * Prints the line buffer. `feed`: the command feeds a line, so an empty buffer still makes a
   * blank line; commands that only print what is buffered (before a symbol, image or cut) add
   * nothing when it is empty.
   */
  private endLine(feed: boolean): void {
    if (this.runs.length === 0 && !feed) return;
    this.page.blocks.push({ kind: 'line', align: this.lineAlign ?? this.align, runs: this.runs });
    this.runs = [];
    this.lineAlign = null;
    this.column = 0;
  }

  private cut(kind: CutKind, _feed: number | null): Page {
    // The reference enables GS V at the beginning of a line; a printer given text first prints it
    // and then cuts, so does the simulator.
    this.endLine(false);
    const finished: Page = { blocks: this.page.blocks, cut: kind };
    this.done.push(finished);
    this.page = { blocks: [], cut: null };
    return finished;
  }

  private barcodeSetting(setting: 'hri' | 'height' | 'width' | 'hri-font', v: number): void {
    if (setting === 'hri') {
      const n = v >= 0x30 ? v - 0x30 : v;
      this.hri = n === 1 ? 'above' : n === 2 ? 'below' : n === 3 ? 'both' : 'none';
    } else if (setting === 'height') {
      if (v >= 1) this.barcodeHeight = v;
    } else if (setting === 'width') {
      if (v >= 1 && v <= 6) this.barcodeWidth = v;
    }
  }

  private symbol(cn: number): SymbolState {
    let s = this.symbols.get(cn);
    if (!s) {
      s = { model: 2, moduleSize: 3, errorLevel: 'L', stored: null };
      this.symbols.set(cn, s);
    }
    return s;
  }

  private symbolSetting(cn: number, fn: number, params: number[]): void {
    if (cn !== 49) return;
    const s = this.symbol(cn);
    const n = params[0];
    if (n === undefined) return;
    if (fn === 65) s.model = n === 49 ? 1 : n === 51 ? 'micro' : 2;
    else if (fn === 67) {
      if (n >= 1 && n <= 16) s.moduleSize = n;
    } else if (fn === 69) {
      const level = (['L', 'M', 'Q', 'H'] as const)[n - 48];
      if (level) s.errorLevel = level;
    }
  }

  private printSymbol(cn: number): void {
    const s = this.symbols.get(cn);
    // Nothing stored: the reference says the printer prints nothing.
    if (!s?.stored || s.stored.length === 0) return;
    this.endLine(false);
    const data = bytesToText(s.stored);
    if (cn === 49) {
      this.page.blocks.push({
        kind: 'qr',
        align: this.align,
        data,
        bytes: s.stored,
        model: s.model,
        moduleSize: s.moduleSize,
        errorLevel: s.errorLevel,
      });
    } else this.page.blocks.push({ kind: 'symbol', align: this.align, cn, data });
  }
}

function blankLine(align: Align): Block {
  return { kind: 'line', align, runs: [] };
}

function sameStyle(a: TextStyle, b: TextStyle): boolean {
  return (
    a.bold === b.bold &&
    a.underline === b.underline &&
    a.width === b.width &&
    a.height === b.height &&
    a.font === b.font &&
    a.reverse === b.reverse &&
    a.upsideDown === b.upsideDown
  );
}

/** UTF-8 when it is valid UTF-8 (URLs, ASCII), else each byte as Latin-1. */
function bytesToText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
  }
}

/** The human-readable text of a barcode's data; CODE128 code set C packs two digits a byte. */
function barcodeText(m: number, data: Uint8Array): string {
  if (m !== 73 && m !== 74) return bytesToText(data);
  let set: 'A' | 'B' | 'C' = 'B';
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i] ?? 0;
    if (b === 0x7b && i + 1 < data.length) {
      const sel = data[i + 1] ?? 0;
      i++;
      if (sel === 0x41 || sel === 0x42 || sel === 0x43)
        set = String.fromCharCode(sel) as 'A' | 'B' | 'C';
      else if (sel === 0x7b) out += '{';
      // {S shift, {1..{4 FNC codes: not printed.
      continue;
    }
    out += set === 'C' ? String(b).padStart(2, '0') : String.fromCharCode(b);
  }
  return out;
}

function rasterBlock(
  align: Align,
  m: number,
  widthBytes: number,
  height: number,
  data: Uint8Array,
): Block {
  const sx = m === 1 || m === 3 ? 2 : 1;
  const sy = m === 2 || m === 3 ? 2 : 1;
  const w = widthBytes * 8;
  const dots = new Uint8Array(w * sx * height * sy);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < w; x++) {
      const bit = ((data[y * widthBytes + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1;
      if (!bit) continue;
      for (let dy = 0; dy < sy; dy++)
        for (let dx = 0; dx < sx; dx++) dots[(y * sy + dy) * w * sx + x * sx + dx] = 1;
    }
  return { kind: 'image', align, width: w * sx, height: height * sy, dots };
}

/** Parser plus builder: the whole decoder, fed chunks. */
export class EscPosDecoder {
  readonly parser: EscPosParser;
  readonly document = new DocumentBuilder();

  constructor(options: ParserOptions = {}) {
    this.parser = new EscPosParser(options);
  }

  /** Feeds a chunk; returns the events it completed (already applied to the document). */
  push(chunk: Uint8Array): EscPosEvent[] {
    const events = this.parser.push(chunk);
    for (const e of events) this.document.apply(e);
    return events;
  }
}

/** Decodes a whole stream (or its chunks) into pages; the last page is the uncut one. */
export function decodeEscPos(
  input: Uint8Array | Uint8Array[],
  options: ParserOptions = {},
): { pages: Page[]; current: Page; events: EscPosEvent[] } {
  const d = new EscPosDecoder(options);
  const events: EscPosEvent[] = [];
  for (const chunk of Array.isArray(input) ? input : [input]) events.push(...d.push(chunk));
  return { pages: d.document.pages(), current: d.document.current(), events };
}
