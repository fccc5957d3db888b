import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// One factory for the process: plain ulid() probes for a random source on every call (~70 µs),
// which is most of a sale's commit time. Monotonic also keeps ids sortable within a millisecond.
const nextUlid = monotonicFactory();

export function newId(): string {
  return nextUlid();
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** An unguessable receipt token: 120 random bits, 24 base32 characters (ARCHITECTURE §4 asks ≥ 96). */
export function receiptToken(): string {
  return base32(randomBytes(15));
}
