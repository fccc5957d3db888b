// Serial barcode scanners: each scan is the data, perhaps behind an AIM identifier, then a suffix
// (CR, LF or CRLF). With no suffix configured any of the three ends a scan; an address's
// `suffix=` fixes one. A scanner set to send no suffix is ended by silence: the device calls
// timeout() once no byte came for the inter-character time. Pure and total: never throws.
import type { ScannerSuffix } from '../address';
import { splitAim } from './aim';
import { MAX_SCAN_BYTES, type ScanEvent } from './types';

const CR = 0x0d;
const LF = 0x0a;
const utf8 = new TextDecoder('utf-8');

export class SerialScanDecoder {
  private buf: number[] = [];
  /** Default mode: a CR just ended a scan, so an LF right after it is the rest of a CRLF. */
  private afterCr = false;
  private overflowed = false;

  constructor(private readonly suffix?: ScannerSuffix) {}

  /** True while bytes wait for their suffix (or the inter-character timeout). */
  get pending(): boolean {
    return this.buf.length > 0 || this.overflowed;
  }

  push(bytes: Uint8Array): ScanEvent[] {
    const events: ScanEvent[] = [];
    for (const b of bytes) {
      if (this.suffix === undefined && b === LF && this.afterCr) this.afterCr = false;
      else if (this.endsScan(b)) this.finish(events);
      else this.add(b, events);
    }
    return events;
  }

  /** The inter-character time passed: what we have is a whole scan. */
  timeout(): ScanEvent[] {
    const events: ScanEvent[] = [];
    // the CR of a crlf suffix whose LF never came ends the scan all the same
    if (this.suffix === 'crlf' && this.buf[this.buf.length - 1] === CR) this.buf.pop();
    this.finish(events);
    this.afterCr = false;
    return events;
  }

  reset(): void {
    this.buf = [];
    this.afterCr = false;
    this.overflowed = false;
  }

  private endsScan(b: number): boolean {
    switch (this.suffix) {
      case undefined:
        if (b === CR) {
          this.afterCr = true;
          return true;
        }
        this.afterCr = false;
        return b === LF;
      case 'cr':
        return b === CR;
      case 'lf':
        return b === LF;
      case 'crlf':
        if (b === LF && this.buf[this.buf.length - 1] === CR) {
          this.buf.pop();
          return true;
        }
        return false;
    }
  }

  private add(b: number, events: ScanEvent[]): void {
    if (this.overflowed) return;
    if (this.buf.length >= MAX_SCAN_BYTES) {
      this.buf = [];
      this.overflowed = true;
      events.push({
        kind: 'error',
        error: {
          code: 'scanner.scan_too_long',
          message: `${MAX_SCAN_BYTES} bytes without a suffix: dropped (is the suffix setting right?)`,
        },
      });
      return;
    }
    this.buf.push(b);
  }

  private finish(events: ScanEvent[]): void {
    const bytes = this.buf;
    this.buf = [];
    if (this.overflowed) {
      this.overflowed = false;
      return;
    }
    if (bytes.length === 0) return;
    const scan = splitAim(utf8.decode(Uint8Array.from(bytes)));
    if (scan.text.length > 0) events.push({ kind: 'scan', scan });
  }
}
