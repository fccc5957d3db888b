// RFC 9421 HTTP Message Signatures between a terminal and its gateway (ARCHITECTURE §6), with an
// RFC 9530 Content-Digest of the exact body bytes. The signature base, the Signature-Input
// serialisation and its parsing come from `http-message-signatures`; what is ours: which
// components we require, the clock-skew window on our own (corrected) clock, the digest check,
// nonce replay, and error codes the gateway answers with.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign as edSign,
  verify as edVerify,
  type KeyObject,
} from 'node:crypto';
import { createSigner, httpbis, type SignatureParameters } from 'http-message-signatures';

export const SIGNATURE_ALG = 'ed25519';
export const SIGNATURE_LABEL = 'sig';
export const DEFAULT_MAX_SKEW_SECONDS = 300;
const SIGNED_PARAMS = ['created', 'keyid', 'alg', 'nonce'] as const;

export type SignatureErrorCode =
  | 'signature.missing'
  | 'signature.malformed'
  | 'signature.invalid'
  | 'signature.stale'
  | 'signature.replayed'
  | 'digest.mismatch'
  | 'terminal.unknown'
  | 'terminal.revoked';

export type VerifyResult = { ok: true; keyId: string } | { ok: false; code: SignatureErrorCode; message: string };

export interface TerminalKeyPair {
  privateKeyPem: string;
  /** SPKI DER, base64: what enrollment registers. */
  publicKey: string;
}

export function generateTerminalKey(): TerminalKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/** The SPKI-DER base64 public key of a private key (PEM or KeyObject). */
export function publicKeyOf(privateKey: KeyObject | string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
}

function toPrivateKey(key: KeyObject | string): KeyObject {
  const k = typeof key === 'string' ? createPrivateKey(key) : key;
  if (k.asymmetricKeyType !== 'ed25519') throw new TypeError(`expected an Ed25519 private key, got ${k.asymmetricKeyType}`);
  return k;
}

/** Undefined when the text is not an Ed25519 SPKI DER base64 key. */
function toPublicKey(spkiBase64: string): KeyObject | undefined {
  try {
    const k = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
    return k.asymmetricKeyType === 'ed25519' ? k : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 9530 Content-Digest value of the exact body bytes. */
export function contentDigest(body: Buffer | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

export function randomNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** Parses an absolute URL or a path+query into a URL (path-only gets a placeholder origin). */
function requestUrl(url: string): URL {
  // Concatenation, not `new URL(path, base)`: a path such as `//x` must stay a path.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url) : new URL(`http://terminal.invalid${url}`);
}

function coveredComponents(url: URL): string[] {
  return url.search ? ['@method', '@path', '@query', 'date', 'content-digest'] : ['@method', '@path', 'date', 'content-digest'];
}

export interface SignRequestOptions {
  method: string;
  /** Absolute URL or path+query. */
  url: string;
  body: Buffer | string;
  /** The terminal id. */
  keyId: string;
  privateKey: KeyObject | string;
  /** Milliseconds since the epoch on the corrected clock. */
  now: number;
  nonce?: string;
}

/** Headers to add to the request: `date`, `content-digest`, `signature-input`, `signature`. */
export async function signRequest(opts: SignRequestOptions): Promise<Record<string, string>> {
  const url = requestUrl(opts.url);
  const headers = { date: new Date(opts.now).toUTCString(), 'content-digest': contentDigest(opts.body) };
  const paramValues: SignatureParameters = {
    created: new Date(opts.now),
    keyid: opts.keyId,
    alg: SIGNATURE_ALG,
    nonce: opts.nonce ?? randomNonce(),
  };
  const signed = await httpbis.signMessage(
    {
      key: createSigner(toPrivateKey(opts.privateKey), SIGNATURE_ALG, opts.keyId),
      name: SIGNATURE_LABEL,
      fields: coveredComponents(url),
      params: [...SIGNED_PARAMS],
      paramValues,
    },
    { method: opts.method.toUpperCase(), url, headers },
  );
  const out: Record<string, string> = { ...headers };
  for (const [name, value] of Object.entries(signed.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'signature' || lower === 'signature-input') out[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export interface VerifyRequestOptions {
  method: string;
  /** Path including the query string, as received. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Milliseconds since the epoch (the gateway's clock). */
  now: number;
  maxSkewSeconds?: number;
  lookupKey(keyId: string): Promise<{ publicKey: string; revoked: boolean } | undefined>;
  /** Stores the nonce until `expiresAtMs`; false when it was already there (a replay). */
  recordNonce(keyId: string, nonce: string, expiresAtMs: number): Promise<boolean>;
}

interface ParsedSignature {
  keyId: string;
  created: number;
  nonce: string;
  base: Buffer;
  signature: Buffer;
}

function fail(code: SignatureErrorCode, message: string): VerifyResult {
  return { ok: false, code, message };
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name || v === undefined) continue;
    return Array.isArray(v) ? v.join(', ') : v;
  }
  return undefined;
}

/**
 * Lets the library parse Signature-Input/Signature and build the signature base, but defers the
 * cryptographic check: the verifier it is handed only records what it was asked to verify, so
 * key lookup, staleness and the digest can be judged first and in our order.
 */
async function parseSignature(
  method: string,
  url: URL,
  headers: Record<string, string | string[]>,
): Promise<ParsedSignature | string> {
  const seen: { params: SignatureParameters; base?: Buffer; signature?: Buffer }[] = [];
  try {
    await httpbis.verifyMessage(
      {
        keyLookup: (params) => {
          const entry: (typeof seen)[number] = { params };
          seen.push(entry);
          return Promise.resolve({
            id: typeof params.keyid === 'string' ? params.keyid : undefined,
            algs: [SIGNATURE_ALG],
            verify: (data, signature) => {
              entry.base = data;
              entry.signature = signature;
              return Promise.resolve(true);
            },
          });
        },
        // Time is checked below on the caller's clock, not the library's Date.now().
        notAfter: Number.MAX_SAFE_INTEGER,
        requiredParams: [...SIGNED_PARAMS],
        requiredFields: coveredComponents(url),
      },
      { method: method.toUpperCase(), url, headers },
    );
  } catch (e) {
    return e instanceof Error ? e.message : 'unreadable signature';
  }
  if (seen.length !== 1) return `expected exactly one signature, got ${seen.length}`;
  const [{ params, base, signature }] = seen as [(typeof seen)[number]];
  if (!base || !signature) return 'no signature for the signature input';
  if (params.alg !== SIGNATURE_ALG) return `alg must be "${SIGNATURE_ALG}"`;
  if (typeof params.keyid !== 'string' || params.keyid.length === 0 || params.keyid.length > 64) return 'bad keyid';
  if (typeof params.nonce !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(params.nonce)) return 'bad nonce';
  if (!(params.created instanceof Date) || !Number.isFinite(params.created.getTime())) return 'bad created';
  return { keyId: params.keyid, created: params.created.getTime(), nonce: params.nonce, base, signature };
}

/** Verifies a signed request. Never throws on anything the client sent. */
export async function verifyRequest(opts: VerifyRequestOptions): Promise<VerifyResult> {
  const maxSkewMs = (opts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS) * 1000;
  const sigHeader = headerValue(opts.headers, 'signature');
  const inputHeader = headerValue(opts.headers, 'signature-input');
  if (!sigHeader || !inputHeader) return fail('signature.missing', 'the request carries no Signature and Signature-Input');
  const dateHeader = headerValue(opts.headers, 'date');
  const digestHeader = headerValue(opts.headers, 'content-digest');
  if (!dateHeader || !digestHeader) return fail('signature.malformed', 'Date and Content-Digest headers are required');
  if (!opts.path.startsWith('/')) return fail('signature.malformed', 'path must start with /');

  let url: URL;
  try {
    url = requestUrl(opts.path);
  } catch {
    return fail('signature.malformed', 'unreadable path');
  }
  const plain: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers)) {
    if (v !== undefined) plain[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  const parsed = await parseSignature(opts.method, url, plain);
  if (typeof parsed === 'string') return fail('signature.malformed', parsed);
  const date = Date.parse(dateHeader);
  if (!Number.isFinite(date)) return fail('signature.malformed', 'unreadable Date header');

  const key = await opts.lookupKey(parsed.keyId);
  if (!key) return fail('terminal.unknown', `no terminal enrolled with id ${parsed.keyId}`);
  if (key.revoked) return fail('terminal.revoked', `terminal ${parsed.keyId} is revoked`);

  for (const [what, at] of [
    ['created', parsed.created],
    ['Date', date],
  ] as const) {
    if (Math.abs(at - opts.now) > maxSkewMs) {
      return fail(
        'signature.stale',
        `${what} ${new Date(at).toISOString()} is more than ${maxSkewMs / 1000} s from the gateway's ${new Date(opts.now).toISOString()}`,
      );
    }
  }

  if (!digestMatches(digestHeader, opts.body)) return fail('digest.mismatch', 'Content-Digest does not match the body');

  const publicKey = toPublicKey(key.publicKey);
  let valid = false;
  try {
    valid = publicKey !== undefined && edVerify(null, parsed.base, publicKey, parsed.signature);
  } catch {
    valid = false;
  }
  if (!valid) return fail('signature.invalid', 'the signature does not verify with the enrolled key');

  // A nonce outlives the window in which its signature could still pass the skew check.
  const fresh = await opts.recordNonce(parsed.keyId, parsed.nonce, parsed.created + maxSkewMs + 1000);
  if (!fresh) return fail('signature.replayed', 'this nonce was already used');
  return { ok: true, keyId: parsed.keyId };
}

/** True when the header has a `sha-256` member equal to the body's digest. */
function digestMatches(header: string, body: Buffer): boolean {
  const ours = contentDigest(body);
  const members = header.split(',').map((m) => m.trim());
  const sha = members.filter((m) => m.toLowerCase().startsWith('sha-256='));
  return sha.length === 1 && sha[0] === ours;
}

// ---------- chain head ----------

function chainHeadMessage(terminalId: string, seq: number, hash: string): Buffer {
  return Buffer.from(`${terminalId}:${seq}:${hash}`, 'utf8');
}

/** Ed25519 over `${terminalId}:${seq}:${hash}`, base64. */
export function signChainHead(terminalId: string, seq: number, hash: string, privateKey: KeyObject | string): string {
  return edSign(null, chainHeadMessage(terminalId, seq, hash), toPrivateKey(privateKey)).toString('base64');
}

export function verifyChainHead(
  terminalId: string,
  head: { seq: number; hash: string; signature: string },
  publicKey: string,
): boolean {
  const key = toPublicKey(publicKey);
  if (!key) return false;
  try {
    return edVerify(null, chainHeadMessage(terminalId, head.seq, head.hash), key, Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}
