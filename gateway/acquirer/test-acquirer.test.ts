// The test acquirer alone: DUKPT decryption of real reader-style payloads, PAN extraction from the
// shapes readers use, the rules, its ledger (idempotent by key, status, reversal, capture, refund).
import { describe, expect, it } from 'vitest';
import { encryptData, nextKsn, TEST_BDK, TEST_INITIAL_KSN } from '../../lib/dukpt';
import {
  AcquirerTimeout,
  AcquirerUnreachable,
  withDeadline,
  type AcquirerAuthRequest,
} from './acquirer';
import { decryptPan, luhnValid, panFrom, payloadBytes } from './card-data';
import { TestAcquirer } from './test-acquirer';
import { TEST_CARD_RULES } from './test-cards';

const KSN = nextKsn(TEST_INITIAL_KSN);

function request(key: string, plaintext: Buffer): AcquirerAuthRequest {
  const { ciphertext, padding } = encryptData(TEST_BDK, KSN, plaintext);
  return {
    key,
    amount: 1000,
    currency: 'CNY',
    merchantId: 'M',
    terminalRef: 'T',
    card: {
      maskedPan: '424242******4242',
      brand: 'visa',
      aid: 'A0000000031010',
      entryMode: 'contactless_emv',
      atc: '0001',
      cryptogram: '0123456789ABCDEF',
    },
    encrypted: { ksn: KSN.toString('hex'), payload: ciphertext, padding },
    deferred: false,
  };
}

const tlv5a = (pan: string) =>
  Buffer.concat([Buffer.from([0x5a, pan.length / 2]), Buffer.from(pan, 'hex')]);

describe('card data', () => {
  it('reads the PAN from 5A, from 57 inside a template, and from ASCII tracks', () => {
    expect(panFrom(tlv5a('4242424242424242'))).toBe('4242424242424242');
    const t57 = Buffer.from('57134000000000000002D30122011234567890000F', 'hex');
    const template = Buffer.concat([Buffer.from([0x70, t57.length]), t57]);
    expect(panFrom(template)).toBe('4000000000000002');
    expect(panFrom(Buffer.from(';4000000000009995=30122011234567890?'))).toBe('4000000000009995');
    expect(panFrom(Buffer.from('%B5555555555554444^TEST/CARD^3106201?'))).toBe('5555555555554444');
    expect(panFrom(Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBeUndefined();
    // The simulated reader's layout (docs/test-cards.md): FC { 9F.. tags, 5A, 57 }, long form lengths.
    const inner = Buffer.concat([
      Buffer.from('9F36020011', 'hex'),
      Buffer.from('9F2608', 'hex'),
      Buffer.alloc(8, 0xab),
      Buffer.alloc(0),
      tlv5a('5555555555554444'),
    ]);
    const fc = Buffer.concat([Buffer.from([0xfc, 0x81, inner.length]), inner, Buffer.alloc(5)]);
    expect(panFrom(fc)).toBe('5555555555554444');
    const batch = Buffer.concat([Buffer.from([0xfc, inner.length + 2, 0xf2, inner.length]), inner]);
    expect(panFrom(batch)).toBe('5555555555554444');
  });

  it('decrypts what lib/dukpt encrypts under the test BDK, and gives nothing under another key', () => {
    const { ciphertext, padding } = encryptData(TEST_BDK, KSN, tlv5a('4242424242424242'));
    expect(decryptPan(TEST_BDK, { ksn: KSN.toString('hex'), payload: ciphertext, padding })).toBe(
      '4242424242424242',
    );
    expect(
      decryptPan('00112233445566778899AABBCCDDEEFF', {
        ksn: KSN.toString('hex'),
        payload: ciphertext,
      }),
    ).not.toBe('4242424242424242');
  });

  it('tells hex from base64 payloads, and checks Luhn', () => {
    expect(payloadBytes('00ff10')).toEqual(Buffer.from([0, 255, 16]));
    expect(payloadBytes('AP8Q')).toEqual(Buffer.from([0, 255, 16]));
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    for (const pan of Object.keys(TEST_CARD_RULES))
      expect(luhnValid(pan), pan.slice(-4)).toBe(true);
  });
});

describe('TestAcquirer', () => {
  it('answers a repeated key with its first outcome and keeps a ledger for status, reverse, capture and refund', async () => {
    const a = new TestAcquirer();
    const first = await a.authorize(request('K1', tlv5a('4242424242424242')));
    expect(first.outcome).toBe('approved');
    expect(await a.authorize(request('K1', tlv5a('4000000000000002')))).toEqual(first);
    expect(await a.status('K1')).toMatchObject({ state: 'approved' });
    expect(await a.status('nobody')).toEqual({ state: 'not_found' });
    expect(await a.reverse('nobody')).toEqual({ state: 'not_found' });
    // A key reversed before it was seen is never authorized afterwards.
    expect((await a.authorize(request('nobody', tlv5a('4242424242424242')))).outcome).toBe(
      'declined',
    );

    const ref = first.outcome === 'approved' ? first.acquirerRef : '';
    expect(await a.capture('B1', [{ key: 'K1', amount: 1000 }])).toEqual({
      batchRef: 'TB-B1',
      captured: ['K1'],
    });
    expect(await a.reverse('K1')).toEqual({ state: 'captured' });
    const r = { key: 'R1', originalKey: 'K1', originalRef: ref, amount: 600, currency: 'CNY' };
    expect((await a.refund(r)).outcome).toBe('approved');
    expect((await a.refund({ ...r, key: 'R2', amount: 401 })).outcome).toBe('declined');
  });

  it('declines an authorization without an ARQC cryptogram', async () => {
    const a = new TestAcquirer();
    const req = request('C1', tlv5a('4242424242424242'));
    expect(await a.authorize({ ...req, card: { ...req.card, cryptogram: '' } })).toEqual({
      outcome: 'declined',
      reason: 'unreadable',
    });
  });

  it('soft-declines above the PIN threshold with pin_required', async () => {
    const a = new TestAcquirer({ pinRequiredAbove: 100_000 });
    expect(
      await a.authorize({ ...request('P1', tlv5a('4242424242424242')), amount: 100_001 }),
    ).toEqual({
      outcome: 'declined',
      reason: 'pin_required',
    });
    expect(
      (await a.authorize({ ...request('P2', tlv5a('4242424242424242')), amount: 100_000 })).outcome,
    ).toBe('approved');
  });

  it('hangs on the timeout card (the gateway deadline answers), and fails fast when unreachable', async () => {
    const a = new TestAcquirer();
    await expect(
      withDeadline(() => a.authorize(request('K2', tlv5a('4000000000000119'))), 50),
    ).rejects.toBeInstanceOf(AcquirerTimeout);
    a.reachable = false;
    await expect(a.authorize(request('K3', tlv5a('4242424242424242')))).rejects.toBeInstanceOf(
      AcquirerUnreachable,
    );
    expect(a.calls.authorize).toBe(1);
    a.close();
  });
});
