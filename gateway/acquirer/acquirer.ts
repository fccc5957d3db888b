// The acquirer adapter interface (ARCHITECTURE §7): what the gateway asks of a card processor.
// Every call is keyed by the terminal's idempotency key, so asking again (after a timeout, or when
// forwarding a stand-in or offline payment) never authorizes twice: a key-idempotent acquirer
// answers a repeated key with its first outcome.
//
// A real processor adapter holds NO keys: it passes the reader's encrypted payload and KSN through
// to the processor, which decrypts inside its HSM. Only the test acquirer (test-acquirer.ts)
// decrypts, with the standard's published test BDK.
import type { CardInfo, DeclineReason } from '../../contract/payments';
import { raceDeadline } from '../deadline';

export interface AcquirerAuthRequest {
  key: string;
  amount: number;
  currency: string;
  merchantId: string;
  terminalRef: string;
  /** The ARQC's counter and cryptogram go to the issuer, which validates them. */
  card: Pick<CardInfo, 'maskedPan' | 'brand' | 'aid' | 'entryMode' | 'atc' | 'cryptogram'>;
  /** Ciphertext bytes and KSN as the reader sent them. Used for this call only, never kept. */
  encrypted: { ksn: string; payload: Buffer; padding?: number };
  /** A forwarded offline or stand-in payment (the card is no longer present). */
  deferred: boolean;
}

export type AcquirerAuthResult =
  | { outcome: 'approved'; authCode: string; acquirerRef: string }
  | { outcome: 'declined'; reason: DeclineReason; acquirerRef?: string };

export type AcquirerStatus =
  | { state: 'approved'; authCode: string; acquirerRef: string }
  | { state: 'declined'; reason: DeclineReason }
  | { state: 'reversed' }
  | { state: 'captured'; acquirerRef: string }
  /** The acquirer never received an authorization with this key. */
  | { state: 'not_found' };

export type AcquirerRefundResult =
  { outcome: 'approved'; acquirerRef: string } | { outcome: 'declined'; reason: DeclineReason };

export interface Acquirer {
  readonly name: string;
  readonly merchantId: string;
  /** The reference the acquirer knows a terminal by. */
  terminalRef(terminalId: string): string;
  authorize(req: AcquirerAuthRequest): Promise<AcquirerAuthResult>;
  status(key: string): Promise<AcquirerStatus>;
  /** Releases an uncaptured authorization. A key never authorized is remembered as reversed. */
  reverse(key: string): Promise<{ state: 'reversed' | 'not_found' | 'captured' }>;
  /** Captures authorizations; returns the batch reference and the keys it captured. */
  capture(
    batchId: string,
    items: { key: string; amount: number }[],
  ): Promise<{ batchRef: string; captured: string[] }>;
  refund(req: {
    key: string;
    originalKey: string;
    originalRef: string;
    amount: number;
    currency: string;
  }): Promise<AcquirerRefundResult>;
  close?(): void;
}

/**
 * The acquirer certainly did not receive the request (connection refused, DNS, TLS): safe to stand
 * in, and safe to send again with the same key.
 */
export class AcquirerUnreachable extends Error {
  readonly code = 'acquirer.unreachable';
  constructor(message = 'the acquirer is unreachable') {
    super(message);
    this.name = 'AcquirerUnreachable';
  }
}

/** No answer within the deadline: the acquirer may or may not have acted on the request. */
export class AcquirerTimeout extends Error {
  readonly code = 'acquirer.timeout';
  constructor(ms: number) {
    super(`the acquirer did not answer within ${ms} ms`);
    this.name = 'AcquirerTimeout';
  }
}

/** Races a call against the gateway's deadline; the call itself may go on (its answer is ignored). */
export function withDeadline<T>(call: () => Promise<T>, ms: number): Promise<T> {
  return raceDeadline(call, ms, () => new AcquirerTimeout(ms));
}
