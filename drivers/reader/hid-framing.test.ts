import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHidAssembler, encodeHidReports, hidCancelReport } from './hid-framing';
import { fromHex, hex } from './tlv';

const ECHO = fromHex('AA0081040101DF018407DF018103010203');

function assemble(reports: Uint8Array[]) {
  const a = createHidAssembler();
  return reports.flatMap((r) => a.push(r));
}

describe('HID report framing', () => {
  it('sends a short message as one Single Packet: 00, length, message, zero padding (manual Table 4)', () => {
    const [r, ...rest] = encodeHidReports(ECHO);
    expect(rest).toHaveLength(0);
    expect(r?.length).toBe(64);
    expect(hex(r ?? new Uint8Array()).slice(0, 40)).toBe(
      '0011AA0081040101DF018407DF018103010203' + '00',
    );
    expect([...(r ?? []).slice(19)].every((b) => b === 0)).toBe(true);
  });

  it('splits a long message into Head, Middles and Tail (manual Tables 5-7)', () => {
    const msg = Uint8Array.from({ length: 200 }, (_, i) => i);
    const reports = encodeHidReports(msg);
    // 59 in the head, 61 per middle, the rest (≤ 62) in the tail: 59 + 61 + 61 = 181, tail 19
    expect(reports.map((r) => r[0])).toEqual([1, 2, 2, 3]);
    expect(hex(reports[0]?.slice(0, 6) ?? new Uint8Array())).toBe('01000000C800');
    expect(hex(reports[1]?.slice(0, 4) ?? new Uint8Array())).toBe('0200013B');
    expect(hex(reports[2]?.slice(0, 3) ?? new Uint8Array())).toBe('020002');
    expect(reports[3]?.[1]).toBe(19);
    expect(assemble(reports)).toEqual([{ type: 'message', message: msg }]);
    // 63 bytes is one too many for a single packet: head + tail
    expect(encodeHidReports(new Uint8Array(63)).map((r) => r[0])).toEqual([1, 3]);
    expect(encodeHidReports(new Uint8Array(62)).map((r) => r[0])).toEqual([0]);
  });

  it('round-trips any message of any length (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (msg) => {
        expect(assemble(encodeHidReports(msg))).toEqual([{ type: 'message', message: msg }]);
      }),
    );
  });

  it('drops a message on a missing middle or a cancel, then reads the next one', () => {
    const long = encodeHidReports(new Uint8Array(300).fill(9));
    const events = assemble([long[0]!, long[2]!, ...encodeHidReports(ECHO)]);
    expect(events.map((e) => e.type)).toEqual(['error', 'message']);
    expect(assemble([long[0]!, hidCancelReport(), ...encodeHidReports(ECHO)])).toEqual([
      { type: 'message', message: ECHO },
    ]);
  });

  it('never throws on random reports (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (reports) => {
        const last = assemble([...reports, ...encodeHidReports(ECHO)]).at(-1);
        expect(last).toEqual({ type: 'message', message: ECHO });
      }),
    );
  });
});
