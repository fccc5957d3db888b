// The wallet provider adapter interface (ARCHITECTURE §5, §7; docs/wallets.md): what the gateway
// asks of a wallet (Alipay, WeChat Pay, UnionPay QuickPass) to charge a scanned payment code.
// Like the Acquirer, every call carries the terminal's idempotency key, so asking again after a
// timeout never charges twice: the provider answers a repeated key with its first outcome.
//
// The payment code is a bearer token: an adapter passes it through in the one authorize call and
// keeps nothing of it; nothing here logs it.
import type { WalletDeclineReason, WalletProvider as WalletName } from '../../contract/wallet';
import { raceDeadline } from '../deadline';

export interface WalletAuthRequest {
  key: string;
  amount: number;
  currency: string;
  provider: WalletName;
  /** The payment code in full, for this call only. */
  code: string;
  merchantId: string;
}

export type WalletAuthResult =
  | { outcome: 'approved'; providerRef: string }
  | { outcome: 'declined'; reason: WalletDeclineReason }
  /** The customer must confirm on the phone; ask `query` until `confirmBy` (epoch ms). */
  | { outcome: 'awaiting_customer'; confirmBy: number };

export type WalletQueryResult =
  | { state: 'approved'; providerRef: string }
  | { state: 'declined'; reason: WalletDeclineReason }
  | { state: 'awaiting_customer'; confirmBy: number }
  | { state: 'cancelled' }
  | { state: 'reversed' }
  /** The provider never received an authorization with this key. */
  | { state: 'not_found' };

export type WalletRefundResult =
  | { outcome: 'approved'; providerRef: string }
  | { outcome: 'declined'; reason: WalletDeclineReason };

export interface WalletProvider {
  readonly name: string;
  readonly merchantId: string;
  authorize(req: WalletAuthRequest): Promise<WalletAuthResult>;
  query(key: string): Promise<WalletQueryResult>;
  /**
   * Cancels a pending or awaiting authorization, or reverses an approved one not yet settled.
   * A key never seen is remembered as cancelled, so a late authorization with it is refused.
   */
  cancel(key: string): Promise<{ state: 'cancelled' | 'reversed' | 'declined' }>;
  refund(req: {
    key: string;
    originalKey: string;
    providerRef: string;
    amount: number;
    currency: string;
  }): Promise<WalletRefundResult>;
  close?(): void;
}

/** The provider certainly did not receive the request: nothing was charged; safe to send again. */
export class ProviderUnreachable extends Error {
  readonly code = 'wallet.provider_unreachable';
  constructor(message = 'the wallet provider is unreachable') {
    super(message);
    this.name = 'ProviderUnreachable';
  }
}

/** No answer within the deadline: the provider may or may not have charged. */
export class ProviderTimeout extends Error {
  readonly code = 'wallet.provider_timeout';
  constructor(ms: number) {
    super(`the wallet provider did not answer within ${ms} ms`);
    this.name = 'ProviderTimeout';
  }
}

/** Races a provider call against the gateway's deadline; the call may go on, its answer ignored. */
export function providerDeadline<T>(call: () => Promise<T>, ms: number): Promise<T> {
  return raceDeadline(call, ms, () => new ProviderTimeout(ms));
}
