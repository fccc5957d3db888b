import { describe, expect, it } from 'vitest';
import { HidPosDecoder } from '../scanner/hid-pos';
import { ScannerSim, parseScanLine } from './scanner-sim';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('ScannerSim', () => {
  it('serial: AIM prefix, data and the chosen suffix', () => {
    const lines: string[] = [];
    for (const suffix of ['cr', 'lf', 'crlf', 'none'] as const) {
      const sim = new ScannerSim({ framing: 'serial', suffix });
      sim.onOutput((b) => lines.push(text(b)));
      sim.scan({ symbology: 'ean8', text: '96385074' });
    }
    expect(lines).toEqual([']E496385074\r', ']E496385074\n', ']E496385074\r\n', ']E496385074']);
  });

  it('serial: no prefix for unknown or with aim off', () => {
    const lines: string[] = [];
    const sim = new ScannerSim({ framing: 'serial', aim: false });
    sim.onOutput((b) => lines.push(text(b)));
    sim.scan({ symbology: 'qr', text: 'x' });
    sim.scan({ symbology: 'unknown', text: 'y' });
    expect(lines).toEqual(['x\r', 'y\r']);
  });

  it('hid: 64-byte reports the decoder reads back', () => {
    const reports: Uint8Array[] = [];
    const sim = new ScannerSim({ framing: 'hid' });
    sim.onOutput((r) => reports.push(r));
    sim.scan({ symbology: 'pdf417', text: 'P'.repeat(120) });
    expect(reports.map((r) => r.length)).toEqual([64, 64, 64]);
    expect(reports.map((r) => r[63])).toEqual([1, 1, 0]);
    const d = new HidPosDecoder();
    expect(reports.flatMap((r) => d.push(r))).toEqual([
      { kind: 'scan', scan: { symbology: 'pdf417', text: 'P'.repeat(120) } },
    ]);
  });

  it('parses stdin lines', () => {
    expect(parseScanLine('ean13 6901234000016\n')).toEqual({
      symbology: 'ean13',
      text: '6901234000016',
    });
    expect(parseScanLine('qr hello world')).toEqual({ symbology: 'qr', text: 'hello world' });
    expect(parseScanLine('gs1 123')).toHaveProperty('error');
    expect(parseScanLine('qr')).toHaveProperty('error');
  });
});
