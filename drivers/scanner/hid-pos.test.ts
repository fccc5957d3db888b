import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HidPosDecoder, encodeHidPosReports } from './hid-pos';
import type { ScanEvent } from './types';

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** A 64-byte Scanned Data Report written out by hand from the layout in docs/scanners.md. */
function report(length: number, sym: string, data: string, continued: boolean): Uint8Array {
  const r = new Uint8Array(64);
  r.set([0x02, length, ...ascii(sym.padEnd(3, '\0')), ...ascii(data)]);
  r[63] = continued ? 0x01 : 0x00;
  return r;
}

const scans = (events: ScanEvent[]) => events.flatMap((e) => (e.kind === 'scan' ? [e.scan] : []));

describe('HID POS scanned-data reports', () => {
  it.each([
    [']E0', '6901234000016', 'ean13'],
    [']E4', '96385074', 'ean8'],
    [']E0', '036000291452', 'upca'],
    [']E0', '01234565', 'upce'],
    [']C0', 'ABC-123', 'code128'],
    [']C1', '0109501101530003', 'code128'],
    [']A0', 'CODE39', 'code39'],
    [']Q1', 'https://gw.example/r/ABCDEF', 'qr'],
    [']d1', 'DM-1', 'datamatrix'],
    [']d2', 'DM-2', 'datamatrix'],
    [']L0', 'PDF', 'pdf417'],
    ['\0\0\0', '12345', 'unknown'],
    [']X0', '12345', 'unknown'],
  ])('%s %s is %s', (sym, data, symbology) => {
    const d = new HidPosDecoder();
    expect(d.push(report(data.length, sym, data, false))).toEqual([
      { kind: 'scan', scan: { symbology, text: data } },
    ]);
  });

  it('joins a scan continued over reports, and only emits at the last one', () => {
    const d = new HidPosDecoder();
    const first = 'A'.repeat(58);
    expect(d.push(report(58, ']Q1', first, true))).toEqual([]);
    expect(d.push(report(4, ']Q1', 'tail', false))).toEqual([
      { kind: 'scan', scan: { symbology: 'qr', text: `${first}tail` } },
    ]);
  });

  it('ignores other report IDs and decodes UTF-8', () => {
    const d = new HidPosDecoder();
    expect(d.push(Uint8Array.of(0x04, 1, 2, 3))).toEqual([]);
    const text = new TextEncoder().encode('售票 1');
    const r = encodeHidPosReports(']Q1', text);
    expect(scans(r.flatMap((x) => d.push(x)))).toEqual([{ symbology: 'qr', text: '售票 1' }]);
  });

  it('a length past the report is an error without the data, and the next scan decodes', () => {
    const d = new HidPosDecoder();
    d.push(report(5, ']Q1', 'SECRE', true));
    const bad = d.push(report(200, ']Q1', 'SECRET', false));
    expect(bad).toHaveLength(1);
    expect(bad[0]?.kind).toBe('error');
    expect(JSON.stringify(bad)).not.toContain('SECRE');
    expect(d.push(report(3, ']E4', '123', false))).toEqual([
      { kind: 'scan', scan: { symbology: 'ean8', text: '123' } },
    ]);
  });

  it('a new scan before the last report of the old one drops the old one', () => {
    const d = new HidPosDecoder();
    d.push(report(3, ']Q1', 'abc', true));
    const events = d.push(report(8, ']E4', '96385074', false));
    expect(events.map((e) => e.kind)).toEqual(['error', 'scan']);
    expect(scans(events)).toEqual([{ symbology: 'ean8', text: '96385074' }]);
  });

  it('a short report is truncated', () => {
    const events = new HidPosDecoder().push(Uint8Array.of(0x02, 0, 0x5d));
    expect(events.map((e) => (e.kind === 'error' ? e.error.code : e.kind))).toEqual([
      'scanner.report_truncated',
    ]);
  });

  it('round-trips any text and symbology through the encoder, any report size', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 600 }),
        fc.constantFrom(']Q1', ']C0', ']d2', ''),
        fc.integer({ min: 7, max: 64 }),
        (text, aim, size) => {
          const d = new HidPosDecoder();
          const events = encodeHidPosReports(aim, new TextEncoder().encode(text), {
            reportSize: size,
          }).flatMap((r) => d.push(r));
          expect(events).toHaveLength(1);
          expect(scans(events)[0]?.text).toBe(text);
        },
      ),
    );
  });

  it('random reports never throw', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 70 }),
            fc.uint8Array({ minLength: 1, maxLength: 64 }).map((r) => {
              r[0] = 0x02;
              return r;
            }),
          ),
          { maxLength: 40 },
        ),
        (reports) => {
          const d = new HidPosDecoder();
          for (const r of reports) expect(() => d.push(r)).not.toThrow();
        },
      ),
    );
  });
});
