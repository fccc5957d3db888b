// Byte-exact fixtures, each written from the ESC/POS command reference (the bytes in the comment
// are the reference's Hex line with the parameters filled in), not from our own output.
import { describe, expect, it } from 'vitest';
import {
  align,
  automaticStatusBack,
  barcode,
  bold,
  cut,
  drawerPulse,
  ean13CheckDigit,
  encodeText,
  feed,
  hanziOff,
  hanziOn,
  init,
  processIdRequest,
  qrCode,
  rasterImage,
  realtimeStatusRequest,
  selectCodePage,
  selectFont,
  size,
  underline,
} from './commands';

const hex = (u: Uint8Array) =>
  Buffer.from(u)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
const ascii = (s: string) =>
  [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ');

describe('ESC/POS command fixtures', () => {
  it.each<[string, () => Uint8Array, string]>([
    // ESC @                    1B 40
    ['init', init, '1b 40'],
    // ESC t n                  1B 74 n   (19 = PC858 Euro)
    ['code page cp858', () => selectCodePage('cp858'), '1b 74 13'],
    ['code page cp437', () => selectCodePage('cp437'), '1b 74 00'],
    ['code page cp1252', () => selectCodePage('cp1252'), '1b 74 10'],
    // FS &                     1C 26
    ['Hanzi mode on', hanziOn, '1c 26'],
    // FS .                     1C 2E
    ['Hanzi mode off', hanziOff, '1c 2e'],
    // ESC M n                  1B 4D n
    ['font B', () => selectFont('B'), '1b 4d 01'],
    // ESC E n                  1B 45 n
    ['bold on', () => bold(true), '1b 45 01'],
    ['bold off', () => bold(false), '1b 45 00'],
    // ESC - n + FS - n         1B 2D n 1C 2D n
    ['underline 1 dot', () => underline(1), '1b 2d 01 1c 2d 01'],
    ['underline off', () => underline(0), '1b 2d 00 1c 2d 00'],
    // GS ! n                   1D 21 n   n = (w-1)<<4 | (h-1)
    ['double width and height', () => size(2, 2), '1d 21 11'],
    ['double height only', () => size(1, 2), '1d 21 01'],
    ['double width only', () => size(2, 1), '1d 21 10'],
    ['normal size', () => size(1, 1), '1d 21 00'],
    // ESC a n                  1B 61 n
    ['align left', () => align('left'), '1b 61 00'],
    ['align center', () => align('center'), '1b 61 01'],
    ['align right', () => align('right'), '1b 61 02'],
    // ESC d n                  1B 64 n
    ['feed 3 lines', () => feed(3), '1b 64 03'],
    // GS V m                   1D 56 m   (function A: 0 full, 1 partial)
    ['full cut', () => cut({ partial: false }), '1d 56 00'],
    ['partial cut', () => cut({ partial: true }), '1d 56 01'],
    // GS V m n                 1D 56 m n (function B: 65 full, 66 partial, feed n)
    ['full cut after feed', () => cut({ partial: false, feed: 3 }), '1d 56 41 03'],
    ['partial cut after feed', () => cut({ partial: true, feed: 0 }), '1d 56 42 00'],
    // ESC p m t1 t2            1B 70 m t1 t2 (t × 2 ms)
    ['drawer pulse pin 2, 100/200 ms', () => drawerPulse(2), '1b 70 00 32 64'],
    ['drawer pulse pin 5, 120/240 ms', () => drawerPulse(5, 120, 240), '1b 70 01 3c 78'],
    // DLE EOT n                10 04 n
    ['status n=1', () => realtimeStatusRequest(1), '10 04 01'],
    ['status n=2', () => realtimeStatusRequest(2), '10 04 02'],
    ['status n=3', () => realtimeStatusRequest(3), '10 04 03'],
    ['status n=4', () => realtimeStatusRequest(4), '10 04 04'],
    // GS a n                   1D 61 n
    [
      'ASB all',
      () => automaticStatusBack({ drawer: true, online: true, error: true, paper: true }),
      '1d 61 0f',
    ],
    ['ASB off', () => automaticStatusBack({}), '1d 61 00'],
    ['ASB paper only', () => automaticStatusBack({ paper: true }), '1d 61 08'],
    // GS ( H pL pH fn m d1..d4 1D 28 48 06 00 30 30 d1 d2 d3 d4
    ['process ID "0042"', () => processIdRequest('0042'), `1d 28 48 06 00 30 30 ${ascii('0042')}`],
    // GS ( k pL pH cn fn n1 n2 1D 28 6B 04 00 31 41 32 00          (165: model 2)
    // GS ( k pL pH cn fn n     1D 28 6B 03 00 31 43 06             (167: module 6 dots)
    // GS ( k pL pH cn fn n     1D 28 6B 03 00 31 45 31             (169: level M)
    // GS ( k pL pH cn fn m d.. 1D 28 6B 0B 00 31 50 30 "HTTPS://A" (180: k + 3 = 11)
    // GS ( k pL pH cn fn m     1D 28 6B 03 00 31 51 30             (181: print)
    [
      'QR code',
      () => qrCode('HTTPS://A'),
      '1d 28 6b 04 00 31 41 32 00 1d 28 6b 03 00 31 43 06 1d 28 6b 03 00 31 45 31 ' +
        `1d 28 6b 0c 00 31 50 30 ${ascii('HTTPS://A')} 1d 28 6b 03 00 31 51 30`,
    ],
    [
      'QR code, size 4, level H',
      () => qrCode('X', { size: 4, errorCorrection: 'H' }),
      '1d 28 6b 04 00 31 41 32 00 1d 28 6b 03 00 31 43 04 1d 28 6b 03 00 31 45 33 ' +
        '1d 28 6b 04 00 31 50 30 58 1d 28 6b 03 00 31 51 30',
    ],
    // GS h n, GS w n, GS H n, GS k m d1..dk NUL (function A, m = 2 EAN-13)
    [
      'EAN-13 with HRI below',
      () => barcode('ean13', '400638133393', { height: 60, width: 2, hri: 'below' }),
      `1d 68 3c 1d 77 03 1d 48 02 1d 6b 02 ${ascii('4006381333931')} 00`,
    ],
    // GS k m n d1..dn (function B, m = 73 CODE128, n = length incl. "{B")
    [
      'CODE128 without HRI',
      () => barcode('code128', 'R-0042', { height: 50, width: 1, hri: 'none' }),
      `1d 68 32 1d 77 02 1d 48 00 1d 6b 49 08 ${ascii('{BR-0042')}`,
    ],
    // GS v 0 m xL xH yL yH d1..dk   1D 76 30 00 02 00 02 00 + 4 bytes
    [
      'raster 9×2',
      () => rasterImage({ width: 9, height: 2, data: Uint8Array.from([0xff, 0x80, 0xaa, 0x00]) }),
      '1d 76 30 00 02 00 02 00 ff 80 aa 00',
    ],
    [
      'raster in bands of 2 rows',
      () => rasterImage({ width: 8, height: 3, data: Uint8Array.from([1, 2, 3]) }, 2),
      '1d 76 30 00 01 00 02 00 01 02 1d 76 30 00 01 00 01 00 03',
    ],
  ])('%s', (_name, make, expected) => {
    expect(hex(make())).toBe(expected);
  });

  it('encodes text per charset, unknown characters as "?"', () => {
    expect(hex(encodeText('€5 café', 'cp858'))).toBe('d5 35 20 63 61 66 82');
    expect(hex(encodeText('你好 A', 'gb18030'))).toBe('c4 e3 ba c3 20 41');
    expect(hex(encodeText('你', 'cp437'))).toBe('3f');
  });

  it('computes and checks the EAN-13 check digit', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1);
    expect(ean13CheckDigit('590123412345')).toBe(7);
    expect(() => barcode('ean13', '4006381333932')).toThrow(/check digit should be 1/);
    expect(() => barcode('ean13', '40063813')).toThrow(/12 digits/);
  });

  it.each<[string, () => unknown]>([
    ['size 9', () => size(9, 1)],
    ['feed 256', () => feed(256)],
    ['pulse 600 ms', () => drawerPulse(2, 600)],
    ['pulse odd ms', () => drawerPulse(2, 101)],
    ['process ID of 3 characters', () => processIdRequest('123')],
    ['process ID with a control byte', () => processIdRequest('12\n4')],
    ['QR of nothing', () => qrCode('')],
    ['QR module 9', () => qrCode('x', { size: 9 })],
    ['QR non-Latin-1', () => qrCode('你好')],
    ['CODE128 starting with "{"', () => barcode('code128', '{A1')],
    [
      'raster with short data',
      () => rasterImage({ width: 16, height: 2, data: new Uint8Array(3) }),
    ],
  ])('refuses %s', (_name, f) => {
    expect(f).toThrow(RangeError);
  });
});
