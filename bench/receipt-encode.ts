// receipt-encode: encoding the standard receipt (20 bilingual lines and a QR code) as ESC/POS
// text and commands, against the same receipt sent as a raster image, the way image-based
// printing does it: the receipt drawn to pixels at the printer's 576-dot width, thresholded to
// 1 bit and sent as GS v 0. Two lines: encode time and job size, each with transmit times.
//
// The raster receipt is the same ReceiptDocument laid out as HTML at the paper's 576 dots (one
// CSS pixel a dot: 24-dot type on 30-dot lines, as the printer's font A), drawn by headless
// Chromium and screenshotted. Not the simulator's SVG of our bytes: there, lines with "×" or "¥"
// wrap (see the note at receiptHtml), which would make the image, and so the baseline, longer.
// The QR code is a box of the true symbol size (version 4, 6 dots a module); GS v 0 is
// uncompressed, so the raster job's size depends only on the image's size.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { concat, cut, init, rasterImage, type Bitmap } from '../drivers/escpos/commands';
import { renderReceipt } from '../drivers/escpos/render';
import { sampleReceipt } from '../drivers/escpos/sample-receipt';
import { resolveProfile } from '../drivers/printer/profiles';
import type { ReceiptDocument } from '../drivers/escpos/receipt-model';
import { emit, percentile, round } from './report';

const ENCODE_RUNS = Number(process.env.BENCH_ENCODE_RUNS ?? 5000);
const RASTER_RUNS = Number(process.env.BENCH_RASTER_RUNS ?? 30);
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--no-first-run',
];

/** 8N1 serial: 10 bits on the wire per byte. */
const transmitMs = (bytes: number, baud: number): number => round((bytes * 10 * 1000) / baud, 1);

export async function run(): Promise<void> {
  const profile = resolveProfile('80mm');
  const doc = sampleReceipt();

  // ---- ours: ReceiptDocument → ESC/POS ----
  let ours = renderReceipt(doc, profile);
  for (let i = 0; i < 200; i++) ours = renderReceipt(doc, profile); // warm-up (JIT, iconv tables)
  const encodeUs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < ENCODE_RUNS; i++) {
    const t0 = performance.now();
    ours = renderReceipt(doc, profile);
    encodeUs.push((performance.now() - t0) * 1000);
  }
  const encodeMeanUs = ((performance.now() - started) * 1000) / ENCODE_RUNS;
  encodeUs.sort((a, b) => a - b);

  // ---- baseline: the same receipt as pixels → 1 bit → GS v 0 ----
  const html = receiptHtml(doc, profile.dots);
  const launchStart = performance.now();
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    const tab = await browser.newPage({
      viewport: { width: profile.dots, height: 2000 },
      deviceScaleFactor: 1,
    });
    await tab.setContent(html); // first load: fonts found and cached, as on a running till
    const startupMs = performance.now() - launchStart;
    const box = await tab.locator('body').boundingBox();
    if (!box) throw new Error('the receipt HTML has no layout');
    const height = Math.ceil(box.height);
    await tab.setViewportSize({ width: profile.dots, height });
    const clip = { x: 0, y: 0, width: profile.dots, height };

    let raster: Uint8Array = new Uint8Array();
    let bitmap: Bitmap | undefined;
    const shotMs: number[] = [];
    const convertMs: number[] = [];
    const totalMs: number[] = [];
    for (let i = 0; i < RASTER_RUNS + 3; i++) {
      const t0 = performance.now();
      await tab.setContent(html);
      const png = await tab.screenshot({ type: 'png', clip });
      const t1 = performance.now();
      bitmap = toBitmap(decodePng(png));
      raster = concat([init(), rasterImage(bitmap), cut({ partial: true, feed: profile.cutFeed })]);
      const t2 = performance.now();
      if (i < 3) continue; // warm-up
      shotMs.push(t1 - t0);
      convertMs.push(t2 - t1);
      totalMs.push(t2 - t0);
    }
    if (!bitmap || bitmap.width !== profile.dots)
      throw new Error(`raster is ${bitmap?.width} dots wide, not ${profile.dots}`);
    const inked = countInk(bitmap);
    // A blank screenshot would make a raster job of the right size and the wrong content.
    if (inked < 0.02 * bitmap.width * bitmap.height)
      throw new Error(`raster receipt is nearly blank (${inked} black dots)`);

    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    const rasterUs = median(totalMs) * 1000;
    const transmit = {
      transmit_ms_19200: transmitMs(ours.length, 19_200),
      transmit_ms_115200: transmitMs(ours.length, 115_200),
      baseline_transmit_ms_19200: transmitMs(raster.length, 19_200),
      baseline_transmit_ms_115200: transmitMs(raster.length, 115_200),
    };
    emit({
      name: 'receipt-encode',
      value: round(percentile(encodeUs, 50), 1),
      unit: 'µs/receipt',
      baseline: round(rasterUs, 0),
      better: 'lower',
      value_is: 'median renderReceipt(sample receipt, 80mm profile) → ESC/POS bytes',
      mean_us: round(encodeMeanUs, 1),
      p99_us: round(percentile(encodeUs, 99), 1),
      runs: ENCODE_RUNS,
      baseline_is:
        'median per receipt: load the receipt as HTML into an open Chromium tab + PNG screenshot at 576 dots + PNG decode (node:zlib) + threshold to 1 bit + GS v 0; Chromium start-up excluded (see baseline_startup_ms)',
      baseline_screenshot_ms: round(median(shotMs), 2),
      baseline_convert_ms: round(median(convertMs), 2),
      baseline_p99_ms: round(
        percentile(
          [...totalMs].sort((a, b) => a - b),
          99,
        ),
        2,
      ),
      baseline_startup_ms: round(startupMs, 0),
      baseline_runs: RASTER_RUNS,
      target_us: 1000,
      cpus: cpus().length,
      loadavg_1m: round(loadavg()[0] ?? 0, 2),
      ...transmit,
    });
    emit({
      name: 'receipt-encode-bytes',
      value: ours.length,
      unit: 'bytes',
      baseline: raster.length,
      better: 'lower',
      baseline_is: `ESC @ + GS v 0 ${bitmap.width}x${bitmap.height} dots (1 bit) + cut`,
      target_bytes: 2048,
      ...transmit,
    });
  } finally {
    await browser.close();
  }
}

// ---- the receipt as HTML ----

/**
 * The receipt as an image-printing system would lay it out: each block one 30-dot line (60 for
 * double height), amounts flush right, rules, the QR box, on paper `dots` wide.
 *
 * Why not the simulator's picture of our bytes: in Hanzi mode every non-ASCII character is sent
 * as GB18030 and printed two cells wide, but drivers/escpos/text.ts counts "×" and "¥" as one
 * cell, so in the simulator each line holding them runs one or two cells over and its amount
 * wraps (10 of the 20 lines here); "¥" is also a 4-byte GB18030 sequence many printers lack.
 */
export function receiptHtml(doc: ReceiptDocument, dots: number): string {
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows: string[] = [];
  for (const block of doc.blocks) {
    switch (block.kind) {
      case 'text': {
        const big = block.style?.doubleHeight ? ' big' : '';
        const bold = block.style?.bold ? ' b' : '';
        rows.push(
          `<div class="l${big}${bold}" style="text-align:${block.align ?? 'left'}"><span>${esc(block.text)}</span></div>`,
        );
        break;
      }
      case 'columns':
        rows.push(
          `<div class="l c${block.style?.bold ? ' b' : ''}"><span>${esc(block.left)}</span><span>${esc(block.right)}</span></div>`,
        );
        break;
      case 'separator':
        rows.push('<div class="l"><hr></div>');
        break;
      case 'feed':
        rows.push(`<div style="height:${block.lines * 30}px"></div>`);
        break;
      case 'qr': {
        // version 4 (33 modules) holds this URL at level M; 6 dots a module
        const side = (block.size ?? 6) * 33;
        rows.push(`<div class="qr" style="width:${side}px;height:${side}px"></div>`);
        break;
      }
      case 'cut':
      case 'drawer':
        break;
      case 'barcode':
      case 'logo':
        throw new Error(`receiptHtml: no ${block.kind} in the sample receipt`);
    }
  }
  const font = "'Noto Sans Mono CJK SC','Noto Sans CJK SC','DejaVu Sans Mono',monospace";
  return (
    '<!doctype html><html><head><meta charset="utf-8"><style>' +
    `body{margin:0;width:${dots}px;background:#fff;color:#000;font:24px/30px ${font}}` +
    '.l{height:30px;white-space:pre;overflow:hidden}' +
    // double height, single width, as GS ! 0x01 prints it
    '.big{height:60px;padding-top:30px;box-sizing:border-box}' +
    '.big span{display:inline-block;transform:scaleY(2);transform-origin:50% 100%}' +
    '.b{font-weight:bold}.c{display:flex;justify-content:space-between}' +
    'hr{border:0;border-top:2px dashed #000;margin:14px 0}' +
    '.qr{margin:6px auto;border:6px solid #000;box-sizing:border-box;background:repeating-linear-gradient(45deg,#000 0 6px,#fff 6px 12px)}' +
    `</style></head><body>${rows.join('')}</body></html>`
  );
}

// ---- PNG (8-bit greyscale/RGB/RGBA, not interlaced: what Chromium's screenshots are) ----

interface Rgba {
  width: number;
  height: number;
  /** 4 bytes a pixel. */
  pixels: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function decodePng(png: Uint8Array): Rgba {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!PNG_SIGNATURE.every((b, i) => buf[i] === b)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= buf.length;) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colour ?? -1] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0)
        throw new Error(
          `unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`,
        );
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + length; // length, type, body, CRC
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error('PNG image data is short');
  const out = new Uint8Array(height * stride);
  const zero = new Uint8Array(stride); // the row above the first
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const cur = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? out.subarray((y - 1) * stride, y * stride) : zero;
    unfilter(filter ?? -1, cur, row, up, channels, y);
  }
  if (channels === 4) return { width, height, pixels: out };
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const grey = channels <= 2;
    pixels[i * 4] = out[s]!;
    pixels[i * 4 + 1] = grey ? out[s]! : out[s + 1]!;
    pixels[i * 4 + 2] = grey ? out[s]! : out[s + 2]!;
    pixels[i * 4 + 3] = channels === 2 ? out[s + 1]! : channels === 4 ? out[s + 3]! : 255;
  }
  return { width, height, pixels };
}

/** Undoes one row's PNG filter (RFC 2083 §6): `left` is the byte one pixel back, 0 before it. */
function unfilter(
  filter: number,
  cur: Uint8Array,
  row: Uint8Array,
  up: Uint8Array,
  bpp: number,
  y: number,
): void {
  const n = cur.length;
  switch (filter) {
    case 0:
      row.set(cur);
      return;
    case 1:
      for (let x = 0; x < n; x++) row[x] = (cur[x]! + (x >= bpp ? row[x - bpp]! : 0)) & 0xff;
      return;
    case 2:
      for (let x = 0; x < n; x++) row[x] = (cur[x]! + up[x]!) & 0xff;
      return;
    case 3:
      for (let x = 0; x < n; x++)
        row[x] = (cur[x]! + (((x >= bpp ? row[x - bpp]! : 0) + up[x]!) >> 1)) & 0xff;
      return;
    case 4:
      for (let x = 0; x < n; x++) {
        const a = x >= bpp ? row[x - bpp]! : 0;
        const b = up[x]!;
        const c = x >= bpp ? up[x - bpp]! : 0;
        const pa = Math.abs(b - c); // |p - a| with p = a + b - c
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        row[x] = (cur[x]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
      return;
    default:
      throw new Error(`PNG row ${y}: unknown filter ${filter}`);
  }
}

/** Dark pixels (luma below half, on white) become dots: 1 bit a dot, MSB leftmost, as GS v 0. */
export function toBitmap({ width, height, pixels }: Rgba): Bitmap {
  const rowBytes = Math.ceil(width / 8);
  const data = new Uint8Array(rowBytes * height);
  // Composited over white paper, Rec. 601 luma (×1000, ×255 for alpha): whole numbers throughout.
  const half = 1000 * 255 * 128;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const alpha = pixels[p + 3] ?? 255;
      const paper = 255 * (255 - alpha);
      const luma =
        299 * ((pixels[p] ?? 255) * alpha + paper) +
        587 * ((pixels[p + 1] ?? 255) * alpha + paper) +
        114 * ((pixels[p + 2] ?? 255) * alpha + paper);
      if (luma < half) {
        const i = y * rowBytes + (x >> 3);
        data[i] = (data[i] ?? 0) | (0x80 >> (x & 7));
      }
    }
  }
  return { width, height, data };
}

function countInk(bitmap: Bitmap): number {
  let n = 0;
  for (const byte of bitmap.data) for (let v = byte; v; v &= v - 1) n++;
  return n;
}
