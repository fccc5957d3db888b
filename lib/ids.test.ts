import { describe, expect, it } from 'vitest';
import { base32, newId, receiptToken } from './ids';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('base32 (RFC 4648 §10 test vectors, padding removed)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('"%s" → "%s"', (input, output) => {
    expect(base32(bytes(input))).toBe(output);
  });

  it('encodes bit patterns at the edges of the alphabet', () => {
    expect(base32(new Uint8Array([0, 0, 0, 0, 0]))).toBe('AAAAAAAA');
    expect(base32(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]))).toBe('77777777');
    // 0xf8 = 11111 000 → '7', then 000(00) → 'A'
    expect(base32(new Uint8Array([0xf8]))).toBe('7A');
    // long inputs: the running bit buffer must not overflow (15 bytes → 24 chars of '7')
    expect(base32(new Uint8Array(15).fill(0xff))).toBe('7'.repeat(24));
  });
});

describe('receiptToken', () => {
  it('is 24 base32 characters: 120 bits, at least the 96 ARCHITECTURE §4 asks', () => {
    const token = receiptToken();
    expect(token).toMatch(/^[A-Z2-7]{24}$/);
    expect(token.length * 5).toBeGreaterThanOrEqual(96);
  });

  it('does not repeat in 10,000 draws and uses the whole alphabet', () => {
    const seen = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const t = receiptToken();
      seen.add(t);
      for (const c of t) chars.add(c);
    }
    expect(seen.size).toBe(10_000);
    expect(chars.size).toBe(32);
  });
});

describe('newId', () => {
  it('is a ULID: 26 Crockford base32 characters, unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
