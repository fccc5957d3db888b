// The test cards of the simulated reader (`sim:reader?card=NAME`) and of the gateway's test
// acquirer, one table for both so a demo tap and the acquirer's answer always agree.
// docs/test-cards.md explains each card for cashiers and testers.
//
// These PANs are public test numbers (Luhn-valid, issued to nobody). They exist in clear only here,
// in the simulator and, after DUKPT decryption, inside the test acquirer: never in the terminal
// (ARCHITECTURE §4), which sees the masked PAN, brand, AID, label and PAR only.
import type { CardBrand } from '../reader/types';

/** What the simulated reader does when this card is the next card. */
export type ReaderBehaviour =
  /** Tapped and read: card detected, ARQC, batch data, operation complete (Quick Chip deferred). */
  | 'tap'
  /** Detected, then taken away before the read finished: the kernel outcome is "try again". */
  | 'removed_early'
  /** Never presented: the reader times out after the transaction timeout. */
  | 'no_tap';

/** What the gateway's test acquirer answers for this PAN (ARCHITECTURE §7). */
export type AcquirerBehaviour =
  | 'approve'
  | 'decline'
  | 'insufficient_funds'
  | 'expired_card'
  /** The acquirer never answers: the gateway's timeout path (status query, then reversal). */
  | 'timeout';

export interface TestCard {
  /** For `sim:reader?card=NAME` and the demo's card picker. */
  name: string;
  /** The full PAN. Simulator and test acquirer only. */
  pan: string;
  brand: CardBrand;
  /** YYMM. */
  expiry: string;
  /** Application identifier (EMV 4F), upper-case hex. */
  aid: string;
  /** Application label (EMV 50). */
  label: string;
  /** Payment Account Reference (EMV 9F24), 29 characters, when the card presents one. */
  par?: string;
  reader: ReaderBehaviour;
  acquirer: AcquirerBehaviour;
  /**
   * On the venue's blocked card-key list in the demo reference data: refused offline and in
   * gateway stand-in. Its card key is its PAR, so the list can name it exactly.
   */
  blocked?: boolean;
  /** Application transaction counter (9F36) of the first tap; the simulator adds one per tap. */
  firstAtc: number;
  /** One line for the demo's card picker. */
  description: string;
}

const VISA_AID = 'A0000000031010';
const MASTERCARD_AID = 'A0000000041010';

export const TEST_CARDS: readonly TestCard[] = [
  {
    name: 'visa-approve',
    pan: '4242424242424242',
    brand: 'visa',
    expiry: '3012',
    aid: VISA_AID,
    label: 'VISA CREDIT',
    reader: 'tap',
    acquirer: 'approve',
    firstAtc: 0x0011,
    description: 'Approved',
  },
  {
    name: 'visa-decline',
    pan: '4000000000000002',
    brand: 'visa',
    expiry: '3012',
    aid: VISA_AID,
    label: 'VISA CREDIT',
    reader: 'tap',
    acquirer: 'decline',
    firstAtc: 0x0021,
    description: 'Declined by the issuer (do not honour)',
  },
  {
    name: 'visa-nsf',
    pan: '4000000000009995',
    brand: 'visa',
    expiry: '3012',
    aid: VISA_AID,
    label: 'VISA DEBIT',
    reader: 'tap',
    acquirer: 'insufficient_funds',
    firstAtc: 0x0031,
    description: 'Declined: insufficient funds',
  },
  {
    name: 'visa-expired',
    pan: '4000000000000069',
    brand: 'visa',
    expiry: '2401',
    aid: VISA_AID,
    label: 'VISA CREDIT',
    reader: 'tap',
    acquirer: 'expired_card',
    firstAtc: 0x0041,
    description: 'Expired (January 2024): declined online, refused offline',
  },
  {
    name: 'visa-timeout',
    pan: '4000000000000119',
    brand: 'visa',
    expiry: '3012',
    aid: VISA_AID,
    label: 'VISA CREDIT',
    reader: 'tap',
    acquirer: 'timeout',
    firstAtc: 0x0051,
    description: 'The acquirer never answers (timeout, status query, reversal)',
  },
  {
    name: 'mc-par',
    pan: '5555555555554444',
    brand: 'mastercard',
    expiry: '3106',
    aid: MASTERCARD_AID,
    label: 'MASTERCARD',
    par: '5001TESTPAR0MCPARCARD00000001',
    reader: 'tap',
    acquirer: 'approve',
    firstAtc: 0x0061,
    description: 'Approved; presents a Payment Account Reference (9F24)',
  },
  {
    name: 'removed-early',
    pan: '4000000000003220',
    brand: 'visa',
    expiry: '3012',
    aid: VISA_AID,
    label: 'VISA CREDIT',
    reader: 'removed_early',
    acquirer: 'approve',
    firstAtc: 0x0071,
    description: 'Taken away too early: the reader asks to try again',
  },
  {
    name: 'no-tap',
    pan: '4000000000000101',
    brand: 'visa',
    expiry: '3012',
    aid: VISA_AID,
    label: 'VISA CREDIT',
    reader: 'no_tap',
    acquirer: 'approve',
    firstAtc: 0x0081,
    description: 'Never tapped: the reader times out',
  },
  {
    name: 'blocked',
    pan: '4000000000000259',
    brand: 'visa',
    expiry: '3012',
    aid: VISA_AID,
    label: 'VISA CREDIT',
    par: 'V001TESTPAR0BLOCKEDCARD000001',
    reader: 'tap',
    acquirer: 'approve',
    blocked: true,
    firstAtc: 0x0091,
    description: 'On the blocked list: refused offline and in stand-in',
  },
];

/** The card the simulator uses when nothing else was chosen. */
export const DEFAULT_TEST_CARD = 'visa-approve';

/** An NFC wristband (NTAG, 7-byte UID): `sim:reader?card=wristband` reports its UID. */
export interface TestWristband {
  name: 'wristband';
  /** Upper-case hex, 7 bytes (NXP UIDs start with 04). */
  uid: string;
  description: string;
}

export const TEST_WRISTBAND: TestWristband = {
  name: 'wristband',
  uid: '04A1B2C3D4E580',
  description: 'NFC wristband: reports its UID, no payment',
};

export type TestCardName = string;

export function findTestCard(name: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.name === name);
}

export function findTestCardByPan(pan: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.pan === pan);
}

/** Every name the simulator accepts for its next card, wristband included. */
export function testCardNames(): string[] {
  return [...TEST_CARDS.map((c) => c.name), TEST_WRISTBAND.name];
}

/**
 * The test acquirer's answer for a decrypted PAN. Any other Luhn-valid PAN is approved, as test
 * acquirers usually do, so a new test card works without touching this table.
 */
export function acquirerBehaviourForPan(pan: string): AcquirerBehaviour {
  return findTestCardByPan(pan)?.acquirer ?? 'approve';
}

/** PAN masked as the terminal may keep it: first 6 and last 4 at most (ARCHITECTURE §4). */
export function maskPan(pan: string): string {
  if (pan.length < 13) return '*'.repeat(pan.length);
  return `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
}

export function luhnValid(pan: string): boolean {
  if (!/^\d{12,19}$/.test(pan)) return false;
  let sum = 0;
  for (let i = 0; i < pan.length; i++) {
    let d = Number(pan[pan.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
