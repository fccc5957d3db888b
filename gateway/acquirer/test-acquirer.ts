// The TEST acquirer (ARCHITECTURE §7): derives the DUKPT data key from the standard's published
// test BDK and the reader's KSN, decrypts the payload, reads the PAN and decides by the test-card
// rules. The decrypted data exists for one decision and is dropped at once: never logged, never
// stored, never in an error. It keeps an in-memory ledger by idempotency key, as a real acquirer
// does, so a repeated key returns the first outcome and status/reverse/capture/refund work.
//
// A real processor adapter holds no keys: it passes `encrypted` to the processor untouched.
import { createHash, randomBytes } from 'node:crypto';
import type { DeclineReason } from '../../contract/payments';
import { TEST_BDK } from '../../lib/dukpt';
import {
  AcquirerUnreachable,
  type Acquirer,
  type AcquirerAuthRequest,
  type AcquirerAuthResult,
  type AcquirerRefundResult,
  type AcquirerStatus,
} from './acquirer';
import { decryptPan, luhnValid } from './card-data';
import { testRuleForPan, type TestAcquirerRule } from './test-cards';

export interface TestAcquirerOptions {
  /** Hex BDK; default the ANSI X9.24-1 test BDK. */
  bdk?: string;
  /** Added before every answer (ms); default 0. */
  latencyMs?: number;
  /** How long a "timeout" card's authorization hangs before it resolves (ms); default 10 min. */
  hangMs?: number;
  merchantId?: string;
  /**
   * Soft-decline approvable cards above this amount with `pin_required`, as an issuer does above
   * the contactless CVM limit (the reader has no PIN pad: the cashier takes another tender).
   */
  pinRequiredAbove?: number;
}

type LedgerEntry =
  | { state: 'hung' }
  | { state: 'approved'; authCode: string; acquirerRef: string; amount: number; currency: string }
  | { state: 'declined'; reason: DeclineReason }
  | { state: 'reversed' }
  | { state: 'captured'; acquirerRef: string; amount: number; refunded: number; currency: string };

const DECLINES: Record<Exclude<TestAcquirerRule, 'approve' | 'timeout'>, DeclineReason> = {
  decline: 'do_not_honour',
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired',
};

export class TestAcquirer implements Acquirer {
  readonly name = 'test';
  readonly merchantId: string;
  /** false: every call fails as if the network to the acquirer were down. */
  reachable = true;
  latencyMs: number;
  /** Calls by kind, for tests: how many authorizations the acquirer really saw. */
  readonly calls = { authorize: 0, status: 0, reverse: 0, capture: 0, refund: 0 };
  private readonly bdk: string;
  private readonly hangMs: number;
  private readonly pinRequiredAbove: number | undefined;
  private readonly ledger = new Map<string, LedgerEntry>();
  private readonly refunds = new Map<string, AcquirerRefundResult>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(opts: TestAcquirerOptions = {}) {
    this.bdk = opts.bdk ?? TEST_BDK;
    this.latencyMs = opts.latencyMs ?? 0;
    this.hangMs = opts.hangMs ?? 10 * 60 * 1000;
    this.merchantId = opts.merchantId ?? 'TESTMERCHANT001';
    this.pinRequiredAbove = opts.pinRequiredAbove;
  }

  terminalRef(terminalId: string): string {
    // A stable 8-character reference, as acquirers number terminals.
    return `T${createHash('sha256').update(terminalId).digest('hex').slice(0, 7).toUpperCase()}`;
  }

  private async enter(): Promise<void> {
    if (!this.reachable) throw new AcquirerUnreachable();
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    if (!this.reachable) throw new AcquirerUnreachable();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      this.timers.add(t);
    });
  }

  async authorize(req: AcquirerAuthRequest): Promise<AcquirerAuthResult> {
    await this.enter();
    this.calls.authorize++;
    const known = this.ledger.get(req.key);
    if (known) return this.answerFor(known);

    // DANGER: `pan` is a full PAN. It stays in this function and is dropped when it returns.
    const pan = decryptPan(this.bdk, req.encrypted);
    let entry: LedgerEntry;
    if (pan === undefined || !/^[0-9A-F]{16}$/i.test(req.card.cryptogram))
      entry = { state: 'declined', reason: 'unreadable' };
    else if (!luhnValid(pan)) entry = { state: 'declined', reason: 'invalid_card' };
    else {
      const rule = testRuleForPan(pan);
      if (rule === 'timeout') entry = { state: 'hung' };
      else if (
        rule === 'approve' &&
        !req.deferred &&
        this.pinRequiredAbove !== undefined &&
        req.amount > this.pinRequiredAbove
      )
        entry = { state: 'declined', reason: 'pin_required' };
      else if (rule === 'approve') {
        entry = {
          state: 'approved',
          authCode: randomBytes(3).toString('hex').toUpperCase(),
          acquirerRef: `TA${randomBytes(8).toString('hex').toUpperCase()}`,
          amount: req.amount,
          currency: req.currency,
        };
      } else entry = { state: 'declined', reason: DECLINES[rule] };
    }
    this.ledger.set(req.key, entry);
    return this.answerFor(entry);
  }

  private async answerFor(entry: LedgerEntry): Promise<AcquirerAuthResult> {
    switch (entry.state) {
      case 'hung':
        // Never answers within any sensible deadline.
        await this.sleep(this.hangMs);
        return { outcome: 'declined', reason: 'do_not_honour' };
      case 'approved':
        return { outcome: 'approved', authCode: entry.authCode, acquirerRef: entry.acquirerRef };
      case 'captured':
        return { outcome: 'approved', authCode: '', acquirerRef: entry.acquirerRef };
      case 'declined':
        return { outcome: 'declined', reason: entry.reason };
      case 'reversed':
        return { outcome: 'declined', reason: 'do_not_honour' };
    }
  }

  async status(key: string): Promise<AcquirerStatus> {
    await this.enter();
    this.calls.status++;
    const entry = this.ledger.get(key);
    if (!entry) return { state: 'not_found' };
    switch (entry.state) {
      case 'hung':
        await this.sleep(this.hangMs);
        return { state: 'not_found' };
      case 'approved':
        return { state: 'approved', authCode: entry.authCode, acquirerRef: entry.acquirerRef };
      case 'declined':
        return { state: 'declined', reason: entry.reason };
      case 'reversed':
        return { state: 'reversed' };
      case 'captured':
        return { state: 'captured', acquirerRef: entry.acquirerRef };
    }
  }

  async reverse(key: string): Promise<{ state: 'reversed' | 'not_found' | 'captured' }> {
    await this.enter();
    this.calls.reverse++;
    const entry = this.ledger.get(key);
    if (entry?.state === 'captured') return { state: 'captured' };
    // A reversal of a key never seen is remembered, so a late authorization with it is refused.
    this.ledger.set(key, { state: 'reversed' });
    return { state: entry ? 'reversed' : 'not_found' };
  }

  async capture(
    batchId: string,
    items: { key: string; amount: number }[],
  ): Promise<{ batchRef: string; captured: string[] }> {
    await this.enter();
    this.calls.capture++;
    const captured: string[] = [];
    for (const item of items) {
      const entry = this.ledger.get(item.key);
      if (entry?.state === 'approved' && item.amount <= entry.amount) {
        this.ledger.set(item.key, {
          state: 'captured',
          acquirerRef: entry.acquirerRef,
          amount: item.amount,
          refunded: 0,
          currency: entry.currency,
        });
        captured.push(item.key);
      } else if (entry?.state === 'captured') captured.push(item.key);
    }
    return { batchRef: `TB-${batchId}`, captured };
  }

  async refund(req: {
    key: string;
    originalKey: string;
    originalRef: string;
    amount: number;
    currency: string;
  }): Promise<AcquirerRefundResult> {
    await this.enter();
    this.calls.refund++;
    const done = this.refunds.get(req.key);
    if (done) return done;
    const entry = this.ledger.get(req.originalKey);
    let result: AcquirerRefundResult;
    if (entry?.state === 'captured' && entry.acquirerRef === req.originalRef) {
      if (entry.refunded + req.amount > entry.amount)
        result = { outcome: 'declined', reason: 'do_not_honour' };
      else {
        entry.refunded += req.amount;
        result = {
          outcome: 'approved',
          acquirerRef: `TR${randomBytes(8).toString('hex').toUpperCase()}`,
        };
      }
    } else if (entry?.state === 'approved' && entry.acquirerRef === req.originalRef) {
      // Refund before capture: the acquirer reduces the authorization.
      if (req.amount > entry.amount) result = { outcome: 'declined', reason: 'do_not_honour' };
      else {
        entry.amount -= req.amount;
        result = {
          outcome: 'approved',
          acquirerRef: `TR${randomBytes(8).toString('hex').toUpperCase()}`,
        };
      }
    } else result = { outcome: 'declined', reason: 'do_not_honour' };
    this.refunds.set(req.key, result);
    return result;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
