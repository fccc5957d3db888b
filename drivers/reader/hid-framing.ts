// MMS over USB HID (manual §2.1.3 "How to Send Command Requests Using the USB Connection",
// Tables 4-8): vendor usage page 0xFF00, usage 0x20, no report ID, 64-byte reports. A message of
// up to 62 bytes goes in one Single Packet; a longer one in a Head (4-byte big-endian total length,
// 59 bytes), Middles (2-byte packet number from 1, 61 bytes each) and a Tail (1-byte count, up to
// 62 bytes). The same packets come back in input reports. Pure functions; the assembler never
// throws.

export const HID_USAGE_PAGE = 0xff00;
export const HID_USAGE = 0x20;
export const HID_REPORT_SIZE = 64;
export const MAGTEK_VENDOR_ID = 0x0801;

const SINGLE = 0x00;
const HEAD = 0x01;
const MIDDLE = 0x02;
const TAIL = 0x03;
const CANCEL = 0x04;

/** The reports that carry one message, each exactly `reportSize` bytes (zero padded). */
export function encodeHidReports(message: Uint8Array, reportSize = HID_REPORT_SIZE): Uint8Array[] {
  if (reportSize < 8) throw new Error(`HID report size ${reportSize} is too small`);
  const report = () => new Uint8Array(reportSize);
  const single = reportSize - 2;
  if (message.length <= single) {
    const r = report();
    r[0] = SINGLE;
    r[1] = message.length;
    r.set(message, 2);
    return [r];
  }
  const out: Uint8Array[] = [];
  const head = report();
  const n = message.length;
  head[0] = HEAD;
  head[1] = (n >>> 24) & 0xff;
  head[2] = (n >>> 16) & 0xff;
  head[3] = (n >>> 8) & 0xff;
  head[4] = n & 0xff;
  let at = reportSize - 5;
  head.set(message.subarray(0, at), 5);
  out.push(head);
  let packet = 1;
  // a Tail holds up to reportSize - 2 bytes; anything more needs another Middle first
  while (n - at > reportSize - 2) {
    const mid = report();
    mid[0] = MIDDLE;
    mid[1] = (packet >> 8) & 0xff;
    mid[2] = packet & 0xff;
    mid.set(message.subarray(at, at + reportSize - 3), 3);
    out.push(mid);
    at += reportSize - 3;
    packet = (packet % 0xffff) + 1;
  }
  const tail = report();
  tail[0] = TAIL;
  tail[1] = n - at;
  tail.set(message.subarray(at), 2);
  out.push(tail);
  return out;
}

export function hidCancelReport(reportSize = HID_REPORT_SIZE): Uint8Array {
  const r = new Uint8Array(reportSize);
  r[0] = CANCEL;
  return r;
}

export type HidFrameEvent =
  { type: 'message'; message: Uint8Array } | { type: 'error'; message: string };

/** Reassembles input reports (without report ID) into messages. */
export function createHidAssembler(): { push(report: Uint8Array): HidFrameEvent[] } {
  let parts: Uint8Array[] | undefined;
  let expected = 0;
  let got = 0;
  let nextPacket = 1;

  const drop = (why: string): HidFrameEvent[] => {
    parts = undefined;
    return [{ type: 'error', message: why }];
  };

  return {
    push(report) {
      const kind = report[0];
      if (kind === undefined) return [{ type: 'error', message: 'empty HID report' }];
      switch (kind) {
        case SINGLE: {
          const n = report[1] ?? 0;
          const interrupted = parts
            ? drop('a single packet interrupted a multi-packet message')
            : [];
          if (report.length < 2 || n > report.length - 2)
            return [...interrupted, { type: 'error', message: `single packet claims ${n} bytes` }];
          return [...interrupted, { type: 'message', message: report.slice(2, 2 + n) }];
        }
        case HEAD: {
          const interrupted = parts ? drop('a new head interrupted a multi-packet message') : [];
          if (report.length < 5)
            return [...interrupted, { type: 'error', message: 'short head packet' }];
          expected =
            (((report[1] ?? 0) << 24) |
              ((report[2] ?? 0) << 16) |
              ((report[3] ?? 0) << 8) |
              (report[4] ?? 0)) >>>
            0;
          if (expected > 1 << 24)
            return [...interrupted, { type: 'error', message: `head claims ${expected} bytes` }];
          const first = report.slice(5, 5 + expected);
          parts = [first];
          got = first.length;
          nextPacket = 1;
          return interrupted;
        }
        case MIDDLE: {
          if (!parts) return [{ type: 'error', message: 'middle packet without a head' }];
          const num = ((report[1] ?? 0) << 8) | (report[2] ?? 0);
          if (num !== nextPacket) return drop(`middle packet ${num}, expected ${nextPacket}`);
          nextPacket = (nextPacket % 0xffff) + 1;
          const part = report.slice(3, 3 + Math.max(0, expected - got));
          parts.push(part);
          got += part.length;
          return [];
        }
        case TAIL: {
          if (!parts) return [{ type: 'error', message: 'tail packet without a head' }];
          const n = report[1] ?? 0;
          if (n > report.length - 2) return drop(`tail packet claims ${n} bytes`);
          parts.push(report.slice(2, 2 + n));
          got += n;
          const all = parts;
          parts = undefined;
          if (got !== expected)
            return [{ type: 'error', message: `message of ${got} bytes, head said ${expected}` }];
          const msg = new Uint8Array(got);
          let at = 0;
          for (const p of all) {
            msg.set(p, at);
            at += p.length;
          }
          return [{ type: 'message', message: msg }];
        }
        case CANCEL:
          parts = undefined;
          return [];
        default:
          return [{ type: 'error', message: `unknown HID packet type ${kind}` }];
      }
    },
  };
}
