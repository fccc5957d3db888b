import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeTlvs,
  encodeLength,
  encodeTlvs,
  findAllTlv,
  findTlv,
  fromHex,
  hex,
  tlv,
  type Tlv,
} from './tlv';

describe('TLV', () => {
  it('reads the manual’s long-form length example: 82 01 C3 is 451 bytes (§3.2.1.1)', () => {
    expect(hex(encodeLength(451))).toBe('8201C3');
    const value = new Uint8Array(451).fill(7);
    const r = decodeTlvs(fromHex(`C1 82 01 C3 ${hex(value)}`));
    expect(r.ok && r.value[0]?.value.length).toBe(451);
  });

  it('uses the fewest length bytes (DER)', () => {
    expect(hex(encodeLength(0))).toBe('00');
    expect(hex(encodeLength(0x7f))).toBe('7F');
    expect(hex(encodeLength(0x80))).toBe('8180');
    expect(hex(encodeLength(0xff))).toBe('81FF');
    expect(hex(encodeLength(0x100))).toBe('820100');
    expect(hex(encodeLength(0x10000))).toBe('83010000');
  });

  it('decodes the Echo request’s fields (manual §3.2.1.2 TLV Example)', () => {
    const r = decodeTlvs(fromHex('81040101DF018407DF018103010203'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((n) => [n.tag, hex(n.value)])).toEqual([
      ['81', '0101DF01'],
      ['84', 'DF018103010203'],
    ]);
  });

  it('decodes multi-byte tags and nested constructed objects, and finds by path', () => {
    // the shape of the manual's ARQC notification (Table 313): F9 / FA / 70 / F8 / DFDF59
    const bytes = fromHex('F9 15 DFDF55 01 82 FA 0E 70 0C F8 0A DFDF59 02 AB CD DFDF58 00');
    const r = decodeTlvs(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]?.constructed).toBe(true);
    expect(hex(findTlv(r.value, 'F9', 'FA', '70', 'F8', 'DFDF59')?.value ?? new Uint8Array())).toBe(
      'ABCD',
    );
    expect(findTlv(r.value, 'F9', 'DFDF55')?.value).toEqual(Uint8Array.of(0x82));
    expect(findTlv(r.value, 'F9', 'DFDF59')).toBeUndefined();
    expect(findAllTlv(r.value, 'dfdf58')).toHaveLength(1);
    expect(hex(encodeTlvs(r.value))).toBe(hex(bytes));
  });

  it('finds through a primitive object that holds TLVs (MMS 84 payloads)', () => {
    const r = decodeTlvs(fromHex('84 05 81 03 01 02 03'));
    expect(r.ok && hex(findTlv(r.value, '84', '81')?.value ?? new Uint8Array())).toBe('010203');
  });

  it('reports, never throws, on truncated or impossible input', () => {
    for (const bad of [
      'DF',
      'DFDF',
      '81',
      '81 05 00',
      '82 80',
      '9F 85 00',
      'C1 85 0000000001 00',
    ]) {
      const r = decodeTlvs(fromHex(bad));
      expect(r.ok, bad).toBe(false);
    }
    const cut = decodeTlvs(fromHex('F9 04 81 05 00 00'));
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.offset).toBe(2);
  });

  const tagArb = fc
    .oneof(
      fc.integer({ min: 0, max: 0xff }).filter((b) => (b & 0x1f) !== 0x1f),
      fc
        .tuple(
          fc.integer({ min: 0, max: 7 }).map((c) => (c << 5) | 0x1f),
          fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 1 }),
          fc.integer({ min: 0x01, max: 0x7f }),
        )
        .map(([a, mid, last]) => [a, ...mid, last]),
    )
    .map((t) => hex(Uint8Array.from(Array.isArray(t) ? t : [t])));

  const nodeArb: fc.Arbitrary<Tlv> = fc.letrec<{ node: Tlv }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc
        .tuple(tagArb, fc.uint8Array({ maxLength: 300 }))
        .filter(([t]) => (parseInt(t.slice(0, 2), 16) & 0x20) === 0)
        .map(([t, v]) => tlv(t, v)),
      fc
        .tuple(tagArb, fc.array(tie('node'), { maxLength: 4 }))
        .filter(([t]) => (parseInt(t.slice(0, 2), 16) & 0x20) !== 0)
        .map(([t, kids]) => tlv(t, kids)),
    ),
  })).node;

  it('round-trips any tree of objects byte for byte (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { maxLength: 5 }), (nodes) => {
        const bytes = encodeTlvs(nodes);
        const r = decodeTlvs(bytes);
        expect(r.ok).toBe(true);
        if (r.ok) expect(hex(encodeTlvs(r.value))).toBe(hex(bytes));
      }),
    );
  });

  it('never throws on random bytes (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const r = decodeTlvs(bytes);
        if (r.ok) expect(hex(encodeTlvs(r.value)).length).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
