// Offline acceptance (ARCHITECTURE §5, store and forward: the venue carries the risk). One risk
// policy from reference data; every limit is inclusive: exactly at the limit is accepted.
import type { CardReason } from '../../contract/api';
import type { RiskPolicy } from '../../contract/gateway';
import { demoRiskPolicy } from '../../contract/demo-venue';

/** Used until the gateway's policy arrives (and by standalone terminals). */
export const DEFAULT_RISK_POLICY: RiskPolicy = demoRiskPolicy;

export interface OfflineContext {
  amount: number;
  /** Stored offline payments not yet answered by the gateway. */
  storedAmount: number;
  /** Of those, for this card key (when the card is known). */
  storedForCard: number;
  /** Hours since the terminal went offline (0 when not known). */
  offlineHours: number;
}

export interface CardFacts {
  cardKey: string;
  /** YYMM from the reader's clear data, when given. */
  expiry: string | null;
  /** Venue-local YYMM of today. */
  todayYymm: string;
  blocked: readonly string[];
}

/** Checks that need no card: run before the tap so the cashier knows at once. */
export function refuseBeforeTap(policy: RiskPolicy, c: OfflineContext): CardReason | null {
  if (c.offlineHours >= policy.offlineStopAfterHours) return 'offline_too_long';
  if (c.amount > policy.offlinePerTransactionLimit) return 'offline_transaction_limit';
  if (c.amount > policy.contactlessCvmLimit) return 'offline_cvm_limit';
  if (c.storedAmount + c.amount > policy.offlineTotalLimit) return 'offline_total_limit';
  return null;
}

/** All checks, with the card read. */
export function refuseOffline(policy: RiskPolicy, c: OfflineContext, card: CardFacts): CardReason | null {
  const before = refuseBeforeTap(policy, c);
  if (before) return before;
  if (card.blocked.includes(card.cardKey)) return 'blocked';
  if (card.expiry !== null && card.expiry < card.todayYymm) return 'expired';
  if (c.storedForCard + 1 > policy.offlineCountPerCard) return 'offline_card_count';
  return null;
}

export function offlineWarning(policy: RiskPolicy, offlineHours: number): boolean {
  return offlineHours >= policy.offlineWarnAfterHours;
}

/** ISO 4217 numeric codes (EMV 5F2A) of the currencies venues use. */
const NUMERIC: Record<string, number> = {
  CNY: 156,
  EUR: 978,
  USD: 840,
  GBP: 826,
  JPY: 392,
  KWD: 414,
  HKD: 344,
  CHF: 756,
  AUD: 36,
  CAD: 124,
  SGD: 702,
  SEK: 752,
  NOK: 578,
  DKK: 208,
};

export function currencyNumeric(code: string): number {
  const n = NUMERIC[code];
  if (n === undefined) throw new Error(`no ISO 4217 numeric code known for ${code}`);
  return n;
}
