// Staff PINs (issue 7): stored only as scrypt hashes `scrypt$N$r$p$salt$hash` (base64 salt and
// key), verified in constant time. scrypt is memory-hard, so a stolen terminal.db or reference
// file does not give up 4–6 digit PINs to a GPU in seconds; the lockout in the staff service is
// what stops guessing at the till itself.
import { randomBytes, scrypt as scryptCb, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** N = 2^14 with r = 8 takes 16 MiB and ~40 ms on a counter PC: fine once per login. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scrypt(pin: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(pin, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** PINs are 4 to 8 digits. */
export function isPinShaped(pin: string): boolean {
  return /^\d{4,8}$/.test(pin);
}

export async function hashPin(pin: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  if (!isPinShaped(pin)) throw new RangeError('a PIN is 4 to 8 digits');
  const salt = randomBytes(16);
  const key = await scrypt(pin, salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

export function parsePinHash(hash: string): ParsedHash | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Refuse parameters that would stall or exhaust the till (a hostile reference file).
  if (N < 1024 || N > 1 << 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(m[4]!, 'base64');
  const key = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return null;
  return { N, r, p, salt, key };
}

/** True when `pin` matches; false for a wrong PIN or an unreadable hash. Constant time in the key. */
export async function verifyPin(pin: string, hash: string): Promise<boolean> {
  const parsed = parsePinHash(hash);
  if (!parsed || !isPinShaped(pin)) return false;
  const key = await scrypt(pin, parsed.salt, parsed.key.length, {
    N: parsed.N,
    r: parsed.r,
    p: parsed.p,
    maxmem: 256 * parsed.N * parsed.r,
  });
  return timingSafeEqual(key, parsed.key);
}

/** A random PIN of `digits` digits (the bootstrap admin's, shown once). */
export function randomPin(digits = 6): string {
  const bytes = randomBytes(digits);
  return [...bytes].map((b) => String(b % 10)).join('');
}

/** hashPin for one-off use where waiting is fine (a new terminal's bootstrap admin). */
export function hashPinSync(pin: string, params: ScryptParams = DEFAULT_SCRYPT): string {
  if (!isPinShaped(pin)) throw new RangeError('a PIN is 4 to 8 digits');
  const salt = randomBytes(16);
  const key = scryptSync(pin, salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}
