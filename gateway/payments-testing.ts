// Test helpers for card payments: authorization requests whose card data is really encrypted with
// TDES DUKPT under the standard's test BDK (lib/dukpt), as the simulated reader encrypts it, so the
// test acquirer's decryption path runs end to end.
import { createHash, randomBytes } from 'node:crypto';
import type { AuthorizeRequest } from '../contract/payments';
import { encryptData, nextKsn, TEST_BDK, TEST_INITIAL_KSN } from '../lib/dukpt';
import { newId } from '../lib/ids';

/** The test cards by name (drivers/sim/test-cards.ts has the full table). */
export const CARDS = {
  approve: '4242424242424242',
  decline: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  timeout: '4000000000000119',
  par: '5555555555554444',
  blocked: '4000000000000259',
} as const;

let ksn: Buffer = Buffer.from(TEST_INITIAL_KSN, 'hex');

function bcd(digits: string): Buffer {
  const even = digits.length % 2 === 0 ? digits : `${digits}F`;
  return Buffer.from(even, 'hex');
}

function tlv(tag: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from(tag, 'hex'), Buffer.from([value.length]), value]);
}

/** Card data as a reader encrypts it: PAN (5A), expiry (5F24), track 2 equivalent (57). */
export function encryptCard(
  pan: string,
  expiryYymm = '3012',
): AuthorizeRequest['encrypted'] & { plaintext: Buffer } {
  ksn = nextKsn(ksn);
  const plaintext = Buffer.concat([
    tlv('5A', bcd(pan)),
    tlv('5F24', Buffer.from(`${expiryYymm}31`, 'hex')),
    tlv('57', bcd(`${pan}D${expiryYymm}2011234567890`)),
  ]);
  const { ciphertext, padding } = encryptData(TEST_BDK, ksn, plaintext);
  return {
    ksn: ksn.toString('hex').toUpperCase(),
    payload: ciphertext.toString('hex').toUpperCase(),
    padding,
    plaintext,
  };
}

export function maskPan(pan: string): string {
  return `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
}

/** What the terminal computes when the card gives no PAR: a venue-keyed hash (test key). */
export function cardKeyOf(pan: string): string {
  return createHash('sha256').update(`test-venue-key:${pan}`).digest('hex');
}

export function authorizeRequest(
  terminalId: string,
  pan: string,
  over: Partial<AuthorizeRequest> = {},
): AuthorizeRequest {
  const { plaintext: _plain, ...encrypted } = encryptCard(pan);
  return {
    idempotencyKey: newId(),
    terminalId,
    saleId: newId(),
    amount: 4200,
    currency: 'CNY',
    card: {
      maskedPan: maskPan(pan),
      brand: pan.startsWith('5') ? 'mastercard' : 'visa',
      aid: pan.startsWith('5') ? 'A0000000041010' : 'A0000000031010',
      label: pan.startsWith('5') ? 'MASTERCARD' : 'VISA CREDIT',
      entryMode: 'contactless_emv',
      atc: randomBytes(2).toString('hex').toUpperCase(),
      cryptogram: randomBytes(8).toString('hex').toUpperCase(),
    },
    encrypted,
    cardKey: cardKeyOf(pan),
    ...over,
  };
}
