// A receipt as the terminal describes it: blocks of lines and symbols, no bytes. renderReceipt
// turns it into ESC/POS for one printer profile; the same model can feed an SVG preview.
import type { Align, Bitmap } from './commands';

export interface TextStyle {
  bold?: boolean;
  underline?: boolean;
  doubleWidth?: boolean;
  doubleHeight?: boolean;
  font?: 'A' | 'B';
}

export type ReceiptBlock =
  /** Text, wrapped to the line width (words kept whole where there are spaces). */
  | { kind: 'text'; text: string; align?: Align; style?: TextStyle }
  /**
   * Left text and a right-aligned amount on one line. The amount is never cut; a long left text
   * wraps (or is truncated with overflow 'truncate').
   */
  | {
      kind: 'columns';
      left: string;
      right: string;
      style?: TextStyle;
      overflow?: 'wrap' | 'truncate';
    }
  /** A full-width rule of one character. */
  | { kind: 'separator'; char?: '-' | '=' | '*' | '.' | ' ' }
  | { kind: 'feed'; lines: number }
  | {
      kind: 'qr';
      data: string;
      size?: number;
      errorCorrection?: 'L' | 'M' | 'Q' | 'H';
      align?: Align;
    }
  | {
      kind: 'barcode';
      symbology: 'ean13' | 'code128';
      data: string;
      height?: number;
      hri?: boolean;
      align?: Align;
    }
  | { kind: 'logo'; bitmap: Bitmap; align?: Align }
  | { kind: 'cut'; partial?: boolean }
  | { kind: 'drawer'; pin?: 2 | 5 };

export interface ReceiptDocument {
  blocks: ReceiptBlock[];
}
