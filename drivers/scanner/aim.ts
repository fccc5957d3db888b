// AIM symbology identifiers (ISO/IEC 15424): `]` + code character + modifier character, sent by
// the scanner in front of the data. Only the symbologies the till cares about get a name.
import type { Scan, Symbology } from './types';

const AIM = /^\](.)([0-9A-Za-z])/;

/** The symbology an AIM identifier names; the data decides UPC-A/UPC-E inside the EAN family. */
export function symbologyOf(code: string, modifier: string, data: string): Symbology {
  switch (code) {
    case 'E':
      // ]E0 is the whole EAN/UPC family: 13 digits EAN-13 (UPC-A inside it when it starts
      // with 0 and the scanner sends 13), 12 digits UPC-A, 7 or 8 digits UPC-E; ]E4 is EAN-8.
      if (modifier === '4') return 'ean8';
      if (modifier !== '0') return 'unknown';
      if (/^\d{13}$/.test(data)) return 'ean13';
      if (/^\d{12}$/.test(data)) return 'upca';
      if (/^\d{6,8}$/.test(data)) return 'upce';
      return 'unknown';
    case 'C':
      return 'code128';
    case 'A':
      return 'code39';
    case 'Q':
      return 'qr';
    case 'd':
      return 'datamatrix';
    case 'L':
      return 'pdf417';
    default:
      return 'unknown';
  }
}

/** Splits a leading `]Xn` off the text, if there is one. */
export function splitAim(text: string): Scan {
  const m = AIM.exec(text);
  if (!m) return { symbology: 'unknown', text };
  const data = text.slice(3);
  return { symbology: symbologyOf(m[1] ?? '', m[2] ?? '', data), text: data };
}

/** The identifier a scanner would send for this symbology (for simulators and fixtures). */
export function aimFor(symbology: Symbology): string {
  switch (symbology) {
    case 'ean13':
    case 'upca':
    case 'upce':
      return ']E0';
    case 'ean8':
      return ']E4';
    case 'code128':
      return ']C0';
    case 'code39':
      return ']A0';
    case 'qr':
      return ']Q1';
    case 'datamatrix':
      return ']d1';
    case 'pdf417':
      return ']L0';
    case 'unknown':
      return '';
  }
}
