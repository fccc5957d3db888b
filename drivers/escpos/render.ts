// ReceiptDocument → ESC/POS bytes for one printer profile.
//
// Character modes: printers with Chinese firmware start (and stay after ESC @) in Hanzi mode, in
// which bytes ≥ 0x80 pair up as GB18030; in it a code-page "é" would print as half a Hanzi. So
// the mode is always set explicitly: FS . right after ESC @, FS & before a line with Chinese
// (sent whole as GB18030, whose ASCII is single-byte), FS . again before a code-page line.
import type { PrinterProfile } from '../printer/profiles';
import {
  align as alignCmd,
  barcode,
  bold,
  concat,
  cut,
  drawerPulse,
  encodeText,
  feed,
  hanziOff,
  hanziOn,
  init,
  newline,
  qrCode,
  rasterImage,
  selectCodePage,
  selectFont,
  size,
  underline,
  type Align,
} from './commands';
import type { ReceiptDocument, TextStyle } from './receipt-model';
import { displayWidth, isWide, padEnd, padStart, truncateToWidth, wrapToWidth } from './text';

interface State {
  hanzi: boolean;
  bold: boolean;
  underline: boolean;
  w: number;
  h: number;
  font: 'A' | 'B';
  align: Align;
}

function needsHanzi(text: string): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x80 && isWide(cp)) return true;
  }
  return false;
}

/** On a printer without Hanzi, a wide character becomes one "?" before layout, so columns hold. */
function withoutWide(text: string): string {
  let out = '';
  for (const ch of text) out += isWide(ch.codePointAt(0) ?? 0) ? '?' : ch;
  return out;
}

export function renderReceipt(doc: ReceiptDocument, profile: PrinterProfile): Uint8Array {
  const out: Uint8Array[] = [
    init(),
    hanziOff(),
    selectCodePage(profile.codePage),
    selectFont('A'),
    alignCmd('left'),
  ];
  const s: State = {
    hanzi: false,
    bold: false,
    underline: false,
    w: 1,
    h: 1,
    font: 'A',
    align: 'left',
  };

  const setAlign = (a: Align) => {
    if (s.align !== a) out.push(alignCmd(a));
    s.align = a;
  };
  const setStyle = (style: TextStyle = {}) => {
    const font = style.font ?? 'A';
    if (font !== s.font) out.push(selectFont(font));
    if ((style.bold ?? false) !== s.bold) out.push(bold(!s.bold));
    if ((style.underline ?? false) !== s.underline) out.push(underline(s.underline ? 0 : 1));
    const w = style.doubleWidth ? 2 : 1;
    const h = style.doubleHeight ? 2 : 1;
    if (w !== s.w || h !== s.h) out.push(size(w, h));
    Object.assign(s, {
      font,
      bold: style.bold ?? false,
      underline: style.underline ?? false,
      w,
      h,
    });
  };
  const width = () => Math.floor(profile.charsPerLine[s.font] / s.w);
  // A block whose text has Chinese is laid out, and its non-ASCII lines printed, in Hanzi mode:
  // there every non-ASCII character is two cells, so widths and mode must agree.
  const line = (text: string, hz = false) => {
    const hanzi = profile.supports.hanzi && (needsHanzi(text) || (hz && /[^ -~]/.test(text)));
    if (hanzi !== s.hanzi) out.push(hanzi ? hanziOn() : hanziOff());
    s.hanzi = hanzi;
    out.push(encodeText(text, hanzi ? 'gb18030' : profile.codePage), newline());
  };
  // "¥" is a 4-byte GB18030 sequence many Chinese fonts lack; the full-width "￥" is in GB2312.
  const fit = (text: string) =>
    profile.supports.hanzi ? text.replace(/\u00a5/g, '\uffe5') : withoutWide(text);
  const hanziBlock = (...texts: string[]) => profile.supports.hanzi && texts.some(needsHanzi);

  for (const block of doc.blocks) {
    switch (block.kind) {
      case 'text': {
        setStyle(block.style);
        setAlign(block.align ?? 'left');
        const text = fit(block.text);
        const hz = hanziBlock(text);
        for (const l of wrapToWidth(text, width(), hz)) line(l, hz);
        break;
      }
      case 'columns': {
        setStyle(block.style);
        setAlign('left');
        const w = width();
        const left = fit(block.left);
        const right = fit(block.right);
        const hz = hanziBlock(left, right);
        const room = w - displayWidth(right, hz) - 1;
        if (room < 1) {
          // the amount alone fills the line: text above, amount on its own line
          for (const l of wrapToWidth(left, w, hz)) line(l, hz);
          line(padStart(truncateToWidth(right, w, hz), w, hz), hz);
          break;
        }
        const parts =
          block.overflow === 'truncate'
            ? [truncateToWidth(left, room, hz)]
            : wrapToWidth(left, room, hz);
        line(padEnd(parts[0] ?? '', room, hz) + ' ' + right, hz);
        for (const l of parts.slice(1)) line(l, hz);
        break;
      }
      case 'separator': {
        setStyle();
        setAlign('left');
        line((block.char ?? '-').repeat(width()));
        break;
      }
      case 'feed':
        out.push(feed(block.lines));
        break;
      case 'qr': {
        setAlign(block.align ?? 'center');
        if (profile.supports.qr) {
          out.push(
            qrCode(block.data, {
              ...(block.size ? { size: block.size } : {}),
              ...(block.errorCorrection ? { errorCorrection: block.errorCorrection } : {}),
            }),
          );
        } else {
          // no QR firmware: the link as text still lets staff find the sale
          setStyle();
          for (const l of wrapToWidth(block.data, width())) line(l);
        }
        break;
      }
      case 'barcode':
        setAlign(block.align ?? 'center');
        out.push(
          barcode(block.symbology, block.data, {
            ...(block.height ? { height: block.height } : {}),
            hri: block.hri === false ? 'none' : 'below',
          }),
        );
        break;
      case 'logo':
        setAlign(block.align ?? 'center');
        if (block.bitmap.width > profile.dots)
          throw new RangeError(
            `logo is ${block.bitmap.width} dots wide; the ${profile.name} profile prints ${profile.dots}`,
          );
        out.push(rasterImage(block.bitmap));
        break;
      case 'cut':
        if (profile.supports.cut)
          out.push(
            cut({
              partial: (block.partial ?? true) && profile.supports.partialCut,
              feed: profile.cutFeed,
            }),
          );
        else out.push(feed(4)); // tear-off: bring the last line past the tear bar
        break;
      case 'drawer':
        out.push(
          drawerPulse(
            block.pin ?? profile.drawer.pin,
            profile.drawer.pulseOnMs,
            profile.drawer.pulseOffMs,
          ),
        );
        break;
    }
  }
  return concat(out);
}
