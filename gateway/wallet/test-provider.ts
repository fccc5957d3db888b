// The built-in TEST wallet provider: a real in-memory implementation of a wallet provider's side
// (docs/wallets.md), deterministic by the payment code's last two digits, so terminals, the
// browser end-to-end tests and a venue's rehearsal can pay with wallets without a provider.
// Time comes from an injected clock: "the customer confirms after 4 s" is decided when the gateway
// asks, so tests move a manual clock instead of waiting.
//
// Like a real provider it keeps codes as used (a payment code pays once); being a test double it
// may hold them in memory, which a real adapter never does.
import type { WalletDeclineReason, WalletProvider as WalletName } from '../../contract/wallet';
import { systemClock, type Clock } from '../../lib/clock';
import {
  ProviderUnreachable,
  type WalletAuthRequest,
  type WalletAuthResult,
  type WalletProvider,
  type WalletQueryResult,
  type WalletRefundResult,
} from './provider';

/** What the test provider does with a code, by its last two digits (anything else: approve). */
export type TestWalletBehaviour =
  | 'approve'
  | 'do_not_honour'
  | 'insufficient_funds'
  | 'confirm'
  | 'never_confirm'
  | 'timeout'
  | 'customer_declines'
  | 'code_expired';

export const TEST_WALLET_SUFFIXES: Record<Exclude<TestWalletBehaviour, 'approve'>, string> = {
  do_not_honour: '01',
  insufficient_funds: '02',
  confirm: '03',
  never_confirm: '04',
  timeout: '05',
  customer_declines: '06',
  code_expired: '07',
};

const BY_SUFFIX = new Map<string, TestWalletBehaviour>(
  Object.entries(TEST_WALLET_SUFFIXES).map(([b, s]) => [s, b as TestWalletBehaviour]),
);

export function testWalletBehaviour(code: string): TestWalletBehaviour {
  return BY_SUFFIX.get(code.slice(-2)) ?? 'approve';
}

/** A prefix of each wallet's documented shape (contract/wallet.ts) and the code length used here. */
const SHAPE: Record<WalletName, { prefix: string; length: number }> = {
  wechat: { prefix: '13', length: 18 },
  alipay: { prefix: '28', length: 18 },
  unionpay: { prefix: '62', length: 19 },
};

/**
 * A test payment code of `provider`'s shape that makes the test provider do `behaviour`. `serial`
 * fills the middle digits: codes are single-use, so each payment needs its own.
 */
export function testWalletCode(
  provider: WalletName,
  behaviour: TestWalletBehaviour,
  serial: number | string = Math.floor(Math.random() * 1e12),
): string {
  const { prefix, length } = SHAPE[provider];
  const suffix = behaviour === 'approve' ? '00' : TEST_WALLET_SUFFIXES[behaviour];
  const middle = String(serial)
    .replace(/\D/g, '')
    .padStart(length - 4, '0')
    .slice(-(length - 4));
  return `${prefix}${middle}${suffix}`;
}

/** One example code per behaviour for Alipay and WeChat Pay (each pays once per provider run). */
export const TEST_WALLET_CODES: Record<'alipay' | 'wechat', Record<TestWalletBehaviour, string>> = {
  alipay: {
    approve: '281234567890123400',
    do_not_honour: '281234567890123401',
    insufficient_funds: '281234567890123402',
    confirm: '281234567890123403',
    never_confirm: '281234567890123404',
    timeout: '281234567890123405',
    customer_declines: '281234567890123406',
    code_expired: '281234567890123407',
  },
  wechat: {
    approve: '134567890123456700',
    do_not_honour: '134567890123456701',
    insufficient_funds: '134567890123456702',
    confirm: '134567890123456703',
    never_confirm: '134567890123456704',
    timeout: '134567890123456705',
    customer_declines: '134567890123456706',
    code_expired: '134567890123456707',
  },
};

export interface TestWalletOptions {
  clock?: Clock;
  /** `03`/`06`: the customer answers on the phone this long after the request (ms); default 4 s. */
  confirmAfterMs?: number;
  /** How long the provider waits for the customer before declining customer_timeout; 60 s. */
  confirmTimeoutMs?: number;
  merchantId?: string;
}

interface Charge {
  amount: number;
  behaviour: TestWalletBehaviour;
  createdAt: number;
  providerRef: string;
  /** Final state once decided (approved and declined may still be derived from time). */
  state: 'open' | 'cancelled' | 'reversed';
  refunded: number;
}

export class TestWalletProvider implements WalletProvider {
  readonly name = 'test-wallet';
  readonly merchantId: string;
  private readonly clock: Clock;
  private readonly confirmAfterMs: number;
  private readonly confirmTimeoutMs: number;
  private readonly charges = new Map<string, Charge>();
  /** Keys cancelled before any authorization reached the provider. */
  private readonly cancelledKeys = new Set<string>();
  /** Codes that paid (or were refused) once: a payment code is single-use. */
  private readonly usedCodes = new Set<string>();
  private readonly refunds = new Map<string, WalletRefundResult>();
  private reachable = true;
  private seq = 0;
  /** How many authorizations reached the provider (tests: "exactly one call"). */
  authorizeCalls = 0;

  constructor(opts: TestWalletOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.confirmAfterMs = opts.confirmAfterMs ?? 4_000;
    this.confirmTimeoutMs = opts.confirmTimeoutMs ?? 60_000;
    this.merchantId = opts.merchantId ?? 'TESTWALLET0001';
  }

  /** Simulates a network failure: every call throws ProviderUnreachable until set back. */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
  }

  /** A rejected promise while unreachable (as a real adapter's network call would give). */
  private down(): Promise<never> | undefined {
    return this.reachable ? undefined : Promise.reject(new ProviderUnreachable());
  }

  /** The charge's state now, the customer's answer decided by the clock. */
  private stateOf(c: Charge): WalletQueryResult {
    if (c.state === 'cancelled') return { state: 'cancelled' };
    if (c.state === 'reversed') return { state: 'reversed' };
    const elapsed = this.clock.now() - c.createdAt;
    const confirmBy = c.createdAt + this.confirmTimeoutMs;
    const approved = { state: 'approved', providerRef: c.providerRef } as const;
    const declined = (reason: WalletDeclineReason) => ({ state: 'declined', reason }) as const;
    switch (c.behaviour) {
      case 'approve':
      case 'timeout':
        return approved;
      case 'do_not_honour':
        return declined('do_not_honour');
      case 'insufficient_funds':
        return declined('insufficient_funds');
      case 'code_expired':
        return declined('code_expired');
      case 'confirm':
      case 'customer_declines':
        // The customer's answer, once given before the deadline, stands: a confirmed charge stays
        // approved (reversible, refundable) long after the deadline has passed.
        if (elapsed >= this.confirmAfterMs && this.confirmAfterMs < this.confirmTimeoutMs)
          return c.behaviour === 'confirm' ? approved : declined('customer_cancelled');
        if (elapsed >= this.confirmTimeoutMs) return declined('customer_timeout');
        return { state: 'awaiting_customer', confirmBy };
      case 'never_confirm':
        if (elapsed >= this.confirmTimeoutMs) return declined('customer_timeout');
        return { state: 'awaiting_customer', confirmBy };
    }
  }

  private answer(c: Charge): WalletAuthResult {
    const s = this.stateOf(c);
    switch (s.state) {
      case 'approved':
        return { outcome: 'approved', providerRef: s.providerRef };
      case 'declined':
        return { outcome: 'declined', reason: s.reason };
      case 'awaiting_customer':
        return { outcome: 'awaiting_customer', confirmBy: s.confirmBy };
      case 'cancelled':
      case 'reversed':
      case 'not_found':
        return { outcome: 'declined', reason: 'customer_cancelled' };
    }
  }

  authorize(req: WalletAuthRequest): Promise<WalletAuthResult> {
    const down = this.down();
    if (down) return down;
    this.authorizeCalls++;
    const known = this.charges.get(req.key);
    if (known) return Promise.resolve(this.answer(known));
    if (this.cancelledKeys.has(req.key))
      return Promise.resolve({ outcome: 'declined', reason: 'customer_cancelled' });
    if (this.usedCodes.has(req.code))
      return Promise.resolve({ outcome: 'declined', reason: 'code_used' });
    this.usedCodes.add(req.code);
    const charge: Charge = {
      amount: req.amount,
      behaviour: testWalletBehaviour(req.code),
      createdAt: this.clock.now(),
      providerRef: `TW${String(++this.seq).padStart(10, '0')}`,
      state: 'open',
      refunded: 0,
    };
    this.charges.set(req.key, charge);
    // `05`: charged, but the answer is lost on the way back: the gateway's deadline passes.
    if (charge.behaviour === 'timeout') return new Promise<never>(() => undefined);
    return Promise.resolve(this.answer(charge));
  }

  query(key: string): Promise<WalletQueryResult> {
    const down = this.down();
    if (down) return down;
    const c = this.charges.get(key);
    if (c) return Promise.resolve(this.stateOf(c));
    return Promise.resolve(
      this.cancelledKeys.has(key) ? { state: 'cancelled' } : { state: 'not_found' },
    );
  }

  cancel(key: string): Promise<{ state: 'cancelled' | 'reversed' | 'declined' }> {
    const down = this.down();
    if (down) return down;
    const c = this.charges.get(key);
    if (!c) {
      this.cancelledKeys.add(key);
      return Promise.resolve({ state: 'cancelled' });
    }
    const s = this.stateOf(c);
    switch (s.state) {
      case 'cancelled':
      case 'reversed':
        return Promise.resolve({ state: s.state });
      case 'declined':
        return Promise.resolve({ state: 'declined' });
      case 'awaiting_customer':
        c.state = 'cancelled';
        return Promise.resolve({ state: 'cancelled' });
      case 'approved':
        // A refunded charge is not reversed: the refunds already moved money back.
        if (c.refunded > 0) return Promise.resolve({ state: 'declined' });
        c.state = 'reversed';
        return Promise.resolve({ state: 'reversed' });
      case 'not_found':
        return Promise.resolve({ state: 'cancelled' });
    }
  }

  refund(req: {
    key: string;
    originalKey: string;
    providerRef: string;
    amount: number;
    currency: string;
  }): Promise<WalletRefundResult> {
    const down = this.down();
    if (down) return down;
    const done = this.refunds.get(req.key);
    if (done) return Promise.resolve(done);
    const c = this.charges.get(req.originalKey);
    let result: WalletRefundResult;
    if (!c || c.providerRef !== req.providerRef || this.stateOf(c).state !== 'approved')
      result = { outcome: 'declined', reason: 'do_not_honour' };
    else if (c.refunded + req.amount > c.amount)
      result = { outcome: 'declined', reason: 'insufficient_funds' };
    else {
      c.refunded += req.amount;
      result = { outcome: 'approved', providerRef: `TR${String(++this.seq).padStart(10, '0')}` };
    }
    this.refunds.set(req.key, result);
    return Promise.resolve(result);
  }
}
