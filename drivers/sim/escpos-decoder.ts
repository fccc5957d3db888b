// A streaming ESC/POS parser written from the ESC/POS command reference (Epson's "ESC/POS Command
// Reference" command descriptions; lengths of the commands we only skip come from the same
// reference), deliberately independent of drivers/escpos: tests of driver against simulator then
// check two separate readings of the protocol.
//
// Fed arbitrary chunks, it turns bytes into events (text, style changes, feeds, cuts, symbols,
// images, drawer pulses, status and process-ID requests). It never throws: a command whose
// length the reference gives is skipped by that length even when we do not model it; anything
// else is reported as `unknown` and parsing resumes at the next byte after the command prefix,
// which is what a printer does with an undefined command (its parameters then print as text).
//
// Real-time commands (DLE EOT) are answered by a printer as bytes arrive, even inside another
// command's data; RealtimeScanner models that separately from the data path (see below).
import iconv from 'iconv-lite';

export type Align = 'left' | 'center' | 'right';
export type CutKind = 'full' | 'partial';

export type EscPosEvent =
  /** Printable text; `wide` for multi-byte (GB18030) characters in Hanzi mode, which print two cells wide. */
  | { kind: 'text'; text: string; wide: boolean }
  /** LF: print the line buffer and feed one line. */
  | { kind: 'lf' }
  /** FF in standard mode: print the line buffer. */
  | { kind: 'ff' }
  | { kind: 'tab' }
  /** ESC d n: print the line buffer and feed n lines. */
  | { kind: 'feed-lines'; lines: number }
  /** ESC J n: print the line buffer and feed n motion units (dots). */
  | { kind: 'feed-dots'; dots: number }
  /** ESC @: clears the line buffer and resets every mode. */
  | { kind: 'init' }
  /** ESC ! n: font (bit 0), emphasized (3), double height (4), double width (5), underline (7). */
  | { kind: 'print-mode'; n: number }
  /** ESC E / ESC G: emphasized / double-strike (both print bold). */
  | { kind: 'bold'; on: boolean }
  /** ESC - n: 0 off, 1 one dot, 2 two dots. */
  | { kind: 'underline'; thickness: 0 | 1 | 2 }
  /** GS ! n: width and height magnification 1..8. */
  | { kind: 'char-size'; width: number; height: number }
  | { kind: 'font'; font: 'A' | 'B' | 'C' }
  /** GS B n: white on black. */
  | { kind: 'reverse'; on: boolean }
  | { kind: 'upside-down'; on: boolean }
  /** ESC a n: applies to a line only when received at its beginning. */
  | { kind: 'align'; align: Align }
  /** ESC t n: single-byte character code table. */
  | { kind: 'code-page'; page: number }
  /** FS & (on) / FS . (off). */
  | { kind: 'hanzi'; on: boolean }
  /** FS ! n: Kanji/Hanzi print mode: double width (bit 2), double height (3), underline (7). */
  | { kind: 'hanzi-mode'; n: number }
  /** GS V: `feed` is the n of the feed-then-cut forms, null for the plain cut. */
  | { kind: 'cut'; cut: CutKind; feed: number | null; m: number }
  /** GS ( k cn fn with settings (QR: fn 65 model, 67 size, 69 error level). */
  | { kind: 'symbol-setting'; cn: number; fn: number; params: number[] }
  /** GS ( k cn fn=80: store symbol data. */
  | { kind: 'symbol-store'; cn: number; data: Uint8Array }
  /** GS ( k cn fn=81: print the stored symbol. */
  | { kind: 'symbol-print'; cn: number }
  /** GS k: `m` as sent (0..6 NUL-terminated form, 65..79 counted form). */
  | { kind: 'barcode'; m: number; data: Uint8Array }
  /** GS H n (HRI position), GS h n (height), GS w n (module width), GS f n (HRI font). */
  | { kind: 'barcode-setting'; setting: 'hri' | 'height' | 'width' | 'hri-font'; value: number }
  /** GS v 0 m xL xH yL yH d1..dk: `widthBytes` bytes per row, MSB = leftmost dot. */
  | { kind: 'raster'; m: number; widthBytes: number; height: number; data: Uint8Array }
  /** ESC p m t1 t2 / DLE DC4 1 m t: pulse on drawer kick-out connector pin 2 or 5. */
  | { kind: 'pulse'; pin: 2 | 5; onMs: number; offMs: number }
  /** DLE EOT n [a]: in the data path it is a no-op (answered on arrival, see RealtimeScanner). */
  | { kind: 'status-request'; n: number }
  /** GS a n: which status items automatic status back reports. */
  | { kind: 'asb'; mask: number }
  /** GS ( H fn=48 m=48 d1..d4: reply 37 22 d1..d4 00 once everything before it has printed. */
  | { kind: 'process-id'; id: Uint8Array }
  /** A documented command that the document model does not need (line spacing, margins, ...). */
  | { kind: 'ignored'; name: string; bytes: Uint8Array }
  /** Bytes the reference does not define here, or a command with impossible parameters. */
  | { kind: 'unknown'; bytes: Uint8Array; reason: string };

export interface ParserOptions {
  /** ESC t table selected at power-on and by ESC @ (0 = PC437). */
  codePage?: number;
  /** Printers with Chinese firmware start in Hanzi mode (and return to it on ESC @). */
  hanziByDefault?: boolean;
}

const NUL = 0x00;
const HT = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;
const DLE = 0x10;
const CAN = 0x18;
const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;

/** Lengths beyond these are treated as corruption rather than waited for. */
const MAX_RASTER_BYTES = 4 * 1024 * 1024;
const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
const MAX_NUL_BARCODE = 255;

/** ESC t n → iconv-lite encoding, for the tables iconv-lite has. */
const CODE_PAGES: Record<number, string> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  11: 'cp851',
  12: 'cp853',
  13: 'cp857',
  14: 'cp737',
  15: 'iso88597',
  16: 'cp1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
  32: 'cp720',
  33: 'cp775',
  34: 'cp855',
  35: 'cp861',
  36: 'cp862',
  37: 'cp864',
  38: 'cp869',
  39: 'iso88592',
  40: 'iso885915',
  44: 'cp1125',
  45: 'cp1250',
  46: 'cp1251',
  47: 'cp1253',
  48: 'cp1254',
  49: 'cp1255',
  50: 'cp1256',
  51: 'cp1257',
  52: 'cp1258',
};

export function codePageEncoding(page: number): string | null {
  const name = CODE_PAGES[page];
  return name !== undefined && iconv.encodingExists(name) ? name : null;
}

/** Fixed parameter counts of ESC commands (bytes after `ESC x`). */
const ESC_FIXED: Record<number, [string, number]> = {
  0x0c: ['ESC FF print page', 0],
  0x20: ['ESC SP right spacing', 1],
  0x24: ['ESC $ absolute position', 2],
  0x25: ['ESC % user-defined set', 1],
  0x2d: ['ESC - underline', 1],
  0x32: ['ESC 2 default line spacing', 0],
  0x33: ['ESC 3 line spacing', 1],
  0x3c: ['ESC < return home', 0],
  0x3d: ['ESC = peripheral device', 1],
  0x3f: ['ESC ? cancel user-defined char', 1],
  0x4b: ['ESC K reverse feed', 1],
  0x4c: ['ESC L page mode', 0],
  0x4d: ['ESC M font', 1],
  0x52: ['ESC R international set', 1],
  0x53: ['ESC S standard mode', 0],
  0x54: ['ESC T page direction', 1],
  0x55: ['ESC U unidirectional', 1],
  0x56: ['ESC V rotate 90', 1],
  0x57: ['ESC W page area', 8],
  0x5c: ['ESC \\ relative position', 2],
  0x65: ['ESC e reverse feed lines', 1],
  0x66: ['ESC f cut sheet wait', 2],
  0x69: ['ESC i partial cut', 0],
  0x6d: ['ESC m partial cut', 0],
  0x72: ['ESC r print color', 1],
  0x75: ['ESC u peripheral status', 1],
  0x76: ['ESC v paper status', 0],
  0x7b: ['ESC { upside-down', 1],
};

/** Fixed parameter counts of GS commands (bytes after `GS x`). */
const GS_FIXED: Record<number, [string, number]> = {
  0x21: ['GS ! character size', 1],
  0x24: ['GS $ page vertical position', 2],
  0x2f: ['GS / print downloaded image', 1],
  0x3a: ['GS : macro definition', 0],
  0x42: ['GS B reverse', 1],
  0x45: ['GS E head control', 1],
  0x48: ['GS H HRI position', 1],
  0x49: ['GS I printer ID', 1],
  0x4c: ['GS L left margin', 2],
  0x50: ['GS P motion units', 2],
  0x54: ['GS T beginning of line', 1],
  0x57: ['GS W print area width', 2],
  0x5c: ['GS \\ relative vertical position', 2],
  0x5e: ['GS ^ execute macro', 3],
  0x61: ['GS a ASB', 1],
  0x62: ['GS b smoothing', 1],
  0x63: ['GS c print counter', 0],
  0x66: ['GS f HRI font', 1],
  0x68: ['GS h barcode height', 1],
  0x6a: ['GS j ink ASB', 1],
  0x72: ['GS r transmit status', 1],
  0x77: ['GS w barcode width', 1],
  0x7a: ['GS z online recovery', 2],
};

/** Fixed parameter counts of FS commands (bytes after `FS x`). */
const FS_FIXED: Record<number, [string, number]> = {
  0x21: ['FS ! hanzi print mode', 1],
  0x26: ['FS & hanzi mode on', 0],
  0x2d: ['FS - hanzi underline', 1],
  0x2e: ['FS . hanzi mode off', 0],
  0x3f: ['FS ? cancel user-defined hanzi', 2],
  0x43: ['FS C hanzi code system', 1],
  0x53: ['FS S hanzi spacing', 2],
  0x57: ['FS W hanzi quadruple', 1],
  0x70: ['FS p print NV image', 2],
};

const NEED_MORE = Symbol('need-more');
type Step = { events: EscPosEvent[]; next: number } | typeof NEED_MORE;

/**
 * Streaming parser: push chunks, get events. Any split of the same byte stream gives the same
 * events once adjacent text events are merged (text is emitted as far as it goes).
 */
export class EscPosParser {
  private buf = new Uint8Array(256);
  private start = 0;
  private end = 0;
  /** Bytes needed from `start` before it is worth parsing again. */
  private needed = 0;
  private hanzi: boolean;
  private codePage: number;

  constructor(private readonly options: ParserOptions = {}) {
    this.hanzi = options.hanziByDefault ?? false;
    this.codePage = options.codePage ?? 0;
  }

  /** The modes that change how later bytes decode. */
  modes(): { hanzi: boolean; codePage: number } {
    return { hanzi: this.hanzi, codePage: this.codePage };
  }

  /** Puts modes back (bytes a printer discarded must not switch its character set). */
  setModes(modes: { hanzi: boolean; codePage: number }): void {
    this.hanzi = modes.hanzi;
    this.codePage = modes.codePage;
  }

  /** Bytes held because the command they start is not complete yet. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): EscPosEvent[] {
    this.append(chunk);
    if (this.end - this.start < this.needed) return [];
    this.needed = 0;
    const out: EscPosEvent[] = [];
    while (this.start < this.end) {
      const step = this.step(this.start);
      if (step === NEED_MORE) break;
      for (const e of step.events) out.push(e);
      this.start = step.next;
    }
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  /** Drops an incomplete command (a connection ended mid-command); modes are kept. */
  discardPending(): Uint8Array {
    const dropped = this.buf.slice(this.start, this.end);
    this.start = this.end = this.needed = 0;
    return dropped;
  }

  private append(chunk: Uint8Array): void {
    const len = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      // Compact, and grow when compacting is not enough.
      const next =
        len + chunk.length > this.buf.length
          ? new Uint8Array(Math.max(this.buf.length * 2, (len + chunk.length) * 2))
          : this.buf;
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.start = 0;
      this.end = len;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  private byte(i: number): number {
    return this.buf[i] ?? 0;
  }

  private slice(from: number, to: number): Uint8Array {
    return this.buf.slice(from, to);
  }

  /** `count` bytes from `at` are needed; NEED_MORE records how many. */
  private has(at: number, count: number): boolean {
    if (at + count <= this.end) return true;
    this.needed = at + count - this.start;
    return false;
  }

  private one(event: EscPosEvent, next: number): Step {
    return { events: [event], next };
  }

  private fixed(name: string, at: number, count: number): Step {
    if (!this.has(at, count)) return NEED_MORE;
    return this.one(
      { kind: 'ignored', name, bytes: this.slice(this.start, at + count) },
      at + count,
    );
  }

  private unknown(next: number, reason: string): Step {
    return this.one({ kind: 'unknown', bytes: this.slice(this.start, next), reason }, next);
  }

  private step(p: number): Step {
    const b = this.byte(p);
    if (b >= 0x20) return this.text(p);
    switch (b) {
      case LF:
        return this.one({ kind: 'lf' }, p + 1);
      case FF:
        return this.one({ kind: 'ff' }, p + 1);
      case HT:
        return this.one({ kind: 'tab' }, p + 1);
      case CR:
      case NUL:
      case CAN:
        // CR is ignored with auto line feed off (the default); NUL is padding; CAN only acts in
        // page mode.
        return { events: [], next: p + 1 };
      case ESC:
        return this.esc(p);
      case GS:
        return this.gs(p);
      case FS:
        return this.fs(p);
      case DLE:
        return this.dle(p);
      default:
        return this.unknown(p + 1, `undefined control byte 0x${hex(b)}`);
    }
  }

  private text(p: number): Step {
    const events: EscPosEvent[] = [];
    if (!this.hanzi) {
      let q = p;
      while (q < this.end && this.byte(q) >= 0x20) q++;
      const enc = codePageEncoding(this.codePage);
      const bytes = this.buf.subarray(p, q);
      const text = enc
        ? iconv.decode(Buffer.from(bytes), enc)
        : Array.from(bytes, (c) => (c < 0x80 ? String.fromCharCode(c) : '\ufffd')).join('');
      return { events: [{ kind: 'text', text, wide: false }], next: q };
    }
    // Hanzi mode: GB18030. Lead 0x81..0xFE; second byte 0x40..0x7E or 0x80..0xFE (two bytes), or
    // 0x30..0x39 followed by 0x81..0xFE 0x30..0x39 (four bytes). An invalid sequence prints its
    // lead byte as U+FFFD and parsing resumes at the next byte.
    let narrow = '';
    let wide = '';
    const flush = (nowWide: boolean): void => {
      if (nowWide && narrow) {
        events.push({ kind: 'text', text: narrow, wide: false });
        narrow = '';
      } else if (!nowWide && wide) {
        events.push({ kind: 'text', text: wide, wide: true });
        wide = '';
      }
    };
    let q = p;
    while (q < this.end) {
      const c = this.byte(q);
      if (c < 0x20) break;
      if (c < 0x80) {
        flush(false);
        narrow += String.fromCharCode(c);
        q++;
        continue;
      }
      if (c === 0x80 || c === 0xff) {
        flush(false);
        narrow += '\ufffd';
        q++;
        continue;
      }
      if (q + 1 >= this.end) break;
      const c2 = this.byte(q + 1);
      let len = 0;
      if ((c2 >= 0x40 && c2 <= 0x7e) || (c2 >= 0x80 && c2 <= 0xfe)) len = 2;
      else if (c2 >= 0x30 && c2 <= 0x39) {
        if (q + 3 >= this.end) break;
        const c3 = this.byte(q + 2);
        const c4 = this.byte(q + 3);
        if (c3 >= 0x81 && c3 <= 0xfe && c4 >= 0x30 && c4 <= 0x39) len = 4;
      }
      if (len === 0) {
        flush(false);
        narrow += '\ufffd';
        q++;
        continue;
      }
      flush(true);
      wide += iconv.decode(Buffer.from(this.buf.subarray(q, q + len)), 'gb18030');
      q += len;
    }
    flush(true);
    flush(false);
    if (q === p) {
      // Only an incomplete multi-byte character: wait for the rest of it.
      this.needed = this.end - this.start + 1;
      return NEED_MORE;
    }
    return { events, next: q };
  }

  private esc(p: number): Step {
    if (!this.has(p, 2)) return NEED_MORE;
    const c = this.byte(p + 1);
    const a = p + 2;
    switch (c) {
      case 0x40: // ESC @
        this.hanzi = this.options.hanziByDefault ?? false;
        this.codePage = this.options.codePage ?? 0;
        return this.one({ kind: 'init' }, a);
      case 0x21: // ESC ! n
        if (!this.has(a, 1)) return NEED_MORE;
        return this.one({ kind: 'print-mode', n: this.byte(a) }, a + 1);
      case 0x45: // ESC E n
      case 0x47: // ESC G n
        if (!this.has(a, 1)) return NEED_MORE;
        return this.one({ kind: 'bold', on: (this.byte(a) & 1) === 1 }, a + 1);
      case 0x2d: {
        // ESC - n: 0/48 off, 1/49 one dot, 2/50 two dots.
        if (!this.has(a, 1)) return NEED_MORE;
        const n = this.byte(a);
        const t = n === 1 || n === 0x31 ? 1 : n === 2 || n === 0x32 ? 2 : 0;
        return this.one({ kind: 'underline', thickness: t }, a + 1);
      }
      case 0x4d: {
        // ESC M n: 0/48 font A, 1/49 font B, 2/50 font C.
        if (!this.has(a, 1)) return NEED_MORE;
        const n = this.byte(a) & 0x0f;
        return this.one({ kind: 'font', font: n === 1 ? 'B' : n === 2 ? 'C' : 'A' }, a + 1);
      }
      case 0x7b:
        if (!this.has(a, 1)) return NEED_MORE;
        return this.one({ kind: 'upside-down', on: (this.byte(a) & 1) === 1 }, a + 1);
      case 0x61: {
        // ESC a n: 0/48 left, 1/49 center, 2/50 right.
        if (!this.has(a, 1)) return NEED_MORE;
        const n = this.byte(a);
        const align: Align =
          n === 1 || n === 0x31 ? 'center' : n === 2 || n === 0x32 ? 'right' : 'left';
        return this.one({ kind: 'align', align }, a + 1);
      }
      case 0x74: // ESC t n
        if (!this.has(a, 1)) return NEED_MORE;
        this.codePage = this.byte(a);
        return this.one({ kind: 'code-page', page: this.codePage }, a + 1);
      case 0x64: // ESC d n
        if (!this.has(a, 1)) return NEED_MORE;
        return this.one({ kind: 'feed-lines', lines: this.byte(a) }, a + 1);
      case 0x4a: // ESC J n
        if (!this.has(a, 1)) return NEED_MORE;
        return this.one({ kind: 'feed-dots', dots: this.byte(a) }, a + 1);
      case 0x70: {
        // ESC p m t1 t2: m 0/48 pin 2, 1/49 pin 5; on t1 x 2 ms, off t2 x 2 ms.
        if (!this.has(a, 3)) return NEED_MORE;
        const m = this.byte(a);
        if (m !== 0 && m !== 1 && m !== 0x30 && m !== 0x31) return this.unknown(a, 'ESC p: bad m');
        return this.one(
          {
            kind: 'pulse',
            pin: m === 0 || m === 0x30 ? 2 : 5,
            onMs: this.byte(a + 1) * 2,
            offMs: this.byte(a + 2) * 2,
          },
          a + 3,
        );
      }
      case 0x2a: {
        // ESC * m nL nH d1..dk: k = n for 8-dot modes (0, 1), 3n for 24-dot modes (32, 33).
        if (!this.has(a, 3)) return NEED_MORE;
        const m = this.byte(a);
        const n = this.byte(a + 1) + this.byte(a + 2) * 256;
        const k = m === 0 || m === 1 ? n : m === 32 || m === 33 ? 3 * n : -1;
        if (k < 0) return this.unknown(a, 'ESC *: bad m');
        return this.fixed('ESC * bit image', a + 3, k);
      }
      case 0x26: {
        // ESC & y c1 c2 [x d1..d(y*x)] for each character c1..c2.
        if (!this.has(a, 3)) return NEED_MORE;
        const y = this.byte(a);
        const c1 = this.byte(a + 1);
        const c2 = this.byte(a + 2);
        if (c2 < c1 || y === 0 || y > 3) return this.unknown(a, 'ESC &: bad range');
        let q = a + 3;
        for (let ch = c1; ch <= c2; ch++) {
          if (!this.has(q, 1)) return NEED_MORE;
          q += 1 + y * this.byte(q);
        }
        return this.fixed('ESC & define characters', q, 0);
      }
      case 0x44: {
        // ESC D n1..nk NUL (k <= 32): tab positions.
        let q = a;
        for (let i = 0; i <= 32; i++) {
          if (!this.has(q, 1)) return NEED_MORE;
          if (this.byte(q) === NUL) return this.fixed('ESC D tab positions', q + 1, 0);
          q++;
        }
        return this.fixed('ESC D tab positions', q, 0);
      }
      case 0x63: {
        // ESC c 3 n, ESC c 4 n, ESC c 5 n: paper sensors, panel buttons.
        if (!this.has(a, 2)) return NEED_MORE;
        const sub = this.byte(a);
        if (sub < 0x30 || sub > 0x35) return this.unknown(a, 'ESC c: bad sub-command');
        return this.fixed('ESC c sensors/buttons', a + 2, 0);
      }
      case 0x28: // ESC ( x pL pH d...
        return this.lengthPrefixed(a, 'ESC (');
      default: {
        const f = ESC_FIXED[c];
        if (f) return this.fixed(f[0], a, f[1]);
        return this.unknown(a, `undefined command ESC 0x${hex(c)}`);
      }
    }
  }

  private gs(p: number): Step {
    if (!this.has(p, 2)) return NEED_MORE;
    const c = this.byte(p + 1);
    const a = p + 2;
    switch (c) {
      case 0x21: {
        // GS ! n: bits 4-6 width - 1, bits 0-2 height - 1.
        if (!this.has(a, 1)) return NEED_MORE;
        const n = this.byte(a);
        const width = ((n >> 4) & 0x0f) + 1;
        const height = (n & 0x0f) + 1;
        if (width > 8 || height > 8) return this.unknown(a + 1, 'GS !: size out of range');
        return this.one({ kind: 'char-size', width, height }, a + 1);
      }
      case 0x42:
        if (!this.has(a, 1)) return NEED_MORE;
        return this.one({ kind: 'reverse', on: (this.byte(a) & 1) === 1 }, a + 1);
      case 0x48:
        return this.barcodeSetting(a, 'hri');
      case 0x68:
        return this.barcodeSetting(a, 'height');
      case 0x77:
        return this.barcodeSetting(a, 'width');
      case 0x66:
        return this.barcodeSetting(a, 'hri-font');
      case 0x61:
        if (!this.has(a, 1)) return NEED_MORE;
        return this.one({ kind: 'asb', mask: this.byte(a) }, a + 1);
      case 0x56: {
        // GS V m (0/48 full, 1/49 partial); GS V m n (65 full / 66 partial after feeding n;
        // 97/98 and 103/104 the same with a preset or returning feed).
        if (!this.has(a, 1)) return NEED_MORE;
        const m = this.byte(a);
        if (m === 0 || m === 0x30 || m === 1 || m === 0x31)
          return this.one(
            { kind: 'cut', cut: m === 0 || m === 0x30 ? 'full' : 'partial', feed: null, m },
            a + 1,
          );
        if ([65, 66, 97, 98, 103, 104].includes(m)) {
          if (!this.has(a, 2)) return NEED_MORE;
          return this.one(
            { kind: 'cut', cut: m % 2 === 1 ? 'full' : 'partial', feed: this.byte(a + 1), m },
            a + 2,
          );
        }
        return this.unknown(a + 1, `GS V: undefined m ${m}`);
      }
      case 0x6b:
        return this.barcode(a);
      case 0x76: {
        // GS v 0 m xL xH yL yH d1..dk, k = (xL + xH*256) * (yL + yH*256).
        if (!this.has(a, 6)) return NEED_MORE;
        if (this.byte(a) !== 0x30) return this.unknown(a, 'GS v: only GS v 0 is defined');
        const m = this.byte(a + 1);
        const widthBytes = this.byte(a + 2) + this.byte(a + 3) * 256;
        const height = this.byte(a + 4) + this.byte(a + 5) * 256;
        const k = widthBytes * height;
        if (![0, 1, 2, 3, 48, 49, 50, 51].includes(m) || k > MAX_RASTER_BYTES)
          return this.unknown(a + 6, 'GS v 0: bad mode or size');
        if (!this.has(a + 6, k)) return NEED_MORE;
        return this.one(
          { kind: 'raster', m: m & 3, widthBytes, height, data: this.slice(a + 6, a + 6 + k) },
          a + 6 + k,
        );
      }
      case 0x28: {
        // GS ( x pL pH d1..d(pL + pH*256).
        if (!this.has(a, 3)) return NEED_MORE;
        const x = this.byte(a);
        const len = this.byte(a + 1) + this.byte(a + 2) * 256;
        if (!this.has(a + 3, len)) return NEED_MORE;
        const body = a + 3;
        if (x === 0x6b) return this.symbol(body, len);
        if (x === 0x48 && len === 6 && this.byte(body) === 0x30 && this.byte(body + 1) === 0x30)
          return this.one({ kind: 'process-id', id: this.slice(body + 2, body + 6) }, body + len);
        return this.fixed(`GS ( ${String.fromCharCode(x)}`, body, len);
      }
      case 0x38: {
        // GS 8 L p1 p2 p3 p4 m fn ...: graphics with a 32-bit length.
        if (!this.has(a, 5)) return NEED_MORE;
        if (this.byte(a) !== 0x4c) return this.unknown(a, 'GS 8: only GS 8 L is defined');
        const len =
          this.byte(a + 1) +
          this.byte(a + 2) * 0x100 +
          this.byte(a + 3) * 0x10000 +
          this.byte(a + 4) * 0x1000000;
        if (len > MAX_BLOCK_BYTES) return this.unknown(a + 5, 'GS 8 L: block too large');
        return this.fixed('GS 8 L graphics', a + 5, len);
      }
      case 0x2a: {
        // GS * x y d1..d(x*y*8): define downloaded bit image.
        if (!this.has(a, 2)) return NEED_MORE;
        return this.fixed('GS * downloaded image', a + 2, this.byte(a) * this.byte(a + 1) * 8);
      }
      case 0x67: {
        // GS g 0 m nL nH / GS g 2 m nL nH: maintenance counters.
        if (!this.has(a, 1)) return NEED_MORE;
        const sub = this.byte(a);
        if (sub !== 0x30 && sub !== 0x32) return this.unknown(a, 'GS g: bad sub-command');
        return this.fixed('GS g counter', a + 1, 3);
      }
      default: {
        const f = GS_FIXED[c];
        if (f) return this.fixed(f[0], a, f[1]);
        return this.unknown(a, `undefined command GS 0x${hex(c)}`);
      }
    }
  }

  private fs(p: number): Step {
    if (!this.has(p, 2)) return NEED_MORE;
    const c = this.byte(p + 1);
    const a = p + 2;
    switch (c) {
      case 0x26:
        this.hanzi = true;
        return this.one({ kind: 'hanzi', on: true }, a);
      case 0x2e:
        this.hanzi = false;
        return this.one({ kind: 'hanzi', on: false }, a);
      case 0x21:
        if (!this.has(a, 1)) return NEED_MORE;
        return this.one({ kind: 'hanzi-mode', n: this.byte(a) }, a + 1);
      case 0x28:
        return this.lengthPrefixed(a, 'FS (');
      case 0x32:
        // FS 2 c1 c2 d1..d72: define a 24x24 user Hanzi.
        return this.fixed('FS 2 define hanzi', a, 74);
      case 0x71: {
        // FS q n [xL xH yL yH d1..d(x*y*8)] x n: define NV bit images.
        if (!this.has(a, 1)) return NEED_MORE;
        const n = this.byte(a);
        let q = a + 1;
        for (let i = 0; i < n; i++) {
          if (!this.has(q, 4)) return NEED_MORE;
          const x = this.byte(q) + this.byte(q + 1) * 256;
          const y = this.byte(q + 2) + this.byte(q + 3) * 256;
          q += 4 + x * y * 8;
          if (q - a > MAX_BLOCK_BYTES) return this.unknown(a + 1, 'FS q: too large');
        }
        return this.fixed('FS q define NV images', q, 0);
      }
      default: {
        const f = FS_FIXED[c];
        if (f) return this.fixed(f[0], a, f[1]);
        return this.unknown(a, `undefined command FS 0x${hex(c)}`);
      }
    }
  }

  private dle(p: number): Step {
    if (!this.has(p, 3)) return NEED_MORE;
    const c = this.byte(p + 1);
    const n = this.byte(p + 2);
    if (c === 0x04) {
      // DLE EOT n; n = 7 and 8 take a further byte a.
      if (n === 7 || n === 8) {
        if (!this.has(p, 4)) return NEED_MORE;
        return this.one({ kind: 'status-request', n }, p + 4);
      }
      return this.one({ kind: 'status-request', n }, p + 3);
    }
    if (c === 0x05) return this.fixed('DLE ENQ real-time request', p + 3, 0);
    if (c === 0x14) {
      // DLE DC4 fn ...: fn 1 pulse (m t), fn 2 power-off (1 8), fn 7 buzzer (m...), fn 8 clear
      // buffers (1 3 20 1 6 2 8).
      if (n === 1) {
        if (!this.has(p, 5)) return NEED_MORE;
        const m = this.byte(p + 3);
        const t = Math.min(this.byte(p + 4), 8);
        return this.one(
          { kind: 'pulse', pin: m === 1 ? 5 : 2, onMs: t * 100, offMs: t * 100 },
          p + 5,
        );
      }
      if (n === 2) return this.fixed('DLE DC4 power-off', p + 3, 2);
      if (n === 8) return this.fixed('DLE DC4 clear buffers', p + 3, 7);
      return this.unknown(p + 3, `DLE DC4: undefined fn ${n}`);
    }
    return this.unknown(p + 1, `undefined command DLE 0x${hex(c)}`);
  }

  private lengthPrefixed(a: number, prefix: string): Step {
    if (!this.has(a, 3)) return NEED_MORE;
    const x = this.byte(a);
    const len = this.byte(a + 1) + this.byte(a + 2) * 256;
    return this.fixed(`${prefix} ${String.fromCharCode(x)}`, a + 3, len);
  }

  private barcodeSetting(a: number, setting: 'hri' | 'height' | 'width' | 'hri-font'): Step {
    if (!this.has(a, 1)) return NEED_MORE;
    return this.one({ kind: 'barcode-setting', setting, value: this.byte(a) }, a + 1);
  }

  private barcode(a: number): Step {
    // GS k m d1..dk NUL (m 0..6) or GS k m n d1..dn (m 65..79).
    if (!this.has(a, 1)) return NEED_MORE;
    const m = this.byte(a);
    if (m <= 6) {
      let q = a + 1;
      while (true) {
        if (q - (a + 1) > MAX_NUL_BARCODE) return this.unknown(a + 1, 'GS k: no NUL terminator');
        if (!this.has(q, 1)) return NEED_MORE;
        if (this.byte(q) === NUL) break;
        q++;
      }
      return this.one({ kind: 'barcode', m, data: this.slice(a + 1, q) }, q + 1);
    }
    if (m >= 65 && m <= 79) {
      if (!this.has(a, 2)) return NEED_MORE;
      const n = this.byte(a + 1);
      if (!this.has(a + 2, n)) return NEED_MORE;
      return this.one({ kind: 'barcode', m, data: this.slice(a + 2, a + 2 + n) }, a + 2 + n);
    }
    return this.unknown(a + 1, `GS k: undefined barcode system ${m}`);
  }

  private symbol(body: number, len: number): Step {
    // GS ( k pL pH cn fn [params]; the length covers cn, fn and the parameters.
    const next = body + len;
    if (len < 2) return this.unknown(next, 'GS ( k: too short');
    const cn = this.byte(body);
    const fn = this.byte(body + 1);
    if (fn === 80) {
      // fn 80: cn fn m d1..dk; m is 48 for QR (PDF417 and the others also carry one byte).
      if (len < 3) return this.unknown(next, 'GS ( k: store without data');
      return this.one({ kind: 'symbol-store', cn, data: this.slice(body + 3, next) }, next);
    }
    if (fn === 81) return this.one({ kind: 'symbol-print', cn }, next);
    const params = Array.from(this.buf.subarray(body + 2, next));
    return this.one({ kind: 'symbol-setting', cn, fn, params }, next);
  }
}

/**
 * Finds real-time status requests (DLE EOT n) in the raw byte stream, as a printer does on
 * reception: even inside another command's data and while the data path is stopped (offline,
 * cover open, paper out). The reference warns that the sequence is recognised inside bit-image
 * data too; so are we, on purpose.
 */
export class RealtimeScanner {
  private state: 0 | 1 | 2 = 0;

  /** The n of each complete `DLE EOT n` in the chunk, in order. */
  push(chunk: Uint8Array): number[] {
    const found: number[] = [];
    for (const b of chunk) {
      if (this.state === 2) {
        found.push(b);
        this.state = 0;
      } else if (b === DLE) this.state = 1;
      else if (this.state === 1 && b === 0x04) this.state = 2;
      else this.state = 0;
    }
    return found;
  }
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
