// What a barcode scanner gives the host, whatever the link (ARCHITECTURE §8). Scan text can be a
// wallet payment code (a bearer token): never log it or put it into an error message.

export const SYMBOLOGIES = [
  'ean13',
  'ean8',
  'upca',
  'upce',
  'code128',
  'code39',
  'qr',
  'datamatrix',
  'pdf417',
  'unknown',
] as const;
export type Symbology = (typeof SYMBOLOGIES)[number];

export interface Scan {
  symbology: Symbology;
  text: string;
}

export type ScanDecodeErrorCode =
  | 'scanner.report_length'
  | 'scanner.report_truncated'
  | 'scanner.scan_too_long'
  | 'scanner.continuation_lost';

/** A report or byte run the decoder could not use; it has resynced. Never carries scan text. */
export interface ScanDecodeError {
  code: ScanDecodeErrorCode;
  message: string;
}

export type ScanEvent = { kind: 'scan'; scan: Scan } | { kind: 'error'; error: ScanDecodeError };

/** Longest scan we assemble (a PDF417 holds about 1.8 KB); past it the scan is dropped. */
export const MAX_SCAN_BYTES = 8192;
