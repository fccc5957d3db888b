// USB HID POS barcode scanners (usage page 0x8C, HID Point of Sale Usage Tables): the Scanned
// Data Report, decoded incrementally into scans. The layout is in docs/scanners.md:
//
//   byte 0        report ID (the Scanned Data Report's; 0x02 on the scanners we know)
//   byte 1        L: how many decoded-data bytes this report carries
//   bytes 2..4    Symbology Identifier 1..3: the AIM identifier `]Xn`, or 00 00 00 if none
//   bytes 5..4+L  decoded data
//   last byte     bit 0: Decode Data Continued (1 = the scan goes on in the next report)
//
// Pure and total: push() never throws; a bad report becomes an error event and the decoder
// starts afresh with the next one. Scan text never goes into an error message.
import { symbologyOf } from './aim';
import { MAX_SCAN_BYTES, type ScanDecodeError, type ScanEvent } from './types';

export const HID_POS_USAGE_PAGE = 0x8c;
export const SCANNED_DATA_REPORT_ID = 0x02;
export const DEFAULT_REPORT_SIZE = 64; // with the report ID byte
const HEADER = 5; // report ID, length, three symbology bytes
const CONTINUED = 0x01;

const utf8 = new TextDecoder('utf-8');

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class HidPosDecoder {
  private parts: Uint8Array[] = [];
  private size = 0;
  private symbologyBytes: string | null = null;
  /** After an oversize scan: drop reports until the scan's last one. */
  private discarding = false;

  constructor(private readonly reportId = SCANNED_DATA_REPORT_ID) {}

  /** One input report as hidapi gives it (report ID first). Other reports are ignored. */
  push(report: Uint8Array): ScanEvent[] {
    if (report.length === 0 || report[0] !== this.reportId) return [];
    if (report.length < HEADER + 1)
      return this.fail(
        'scanner.report_truncated',
        `a ${report.length}-byte scanned-data report is shorter than its ${HEADER + 1}-byte header and flag`,
      );
    const length = report[1] ?? 0;
    const room = report.length - HEADER - 1;
    if (length > room)
      return this.fail(
        'scanner.report_length',
        `scanned-data report says ${length} data bytes but has room for ${room}`,
      );
    const continued = ((report[report.length - 1] ?? 0) & CONTINUED) !== 0;
    const sym = String.fromCharCode(report[2] ?? 0, report[3] ?? 0, report[4] ?? 0);
    const data = report.subarray(HEADER, HEADER + length);

    const events: ScanEvent[] = [];
    if (this.discarding) {
      if (!continued) this.discarding = false;
      return events;
    }
    if (this.symbologyBytes !== null && this.symbologyBytes !== sym) {
      // a new scan began before the last one finished: the rest of that one was lost
      events.push(
        this.error(
          'scanner.continuation_lost',
          'a scan ended without its last report; it was dropped',
        ),
      );
      this.clear();
    }
    if (this.size + data.length > MAX_SCAN_BYTES) {
      this.clear();
      this.discarding = continued;
      events.push(
        this.error(
          'scanner.scan_too_long',
          `a scan longer than ${MAX_SCAN_BYTES} bytes was dropped`,
        ),
      );
      return events;
    }
    this.symbologyBytes = sym;
    this.parts.push(Uint8Array.from(data));
    this.size += data.length;
    if (continued) return events;

    const text = utf8.decode(concat(this.parts));
    this.clear();
    const m = /^\](.)(.)$/.exec(sym);
    const symbology = m ? symbologyOf(m[1] ?? '', m[2] ?? '', text) : 'unknown';
    if (text.length > 0) events.push({ kind: 'scan', scan: { symbology, text } });
    return events;
  }

  /** Forget a half-assembled scan (after unplug). */
  reset(): void {
    this.clear();
    this.discarding = false;
  }

  private clear(): void {
    this.parts = [];
    this.size = 0;
    this.symbologyBytes = null;
  }

  private error(code: ScanDecodeError['code'], message: string): ScanEvent {
    return { kind: 'error', error: { code, message } };
  }

  private fail(code: ScanDecodeError['code'], message: string): ScanEvent[] {
    const dropped = this.size > 0;
    this.reset();
    return [this.error(code, dropped ? `${message}; the scan in progress was dropped` : message)];
  }
}

/**
 * The reports a scanner sends for one scan (simulators and fixtures): `aim` is the three
 * symbology identifier characters ('' for none), split over as many reports as the data needs.
 */
export function encodeHidPosReports(
  aim: string,
  data: Uint8Array,
  options: { reportId?: number; reportSize?: number } = {},
): Uint8Array[] {
  const size = options.reportSize ?? DEFAULT_REPORT_SIZE;
  const per = Math.min(255, size - HEADER - 1);
  if (per < 1) throw new RangeError(`report size ${size} leaves no room for data`);
  const sym = aim.padEnd(3, '\0').slice(0, 3);
  const reports: Uint8Array[] = [];
  let at = 0;
  do {
    const chunk = data.subarray(at, at + per);
    at += chunk.length;
    const r = new Uint8Array(size);
    r[0] = options.reportId ?? SCANNED_DATA_REPORT_ID;
    r[1] = chunk.length;
    for (let i = 0; i < 3; i++) r[2 + i] = sym.charCodeAt(i) & 0xff;
    r.set(chunk, HEADER);
    r[size - 1] = at < data.length ? CONTINUED : 0;
    reports.push(r);
  } while (at < data.length);
  return reports;
}
