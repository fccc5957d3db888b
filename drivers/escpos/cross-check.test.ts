// Our bytes against two independent encoders, where they overlap: receiptline's ESC/POS command
// sets (commands.epson / commands.generic) and @point-of-sale/receipt-printer-encoder's own line
// composer. Where the two libraries choose different but equivalent parameter forms (ESC E 1 vs
// ESC E '1': the reference reads only the low bit), the comparison says so explicitly.
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import receiptline from 'receiptline';
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../printer/profiles';
import {
  align,
  barcode,
  bold,
  concat,
  cut,
  encodeText,
  hanziOff,
  hanziOn,
  init,
  qrCode,
  rasterImage,
  selectCodePage,
  type Bitmap,
} from './commands';
import { renderReceipt } from './render';

const bin = (s: string) => Uint8Array.from(Buffer.from(s, 'binary'));
const hex = (u: Uint8Array) =>
  Buffer.from(u)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
const epson = () => Object.create(receiptline.commands.epson) as typeof receiptline.commands.epson;
const lib = () => new ReceiptPrinterEncoder({ language: 'esc-pos', columns: 48 });

describe('against receiptline', () => {
  it('init: its start sequence begins with our ESC @', () => {
    const open = bin(epson().open({ cpl: 48, encoding: 'cp437' }));
    expect(hex(open.subarray(0, 2))).toBe(hex(init()));
  });

  it('bold: same command, the reference reads only bit 0 of n', () => {
    const theirs = bin(epson().em()); // ESC E '1'
    const ours = bold(true);
    expect(hex(theirs.subarray(0, 2))).toBe(hex(ours.subarray(0, 2)));
    expect(theirs[2]! & 1).toBe(ours[2]! & 1);
  });

  it.each([
    ['left', 0],
    ['center', 1],
    ['right', 2],
  ] as const)('align %s: identical bytes', (a, n) => {
    expect(hex(align(a))).toBe(hex(bin(epson().align(n))));
  });

  it('cut: receiptline cuts with GS V 66 0, our partial cut after feed 0', () => {
    expect(hex(cut({ partial: true, feed: 0 }))).toBe(hex(bin(epson().cut())));
  });

  it('code-page text: ESC t 0 and the same CP437 bytes', () => {
    expect(hex(concat([selectCodePage('cp437'), encodeText('Café 12', 'cp437')]))).toBe(
      hex(bin(epson().text('Café 12', 'cp437'))),
    );
  });

  it('Chinese text: Hanzi mode entered with FS & and the same GB18030 bytes', () => {
    const theirs = bin(epson().text('青岛啤酒 Beer', 'gb18030')); // ESC t 0 FS & bytes
    expect(hex(theirs)).toBe(
      hex(concat([selectCodePage('cp437'), hanziOn(), encodeText('青岛啤酒 Beer', 'gb18030')])),
    );
  });

  it('CODE128 (no digit runs, which receiptline packs as code set C): the same GS k, GS h, GS H', () => {
    const theirs = hex(
      bin(
        epson().barcode(
          { data: 'SEAT-A12', type: 'code128', width: 3, height: 60, hri: true },
          'cp437',
        ),
      ),
    );
    const ours = hex(barcode('code128', 'SEAT-A12', { height: 60, width: 2, hri: 'below' }));
    for (const cmd of [
      '1d 68 3c',
      '1d 77 03',
      '1d 48 02',
      `1d 6b 49 0a ${hex(encodeText('{BSEAT-A12', 'cp437'))}`,
    ]) {
      expect(theirs).toContain(cmd);
      expect(ours).toContain(cmd);
    }
  });

  it('raster: our GS v 0 of receiptline’s QR matrix equals its generic (raster) QR output', () => {
    const symbol = {
      data: 'https://gw.example.net/r/K7Q2',
      type: 'qrcode' as const,
      cell: 4,
      level: 'm' as const,
    };
    const matrix = receiptline.qrcode.generate(symbol);
    const w = matrix.length * symbol.cell;
    const rowBytes = Math.ceil(w / 8);
    const data = new Uint8Array(rowBytes * w);
    matrix.forEach((row, y) => {
      for (let x = 0; x < w; x++) {
        if (row[Math.floor(x / symbol.cell)] === 1) {
          for (let k = 0; k < symbol.cell; k++)
            data[(y * symbol.cell + k) * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
        }
      }
    });
    const bitmap: Bitmap = { width: w, height: w, data };
    const generic = Object.create(
      receiptline.commands.generic,
    ) as typeof receiptline.commands.generic;
    generic.open({ cpl: 48, encoding: 'cp437' });
    expect(hex(rasterImage(bitmap, 65535))).toBe(hex(bin(generic.qrcode(symbol, 'cp437'))));
  });
});

describe('against receipt-printer-encoder’s line composer', () => {
  it('init: ESC @ then leaving Kanji mode, as our receipts start', () => {
    const theirs = lib().initialize().encode();
    expect(hex(theirs).startsWith(hex(concat([init(), hanziOff()])))).toBe(true);
    expect(
      hex(renderReceipt({ blocks: [] }, resolveProfile('80mm'))).startsWith(
        hex(concat([init(), hanziOff()])),
      ),
    ).toBe(true);
  });

  it('bold text: the same ESC E around the same bytes', () => {
    const theirs = hex(lib().codepage('cp437').bold(true).text('TOTAL').bold(false).encode());
    expect(theirs).toContain(hex(concat([bold(true)])));
    expect(theirs).toContain(hex(encodeText('TOTAL', 'cp437')));
    expect(theirs).toContain(hex(bold(false)));
  });

  it('QR: its composer emits exactly our GS ( k sequence', () => {
    const theirs = hex(
      lib()
        .qrcode('https://gw.example.net/r/K7Q2', { model: 2, size: 6, errorlevel: 'm' })
        .encode(),
    );
    expect(theirs).toContain(
      hex(qrCode('https://gw.example.net/r/K7Q2', { size: 6, errorCorrection: 'M' })),
    );
  });

  it('raster: its raster image of the same bitmap is our GS v 0', () => {
    // 16×3 bitmap as RGBA for the library (black = 0,0,0,255; white = 255,255,255,255)
    const bits = Uint8Array.from([0xf0, 0x0f, 0xaa, 0x55, 0xff, 0x00]);
    const rgba = new Uint8ClampedArray(16 * 8 * 4).fill(255);
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 16; x++)
        if (bits[y * 2 + (x >> 3)]! & (0x80 >> (x & 7))) rgba.set([0, 0, 0, 255], (y * 16 + x) * 4);
    const enc = new ReceiptPrinterEncoder({
      language: 'esc-pos',
      columns: 48,
      imageMode: 'raster',
    });
    const theirs = hex(
      enc.image({ data: rgba, width: 16, height: 8 }, 16, 8, 'threshold').encode(),
    );
    // the library pads height to a multiple of 8 with white rows
    const ours = hex(
      rasterImage({ width: 16, height: 8, data: concat([bits, new Uint8Array(10)]) }),
    );
    expect(theirs).toContain(ours);
  });
});
