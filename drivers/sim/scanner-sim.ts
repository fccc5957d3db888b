// The scanner's side of the link (ARCHITECTURE §8): turns "scan this text as this symbology" into
// the bytes a real scanner sends, either HID POS scanned-data reports (for sim:scanner, in
// process) or a serial line with an AIM prefix and a suffix (for `pos sim scanner --pty`).
import type { ScannerSuffix } from '../address';
import { aimFor } from '../scanner/aim';
import { encodeHidPosReports } from '../scanner/hid-pos';
import { SYMBOLOGIES, type Scan, type Symbology } from '../scanner/types';
import { Listeners } from '../transport/transport';
import type { SimDuplex } from './duplex';

export type SimSuffix = ScannerSuffix | 'none';

export interface ScannerSimOptions {
  framing: 'hid' | 'serial';
  /** Serial: what ends each scan (default cr); 'none' leaves it to the host's timeout. */
  suffix?: SimSuffix;
  /** HID: bytes per input report including the report ID (default 64). */
  reportSize?: number;
  /** Send the AIM symbology identifier (default true), as most scanners can be set to. */
  aim?: boolean;
}

const SUFFIX_BYTES: Record<SimSuffix, string> = { cr: '\r', lf: '\n', crlf: '\r\n', none: '' };

export class ScannerSim {
  private readonly output = new Listeners<[Uint8Array]>();
  private count = 0;

  constructor(private readonly options: ScannerSimOptions) {}

  /** A scanner takes no commands we simulate; what the host sends is ignored. */
  receive(bytes: Uint8Array): void {
    void bytes;
  }

  onOutput(cb: (bytes: Uint8Array) => void): () => void {
    return this.output.add(cb);
  }

  /** Sends the simulator's output to a host end and drops what the host writes. */
  attach(duplex: SimDuplex): () => void {
    return this.onOutput((b) => void duplex.write(b));
  }

  /** One scan: HID reports one by one, or one serial line. */
  scan(scan: Scan): void {
    this.count += 1;
    const aim = this.options.aim === false ? '' : aimFor(scan.symbology);
    const data = new TextEncoder().encode(scan.text);
    if (this.options.framing === 'hid') {
      for (const r of encodeHidPosReports(aim, data, {
        ...(this.options.reportSize ? { reportSize: this.options.reportSize } : {}),
      }))
        this.output.emit(r);
      return;
    }
    const head = new TextEncoder().encode(aim);
    const tail = new TextEncoder().encode(SUFFIX_BYTES[this.options.suffix ?? 'cr']);
    const line = new Uint8Array(head.length + data.length + tail.length);
    line.set(head, 0);
    line.set(data, head.length);
    line.set(tail, head.length + data.length);
    this.output.emit(line);
  }

  get scans(): number {
    return this.count;
  }
}

/** `ean13 6901234000016`: a symbology name, one space, then the text (kept as given). */
export function parseScanLine(line: string): Scan | { error: string } {
  const trimmed = line.replace(/\r?\n$/, '');
  const space = trimmed.indexOf(' ');
  const name = space < 0 ? trimmed : trimmed.slice(0, space);
  const text = space < 0 ? '' : trimmed.slice(space + 1);
  if (!(SYMBOLOGIES as readonly string[]).includes(name))
    return { error: `"${name}" is not a symbology; one of: ${SYMBOLOGIES.join(' ')}` };
  if (text === '') return { error: 'nothing to scan: give the text after the symbology' };
  return { symbology: name as Symbology, text };
}
