import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSerialDecoder, encodeSerialFrame, type SerialFrameEvent } from './serial-framing';
import { fromHex, hex } from './tlv';

const ECHO = fromHex('AA0081040101DF018407DF018103010203');

function decodeAll(chunks: Uint8Array[]): SerialFrameEvent[] {
  const d = createSerialDecoder();
  return chunks.flatMap((c) => d.push(c));
}

describe('serial framing (SLIP)', () => {
  it('wraps a message: C0, info 00, 4-byte big-endian length, message, C0 (manual Table 9)', () => {
    expect(hex(encodeSerialFrame(ECHO))).toBe('C00000000011AA0081040101DF018407DF018103010203C0');
  });

  it('escapes C0 as DB DC and DB as DB DD (RFC 1055)', () => {
    expect(hex(encodeSerialFrame(Uint8Array.of(0xc0, 0xdb, 0x01)))).toBe(
      'C00000000003DBDCDBDD01C0',
    );
    const [ev] = decodeAll([fromHex('C00000000003DBDCDBDD01C0')]);
    expect(ev).toEqual({ type: 'message', direction: 0, message: Uint8Array.of(0xc0, 0xdb, 0x01) });
  });

  it('accepts any direction byte (MagTek host code skips it)', () => {
    const [ev] = decodeAll([encodeSerialFrame(ECHO, 0x02)]);
    expect(ev).toMatchObject({ type: 'message', direction: 2 });
  });

  it('reports the device’s "hardware capability exceeded" frame', () => {
    expect(decodeAll([fromHex('C00300000400C0')])).toEqual([
      { type: 'capacity_exceeded', maxLength: 1024 },
    ]);
  });

  it('skips garbage, bad escapes and wrong lengths, then reads the next frame', () => {
    const good = encodeSerialFrame(ECHO, 0x02);
    const events = decodeAll([
      fromHex('1234'),
      good,
      fromHex('C0 00 00 00 00 05 01 02 C0'),
      fromHex('C0 00 DB 01 C0'),
      good,
    ]);
    expect(events.map((e) => e.type)).toEqual(['error', 'message', 'error', 'error', 'message']);
  });

  it('decodes the same whatever the chunking, down to one byte at a time (fast-check)', () => {
    const msgs = fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(msgs, fc.array(fc.nat(), { maxLength: 20 }), (ms, cutsRaw) => {
        const stream = Uint8Array.from(ms.flatMap((m) => [...encodeSerialFrame(m, 2)]));
        const whole = decodeAll([stream]);
        expect(whole.map((e) => (e.type === 'message' ? hex(e.message) : e.type))).toEqual(
          ms.map(hex),
        );
        const cuts = [...new Set(cutsRaw.map((c) => c % (stream.length + 1)))].sort(
          (a, b) => a - b,
        );
        const chunks: Uint8Array[] = [];
        let at = 0;
        for (const c of [...cuts, stream.length]) {
          chunks.push(stream.slice(at, c));
          at = c;
        }
        expect(decodeAll(chunks)).toEqual(whole);
      }),
    );
  });

  it('a stream split at every byte boundary decodes the same', () => {
    const stream = Uint8Array.from([
      ...encodeSerialFrame(ECHO, 2),
      ...encodeSerialFrame(Uint8Array.of(0xc0, 0xdb, 0xc0), 2),
    ]);
    const whole = decodeAll([stream]);
    for (let i = 0; i <= stream.length; i++) {
      expect(decodeAll([stream.slice(0, i), stream.slice(i)])).toEqual(whole);
    }
    expect(decodeAll([...stream].map((b) => Uint8Array.of(b)))).toEqual(whole);
  });

  it('never throws on random bytes, and still reads a good frame after them (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (junk) => {
        const events = decodeAll([junk, encodeSerialFrame(ECHO, 2)]);
        const last = events[events.length - 1];
        expect(last?.type === 'message' && hex(last.message)).toBe(hex(ECHO));
      }),
    );
  });
});
