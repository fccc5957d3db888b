// Wallet payment codes on the terminal (ARCHITECTURE §5, docs/wallets.md). The cashier scans the
// payment code on the customer's phone; the gateway charges it with the wallet provider.
//
// Never twice: the attempt is committed (`created`, then `authorizing`) before the request leaves,
// under an idempotency key made before the first attempt; every later question about it (status,
// cancel) uses the same key. No answer is `unknown`: ask the gateway, and when it cannot say,
// cancel (a durable outbox item, retried until acknowledged), which also reverses a charge that
// did go through. A crash is the same as no answer: start-up asks about every open attempt.
//
// Online only: a payment code cannot be stored and forwarded (it expires within a minute or two
// and is a bearer token), so offline the service refuses at once and the cashier takes a card
// (offline rules apply) or cash.
//
// THE CODE: held in this process for the one authorize call and dropped. Rows, journal, logs and
// events carry `maskWalletCode` only; the keyed hash refuses a code scanned twice.
import { createHmac, randomBytes } from 'node:crypto';
import { PosError, type SaleDto, type WalletPaymentDto, type WalletReason } from '../../contract/api';
import { recognizeWalletCode, WalletDeclineReason, type WalletPaymentReply } from '../../contract/wallet';
import { appendJournal } from '../../db/journal';
import type { Db } from '../../db/open';
import { getSetting, setSetting } from '../../db/settings';
import { prep } from '../../db/statements';
import {
  WALLET_OPEN,
  ackWalletCancel,
  enqueueWalletCancel,
  getWalletPayment,
  insertWalletPayment,
  pendingWalletCancels,
  walletCancelFailed,
  walletCodeSeen,
  walletPaymentsInStates,
  walletPaymentsOfSale,
  walletsNeedingResolution,
  walletTransition,
  type WalletCancelReason,
  type WalletPaymentRow,
} from '../../db/wallet-payments';
import { isoUtc, type Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { logger } from '../../lib/log';
import { assertPayable } from '../sale-service';
import type { WalletGateway } from './wallet-gateway';

const log = logger('wallet');

/** Settings key of this terminal's secret for payment code hashes. */
export const WALLET_CODE_SECRET_SETTING = 'wallet_code_secret';

export interface WalletConfig {
  /** How often a payment waiting for the customer is asked about (ms). */
  pollMs: number;
  /** Background pass: unknown payments and owed cancellations (ms). */
  backgroundMs: number;
  /** Status questions about an `unknown` payment before it is cancelled. */
  unknownQueries: number;
  /** Status questions answered `pending` (the provider still has it) before it is cancelled. */
  pendingQueries: number;
  /** Waited past the gateway's `confirmBy` before the terminal cancels on its own (ms). */
  confirmGraceMs: number;
  /** The wait for the customer when the gateway gives no deadline (ms). */
  defaultConfirmMs: number;
}

export const defaultWalletConfig: WalletConfig = {
  pollMs: 1000,
  backgroundMs: 3000,
  unknownQueries: 3,
  pendingQueries: 30,
  confirmGraceMs: 5000,
  defaultConfirmMs: 90_000,
};

export interface WalletServiceDeps {
  db: Db;
  clock: Clock;
  terminalId: string;
  /** Undefined: no gateway (standalone): every wallet payment is refused. */
  gateway?: WalletGateway;
  /** False while the till is offline (forced, or the sync worker cannot reach the gateway). */
  online: () => boolean;
  /** Throws unless someone may take payment now (signed in, shift open). */
  guard?: () => void;
  /** The open sale as the sale service shows it. */
  openSale: () => SaleDto;
  /** True while a card payment is in progress (one payment at a time). */
  cardInProgress: () => boolean;
  onUpdated: (payment: WalletPaymentDto) => void;
  config?: Partial<WalletConfig>;
  /** Timers (tests compress time); default the global ones. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface WalletService {
  start(code: string, amount?: number): WalletPaymentDto;
  cancel(): Promise<WalletPaymentDto>;
  listRecovered(): WalletPaymentDto[];
  resolveRecovered(paymentId: string, action: 'complete' | 'void'): Promise<WalletPaymentDto>;
  /** Approved wallet payments that pay the sale (not waiting for the cashier). */
  paying(saleId: string): WalletPaymentDto[];
  /** The wallet payment in progress (not final), if any. */
  active(): WalletPaymentDto | undefined;
  /** Refunds: the approved wallet payment with this id. */
  get(paymentId: string): WalletPaymentDto | undefined;
  /** Start-up recovery, then the background loop. */
  startBackground(): Promise<void>;
  /** One background pass now (tests). */
  tick(): Promise<void>;
  /** Resolves when nothing is in flight (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const DECLINE_REASONS = new Set<string>(WalletDeclineReason.options);
/** States in which the payment is in progress for the UI (blocks completion and other payments). */
const IN_PROGRESS = WALLET_OPEN;

export function toWalletDto(row: WalletPaymentRow): WalletPaymentDto {
  return {
    paymentId: row.paymentId,
    kind: 'wallet',
    saleId: row.saleId,
    state: row.state,
    amount: row.amount,
    currency: row.currency,
    provider: row.provider,
    maskedCode: row.maskedCode,
    providerRef: row.providerRef,
    reason: row.reason,
    confirmBy: row.confirmBy,
    needsResolution: row.needsResolution,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function createWalletService(deps: WalletServiceDeps): WalletService {
  const cfg: WalletConfig = { ...defaultWalletConfig, ...deps.config };
  const { db, clock } = deps;
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
  const now = (): string => isoUtc(clock.now());
  const inFlight = new Set<Promise<unknown>>();
  /** Payments whose flow runs in this process right now (the background pass leaves them be). */
  const driving = new Set<string>();
  /** Payments started by this process: an approval pays the open sale directly. */
  const live = new Set<string>();
  let stopped = false;
  let timer: unknown;
  let ticking: Promise<void> | null = null;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      setTimer(resolve, ms);
    });

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  function codeSecret(): Buffer {
    let secret = getSetting<string>(db, WALLET_CODE_SECRET_SETTING);
    if (!secret) {
      secret = randomBytes(32).toString('base64');
      setSetting(db, WALLET_CODE_SECRET_SETTING, secret);
    }
    return Buffer.from(secret, 'base64');
  }

  const codeHash = (code: string): string => createHmac('sha256', codeSecret()).update(code, 'utf8').digest('hex');

  function emit(row: WalletPaymentRow | undefined): void {
    if (!row || stopped) return;
    try {
      deps.onUpdated(toWalletDto(row));
    } catch (err) {
      log.error({ err }, 'wallet listener failed');
    }
  }

  /** One committed transition with its journal entry (mask only), then the UI is told. */
  function move(
    paymentId: string,
    from: readonly WalletPaymentRow['state'][],
    to: WalletPaymentRow['state'],
    patch: Parameters<typeof walletTransition>[5] = {},
    /** Written in the same transaction as the transition (whether or not the row moved). */
    alsoCommit?: (at: string) => void,
  ): WalletPaymentRow | undefined {
    // Closing: the database may be gone; the next start-up asks the gateway instead.
    if (stopped) return undefined;
    const at = now();
    const row = db.transaction(() => {
      alsoCommit?.(at);
      const moved = walletTransition(db, paymentId, from, to, at, patch);
      if (moved) {
        appendJournal(db, at, `wallet.${to}`, {
          paymentId,
          saleId: moved.saleId,
          amount: moved.amount,
          currency: moved.currency,
          provider: moved.provider,
          maskedCode: moved.maskedCode,
          reason: moved.reason,
          providerRef: moved.providerRef,
        });
      }
      return moved;
    })();
    emit(row);
    return row;
  }

  function saleIsOpen(saleId: string): boolean {
    const r = prep(db, 'SELECT status FROM sales WHERE sale_id = ?').get(saleId) as { status: string } | undefined;
    return r?.status === 'open';
  }

  const reasonOf = (r: WalletPaymentReply['declineReason'], fallback: WalletReason): WalletReason =>
    r && DECLINE_REASONS.has(r) ? r : fallback;

  /**
   * Applies a gateway reply to the row. Returns true when the payment reached a final state (or
   * a cancellation now owns it), false when it still waits (awaiting the customer, pending).
   */
  function apply(row: WalletPaymentRow, reply: WalletPaymentReply): boolean {
    const from = ['authorizing', 'awaiting_customer', 'unknown'] as const;
    switch (reply.status) {
      case 'approved': {
        // Recovered (not started by this process) with its sale still open: the cashier decides.
        const orphan = !live.has(row.paymentId) && saleIsOpen(row.saleId);
        move(row.paymentId, from, 'approved', {
          providerRef: reply.providerRef,
          confirmBy: null,
          ...(orphan ? { needsResolution: true } : {}),
        });
        return true;
      }
      case 'declined':
        move(row.paymentId, from, 'declined', { reason: reasonOf(reply.declineReason, 'do_not_honour'), confirmBy: null });
        return true;
      case 'failed':
        move(row.paymentId, from, 'failed', { reason: reasonOf(reply.declineReason, 'provider_unavailable'), confirmBy: null });
        return true;
      case 'cancelled':
        move(row.paymentId, from, 'cancelled', { reason: row.reason ?? 'customer_timeout', confirmBy: null });
        return true;
      case 'reversed':
        move(row.paymentId, [...from, 'cancelling'], 'reversed', { confirmBy: null });
        return true;
      case 'awaiting_customer':
        if (row.state !== 'awaiting_customer' || row.confirmBy !== reply.confirmBy) {
          const confirmBy = reply.confirmBy ?? isoUtc(clock.now() + cfg.defaultConfirmMs);
          move(row.paymentId, ['authorizing', 'unknown', 'awaiting_customer'], 'awaiting_customer', { confirmBy });
        }
        return false;
      case 'pending':
      case 'unknown':
        return false;
    }
  }

  /** Owes the gateway a cancellation (durably), then tries it now. */
  async function cancelPayment(paymentId: string, reason: WalletCancelReason, why: WalletReason): Promise<void> {
    const at = now();
    const row = db.transaction(() => {
      const moved = walletTransition(db, paymentId, IN_PROGRESS.filter((s) => s !== 'cancelling').concat(['approved']), 'cancelling', at, {
        reason: why,
      });
      if (moved) {
        enqueueWalletCancel(db, paymentId, reason, at);
        appendJournal(db, at, 'wallet.cancelling', { paymentId, saleId: moved.saleId, maskedCode: moved.maskedCode, reason: why });
      }
      return moved;
    })();
    emit(row);
    await runCancel(paymentId);
  }

  /** Sends one owed cancellation; acknowledged → the payment is final. */
  async function runCancel(paymentId: string): Promise<void> {
    const row = getWalletPayment(db, paymentId);
    if (!row || !deps.gateway) return;
    const reason = pendingWalletCancels(db).find((c) => c.paymentId === paymentId)?.reason ?? 'recovery';
    const out = await deps.gateway.cancel(paymentId, { reason });
    if (out.kind !== 'ok') {
      walletCancelFailed(db, paymentId, out.kind === 'refused' ? `${out.code}: ${out.message}` : out.kind);
      return;
    }
    const status = out.value.status;
    if (status === 'approved' || status === 'pending' || status === 'awaiting_customer' || status === 'unknown') {
      // MONEY: the gateway answered without cancelling (still charged, or not settled yet). Never
      // mark it cancelled: the cancellation stays owed and the background pass sends it again.
      walletCancelFailed(db, paymentId, `the gateway still says ${status}`);
      return;
    }
    // The acknowledgement and the final state commit together: acked while still `cancelling`
    // (a crash in between), the payment would stay in progress forever and never be asked again.
    const ack = (at: string): void => ackWalletCancel(db, paymentId, at);
    // Final: a voided recovered payment no longer waits for the cashier.
    const done = { needsResolution: false };
    const final = status === 'reversed' || status === 'declined' || status === 'failed' ? status : 'cancelled';
    move(paymentId, ['cancelling'], final, done, ack);
  }

  /** Waits for the customer to confirm (polling the gateway) until final or past the deadline. */
  async function follow(paymentId: string): Promise<void> {
    let unknownLeft = cfg.unknownQueries;
    // `pending`: the gateway is still waiting for the provider (its own deadline is ~10 s).
    let pendingLeft = cfg.pendingQueries;
    while (!stopped) {
      const row = getWalletPayment(db, paymentId);
      if (!row || !['awaiting_customer', 'unknown', 'authorizing'].includes(row.state)) return;
      if (row.state === 'awaiting_customer' && row.confirmBy && clock.now() > Date.parse(row.confirmBy) + cfg.confirmGraceMs) {
        await cancelPayment(paymentId, 'timeout', 'customer_timeout');
        return;
      }
      await sleep(cfg.pollMs);
      if (stopped) return;
      const current = getWalletPayment(db, paymentId);
      if (!current || !['awaiting_customer', 'unknown', 'authorizing'].includes(current.state)) return;
      const out = await deps.gateway!.status(paymentId);
      if (out.kind === 'ok') {
        if (apply(current, out.value)) return;
        if ((out.value.status === 'unknown' && --unknownLeft <= 0) || (out.value.status === 'pending' && --pendingLeft <= 0)) {
          await cancelPayment(paymentId, 'timeout', 'no_answer');
          return;
        }
        continue;
      }
      // Not found: the gateway never took it (a request lost before it arrived): cancel leaves
      // a tombstone so a late copy of the request is refused.
      if (out.kind === 'not_found' || out.kind === 'refused' || (current.state !== 'awaiting_customer' && --unknownLeft <= 0)) {
        await cancelPayment(paymentId, 'timeout', 'no_answer');
        return;
      }
    }
  }

  async function authorize(row: WalletPaymentRow, code: string): Promise<void> {
    driving.add(row.paymentId);
    try {
      const out = await deps.gateway!.authorize({
        idempotencyKey: row.paymentId,
        terminalId: deps.terminalId,
        saleId: row.saleId,
        amount: row.amount,
        currency: row.currency,
        provider: row.provider,
        code,
      });
      if (stopped) return;
      const current = getWalletPayment(db, row.paymentId);
      // The cashier cancelled meanwhile: the cancellation decides what happened.
      if (!current || current.state !== 'authorizing') return;
      if (out.kind === 'ok') {
        if (apply(current, out.value)) return;
        if (out.value.status === 'unknown') move(row.paymentId, ['authorizing'], 'unknown');
        await follow(row.paymentId);
        return;
      }
      if (out.kind === 'unreachable') {
        // Certainly never sent: nothing to cancel, nothing charged.
        move(row.paymentId, ['authorizing'], 'failed', { reason: 'gateway_error' });
        return;
      }
      if (out.kind === 'refused') {
        log.warn({ paymentId: row.paymentId, code: out.code, status: out.status }, 'gateway refused the wallet payment');
        move(row.paymentId, ['authorizing'], 'failed', { reason: 'gateway_error' });
        return;
      }
      // Sent, no answer: ask, and cancel when nobody can say.
      move(row.paymentId, ['authorizing'], 'unknown');
      await follow(row.paymentId);
    } finally {
      driving.delete(row.paymentId);
    }
  }

  function activeRow(): WalletPaymentRow | undefined {
    return walletPaymentsInStates(db, IN_PROGRESS).find((r) => !r.needsResolution);
  }

  function start(text: string, amount?: number): WalletPaymentDto {
    deps.guard?.();
    const recognized = recognizeWalletCode(text);
    if (!recognized) throw new PosError('wallet.code_invalid', 'not a wallet payment code (wrong length or prefix)');
    if (activeRow()) throw new PosError('payment.wallet_in_progress', 'a wallet payment is in progress: wait for it or cancel it');
    if (deps.cardInProgress()) throw new PosError('payment.card_in_progress', 'a card payment is in progress: finish or cancel it first');
    const sale = deps.openSale();
    if (sale.lines.length === 0) throw new PosError('sale.empty', 'the sale has no items');
    assertPayable(sale);
    if (sale.remaining <= 0) throw new PosError('payment.nothing_due', 'the sale is already paid');
    const want = amount ?? sale.remaining;
    if (want > sale.remaining) throw new PosError('payment.amount_too_large', `${want} is more than the ${sale.remaining} left to pay`);
    if (!deps.gateway || !deps.online()) {
      throw new PosError('wallet.offline', 'wallet payments need the gateway, and this till is offline: take a card or cash');
    }
    const hash = codeHash(recognized.code);
    if (walletCodeSeen(db, hash)) throw new PosError('wallet.code_used', 'this payment code was scanned before: the customer refreshes it');
    const paymentId = newId();
    const at = now();
    // The amount and the attempt are committed before the code leaves this process.
    const created = db.transaction(() => {
      const r = insertWalletPayment(db, {
        paymentId,
        saleId: sale.saleId,
        amount: want,
        currency: sale.currency,
        provider: recognized.provider,
        maskedCode: recognized.masked,
        codeHash: hash,
        at,
      });
      appendJournal(db, at, 'wallet.created', {
        paymentId,
        saleId: sale.saleId,
        amount: want,
        currency: sale.currency,
        provider: recognized.provider,
        maskedCode: recognized.masked,
      });
      return r;
    })();
    live.add(paymentId);
    emit(created);
    const row = move(paymentId, ['created'], 'authorizing')!;
    void track(authorize(row, recognized.code)).catch((err: unknown) => log.error({ err, paymentId }, 'wallet payment flow failed'));
    return toWalletDto(row);
  }

  async function cancel(): Promise<WalletPaymentDto> {
    const row = activeRow();
    if (!row || row.state === 'cancelling' || row.state === 'created') {
      throw new PosError('payment.not_cancellable', 'no wallet payment waiting to be cancelled');
    }
    await track(cancelPayment(row.paymentId, 'cashier', 'cancelled_by_cashier'));
    return toWalletDto(getWalletPayment(db, row.paymentId)!);
  }

  async function resolveRecovered(paymentId: string, action: 'complete' | 'void'): Promise<WalletPaymentDto> {
    const row = getWalletPayment(db, paymentId);
    if (!row || row.state !== 'approved' || !row.needsResolution || !saleIsOpen(row.saleId)) {
      throw new PosError('payment.not_found', `no recovered wallet payment ${paymentId} on an open sale`);
    }
    if (action === 'complete') {
      const at = now();
      const next = db.transaction(() => {
        const r = walletTransition(db, paymentId, ['approved'], 'approved', at, { needsResolution: false });
        appendJournal(db, at, 'wallet.kept', { paymentId, saleId: row.saleId, maskedCode: row.maskedCode });
        return r;
      })();
      emit(next);
      return toWalletDto(next!);
    }
    await track(cancelPayment(paymentId, 'void', 'voided'));
    return toWalletDto(getWalletPayment(db, paymentId)!);
  }

  // ---------- background and recovery ----------

  async function pass(): Promise<void> {
    if (!deps.gateway) return;
    for (const c of pendingWalletCancels(db)) {
      if (stopped) return;
      await runCancel(c.paymentId);
    }
    for (const row of walletPaymentsInStates(db, ['created', 'authorizing', 'awaiting_customer', 'unknown'])) {
      if (stopped || driving.has(row.paymentId)) continue;
      if (row.state === 'created') {
        // Committed, never sent (the request goes out only after `authorizing` is committed).
        move(row.paymentId, ['created'], 'failed', { reason: 'gateway_error' });
        continue;
      }
      driving.add(row.paymentId);
      try {
        const out = await deps.gateway.status(row.paymentId);
        if (out.kind === 'ok') {
          if (!apply(row, out.value)) {
            const again = getWalletPayment(db, row.paymentId);
            if (again?.state === 'awaiting_customer') {
              await follow(row.paymentId);
            } else if (out.value.status === 'unknown' || out.value.status === 'pending') {
              await cancelPayment(row.paymentId, 'recovery', 'no_answer');
            }
          }
        } else if (out.kind === 'not_found' || out.kind === 'refused') {
          await cancelPayment(row.paymentId, 'recovery', 'no_answer');
        }
        // unreachable / no answer: asked again on the next pass.
      } finally {
        driving.delete(row.paymentId);
      }
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimer(() => {
      void tick().finally(schedule);
    }, cfg.backgroundMs);
  }

  function tick(): Promise<void> {
    ticking ??= pass()
      .catch((err: unknown) => log.error({ err }, 'wallet background pass failed'))
      .finally(() => {
        ticking = null;
      });
    return ticking;
  }

  return {
    start,
    cancel,
    resolveRecovered,
    listRecovered: () => walletsNeedingResolution(db).map(toWalletDto),
    paying: (saleId) =>
      walletPaymentsOfSale(db, saleId)
        .filter((r) => r.state === 'approved' && !r.needsResolution)
        .map(toWalletDto),
    active: () => {
      const r = activeRow();
      return r ? toWalletDto(r) : undefined;
    },
    get: (paymentId) => {
      const r = getWalletPayment(db, paymentId);
      return r ? toWalletDto(r) : undefined;
    },
    async startBackground() {
      // Approved while its sale never completed (a crash in between): "approved, not completed"
      // (§5), for the cashier to complete or void, like card payments; not silently kept.
      const open = prep(db, "SELECT sale_id FROM sales WHERE status = 'open'").all() as { sale_id: string }[];
      for (const row of open.flatMap((s) => walletPaymentsOfSale(db, s.sale_id))) {
        if (row.state !== 'approved' || row.needsResolution || live.has(row.paymentId)) continue;
        emit(walletTransition(db, row.paymentId, ['approved'], 'approved', now(), { needsResolution: true }));
      }
      await tick();
      schedule();
    },
    tick,
    async idle() {
      while (inFlight.size > 0 || ticking) {
        await Promise.allSettled([...inFlight, ...(ticking ? [ticking] : [])]);
      }
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimer(timer);
      await Promise.allSettled([...inFlight, ...(ticking ? [ticking] : [])]);
    },
  };
}
