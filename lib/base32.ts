// Base32 for tokens (RFC 4648) and for what people type or compare by eye (Crockford: no I, L,
// O, U). One encoder for both; enrollment codes and certificate pins use the Crockford form.
import { CROCKFORD_ALPHABET } from '../contract/gateway';

export const RFC4648_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Most significant bit first, the last digit zero-padded, no '=' padding. */
export function encodeBase32(bytes: Uint8Array, alphabet: string = RFC4648_ALPHABET): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Undefined when a character is not in the alphabet; trailing partial bits are dropped. */
export function decodeBase32(text: string, alphabet: string = RFC4648_ALPHABET): Buffer | undefined {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) return undefined;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export const crockford32 = (bytes: Uint8Array): string => encodeBase32(bytes, CROCKFORD_ALPHABET);
export const decodeCrockford32 = (text: string): Buffer | undefined => decodeBase32(text, CROCKFORD_ALPHABET);

/** The 26-character pin in an enrollment code: the first 128 bits of the certificate's SHA-256. */
export function certificatePin(certSha256: Uint8Array): string {
  return crockford32(certSha256.subarray(0, 16));
}
