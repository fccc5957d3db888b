import { createPrivateKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contentDigest,
  generateTerminalKey,
  publicKeyOf,
  signChainHead,
  signRequest,
  verifyChainHead,
  verifyRequest,
  type VerifyRequestOptions,
} from './http-signature';

const key = generateTerminalKey();
const other = generateTerminalKey();
const NOW = Date.UTC(2026, 10, 21, 19, 30, 0);
const BODY = Buffer.from('{"terminalId":"T1","events":[]}');

// RFC 8032 test vector 1's secret key, wrapped as PKCS#8, so the fixture below is deterministic.
const FIXED_PEM = createPrivateKey({
  key: Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'),
  ]),
  format: 'der',
  type: 'pkcs8',
})
  .export({ type: 'pkcs8', format: 'pem' })
  .toString();

async function signed(over: Partial<Parameters<typeof signRequest>[0]> = {}): Promise<Record<string, string>> {
  return signRequest({
    method: 'POST',
    url: 'http://127.0.0.1:8080/v1/events',
    body: BODY,
    keyId: 'T1',
    privateKey: key.privateKeyPem,
    now: NOW,
    ...over,
  });
}

function verifier(over: Partial<VerifyRequestOptions> = {}): VerifyRequestOptions & { nonces: Set<string> } {
  const nonces = new Set<string>();
  return {
    method: 'POST',
    path: '/v1/events',
    headers: {},
    body: BODY,
    now: NOW,
    lookupKey: (id) => Promise.resolve(id === 'T1' ? { publicKey: key.publicKey, revoked: false } : undefined),
    recordNonce: (id, nonce) => {
      const k = `${id}/${nonce}`;
      if (nonces.has(k)) return Promise.resolve(false);
      nonces.add(k);
      return Promise.resolve(true);
    },
    nonces,
    ...over,
  };
}

describe('signRequest / verifyRequest', () => {
  it('round-trips, with an absolute URL or a path, with and without a query', async () => {
    const headers = await signed();
    expect(Object.keys(headers).sort()).toEqual(['content-digest', 'date', 'signature', 'signature-input']);
    expect(await verifyRequest(verifier({ headers }))).toEqual({ ok: true, keyId: 'T1' });

    const q = await signed({ url: '/v1/reference/catalog?since=3', method: 'get', body: '' });
    expect(q['signature-input']).toContain('"@query"');
    expect(await verifyRequest(verifier({ headers: q, method: 'GET', path: '/v1/reference/catalog?since=3', body: Buffer.alloc(0) }))).toEqual({
      ok: true,
      keyId: 'T1',
    });
  });

  it('adds a content digest for an empty body', async () => {
    const headers = await signed({ body: '' });
    expect(headers['content-digest']).toBe('sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
  });

  it('refuses a tampered body with digest.mismatch', async () => {
    const headers = await signed();
    const r = await verifyRequest(verifier({ headers, body: Buffer.from('{"terminalId":"T1","events":[1]}') }));
    expect(r).toMatchObject({ ok: false, code: 'digest.mismatch' });
  });

  it('refuses a changed Content-Digest header with digest.mismatch', async () => {
    const headers = { ...(await signed()), 'content-digest': contentDigest('other') };
    expect(await verifyRequest(verifier({ headers }))).toMatchObject({ ok: false, code: 'digest.mismatch' });
  });

  it('refuses a digest rewritten to match a tampered body with signature.invalid', async () => {
    const body = Buffer.from('{"evil":true}');
    const headers = { ...(await signed()), 'content-digest': contentDigest(body) };
    expect(await verifyRequest(verifier({ headers, body }))).toMatchObject({ ok: false, code: 'signature.invalid' });
  });

  it('refuses another method, path or query with signature.invalid', async () => {
    const headers = await signed();
    expect(await verifyRequest(verifier({ headers, method: 'PUT' }))).toMatchObject({ code: 'signature.invalid' });
    expect(await verifyRequest(verifier({ headers, path: '/v1/enrollments' }))).toMatchObject({ code: 'signature.invalid' });
    const q = await signed({ url: '/v1/reference/catalog?a=1' });
    expect(await verifyRequest(verifier({ headers: q, path: '/v1/reference/catalog?a=2' }))).toMatchObject({ code: 'signature.invalid' });
    // A query appended to a request signed without one is not covered: refused as malformed.
    expect(await verifyRequest(verifier({ headers, path: '/v1/events?x=1' }))).toMatchObject({ code: 'signature.malformed' });
  });

  it('refuses a changed Date header with signature.invalid', async () => {
    const headers = await signed();
    const moved = { ...headers, date: new Date(NOW + 1000).toUTCString() };
    expect(await verifyRequest(verifier({ headers: moved }))).toMatchObject({ ok: false, code: 'signature.invalid' });
  });

  it('refuses a changed signature or one made by another key with signature.invalid', async () => {
    const headers = await signed();
    const sig = headers.signature!;
    const flipped = sig.replace(/:(.)/, (_m, c: string) => `:${c === 'A' ? 'B' : 'A'}`);
    expect(await verifyRequest(verifier({ headers: { ...headers, signature: flipped } }))).toMatchObject({ code: 'signature.invalid' });
    const forged = await signed({ privateKey: other.privateKeyPem });
    expect(await verifyRequest(verifier({ headers: forged }))).toMatchObject({ code: 'signature.invalid' });
  });

  it('refuses stale requests in both directions and accepts the edge of the window', async () => {
    const headers = await signed();
    expect(await verifyRequest(verifier({ headers, now: NOW + 301_000 }))).toMatchObject({ code: 'signature.stale' });
    expect(await verifyRequest(verifier({ headers, now: NOW - 301_000 }))).toMatchObject({ code: 'signature.stale' });
    expect(await verifyRequest(verifier({ headers, now: NOW + 300_000 }))).toMatchObject({ ok: true });
    expect(await verifyRequest(verifier({ headers: await signed(), now: NOW + 61_000, maxSkewSeconds: 60 }))).toMatchObject({
      code: 'signature.stale',
    });
  });

  it('refuses a replayed nonce, and records the nonce only for requests that verify', async () => {
    const v = verifier();
    const headers = await signed();
    expect(await verifyRequest({ ...v, headers, body: Buffer.from('x') })).toMatchObject({ code: 'digest.mismatch' });
    expect(v.nonces.size).toBe(0);
    expect(await verifyRequest({ ...v, headers })).toMatchObject({ ok: true });
    expect(await verifyRequest({ ...v, headers })).toMatchObject({ ok: false, code: 'signature.replayed' });
  });

  it('passes the nonce an expiry beyond the skew window', async () => {
    let expires = 0;
    const headers = await signed({ nonce: 'n0nce-n0nce-n0nce-01' });
    await verifyRequest(
      verifier({
        headers,
        recordNonce: (id, nonce, at) => {
          expect([id, nonce]).toEqual(['T1', 'n0nce-n0nce-n0nce-01']);
          expires = at;
          return Promise.resolve(true);
        },
      }),
    );
    expect(expires).toBeGreaterThanOrEqual(NOW + 300_000);
  });

  it('answers terminal.unknown and terminal.revoked before looking at time or digest', async () => {
    const stranger = await signed({ keyId: 'T9' });
    expect(await verifyRequest(verifier({ headers: stranger, now: NOW + 10 * 60_000 }))).toMatchObject({ code: 'terminal.unknown' });
    const headers = await signed();
    const revoked = verifier({ headers, lookupKey: () => Promise.resolve({ publicKey: key.publicKey, revoked: true }) });
    expect(await verifyRequest(revoked)).toMatchObject({ code: 'terminal.revoked' });
  });

  it('answers signature.missing without signature headers and malformed for broken ones', async () => {
    expect(await verifyRequest(verifier({ headers: { date: new Date(NOW).toUTCString() } }))).toMatchObject({ code: 'signature.missing' });
    const headers = await signed();
    const { date: _d, ...noDate } = headers;
    expect(await verifyRequest(verifier({ headers: noDate }))).toMatchObject({ code: 'signature.malformed' });
    const noNonce = { ...headers, 'signature-input': headers['signature-input']!.replace(/;nonce="[^"]*"/, '') };
    expect(await verifyRequest(verifier({ headers: noNonce }))).toMatchObject({ code: 'signature.malformed' });
    const noDigestCovered = { ...headers, 'signature-input': headers['signature-input']!.replace(' "content-digest"', '') };
    expect(await verifyRequest(verifier({ headers: noDigestCovered }))).toMatchObject({ code: 'signature.malformed' });
    const rsa = { ...headers, 'signature-input': headers['signature-input']!.replace('alg="ed25519"', 'alg="hmac-sha256"') };
    expect(await verifyRequest(verifier({ headers: rsa }))).toMatchObject({ code: 'signature.malformed' });
  });

  it('never throws on garbage headers', async () => {
    const good = await signed();
    const headerName = fc.constantFrom('signature', 'signature-input', 'date', 'content-digest', 'Signature', 'x-other');
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom(...Object.values(good)),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
      fc.constant('sig=("@method");created=abc;keyid=1;alg="ed25519";nonce="x"'),
      fc.constant('sig=:!!:, sig=("@method" "@path")'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(headerName, value),
        fc.boolean(),
        fc.string(),
        async (garbage, keepGood, path) => {
          const headers = keepGood ? { ...good, ...garbage } : garbage;
          const r = await verifyRequest(verifier({ headers, path: path.startsWith('/') ? path : `/${path}` }));
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('writes the exact Signature-Input format (fixed key fixture)', async () => {
    const headers = await signRequest({
      method: 'post',
      url: '/v1/events',
      body: '{}',
      keyId: '01KAXYZ0000000000000000000',
      privateKey: FIXED_PEM,
      now: Date.UTC(2026, 10, 21, 19, 30, 0, 500),
      nonce: 'AAECAwQFBgcICQoLDA0ODw',
    });
    expect(headers).toEqual({
      date: 'Sat, 21 Nov 2026 19:30:00 GMT',
      'content-digest': 'sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:',
      'signature-input':
        'sig=("@method" "@path" "date" "content-digest");created=1795289400;keyid="01KAXYZ0000000000000000000";alg="ed25519";nonce="AAECAwQFBgcICQoLDA0ODw"',
      signature: expect.stringMatching(/^sig=:[A-Za-z0-9+/]{86}==:$/) as string,
    });
    // Ed25519 is deterministic: pin the signature too, so the base cannot drift unnoticed.
    expect(headers.signature).toBe('sig=:JAaETHw4p1Pg05qbksHnYXswgHQ9NkjkTbEWrW3N3ZjHVH5zP7Yy5m7iMV2cdZRuKWDwW/KwkUd+SAEQan4LDg==:');
    expect(publicKeyOf(FIXED_PEM)).toBe('MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=');
  });
});

describe('chain head signatures', () => {
  it('verifies with the right key and refuses any change', () => {
    const hash = 'a'.repeat(64);
    const signature = signChainHead('T1', 42, hash, key.privateKeyPem);
    expect(verifyChainHead('T1', { seq: 42, hash, signature }, key.publicKey)).toBe(true);
    expect(verifyChainHead('T1', { seq: 43, hash, signature }, key.publicKey)).toBe(false);
    expect(verifyChainHead('T2', { seq: 42, hash, signature }, key.publicKey)).toBe(false);
    expect(verifyChainHead('T1', { seq: 42, hash: 'b'.repeat(64), signature }, key.publicKey)).toBe(false);
    expect(verifyChainHead('T1', { seq: 42, hash, signature }, other.publicKey)).toBe(false);
    expect(verifyChainHead('T1', { seq: 42, hash, signature: '!!' }, key.publicKey)).toBe(false);
    expect(verifyChainHead('T1', { seq: 42, hash, signature }, 'not a key')).toBe(false);
  });
});
