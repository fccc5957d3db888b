// TDES DUKPT (ANSI X9.24-1:2009, "Derived Unique Key Per Transaction"): the key scheme a secure
// card reader uses to encrypt card data with a fresh key per transaction. The reader holds only its
// initial key (IPEK); whoever holds the base derivation key (BDK) derives the same per-transaction
// key from the key serial number (KSN) the reader sends beside the ciphertext.
//
// DANGER: the terminal never holds a BDK or IPEK (ARCHITECTURE §4, §5). Only the simulated reader
// (drivers/sim) and the gateway's test acquirer call this, and only with the standard's published
// test BDK. A production processor adapter holds no keys at all.
//
// Single DES comes from OpenSSL's two-key "des-ede-ecb" with both halves equal (E_K(D_K(E_K(x)))
// is E_K(x)), so this needs no legacy provider and no hand-written DES.
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** A KSN is 10 bytes: key set id and device id (59 bits) then a 21-bit transaction counter. */
export const KSN_LENGTH = 10;
const COUNTER_MASK = 0x1f_ffff;
/** The standard caps the counter at 21 bits with at most 10 one-bits (the device stops after). */
const MAX_ONE_BITS = 10;

/**
 * Which working key to derive from the current transaction key.
 * - `pin`: PIN encryption (variant 00..FF on the last byte of each half).
 * - `mac-request` / `mac-response`: MAC generation / verification variants.
 * - `data-request` / `data-response`: the 2009 data variants: XOR with the variant constant, then
 *   each half is TDES-encrypted under the variant key (the standard's one-way step).
 * - `data`: alias of `data-request`. This is what MagTek's MMS readers mean by Encryption Type
 *   0x80 "DUKPT, TDES, Data Encrypt/Decrypt Variant" (MMS manual §4.4), see docs/test-cards.md.
 * - `data-variant-only`: the data variant without the one-way step (the 2004 edition's data key,
 *   used by some older readers); kept so a real reader's payload can be tried against both.
 */
export type DukptVariant =
  | 'pin'
  | 'mac-request'
  | 'mac-response'
  | 'data'
  | 'data-request'
  | 'data-response'
  | 'data-variant-only';

const VARIANT_MASKS: Record<Exclude<DukptVariant, 'data'>, string> = {
  pin: '00000000000000FF00000000000000FF',
  'mac-request': '000000000000FF00000000000000FF00',
  'mac-response': '00000000FF00000000000000FF000000',
  'data-request': '0000000000FF00000000000000FF0000',
  'data-response': '000000FF00000000000000FF00000000',
  'data-variant-only': '0000000000FF00000000000000FF0000',
};

const KEY_MASK = Buffer.from('C0C0C0C000000000C0C0C0C000000000', 'hex');

export class DukptError extends Error {
  constructor(
    readonly code: 'dukpt.bad_key' | 'dukpt.bad_ksn' | 'dukpt.bad_data' | 'dukpt.counter_exhausted',
    message: string,
  ) {
    super(message);
    this.name = 'DukptError';
  }
}

type Bytes = Uint8Array | string;

function bytes(value: Bytes, what: string, length: number | null): Buffer {
  let b: Buffer;
  if (typeof value === 'string') {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(value))
      throw new DukptError(
        what === 'KSN' ? 'dukpt.bad_ksn' : 'dukpt.bad_key',
        `${what} is not hex`,
      );
    b = Buffer.from(value, 'hex');
  } else b = Buffer.from(value);
  if (length !== null && b.length !== length)
    throw new DukptError(
      what === 'KSN' ? 'dukpt.bad_ksn' : 'dukpt.bad_key',
      `${what} must be ${length} bytes, got ${b.length}`,
    );
  return b;
}

function xor(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

function ecb(cipher: 'des-ede-ecb', key: Buffer, block: Buffer, decrypt = false): Buffer {
  const c = decrypt ? createDecipheriv(cipher, key, null) : createCipheriv(cipher, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

function desEncrypt(key8: Buffer, block: Buffer): Buffer {
  return ecb('des-ede-ecb', Buffer.concat([key8, key8]), block);
}

/** Two-key TDES (K1 K2 K1) on one 8-byte block. */
function tdesEncryptBlock(key16: Buffer, block: Buffer): Buffer {
  return ecb('des-ede-ecb', key16, block);
}

/** Removes the 21 counter bits. */
function initialKsn(ksn: Buffer): Buffer {
  const out = Buffer.from(ksn);
  out[7] = (out[7] ?? 0) & 0xe0;
  out[8] = 0;
  out[9] = 0;
  return out;
}

/** The 21-bit transaction counter of a KSN. */
export function ksnCounter(ksn: Bytes): number {
  const k = bytes(ksn, 'KSN', KSN_LENGTH);
  return (((k[7] ?? 0) << 16) | ((k[8] ?? 0) << 8) | (k[9] ?? 0)) & COUNTER_MASK;
}

/** IPEK (the standard's "initial PIN encryption key") from the BDK and any KSN of the device. */
export function deriveIpek(bdk: Bytes, ksn: Bytes): Buffer {
  const b = bytes(bdk, 'BDK', 16);
  const data = initialKsn(bytes(ksn, 'KSN', KSN_LENGTH)).subarray(0, 8);
  const left = tdesEncryptBlock(b, data);
  const right = tdesEncryptBlock(xor(b, KEY_MASK), data);
  return Buffer.concat([left, right]);
}

/** The standard's non-reversible key generation: a 16-byte key and an 8-byte register → key. */
function nonReversible(key: Buffer, register: Buffer): Buffer {
  const half = (k: Buffer): Buffer => {
    const kl = k.subarray(0, 8);
    const kr = k.subarray(8, 16);
    return xor(desEncrypt(kl, xor(register, kr)), kr);
  };
  const right = half(key);
  const left = half(xor(key, KEY_MASK));
  return Buffer.concat([left, right]);
}

/**
 * The current transaction key for `ksn`, from the IPEK: one non-reversible step per one-bit of
 * the counter, from the highest bit down (the standard's future-key derivation, done directly).
 */
export function deriveTransactionKey(ipek: Bytes, ksn: Bytes): Buffer {
  let key = bytes(ipek, 'IPEK', 16);
  const k = bytes(ksn, 'KSN', KSN_LENGTH);
  const counter = ksnCounter(k);
  // The rightmost 8 bytes of the KSN with the counter cleared; bits are set as they are used.
  const register = initialKsn(k).subarray(2, 10);
  for (let bit = 0x10_0000; bit > 0; bit >>>= 1) {
    if ((counter & bit) === 0) continue;
    register[5] = (register[5] ?? 0) | ((bit >>> 16) & 0xff);
    register[6] = (register[6] ?? 0) | ((bit >>> 8) & 0xff);
    register[7] = (register[7] ?? 0) | (bit & 0xff);
    key = nonReversible(key, register);
  }
  return key;
}

function applyVariant(transactionKey: Buffer, variant: DukptVariant): Buffer {
  const name = variant === 'data' ? 'data-request' : variant;
  const variantKey = xor(transactionKey, Buffer.from(VARIANT_MASKS[name], 'hex'));
  if (name !== 'data-request' && name !== 'data-response') return variantKey;
  return Buffer.concat([
    tdesEncryptBlock(variantKey, variantKey.subarray(0, 8)),
    tdesEncryptBlock(variantKey, variantKey.subarray(8, 16)),
  ]);
}

/**
 * A working key for `ksn`. `key` is either the BDK (`from: 'bdk'`, the host side: the gateway's
 * test acquirer) or the device's IPEK (`from: 'ipek'`, the reader side: the simulator).
 * `variant: 'none'` gives the bare transaction key (for tests against the standard's tables).
 */
export function deriveSessionKey(
  key: Bytes,
  ksn: Bytes,
  variant: DukptVariant | 'none',
  from: 'bdk' | 'ipek' = 'bdk',
): Buffer {
  const ipek = from === 'bdk' ? deriveIpek(key, ksn) : bytes(key, 'IPEK', 16);
  const transactionKey = deriveTransactionKey(ipek, ksn);
  return variant === 'none' ? transactionKey : applyVariant(transactionKey, variant);
}

/** The next KSN a reader uses: counter + 1, skipping counters with more than 10 one-bits. */
export function nextKsn(ksn: Bytes): Buffer {
  const k = bytes(ksn, 'KSN', KSN_LENGTH);
  let counter = ksnCounter(k);
  do {
    counter += 1;
    if (counter > COUNTER_MASK)
      throw new DukptError(
        'dukpt.counter_exhausted',
        'the KSN counter is exhausted; reload the key',
      );
  } while (popcount(counter) > MAX_ONE_BITS);
  const out = Buffer.from(k);
  out[7] = ((out[7] ?? 0) & 0xe0) | ((counter >>> 16) & 0x1f);
  out[8] = (counter >>> 8) & 0xff;
  out[9] = counter & 0xff;
  return out;
}

function popcount(n: number): number {
  let c = 0;
  for (let v = n; v; v &= v - 1) c++;
  return c;
}

export interface DukptCipherOptions {
  /** Derive the key from the BDK (default, the host) or from the device's IPEK (the reader). */
  from?: 'bdk' | 'ipek';
  /** Default `data` (see DukptVariant). */
  variant?: DukptVariant;
}

/**
 * TDES-CBC with a zero IV under the DUKPT data key, as MagTek readers encrypt card data: the
 * plaintext is padded with zero bytes to a multiple of 8 and the number of padding bytes is sent
 * beside the ciphertext (MMS tag DFDF58), so the host can strip exactly that many.
 */
export function encryptData(
  key: Bytes,
  ksn: Bytes,
  plaintext: Uint8Array,
  options: DukptCipherOptions = {},
): { ciphertext: Buffer; padding: number } {
  const dataKey = deriveSessionKey(key, ksn, options.variant ?? 'data', options.from ?? 'bdk');
  const padding = (8 - (plaintext.length % 8)) % 8;
  const padded = Buffer.concat([Buffer.from(plaintext), Buffer.alloc(padding)]);
  const c = createCipheriv('des-ede-cbc', dataKey, Buffer.alloc(8));
  c.setAutoPadding(false);
  return { ciphertext: Buffer.concat([c.update(padded), c.final()]), padding };
}

/**
 * Decrypts what encryptData (or a reader) produced. `padding` (DFDF58) strips that many trailing
 * bytes; without it the zero padding stays (the TLV inside carries its own lengths).
 */
export function decryptData(
  key: Bytes,
  ksn: Bytes,
  ciphertext: Uint8Array,
  options: DukptCipherOptions & { padding?: number } = {},
): Buffer {
  if (ciphertext.length === 0 || ciphertext.length % 8 !== 0)
    throw new DukptError('dukpt.bad_data', 'ciphertext length must be a non-zero multiple of 8');
  const padding = options.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0 || padding > 7)
    throw new DukptError('dukpt.bad_data', `padding must be 0-7, got ${padding}`);
  const dataKey = deriveSessionKey(key, ksn, options.variant ?? 'data', options.from ?? 'bdk');
  const d = createDecipheriv('des-ede-cbc', dataKey, Buffer.alloc(8));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(ciphertext), d.final()]);
  return plain.subarray(0, plain.length - padding);
}

/**
 * ISO 9797-1 MAC algorithm 3 ("retail MAC"): single-DES CBC with the left key half, the last
 * block decrypted with the right half and encrypted again with the left. `data` must already be
 * padded to a multiple of 8. Used with the `mac-request` variant.
 */
export function retailMac(key16: Bytes, data: Uint8Array): Buffer {
  const k = bytes(key16, 'MAC key', 16);
  if (data.length === 0 || data.length % 8 !== 0)
    throw new DukptError('dukpt.bad_data', 'MAC input length must be a non-zero multiple of 8');
  const kl = k.subarray(0, 8);
  const kr = k.subarray(8, 16);
  let state: Buffer = Buffer.alloc(8);
  for (let i = 0; i < data.length; i += 8)
    state = desEncrypt(kl, xor(state, data.subarray(i, i + 8)));
  const d = ecb('des-ede-ecb', Buffer.concat([kr, kr]), state, true);
  return desEncrypt(kl, d);
}

/** The ANSI X9.24-1 test BDK. Published, so never a real key: tests and simulators only. */
export const TEST_BDK = '0123456789ABCDEFFEDCBA9876543210';
/** The standard's initial KSN for the test BDK (key set FFFF98765, device 43210E, counter 0). */
export const TEST_INITIAL_KSN = 'FFFF9876543210E00000';
