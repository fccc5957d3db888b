// MMS over RS-232 (manual §2.5 "How to Use RS-232/UART Connections" and §2.6 "How to Use SLIP
// Format", Table 9): C0, then SLIP-escaped [message info, 4-byte big-endian length, message],
// then C0. 115200 baud, 8N1, no flow control. Message info: 00 host → device, 02 device → host,
// 03 "hardware capability exceeded" (the length field then carries the device's maximum and the
// message is empty). MagTek's own host code ignores the info byte, so we accept any value.

export const SERIAL_BAUD = 115200;
const END = 0xc0;
const ESC = 0xdb;
const ESC_END = 0xdc;
const ESC_ESC = 0xdd;
/** Bigger than any MMS message a reader sends; a frame past this is garbage. */
export const MAX_SERIAL_MESSAGE = 1 << 20;

export const DIRECTION = {
  hostToDevice: 0x00,
  deviceToHost: 0x02,
  capacityExceeded: 0x03,
} as const;

export function slipEscape(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const b of bytes) {
    if (b === END) out.push(ESC, ESC_END);
    else if (b === ESC) out.push(ESC, ESC_ESC);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

export function encodeSerialFrame(
  message: Uint8Array,
  direction: number = DIRECTION.hostToDevice,
): Uint8Array {
  const n = message.length;
  const body = new Uint8Array(5 + n);
  body[0] = direction;
  body[1] = (n >>> 24) & 0xff;
  body[2] = (n >>> 16) & 0xff;
  body[3] = (n >>> 8) & 0xff;
  body[4] = n & 0xff;
  body.set(message, 5);
  const esc = slipEscape(body);
  const out = new Uint8Array(esc.length + 2);
  out[0] = END;
  out.set(esc, 1);
  out[out.length - 1] = END;
  return out;
}

export type SerialFrameEvent =
  | { type: 'message'; direction: number; message: Uint8Array }
  /** The device cannot take a message this long; `maxLength` is what it can take. */
  | { type: 'capacity_exceeded'; maxLength: number }
  | { type: 'error'; message: string };

/**
 * A streaming decoder: feed it chunks as they arrive (split anywhere); it returns the frames that
 * completed. Garbage between frames, a bad escape or a wrong length is reported and skipped up to
 * the next C0, so one bad frame never costs the next one.
 */
export function createSerialDecoder(): { push(chunk: Uint8Array): SerialFrameEvent[] } {
  let buf: number[] = [];
  let escaped = false;
  let broken: string | undefined;

  function finish(out: SerialFrameEvent[]): void {
    const body = buf;
    const why = broken;
    buf = [];
    escaped = false;
    broken = undefined;
    if (why) {
      out.push({ type: 'error', message: why });
      return;
    }
    if (body.length === 0) return; // C0 C0: an empty frame (or the start of the next) is normal
    if (body.length < 5) {
      out.push({
        type: 'error',
        message: `a ${body.length}-byte frame is shorter than its header`,
      });
      return;
    }
    const direction = body[0] ?? 0;
    const length =
      (((body[1] ?? 0) << 24) | ((body[2] ?? 0) << 16) | ((body[3] ?? 0) << 8) | (body[4] ?? 0)) >>>
      0;
    if (direction === DIRECTION.capacityExceeded && body.length === 5) {
      out.push({ type: 'capacity_exceeded', maxLength: length });
      return;
    }
    if (length !== body.length - 5) {
      out.push({
        type: 'error',
        message: `frame length field says ${length} bytes, the frame holds ${body.length - 5}`,
      });
      return;
    }
    out.push({ type: 'message', direction, message: Uint8Array.from(body.slice(5)) });
  }

  return {
    push(chunk) {
      const out: SerialFrameEvent[] = [];
      for (const b of chunk) {
        if (b === END) {
          finish(out);
          continue;
        }
        if (broken) continue; // skip to the next delimiter
        if (escaped) {
          escaped = false;
          if (b === ESC_END) buf.push(END);
          else if (b === ESC_ESC) buf.push(ESC);
          else broken = `bad SLIP escape DB ${b.toString(16).padStart(2, '0').toUpperCase()}`;
        } else if (b === ESC) escaped = true;
        else buf.push(b);
        if (buf.length > MAX_SERIAL_MESSAGE + 5) {
          broken = `frame longer than ${MAX_SERIAL_MESSAGE} bytes`;
          buf = [];
        }
      }
      return out;
    },
  };
}
