// ESC/POS commands as pure functions returning bytes. Where @point-of-sale/receipt-printer-encoder
// has a generator (QR code, barcodes, drawer pulse, cut without feed) we take its bytes; the rest
// (mode switches, status requests, process ID, feed-and-cut, GB18030 text, raster from an already
// 1-bit bitmap) the library does not offer, or only inside its own line composer, which pads
// alignment with spaces and switches code pages on its own, so those are written here from the
// ESC/POS command reference. Every function has a byte-exact fixture in commands.test.ts.
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import iconv from 'iconv-lite';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const EOT = 0x04;
const LF = 0x0a;

export class EscPosError extends RangeError {
  readonly code = 'escpos.invalid_argument';
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new EscPosError(`${name} must be a whole number ${min}..${max}, got ${v}`);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const b = (...bytes: number[]) => Uint8Array.from(bytes);

/** The payload bytes of the library's commands of the given types, outside its line composer. */
function fromLibrary(
  types: readonly string[],
  build: (e: ReceiptPrinterEncoder) => void,
): Uint8Array {
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos', columns: 48 });
  build(encoder);
  const bytes: number[] = [];
  for (const line of encoder.encode('commands')) {
    for (const cmd of line.commands as { type?: string; payload?: number[] }[]) {
      if (cmd.type !== undefined && types.includes(cmd.type) && cmd.payload)
        bytes.push(...cmd.payload);
    }
  }
  return Uint8Array.from(bytes);
}

// ---- printer set-up ------------------------------------------------------------------------

/** ESC @: clears the buffer and resets modes. Does not leave Hanzi mode on Chinese firmware. */
export const init = (): Uint8Array => b(ESC, 0x40);

/** Code pages by ESC t number (Epson numbering, shared by most clones). */
export const CODE_PAGES = {
  cp437: 0,
  cp850: 2,
  cp1252: 16,
  cp866: 17,
  cp852: 18,
  cp858: 19,
} as const;
export type CodePage = keyof typeof CODE_PAGES;

/** ESC t n: select the single-byte character table. */
export const selectCodePage = (page: CodePage): Uint8Array => b(ESC, 0x74, CODE_PAGES[page]);

/** FS &: enter Kanji/Hanzi mode; two-byte codes (GB18030 on Chinese firmware) print as Hanzi. */
export const hanziOn = (): Uint8Array => b(FS, 0x26);
/** FS .: leave Kanji/Hanzi mode; every byte is a character of the ESC t code page. */
export const hanziOff = (): Uint8Array => b(FS, 0x2e);

/** ESC M n: font A (12×24 on 80 mm) or B (9×17). */
export const selectFont = (font: 'A' | 'B'): Uint8Array => b(ESC, 0x4d, font === 'A' ? 0 : 1);

// ---- text ----------------------------------------------------------------------------------

export type Charset = CodePage | 'gb18030';

/** Text bytes only (no mode switch); characters the charset lacks become "?". */
export function encodeText(text: string, charset: Charset): Uint8Array {
  return Uint8Array.from(iconv.encode(text, charset));
}

/** ESC E n: emphasised (bold) on/off. */
export const bold = (on: boolean): Uint8Array => b(ESC, 0x45, on ? 1 : 0);

/**
 * Underline 0 (off), 1 (1 dot) or 2 (2 dots): ESC - n for single-byte characters and FS - n for
 * Hanzi, which have their own underline setting.
 */
export function underline(mode: 0 | 1 | 2): Uint8Array {
  checkInt('underline', mode, 0, 2);
  return b(ESC, 0x2d, mode, FS, 0x2d, mode);
}

/** GS ! n: character size, width and height multipliers 1..8 (bits 4-6 width-1, 0-2 height-1). */
export function size(width: number, height: number): Uint8Array {
  checkInt('width', width, 1, 8);
  checkInt('height', height, 1, 8);
  return b(GS, 0x21, ((width - 1) << 4) | (height - 1));
}

export type Align = 'left' | 'center' | 'right';
/** ESC a n: justification of the following lines (text, barcodes, QR, raster). */
export const align = (a: Align): Uint8Array =>
  b(ESC, 0x61, a === 'left' ? 0 : a === 'center' ? 1 : 2);

// ---- paper ---------------------------------------------------------------------------------

export const newline = (): Uint8Array => b(LF);

/** ESC d n: print the buffer and feed n lines. */
export function feed(lines: number): Uint8Array {
  checkInt('feed lines', lines, 0, 255);
  return b(ESC, 0x64, lines);
}

/**
 * GS V: without `feed`, function A (m = 0 full, 1 partial) cuts where the paper is, which is short
 * of the last printed line on most printers; with `feed`, function B (m = 65 full, 66 partial)
 * feeds to the cutter plus `feed` × 0.125 mm (vertical motion unit) and then cuts.
 */
export function cut(options: { partial?: boolean; feed?: number } = {}): Uint8Array {
  const partial = options.partial ?? true;
  if (options.feed === undefined)
    return fromLibrary(['cut'], (e) => e.cut(partial ? 'partial' : 'full'));
  checkInt('cut feed', options.feed, 0, 255);
  return b(GS, 0x56, partial ? 66 : 65, options.feed);
}

// ---- symbols -------------------------------------------------------------------------------

export interface QrOptions {
  /** Module size in dots, 1..8 (the library's range; printers allow up to 16). */
  size?: number;
  errorCorrection?: 'L' | 'M' | 'Q' | 'H';
}

/**
 * QR code, model 2: GS ( k functions 165 (model), 167 (module size), 169 (error correction), 180
 * (store data), 181 (print). Data goes as Latin-1 bytes, which covers our receipt URLs.
 */
export function qrCode(data: string, options: QrOptions = {}): Uint8Array {
  const moduleSize = options.size ?? 6;
  checkInt('QR module size', moduleSize, 1, 8);
  if (data.length === 0 || data.length > 7089)
    throw new EscPosError('QR data must be 1..7089 characters');
  // eslint-disable-next-line no-control-regex
  if (!/^[\u0000-\u00ff]*$/.test(data))
    throw new EscPosError('QR data must be Latin-1 (e.g. a URL)');
  const level = (options.errorCorrection ?? 'M').toLowerCase() as 'l' | 'm' | 'q' | 'h';
  return fromLibrary(['qrcode'], (e) =>
    e.qrcode(data, { model: 2, size: moduleSize, errorlevel: level }),
  );
}

export interface BarcodeOptions {
  /** Bar height in dots, 1..255. */
  height?: number;
  /** Module width 1..3 (the library sends GS w width+1, i.e. 2..4 dots). */
  width?: 1 | 2 | 3;
  /** Human-readable digits (GS H): below the bars, or none. */
  hri?: 'none' | 'below' | 'above' | 'both';
}

/** EAN-13 check digit (GS1 mod 10). */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/**
 * GS h (height), GS w (module width), GS H (HRI position), then GS k: EAN-13 as function A
 * (m = 2, digits, NUL), CODE128 as function B (m = 73, length, "{B" code set B, data).
 */
export function barcode(
  symbology: 'ean13' | 'code128',
  data: string,
  options: BarcodeOptions = {},
): Uint8Array {
  const height = options.height ?? 80;
  checkInt('barcode height', height, 1, 255);
  const width = options.width ?? 2;
  checkInt('barcode width', width, 1, 3);
  if (symbology === 'ean13') {
    if (!/^\d{12,13}$/.test(data))
      throw new EscPosError('EAN-13 takes 12 digits (or 13 with the check digit)');
    const check = ean13CheckDigit(data);
    // a wrong check digit makes the printer print nothing at all, so refuse it here
    if (data.length === 13 && Number(data[12]) !== check)
      throw new EscPosError(`EAN-13 check digit should be ${check}`);
    data = data.slice(0, 12) + String(check);
  } else {
    if (!/^[\x20-\x7e]{1,252}$/.test(data) || data.startsWith('{')) {
      throw new EscPosError(
        'CODE128 data must be 1..252 printable ASCII characters, not starting with "{"',
      );
    }
  }
  return fromLibrary(['barcode'], (e) =>
    e.barcode(data, symbology, { height, width, text: options.hri ?? 'below' }),
  );
}

// ---- images --------------------------------------------------------------------------------

/** A 1-bit image: rows of ceil(width/8) bytes, most significant bit leftmost, 1 = black. */
export interface Bitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * GS v 0 m xL xH yL yH d1...dk (m = 0 normal density): x = bytes per row, y = rows. Tall images
 * go as bands of at most `bandRows` rows, since some printers limit one raster command's size.
 */
export function rasterImage(bitmap: Bitmap, bandRows = 255): Uint8Array {
  const rowBytes = Math.ceil(bitmap.width / 8);
  checkInt('image width', bitmap.width, 1, 65535);
  checkInt('image height', bitmap.height, 1, 65535);
  checkInt('band rows', bandRows, 1, 65535);
  if (bitmap.data.length !== rowBytes * bitmap.height) {
    throw new EscPosError(
      `bitmap data must be ${rowBytes * bitmap.height} bytes (${rowBytes} per row), got ${bitmap.data.length}`,
    );
  }
  const parts: Uint8Array[] = [];
  for (let y = 0; y < bitmap.height; y += bandRows) {
    const rows = Math.min(bandRows, bitmap.height - y);
    parts.push(b(GS, 0x76, 0x30, 0, rowBytes & 0xff, rowBytes >> 8, rows & 0xff, rows >> 8));
    parts.push(bitmap.data.subarray(y * rowBytes, (y + rows) * rowBytes));
  }
  return concat(parts);
}

// ---- cash drawer ---------------------------------------------------------------------------

/**
 * ESC p m t1 t2: drawer kick pulse on connector pin 2 (m = 0) or pin 5 (m = 1), on for t1 × 2 ms
 * and off for t2 × 2 ms.
 */
export function drawerPulse(pin: 2 | 5, onMs = 100, offMs = 200): Uint8Array {
  checkInt('pulse on ms', onMs, 2, 510);
  checkInt('pulse off ms', offMs, 2, 510);
  if (onMs % 2 !== 0 || offMs % 2 !== 0) throw new EscPosError('pulse times are in 2 ms steps');
  return fromLibrary(['pulse'], (e) => e.pulse(pin === 2 ? 0 : 1, onMs, offMs));
}

// ---- status --------------------------------------------------------------------------------

/**
 * DLE EOT n: real-time status, answered at once even while offline or with a full buffer.
 * n = 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor. Never send it inside the
 * parameter bytes of another command (only between whole commands).
 */
export function realtimeStatusRequest(n: 1 | 2 | 3 | 4): Uint8Array {
  checkInt('DLE EOT n', n, 1, 4);
  return b(DLE, EOT, n);
}

export interface AsbFlags {
  drawer?: boolean;
  online?: boolean;
  error?: boolean;
  paper?: boolean;
}

/** GS a n: automatic status back; bit 0 drawer, 1 online/offline, 2 error, 3 paper sensor. 0 = off. */
export function automaticStatusBack(flags: AsbFlags): Uint8Array {
  const n =
    (flags.drawer ? 1 : 0) | (flags.online ? 2 : 0) | (flags.error ? 4 : 0) | (flags.paper ? 8 : 0);
  return b(GS, 0x61, n);
}

/**
 * GS ( H pL pH fn m d1 d2 d3 d4 with pL = 6, pH = 0, fn = 48, m = 48: ask the printer to send back
 * the process ID once everything before it has been processed, i.e. printed. d1..d4 are 32..126
 * (printable ASCII); the reference suggests ascending "0001".."9999". The reply is
 * 37h 22h d1 d2 d3 d4 00h. A printer holding several unsent IDs sends only the latest.
 */
export function processIdRequest(id: string): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(id))
    throw new EscPosError(`process ID must be 4 printable ASCII characters, got "${id}"`);
  return b(GS, 0x28, 0x48, 6, 0, 48, 48, ...[...id].map((c) => c.charCodeAt(0)));
}
