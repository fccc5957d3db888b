// One-time enrollment codes: `XXXX-XXXX-XXXX` (60 random bits, Crockford base32) plus, under TLS,
// a fourth group with the first 128 bits of the certificate's SHA-256 so the terminal can pin it.
// Only the hash of the first three groups is stored: the code itself is a secret.
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { CROCKFORD_ALPHABET, splitEnrollmentCode } from '../contract/gateway';
import { certificatePin, crockford32 } from '../lib/base32';

export { crockford32 };

/** The three secret groups: 12 digits × 5 bits = 60 random bits. */
export function newEnrollmentSecret(): string {
  const digits = [...randomBytes(12)].map((b) => CROCKFORD_ALPHABET[b & 31]).join('');
  return `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}`;
}

/** SHA-256 hex of the secret part of a normalised code: what the store keys codes by. */
export function enrollmentCodeHash(normalisedCode: string): string {
  return createHash('sha256').update(splitEnrollmentCode(normalisedCode).secret).digest('hex');
}

/** SHA-256 of the certificate (DER), as Node reports it in `fingerprint256`. */
export function certificateSha256(certPem: string | Buffer): Buffer {
  return Buffer.from(new X509Certificate(certPem).fingerprint256.replace(/:/g, ''), 'hex');
}

/** The code's fourth group: the first 128 bits of the certificate's SHA-256, 26 digits. */
export function fingerprintGroup(certSha256: Buffer): string {
  return certificatePin(certSha256);
}
