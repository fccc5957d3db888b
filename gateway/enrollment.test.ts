// Enrollment with one-time codes, on a real SQLite store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoVenueConfig } from '../contract/demo-venue';
import { CreateCodeReply, EnrollmentReply, normaliseEnrollmentCode } from '../contract/gateway';
import { generateTerminalKey } from '../lib/http-signature';
import { newId } from '../lib/ids';
import { crockford32, fingerprintGroup } from './enrollment-code';
import { admin, createCode, signedInject, startTestGateway, type TestGateway } from './testing';

function enroll(gw: TestGateway, body: Record<string, unknown>) {
  return gw.app.inject({ method: 'POST', url: '/v1/enrollments', payload: body });
}

describe('enrollment', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(() => gw.close());

  it('creates a code of three Crockford groups valid for 24 h by default', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/admin/enrollment-codes',
      headers: admin(),
      payload: { name: 'Gate B bar 3' },
    });
    expect(res.statusCode).toBe(201);
    const reply = CreateCodeReply.parse(res.json());
    expect(reply.code).toMatch(
      /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
    );
    expect(reply.expiresAt).toBe(new Date(gw.clock.now() + 24 * 3600_000).toISOString());
  });

  it('enrolls a terminal, which can then sign requests; the reply carries the venue', async () => {
    const code = await createCode(gw.app, 'Gate B bar 3');
    const key = generateTerminalKey();
    const terminalId = newId();
    // Typed by a person: lower case, with Crockford look-alikes.
    const typed = code.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    const res = await enroll(gw, { code: typed, terminalId, publicKey: key.publicKey });
    expect(res.statusCode, res.body).toBe(200);
    const reply = EnrollmentReply.parse(res.json());
    expect(reply).toMatchObject({ terminalId, name: 'Gate B bar 3', venue: demoVenueConfig });
    const pull = await signedInject(
      gw.app,
      { terminalId, key },
      { url: '/v1/reference/config', now: gw.clock.now() },
    );
    expect(pull.statusCode).toBe(200);
  });

  it('gives the same reply to a retry by the same terminal and key (a lost reply)', async () => {
    const code = await createCode(gw.app);
    const body = { code, terminalId: newId(), publicKey: generateTerminalKey().publicKey };
    const first = await enroll(gw, body);
    gw.clock.advance(60_000);
    const retry = await enroll(gw, body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
  });

  it('refuses a used code for another terminal or another key with 409', async () => {
    const code = await createCode(gw.app);
    const terminalId = newId();
    expect(
      (await enroll(gw, { code, terminalId, publicKey: generateTerminalKey().publicKey }))
        .statusCode,
    ).toBe(200);
    const otherTerminal = await enroll(gw, {
      code,
      terminalId: newId(),
      publicKey: generateTerminalKey().publicKey,
    });
    expect(otherTerminal.statusCode).toBe(409);
    expect(otherTerminal.json()).toMatchObject({ error: { code: 'enrollment.used' } });
    const otherKey = await enroll(gw, {
      code,
      terminalId,
      publicKey: generateTerminalKey().publicKey,
    });
    expect(otherKey.statusCode).toBe(409);
    const list = await gw.app.inject({ url: '/v1/admin/terminals', headers: admin() });
    expect(list.json<{ terminals: unknown[] }>().terminals).toHaveLength(1);
  });

  it('answers an expired code with 410, an unknown one with 404', async () => {
    const code = await createCode(gw.app, 'Short', 60);
    gw.clock.advance(61_000);
    const expired = await enroll(gw, {
      code,
      terminalId: newId(),
      publicKey: generateTerminalKey().publicKey,
    });
    expect(expired.statusCode).toBe(410);
    expect(expired.json()).toMatchObject({ error: { code: 'enrollment.expired' } });
    const unknown = await enroll(gw, {
      code: 'AAAA-BBBB-CCCC',
      terminalId: newId(),
      publicKey: generateTerminalKey().publicKey,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'enrollment.unknown_code' } });
  });

  it('refuses a malformed code or a key that is not Ed25519 with 400', async () => {
    const code = await createCode(gw.app);
    const bad = await enroll(gw, {
      code: 'not-a-code',
      terminalId: newId(),
      publicKey: generateTerminalKey().publicKey,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation' } });
    const badKey = await enroll(gw, { code, terminalId: newId(), publicKey: 'A'.repeat(60) });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json()).toMatchObject({ error: { code: 'enrollment.bad_key' } });
  });

  it('looks the code up by its first three groups only (the fourth pins the TLS certificate)', async () => {
    const code = await createCode(gw.app);
    const pinned = `${code}-${'0'.repeat(26)}`;
    const res = await enroll(gw, {
      code: pinned,
      terminalId: newId(),
      publicKey: generateTerminalKey().publicKey,
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('enrollment code helpers', () => {
  it('normalises what a person types', () => {
    expect(normaliseEnrollmentCode(' 7k2m-q9xd-4htp ')).toBe('7K2M-Q9XD-4HTP');
    expect(normaliseEnrollmentCode('OOOO-IIII-LLLL')).toBe('0000-1111-1111');
    expect(normaliseEnrollmentCode('7K2M-Q9XD')).toBeUndefined();
    expect(normaliseEnrollmentCode('7K2M-Q9XD-4HTU')).toBeUndefined();
  });

  it('encodes Crockford base32 most significant bit first', () => {
    // 0xFF 0x00 = 11111111 00000000 → 11111 11100 00000 0(0000) → Z W 0 0
    expect(crockford32(Buffer.from([0xff, 0x00]))).toBe('ZW00');
    expect(crockford32(Buffer.from([0x00]))).toBe('00');
    expect(fingerprintGroup(Buffer.alloc(32, 0xff))).toBe('Z'.repeat(25) + 'W');
  });
});
