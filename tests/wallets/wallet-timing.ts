// The terminal side of the wallet tests' compressed timing (tests/wallets, and the crash test's
// child terminal, which imports this without the gateway).
import type { WalletConfig } from '../../terminal/payments/wallet-service';

/** Terminal wallet timing to match (polling the gateway every 40 ms). */
export const FAST_WALLET_CONFIG: Partial<WalletConfig> = {
  pollMs: 40,
  backgroundMs: 150,
  unknownQueries: 3,
  confirmGraceMs: 300,
  defaultConfirmMs: 2000,
};

/** Sync compressed: online within milliseconds, completed sales uploaded at once. */
export const FAST_SYNC = {
  reconnectJitterMs: 5,
  pollIntervalMs: 20,
  backoffBaseMs: 10,
  backoffCapMs: 100,
  referencePollMs: 60_000,
  controlPollMs: 0,
  requestTimeoutMs: 2000,
};

