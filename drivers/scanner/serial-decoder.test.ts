import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerialScanDecoder } from './serial-decoder';
import type { ScanEvent } from './types';

const bytes = (s: string) => new TextEncoder().encode(s);
const texts = (events: ScanEvent[]) =>
  events.map((e) => (e.kind === 'scan' ? `${e.scan.symbology} ${e.scan.text}` : e.error.code));

describe('serial scanner decoding', () => {
  it('by default CR, LF and CRLF each end one scan', () => {
    const d = new SerialScanDecoder();
    expect(texts(d.push(bytes('111\r222\n333\r\n444\r\n')))).toEqual([
      'unknown 111',
      'unknown 222',
      'unknown 333',
      'unknown 444',
    ]);
    expect(d.pending).toBe(false);
  });

  it('a CRLF split between chunks is still one suffix', () => {
    const d = new SerialScanDecoder();
    expect(texts(d.push(bytes('12345\r')))).toEqual(['unknown 12345']);
    expect(texts(d.push(bytes('\n678\r')))).toEqual(['unknown 678']);
  });

  it('the AIM prefix gives the symbology', () => {
    const d = new SerialScanDecoder();
    expect(texts(d.push(bytes(']E06901234000016\r]Q1PAY-1\r]d2x\r')))).toEqual([
      'ean13 6901234000016',
      'qr PAY-1',
      'datamatrix x',
    ]);
  });

  it('suffix=crlf: a lone CR or LF is data', () => {
    const d = new SerialScanDecoder('crlf');
    expect(texts(d.push(bytes('a\rb\nc\r')))).toEqual([]);
    expect(texts(d.push(bytes('\n')))).toEqual(['unknown a\rb\nc']);
  });

  it('suffix=lf: CR is data, LF ends', () => {
    const d = new SerialScanDecoder('lf');
    expect(texts(d.push(bytes('a\rb\n')))).toEqual(['unknown a\rb']);
  });

  it('suffix=cr: only CR ends', () => {
    const d = new SerialScanDecoder('cr');
    expect(texts(d.push(bytes('a\nb\r')))).toEqual(['unknown a\nb']);
  });

  it('no suffix: the timeout ends the scan', () => {
    const d = new SerialScanDecoder();
    expect(d.push(bytes(']C0ABC'))).toEqual([]);
    expect(d.pending).toBe(true);
    expect(texts(d.timeout())).toEqual(['code128 ABC']);
    expect(d.timeout()).toEqual([]);
  });

  it('an endless line is dropped with an error that does not carry it', () => {
    const d = new SerialScanDecoder();
    const events = d.push(new Uint8Array(9000).fill(0x37));
    expect(texts(events)).toEqual(['scanner.scan_too_long']);
    expect(d.push(bytes('77\r'))).toEqual([]);
    expect(texts(d.push(bytes('9\r')))).toEqual(['unknown 9']);
  });

  it('random bytes never throw, in any suffix mode', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(undefined, 'cr', 'lf', 'crlf' as const),
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 20 }),
        (suffix, chunks) => {
          const d = new SerialScanDecoder(suffix);
          for (const c of chunks) expect(() => d.push(c)).not.toThrow();
          expect(() => d.timeout()).not.toThrow();
        },
      ),
    );
  });
});
