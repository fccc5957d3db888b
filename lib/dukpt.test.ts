import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DukptError,
  TEST_BDK,
  TEST_INITIAL_KSN,
  decryptData,
  deriveIpek,
  deriveSessionKey,
  deriveTransactionKey,
  encryptData,
  ksnCounter,
  nextKsn,
  retailMac,
} from './dukpt';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const IPEK = '6AC292FAA1315B4D858AB3A3D7D5933A';

// ANSI X9.24-1:2009 Annex A test values for BDK 0123456789ABCDEFFEDCBA9876543210 and
// initial KSN FFFF9876543210E00000 (the same table is reproduced by every DUKPT implementation).
describe('ANSI X9.24-1 test vectors', () => {
  it('derives the IPEK from the BDK and the initial KSN', () => {
    expect(hex(deriveIpek(TEST_BDK, TEST_INITIAL_KSN))).toBe(IPEK);
  });

  it('ignores the counter when deriving the IPEK', () => {
    expect(hex(deriveIpek(TEST_BDK, 'FFFF9876543210E00005'))).toBe(IPEK);
    expect(hex(deriveIpek(TEST_BDK, 'FFFF9876543210FFFFFF'))).toBe(IPEK);
  });

  it.each([
    ['FFFF9876543210E00001', '042666B49184CFA368DE9628D0397BC9'],
    ['FFFF9876543210E00002', 'C46551CEF9FD24B0AA9AD834130D3BC7'],
    ['FFFF9876543210E00003', '0DF3D9422ACA56E547676D07AD6BADFA'],
    ['FFFF9876543210E00004', '279C0F6AEED0BE652B2C733E1383AE91'],
    ['FFFF9876543210E00005', '5F8DC6D2C845C125508DDC048093B83F'],
    // ten one-bits: the last counter before the high bits roll over
    ['FFFF9876543210EFF800', 'F9CDFEBF4F5B1D9EB3EC12454527E176'],
  ])('transaction key for KSN %s is %s', (ksn, key) => {
    expect(hex(deriveTransactionKey(IPEK, ksn))).toBe(key);
    expect(hex(deriveSessionKey(TEST_BDK, ksn, 'none'))).toBe(key);
    expect(hex(deriveSessionKey(IPEK, ksn, 'none', 'ipek'))).toBe(key);
  });

  it.each([
    ['pin', '042666B49184CF5C68DE9628D0397B36'],
    ['mac-request', '042666B4918430A368DE9628D03984C9'],
    ['mac-response', '042666B46E84CFA368DE96282F397BC9'],
    // variant 0000000000FF0000 0000000000FF0000, then each half encrypted under the variant key
    ['data-request', '448D3F076D8304036A55A3D7E0055A78'],
    ['data', '448D3F076D8304036A55A3D7E0055A78'],
    ['data-variant-only', '042666B4917BCFA368DE9628D0C67BC9'],
  ] as const)('%s key for counter 1 is %s', (variant, key) => {
    expect(hex(deriveSessionKey(TEST_BDK, 'FFFF9876543210E00001', variant))).toBe(key);
  });

  it('encrypts PIN 1234 for PAN 4012345678909 (ISO format 0) to 1B9C1845EB993A7A', () => {
    const pinField = Buffer.from('041234FFFFFFFFFF', 'hex');
    const panField = Buffer.from('0000401234567890', 'hex');
    const block = Buffer.from(pinField.map((b, i) => b ^ (panField[i] ?? 0)));
    const c = createCipheriv(
      'des-ede-ecb',
      deriveSessionKey(TEST_BDK, 'FFFF9876543210E00001', 'pin'),
      null,
    );
    c.setAutoPadding(false);
    expect(hex(Buffer.concat([c.update(block), c.final()]))).toBe('1B9C1845EB993A7A');
  });

  it('encrypts "4012345678909D987" under the data key (CBC, zero IV, zero padding)', () => {
    const { ciphertext, padding } = encryptData(
      TEST_BDK,
      'FFFF9876543210E00001',
      Buffer.from('4012345678909D987', 'ascii'),
    );
    expect(hex(ciphertext)).toBe('FC0D53B7EA1FDA9EE68AAF2E70D9B9506229BE2AA993F04F');
    expect(padding).toBe(7);
  });

  it('MACs "4012345678909D987" (zero padded) with the request and response MAC keys', () => {
    const data = Buffer.concat([Buffer.from('4012345678909D987', 'ascii'), Buffer.alloc(7)]);
    const ksn = 'FFFF9876543210E00001';
    expect(hex(retailMac(deriveSessionKey(TEST_BDK, ksn, 'mac-request'), data))).toBe(
      '9CCC78173FC4FB64',
    );
    expect(hex(retailMac(deriveSessionKey(TEST_BDK, ksn, 'mac-response'), data))).toBe(
      '20364223C1FF00FA',
    );
  });
});

describe('encryptData / decryptData', () => {
  it('round-trips any plaintext with the padding count, reader side (IPEK) to host side (BDK)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 5000 }),
        (plain, n) => {
          let ksn: Buffer = Buffer.from(TEST_INITIAL_KSN, 'hex');
          for (let i = 0; i < n % 7; i++) ksn = nextKsn(ksn);
          const { ciphertext, padding } = encryptData(IPEK, ksn, plain, { from: 'ipek' });
          expect(ciphertext.length % 8).toBe(0);
          expect(hex(decryptData(TEST_BDK, ksn, ciphertext, { padding }))).toBe(hex(plain));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('does not decrypt under a neighbouring KSN', () => {
    const plain = Buffer.from('5A084242424242424242', 'hex');
    const { ciphertext, padding } = encryptData(TEST_BDK, 'FFFF9876543210E00002', plain);
    expect(hex(decryptData(TEST_BDK, 'FFFF9876543210E00003', ciphertext, { padding }))).not.toBe(
      hex(plain),
    );
  });

  it('refuses ciphertext that is not whole blocks and padding out of range', () => {
    expect(() => decryptData(TEST_BDK, TEST_INITIAL_KSN, new Uint8Array(7))).toThrow(DukptError);
    expect(() =>
      decryptData(TEST_BDK, TEST_INITIAL_KSN, new Uint8Array(8), { padding: 8 }),
    ).toThrow(/padding/);
  });

  it('refuses keys and KSNs of the wrong size or not hex', () => {
    expect(() => deriveIpek('0123', TEST_INITIAL_KSN)).toThrow(/16 bytes/);
    expect(() => deriveIpek(TEST_BDK, 'FFFF')).toThrow(/10 bytes/);
    expect(() => deriveIpek(TEST_BDK, 'zz'.repeat(10))).toThrow(/hex/);
  });
});

describe('nextKsn', () => {
  it('counts up from the initial KSN', () => {
    expect(hex(nextKsn(TEST_INITIAL_KSN))).toBe('FFFF9876543210E00001');
    expect(hex(nextKsn('FFFF9876543210E00001'))).toBe('FFFF9876543210E00002');
    expect(hex(nextKsn('FFFF9876543210E000FF'))).toBe('FFFF9876543210E00100');
  });

  it('skips counters with more than ten one-bits, as the standard requires', () => {
    // 0x7FE has ten one-bits; 0x7FF has eleven and is skipped
    expect(hex(nextKsn('FFFF9876543210E007FE'))).toBe('FFFF9876543210E00800');
    expect(ksnCounter('FFFF9876543210E007FE')).toBe(0x7fe);
  });

  it('keeps the key set and device bits and stops when the counter is exhausted', () => {
    expect(hex(nextKsn('FFFF9876543210E7FE00').subarray(0, 7))).toBe('FFFF9876543210');
    expect(() => nextKsn('FFFF9876543210FFF800')).toThrow(/exhausted/);
  });
});
