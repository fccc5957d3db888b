import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { encodeBase32 } from './base32';

// One factory for the process: plain ulid() probes for a random source on every call (~70 µs),
// which is most of a sale's commit time. Monotonic also keeps ids sortable within a millisecond.
const nextUlid = monotonicFactory();

export function newId(): string {
  return nextUlid();
}

/** RFC 4648 base32 without padding. */
export const base32 = (bytes: Uint8Array): string => encodeBase32(bytes);

/** An unguessable receipt token: 120 random bits, 24 base32 characters (ARCHITECTURE §4 asks ≥ 96). */
export function receiptToken(): string {
  return base32(randomBytes(15));
}
