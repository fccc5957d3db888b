// Wallet payment code tills for tests/wallets and tests/crash: an enrolled till (tests/support/
// card-rig) with the sync worker on, since a till takes wallets only while it is online, and the
// built-in test wallet at the gateway with its customer and deadline timings compressed.
import type { TerminalStatusDto } from '../../contract/api';
import type { WalletProvider as WalletName } from '../../contract/wallet';
import {
  TestWalletProvider,
  testWalletCode,
  type TestWalletBehaviour,
} from '../../gateway/wallet/test-provider';
import type { WalletOptions } from '../../gateway/wallet-routes';
import { createTerminalSync } from '../../terminal/create-terminal';
import type { Terminal, TerminalConfig } from '../../terminal/terminal';
import { openTill } from '../../terminal/testing';
import { call } from '../support/card-rig';
import { FAST_SYNC, FAST_WALLET_CONFIG } from './wallet-timing';

export { FAST_SYNC, FAST_WALLET_CONFIG };

/** The test wallet's customer: confirms (`03`) after this, gives up (`04`) after that (ms). */
export const CONFIRM_AFTER_MS = 250;
export const CONFIRM_TIMEOUT_MS = 700;
/** The gateway's deadline for the provider: `05` (answer lost) turns `unknown` after this. */
export const PROVIDER_TIMEOUT_MS = 200;

/** Gateway wallet options: the test wallet on the real clock, compressed. */
export function fastWallet(): WalletOptions & { provider: TestWalletProvider } {
  return {
    provider: new TestWalletProvider({
      confirmAfterMs: CONFIRM_AFTER_MS,
      confirmTimeoutMs: CONFIRM_TIMEOUT_MS,
    }),
    timeoutMs: PROVIDER_TIMEOUT_MS,
  };
}

let serial = Date.now() % 1e9;
/** A fresh code (codes pay once) of `provider`'s shape that makes the test wallet do `behaviour`. */
export function freshCode(behaviour: TestWalletBehaviour, provider: WalletName = 'wechat'): string {
  return testWalletCode(provider, behaviour, `${process.pid % 1000}${++serial}`);
}

export async function waitOnline(t: Terminal, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; ; waited += 10) {
    const s = await call<TerminalStatusDto>(t, 'terminal.getStatus');
    if (s.network.state === 'online' && !s.network.forcedOffline) return;
    if (waited > timeoutMs) throw new Error(`the till never came online: ${JSON.stringify(s.network)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An enrolled till on `dataDir`, online, signed in with a shift open, wallet recovery done. */
export async function openWalletTill(
  dataDir: string,
  extra: Partial<TerminalConfig> = {},
): Promise<Terminal> {
  const t = createTerminalSync({
    dataDir,
    demo: true,
    sync: FAST_SYNC,
    cards: { gatewayTimeoutMs: 2000 },
    staff: { idleLockSeconds: 0 },
    ...extra,
    wallets: { ...FAST_WALLET_CONFIG, ...extra.wallets },
  });
  await t.wallets.ready;
  await openTill(t);
  await waitOnline(t);
  return t;
}
