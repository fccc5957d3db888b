// Reading the PAN out of the reader's decrypted card data, for the TEST acquirer only.
// DANGER: the result is a full PAN. It lives in a local variable for one decision and is never
// logged, stored, put in an error message or returned past the acquirer (ARCHITECTURE §4).
import { decryptData } from '../../lib/dukpt';

/** Hex when the text is hex digits of even length, else base64. */
export function payloadBytes(text: string): Buffer {
  return /^(?:[0-9A-Fa-f]{2})+$/.test(text)
    ? Buffer.from(text, 'hex')
    : Buffer.from(text, 'base64');
}

interface Tlv {
  tag: number;
  value: Buffer;
  constructed: boolean;
}

/** A tolerant BER-TLV walk (EMV style): stops quietly at anything it cannot read. */
function* tlvs(data: Buffer): Generator<Tlv> {
  let i = 0;
  while (i < data.length) {
    const first = data[i];
    if (first === undefined) return;
    // Padding between or after objects.
    if (first === 0x00 || first === 0xff) {
      i++;
      continue;
    }
    let tag = first;
    i++;
    if ((first & 0x1f) === 0x1f) {
      let b: number | undefined;
      do {
        b = data[i++];
        if (b === undefined) return;
        tag = tag * 256 + b;
      } while (b & 0x80);
    }
    const lenByte = data[i++];
    if (lenByte === undefined) return;
    let len = lenByte;
    if (lenByte & 0x80) {
      const n = lenByte & 0x7f;
      if (n === 0 || n > 3) return;
      len = 0;
      for (let k = 0; k < n; k++) {
        const b = data[i++];
        if (b === undefined) return;
        len = len * 256 + b;
      }
    }
    if (i + len > data.length) return;
    const value = data.subarray(i, i + len);
    i += len;
    let firstTagByte = tag;
    while (firstTagByte > 0xff) firstTagByte = Math.floor(firstTagByte / 256);
    yield { tag, value, constructed: (firstTagByte & 0x20) !== 0 };
  }
}

function findTag(data: Buffer, wanted: number, depth = 0): Buffer | undefined {
  for (const t of tlvs(data)) {
    if (t.tag === wanted) return t.value;
    if (t.constructed && depth < 4) {
      const inner = findTag(t.value, wanted, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

const PAN = /^\d{12,19}$/;

/** Digits of packed BCD up to the first F nibble (5A) or the D separator (57 track 2 equivalent). */
function bcdDigits(value: Buffer): string {
  return value.toString('hex').toUpperCase().split(/[DF]/)[0] ?? '';
}

/**
 * The PAN from decrypted card data: EMV tag 5A, else the track 2 equivalent 57, else ASCII track 2
 * (`;PAN=…`) or track 1 (`%BPAN^…`). Undefined when none is readable.
 */
export function panFrom(plain: Buffer): string | undefined {
  for (const tag of [0x5a, 0x57]) {
    const v = findTag(plain, tag);
    if (v) {
      const digits = bcdDigits(v);
      if (PAN.test(digits)) return digits;
    }
  }
  const text = plain.toString('latin1');
  const track =
    /[;%]B?(\d{12,19})[=^]/.exec(text) ?? /(?:^|[^\d])(\d{12,19})(?:[=^D]|$)/.exec(text);
  return track?.[1];
}

/** Decrypts with the DUKPT data key of (bdk, ksn) and reads the PAN; the plaintext is wiped. */
export function decryptPan(
  bdk: string,
  encrypted: { ksn: string; payload: Buffer; padding?: number },
): string | undefined {
  let plain: Buffer | undefined;
  try {
    plain = decryptData(bdk, encrypted.ksn, encrypted.payload, {
      ...(encrypted.padding !== undefined ? { padding: encrypted.padding } : {}),
    });
    return panFrom(plain);
  } catch {
    return undefined;
  } finally {
    plain?.fill(0);
  }
}

/** Luhn (ISO/IEC 7812) check digit test. */
export function luhnValid(pan: string): boolean {
  let sum = 0;
  for (let i = 0; i < pan.length; i++) {
    let d = Number(pan[pan.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
