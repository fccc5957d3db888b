// Card payments on the terminal (ARCHITECTURE §5): the state machine, offline acceptance, the
// forwarder, reversals and start-up recovery.
//
// DURABILITY: every transition is a committed row update BEFORE the next external step (reader
// start, gateway call), so after a crash at any instant the row says what may have happened and
// recovery knows what to ask. The idempotency key (the payment id, a ULID) is created in the
// 'created' commit and is the only key ever sent for this attempt: never a blind retry with a new one.
//
// CARD DATA: the reader's encrypted payload and KSN go to card_payloads only and are deleted once
// the gateway has a final answer; logs carry payment ids, states and reasons, nothing of the card.
import { assertPayable } from '../sale-service';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  PosError,
  type CardPaymentDto,
  type CardPaymentState,
  type CardReason,
  type ReaderStatusDto,
  type SaleDto,
} from '../../contract/api';
import type { RiskPolicy } from '../../contract/gateway';
import {
  DeclineReason,
  type AuthorizeReply,
  type AuthorizeRequest,
  type PaymentStatus,
} from '../../contract/payments';
import type { VenueConfig } from '../../contract/venue';
import { businessDate, isoUtc, type Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { logger } from '../../lib/log';
import {
  ackReversal,
  attachCardRead,
  cardPaymentsInStates,
  cardPaymentsOfSale,
  checkpointAfterDelete,
  deletePayload,
  enqueueReversal,
  findByArqcHash,
  getCardPayment,
  getPayload,
  insertCardPayment,
  leftoverPayloads,
  needingResolution,
  patchCardPayment,
  PAYING_STATES,
  pendingReversals,
  reversalFailed,
  storedTotals,
  transition,
  type CardPaymentRow,
  type CardRead,
  type Payload,
  type ReversalReason,
} from '../../db/card-payments';
import { appendJournal } from '../../db/journal';
import type { Db } from '../../db/open';
import { appendOutbox } from '../../db/outbox';
import { getSetting, setSetting } from '../../db/settings';
import { hex } from '../../drivers/reader/tlv';
import type { ArqcData, ReaderEvent } from '../../drivers/reader/types';
import { TEST_CARDS } from '../../drivers/sim/test-cards';
import type { ReaderDevice } from '../reader-device';
import { BLOCKED_CARDS_SETTING, RISK_POLICY_SETTING } from '../sync-worker';
import {
  currencyNumeric,
  DEFAULT_RISK_POLICY,
  offlineWarning,
  refuseBeforeTap,
  refuseOffline,
  type OfflineContext,
} from './offline-policy';
import type { PaymentGateway } from './payment-gateway';
import { prep } from '../../db/statements';

const log = logger('card');

/** Settings key of the venue key for card keys of cards without a PAR. */
export const CARD_KEY_SECRET_SETTING = 'card_key_secret';

export interface CardConfig {
  /** Seconds the reader waits for a tap. */
  readerTimeoutSeconds: number;
  /** Background pass: unknown payments, reversals, forwarding, payload cleanup. */
  pollMs: number;
  /** After the gateway was unreachable, payments go offline without trying it for this long. */
  downProbeMs: number;
}

export const defaultCardConfig: CardConfig = {
  readerTimeoutSeconds: 60,
  pollMs: 3000,
  downProbeMs: 15_000,
};

export interface CardServiceDeps {
  db: Db;
  clock: Clock;
  terminalId: string;
  venue: () => VenueConfig;
  device?: ReaderDevice;
  /** Undefined: no gateway (standalone), every card payment is an offline one. */
  gateway?: PaymentGateway;
  forcedOffline: () => boolean;
  /** The sync worker's view (ISO time), null when online or unknown. */
  offlineSince: () => string | null;
  /** The open sale as the sale service shows it (created if missing). */
  /** Throws unless someone may take payment now (signed in, shift open). */
  guard?: () => void;
  openSale: () => SaleDto;
  /** True while a wallet payment is in progress (one payment at a time). */
  walletInProgress?: () => boolean;
  onUpdated: (payment: CardPaymentDto) => void;
  onReaderStatus: (status: ReaderStatusDto) => void;
  config?: Partial<CardConfig>;
}

export interface CardService {
  startCard(amount?: number): CardPaymentDto;
  cancelCard(): Promise<CardPaymentDto>;
  getCard(): CardPaymentDto | null;
  resolveRecovered(paymentId: string, action: 'complete' | 'void'): Promise<CardPaymentDto>;
  listRecovered(): CardPaymentDto[];
  selectTestCard(name: string): ReaderStatusDto;
  readerStatus(): ReaderStatusDto;
  /** Card payments of a sale that pay it (approved or stored, not waiting for the cashier). */
  paying(saleId: string): CardPaymentRow[];
  /** The payment in progress (created, reading, authorizing), if any. */
  active(): CardPaymentRow | undefined;
  toDto(row: CardPaymentRow): CardPaymentDto;
  /** Start-up: reader connection, recovery, then the background loop. */
  start(): Promise<void>;
  /** One background pass now (tests). */
  tick(): Promise<void>;
  /** Resolves when nothing is in flight and no payload deletion still waits for its checkpoint (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const ACTIVE: CardPaymentState[] = ['created', 'reading', 'authorizing'];
const DECLINE_REASONS = new Set<string>(DeclineReason.options);

export function createCardService(deps: CardServiceDeps): CardService {
  const cfg: CardConfig = { ...defaultCardConfig, ...deps.config };
  const { db, clock } = deps;
  const reader = deps.device?.reader;
  const now = (): string => isoUtc(clock.now());
  // Zero freed pages, so a deleted payload's bytes are gone from the file, not just unlinked.
  db.pragma('secure_delete = ON');

  /** Payments started by this process (not recovered): their approval pays the open sale directly. */
  const live = new Set<string>();
  const cancelRequested = new Set<string>();
  let gatewayDownSince: number | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | null = null;
  const inFlight = new Set<Promise<unknown>>();
  let readerDetail: string | null = null;

  // ---------- helpers ----------

  const policy = (): RiskPolicy =>
    getSetting<RiskPolicy>(db, RISK_POLICY_SETTING) ?? DEFAULT_RISK_POLICY;
  const blocked = (): string[] =>
    getSetting<{ cardKeys: string[] }>(db, BLOCKED_CARDS_SETTING)?.cardKeys ?? [];

  function cardKeySecret(): Buffer {
    let secret = getSetting<string>(db, CARD_KEY_SECRET_SETTING);
    if (!secret) {
      secret = randomBytes(32).toString('base64');
      setSetting(db, CARD_KEY_SECRET_SETTING, secret);
    }
    return Buffer.from(secret, 'base64');
  }

  /** PAR when given; else a venue-keyed HMAC of what the reader exposes (weaker: docs/card-payments.md). */
  function cardKeyOf(a: ArqcData): string {
    if (a.par) return a.par;
    const mac = createHmac('sha256', cardKeySecret())
      .update(`${a.maskedPan}|${a.expiryYymm ?? ''}|${a.brand}`)
      .digest('hex');
    return `hmac:${mac}`;
  }

  function offlineHours(): number {
    const candidates: number[] = [];
    const since = deps.offlineSince();
    if (since) candidates.push(Date.parse(since));
    if (gatewayDownSince !== null) candidates.push(gatewayDownSince);
    const oldest = prep(
      db,
      "SELECT MIN(stored_at) AS at FROM card_payments WHERE state IN ('stored', 'forwarding')",
    ).get() as { at: string | null };
    if (oldest.at) candidates.push(Date.parse(oldest.at));
    if (candidates.length === 0) return 0;
    return Math.max(0, (clock.now() - Math.min(...candidates)) / 3_600_000);
  }

  function offlineContext(amount: number, cardKey: string | null): OfflineContext {
    const t = storedTotals(db, cardKey);
    return {
      amount,
      storedAmount: t.amount,
      storedForCard: t.forCard,
      offlineHours: offlineHours(),
    };
  }

  function online(): boolean {
    if (!deps.gateway || deps.forcedOffline()) return false;
    if (gatewayDownSince !== null && clock.now() - gatewayDownSince < cfg.downProbeMs) return false;
    return true;
  }

  function toDto(row: CardPaymentRow): CardPaymentDto {
    const offlineLong =
      row.offline &&
      (row.state === 'stored' || row.state === 'forwarding') &&
      offlineWarning(policy(), offlineHours());
    return {
      paymentId: row.paymentId,
      kind: 'card',
      saleId: row.saleId,
      state: row.state,
      amount: row.amount,
      currency: row.currency,
      offline: row.offline,
      card:
        row.last4 && row.brand && row.entryMode
          ? {
              brand: row.brand as NonNullable<CardPaymentDto['card']>['brand'],
              last4: row.last4,
              entryMode: row.entryMode as NonNullable<CardPaymentDto['card']>['entryMode'],
              aid: row.aid,
              label: row.label,
            }
          : null,
      authCode: row.authCode,
      merchantId: row.merchantId,
      terminalRef: row.terminalRef,
      reason: row.reason,
      warning: offlineLong ? 'offline_long' : null,
      needsResolution: row.needsResolution,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  function emit(row: CardPaymentRow | undefined): void {
    if (!row || stopped) return;
    try {
      deps.onUpdated(toDto(row));
    } catch (err) {
      log.error({ err }, 'payment listener failed');
    }
  }

  function move(
    row: CardPaymentRow,
    from: readonly CardPaymentState[],
    to: CardPaymentState,
    patch: Parameters<typeof transition>[5] = {},
  ): CardPaymentRow | undefined {
    const next = transition(db, row.paymentId, from, to, now(), patch);
    if (next)
      log.info(
        { paymentId: row.paymentId, from: row.state, to, reason: patch.reason },
        'card payment',
      );
    emit(next);
    return next;
  }

  /**
   * The gateway has a final answer: the encrypted payload goes, and the WAL's copy with it. The
   * checkpoint (an fsync of the database file) runs in the next turn, after the outcome reached
   * the cashier: it is the slowest step and nothing waits on it. stop() runs one still pending.
   */
  let checkpointPending = false;
  function dropPayload(paymentId: string): void {
    if (!deletePayload(db, paymentId, now()) || checkpointPending) return;
    checkpointPending = true;
    setImmediate(flushCheckpoint);
  }
  function flushCheckpoint(): void {
    if (!checkpointPending || !db.open) return;
    checkpointPending = false;
    checkpointAfterDelete(db);
  }

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  const active = (): CardPaymentRow | undefined => cardPaymentsInStates(db, ACTIVE).at(-1);

  function saleIsOpen(saleId: string): boolean {
    const r = prep(db, 'SELECT status FROM sales WHERE sale_id = ?').get(saleId) as
      { status: string } | undefined;
    return r?.status === 'open';
  }

  /** Approved outside this process's flow (recovery) while its sale is still open: the cashier decides. */
  function flagIfOrphan(row: CardPaymentRow | undefined): CardPaymentRow | undefined {
    if (!row || live.has(row.paymentId) || !saleIsOpen(row.saleId)) return row;
    if (!PAYING_STATES.includes(row.state) || row.needsResolution) return row;
    const next = patchCardPayment(db, row.paymentId, now(), { needsResolution: true });
    emit(next);
    return next;
  }

  // ---------- starting and cancelling ----------

  function startCard(amount?: number): CardPaymentDto {
    deps.guard?.();
    if (!deps.device || !reader)
      throw new PosError('reader.not_configured', 'no card reader is configured for this terminal');
    if (active())
      throw new PosError(
        'payment.card_in_progress',
        'a card payment is in progress: finish or cancel it first',
      );
    if (deps.walletInProgress?.())
      throw new PosError('payment.wallet_in_progress', 'a wallet payment is in progress: wait for it or cancel it');
    const sale = deps.openSale();
    if (sale.lines.length === 0) throw new PosError('sale.empty', 'the sale has no items');
    assertPayable(sale);
    if (sale.remaining <= 0) throw new PosError('payment.nothing_due', 'the sale is already paid');
    const want = amount ?? sale.remaining;
    if (want > sale.remaining) {
      throw new PosError(
        'payment.amount_too_large',
        `${want} is more than the ${sale.remaining} left to pay`,
      );
    }
    if (!reader.connected)
      throw new PosError(
        'reader.unavailable',
        `the card reader on ${deps.device.address} is not connected`,
      );
    // The amount is final from here on (ARCHITECTURE §5): it is in the 'created' commit.
    const paymentId = newId();
    let row = insertCardPayment(db, {
      paymentId,
      saleId: sale.saleId,
      amount: want,
      currency: sale.currency,
      at: now(),
    });
    live.add(paymentId);
    emit(row);
    if (!online()) {
      // Refuse before the tap what no card could change, so the cashier switches tender at once.
      const reason = refuseBeforeTap(policy(), offlineContext(want, null));
      if (reason)
        return toDto(move(row, ['created'], 'refused_offline', { reason, offline: true }) ?? row);
    }
    row = move(row, ['created'], 'reading') ?? row;
    const started = row;
    void track(
      reader
        .startTransaction({
          amount: want,
          currency: currencyNumeric(sale.currency),
          type: 'purchase',
          timeoutSeconds: cfg.readerTimeoutSeconds,
        })
        .catch((err: unknown) => {
          log.warn({ paymentId, err: (err as Error).message }, 'reader refused Start Transaction');
          move(started, ['reading'], 'failed', { reason: 'reader_error' });
        }),
    );
    return toDto(row);
  }

  async function cancelCard(): Promise<CardPaymentDto> {
    const row = active();
    if (!row) throw new PosError('payment.not_cancellable', 'no card payment is in progress');
    if (row.state === 'authorizing') {
      // The gateway has it: if it comes back approved it is reversed at once.
      cancelRequested.add(row.paymentId);
      return toDto(row);
    }
    const next = move(row, ['created', 'reading'], 'cancelled', { reason: 'cancelled_by_cashier' });
    if (!next) return toDto(getCardPayment(db, row.paymentId) ?? row);
    if (reader?.connected) {
      await reader.cancelTransaction().catch((err: unknown) => {
        log.warn(
          { err: (err as Error).message },
          'Cancel Transaction refused (the reader may have finished already)',
        );
      });
    }
    return toDto(next);
  }

  // ---------- the reader's events ----------

  function onReaderEvent(ev: ReaderEvent): void {
    switch (ev.type) {
      case 'card_detected': {
        const row = active();
        if (row?.state === 'reading') emit(row);
        return;
      }
      case 'arqc':
        track(onArqc(ev.data)).catch((err: unknown) =>
          log.error({ err: (err as Error).message }, 'ARQC handling failed'),
        );
        return;
      case 'operation_complete': {
        const row = active();
        if (row?.state !== 'reading') return;
        const reason: CardReason | null =
          ev.outcome === 'cancelled'
            ? 'cancelled_by_cashier'
            : ev.outcome === 'timed_out'
              ? 'reader_timeout'
              : ev.outcome === 'card_removed'
                ? 'card_removed'
                : 'reader_error';
        move(row, ['reading'], ev.outcome === 'cancelled' ? 'cancelled' : 'failed', { reason });
        return;
      }
      case 'connected':
        readerDetail = null;
        deps.onReaderStatus(readerStatus());
        return;
      case 'disconnected':
        readerDetail = `reader went away${ev.reason ? `: ${ev.reason}` : ''}`;
        deps.onReaderStatus(readerStatus());
        return;
      case 'protocol_error':
        log.warn({ code: ev.code }, 'reader protocol error');
        return;
      case 'batch':
      case 'nfc_uid':
      case 'message':
        return;
    }
  }

  async function onArqc(data: ArqcData): Promise<void> {
    // Synchronous up to the first await: the state leaves 'reading' before any later notification.
    const row = active();
    if (row?.state !== 'reading') {
      log.warn('card data with no payment reading: ignored');
      return;
    }
    const cardKey = cardKeyOf(data);
    if (!data.atc || !data.cryptogram) {
      move(row, ['reading'], 'failed', { reason: 'unreadable' });
      return;
    }
    const arqcHash = createHash('sha256')
      .update(`${cardKey}|${data.atc}|${data.cryptogram}`)
      .digest('hex');
    const same = findByArqcHash(db, arqcHash);
    if (same) {
      // A repeated ARQC is the same payment (ARCHITECTURE §5): this attempt adds nothing.
      log.warn(
        { paymentId: row.paymentId, original: same.paymentId },
        'repeated ARQC: same payment',
      );
      move(row, ['reading'], 'cancelled', { reason: 'unreadable' });
      return;
    }
    const card: CardRead = {
      maskedPan: data.maskedPan,
      last4: data.last4,
      brand: data.brand,
      entryMode: data.entryMode,
      aid: data.aid ?? null,
      label: data.applicationLabel ?? null,
      cardKey,
      arqcHash,
    };
    const payload: Payload = {
      ksn: hex(data.encrypted.ksn),
      payload: hex(data.encrypted.data),
      padding: data.encrypted.paddingBytes ?? null,
      atc: data.atc,
      cryptogram: data.cryptogram,
      expiry: data.expiryYymm ?? null,
    };
    if (!online()) {
      decideOffline(row, card, payload);
      return;
    }
    const authorizing = db.transaction(() => {
      attachCardRead(db, row.paymentId, now(), card, payload);
      return transition(db, row.paymentId, ['reading'], 'authorizing', now());
    })();
    if (!authorizing) return;
    emit(authorizing);
    await authorize(authorizing);
  }

  function todayYymm(): string {
    const v = deps.venue();
    const d = businessDate(clock.now(), v.timeZone, v.dayChange);
    return `${d.slice(2, 4)}${d.slice(5, 7)}`;
  }

  /** Offline acceptance, from 'reading' (card data not stored yet) or 'authorizing' (gateway unreachable). */
  function decideOffline(row: CardPaymentRow, card: CardRead, payload: Payload): void {
    const reason = refuseOffline(policy(), offlineContext(row.amount, card.cardKey), {
      cardKey: card.cardKey,
      expiry: payload.expiry,
      todayYymm: todayYymm(),
      blocked: blocked(),
    });
    const at = now();
    const next = db.transaction(() => {
      if (row.state === 'reading') {
        if (reason)
          return transition(db, row.paymentId, ['reading'], 'refused_offline', at, {
            reason,
            offline: true,
          });
        attachCardRead(db, row.paymentId, at, card, payload);
        return transition(db, row.paymentId, ['reading'], 'stored', at, {
          offline: true,
          storedAt: at,
        });
      }
      if (reason)
        return transition(db, row.paymentId, ['authorizing'], 'refused_offline', at, {
          reason,
          offline: true,
        });
      return transition(db, row.paymentId, ['authorizing'], 'stored', at, {
        offline: true,
        storedAt: at,
      });
    })();
    if (!next) return;
    log.info({ paymentId: row.paymentId, to: next.state, reason }, 'card payment offline decision');
    emit(next);
    if (next.state === 'refused_offline') dropPayload(row.paymentId);
  }

  // ---------- the gateway ----------

  function requestOf(
    row: CardPaymentRow,
    payload: Payload,
    offline: boolean,
  ): AuthorizeRequest | undefined {
    if (
      !row.maskedPan ||
      !row.brand ||
      !row.entryMode ||
      !row.cardKey ||
      !payload.atc ||
      !payload.cryptogram
    )
      return undefined;
    return {
      idempotencyKey: row.paymentId,
      terminalId: deps.terminalId,
      saleId: row.saleId,
      amount: row.amount,
      currency: row.currency,
      card: {
        maskedPan: row.maskedPan,
        brand: row.brand as AuthorizeRequest['card']['brand'],
        aid: row.aid ?? 'A0000000000000',
        ...(row.label ? { label: row.label } : {}),
        entryMode: row.entryMode as AuthorizeRequest['card']['entryMode'],
        ...(row.cardKey.startsWith('hmac:') ? {} : { par: row.cardKey }),
        atc: payload.atc,
        cryptogram: payload.cryptogram,
        ...(payload.expiry ? { expiryMonth: payload.expiry } : {}),
      },
      encrypted: {
        ksn: payload.ksn,
        payload: payload.payload,
        ...(payload.padding !== null ? { padding: payload.padding } : {}),
      },
      cardKey: row.cardKey,
      ...(offline && row.storedAt ? { offline: { storedAt: row.storedAt } } : {}),
    };
  }

  function markReachable(): void {
    gatewayDownSince = null;
  }

  function markDown(): void {
    gatewayDownSince ??= clock.now();
  }

  function approvalPatch(reply: AuthorizeReply): Parameters<typeof transition>[5] {
    return {
      authCode: reply.authCode ?? null,
      acquirerRef: reply.acquirerRef ?? null,
      merchantId: reply.merchantId,
      terminalRef: reply.terminalRef,
    };
  }

  async function authorize(row: CardPaymentRow): Promise<void> {
    const payload = row.payloadId ? getPayload(db, row.payloadId) : undefined;
    const req = payload ? requestOf(row, payload, false) : undefined;
    if (!req || !deps.gateway) {
      move(row, ['authorizing'], 'failed', { reason: 'unreadable' });
      dropPayload(row.paymentId);
      return;
    }
    const out = await deps.gateway.authorize(req);
    if (stopped) return;
    const current = getCardPayment(db, row.paymentId);
    if (current?.state !== 'authorizing') return;
    if (out.kind === 'unreachable') {
      // Never reached the gateway: nothing to reverse, so the same key may go offline.
      markDown();
      if (!payload) return;
      decideOffline(current, cardReadOf(current), payload);
      return;
    }
    if (out.kind === 'no_answer') {
      move(current, ['authorizing'], 'unknown', { reason: null });
      await resolveUnknown(row.paymentId);
      return;
    }
    markReachable();
    if (out.kind === 'refused' || out.kind === 'not_found') {
      log.error({ paymentId: row.paymentId, out }, 'gateway refused the authorization');
      move(current, ['authorizing'], 'failed', { reason: 'gateway_error' });
      dropPayload(row.paymentId);
      return;
    }
    await applyStatus(current, ['authorizing'], out.value.status, out.value, out.value.standIn);
  }

  function cardReadOf(row: CardPaymentRow): CardRead {
    return {
      maskedPan: row.maskedPan ?? '',
      last4: row.last4 ?? '',
      brand: row.brand ?? 'unknown',
      entryMode: row.entryMode ?? 'contactless_emv',
      aid: row.aid,
      label: row.label,
      cardKey: row.cardKey ?? '',
      arqcHash: row.arqcHash ?? '',
    };
  }

  function reasonOf(r: string | undefined, fallback: CardReason): CardReason {
    return r && DECLINE_REASONS.has(r) ? (r as CardReason) : fallback;
  }

  /** Applies a gateway status (from authorize or a status query) to a payment in one of `from`. */
  async function applyStatus(
    row: CardPaymentRow,
    from: CardPaymentState[],
    status: PaymentStatus,
    reply: AuthorizeReply,
    standIn: boolean,
    forwardedAt: string | null = null,
  ): Promise<void> {
    switch (status) {
      case 'approved':
      case 'stand_in_approved': {
        const payloadDone = !standIn || forwardedAt !== null || status === 'approved';
        let next = move(row, from, 'approved', {
          ...approvalPatch(reply),
          reason: null,
          ...(payloadDone ? { forwardedAt: forwardedAt ?? now() } : {}),
        });
        if (payloadDone) dropPayload(row.paymentId);
        next = flagIfOrphan(next);
        if (next && cancelRequested.has(row.paymentId)) {
          cancelRequested.delete(row.paymentId);
          await startReversal(next, 'cancelled');
        }
        return;
      }
      case 'declined':
        move(row, from, 'declined', { reason: reasonOf(reply.declineReason, 'do_not_honour') });
        dropPayload(row.paymentId);
        return;
      case 'failed':
        move(row, from, 'failed', {
          reason: reasonOf(reply.declineReason, 'acquirer_unavailable'),
        });
        dropPayload(row.paymentId);
        return;
      case 'refused':
        move(row, from, 'declined', { reason: reasonOf(reply.declineReason, 'do_not_honour') });
        dropPayload(row.paymentId);
        return;
      case 'reversed':
        move(row, from, 'reversed');
        dropPayload(row.paymentId);
        return;
      case 'unknown':
        if (row.state !== 'unknown') move(row, from, 'unknown');
        await resolveUnknown(row.paymentId);
        return;
      case 'pending':
        // Another request is being authorized right now: the background pass asks again.
        if (row.state !== 'unknown') move(row, from, 'unknown');
        return;
    }
  }

  /** `unknown`: ask the gateway by key; still unknown (or never seen) → reverse. */
  async function resolveUnknown(paymentId: string): Promise<void> {
    const row = getCardPayment(db, paymentId);
    if (row?.state !== 'unknown' || !deps.gateway) return;
    const out = await deps.gateway.status(paymentId);
    if (stopped) return;
    const current = getCardPayment(db, paymentId);
    if (current?.state !== 'unknown') return;
    if (out.kind === 'unreachable' || out.kind === 'no_answer') {
      if (out.kind === 'unreachable') markDown();
      return; // asked again by the background pass
    }
    markReachable();
    if (out.kind === 'not_found') {
      await startReversal(current, 'timeout');
      return;
    }
    if (out.kind === 'refused') {
      log.error({ paymentId, code: out.code }, 'status query refused');
      return;
    }
    const s = out.value;
    if (s.status === 'unknown') {
      await startReversal(current, 'timeout');
      return;
    }
    if (s.status === 'pending') return;
    await applyStatus(current, ['unknown'], s.status, s, s.standIn, s.forwardedAt);
  }

  async function startReversal(row: CardPaymentRow, reason: ReversalReason): Promise<void> {
    const next = db.transaction(() => {
      const moved = transition(
        db,
        row.paymentId,
        ['unknown', 'approved', 'authorizing', 'forwarding'],
        'reversing',
        now(),
        {
          needsResolution: false,
          ...(reason === 'void' ? { reason: 'voided' as const } : {}),
        },
      );
      if (moved) enqueueReversal(db, row.paymentId, reason, now());
      return moved;
    })();
    if (!next) return;
    log.info({ paymentId: row.paymentId, reason }, 'card payment reversing');
    emit(next);
    await runReversal(row.paymentId, reason);
  }

  async function runReversal(paymentId: string, reason: ReversalReason): Promise<void> {
    if (!deps.gateway) return;
    const out = await deps.gateway.reverse(paymentId, { reason });
    if (stopped) return;
    if (out.kind === 'ok') {
      markReachable();
      const final: CardPaymentState =
        out.value.status === 'declined' ||
        out.value.status === 'failed' ||
        out.value.status === 'refused'
          ? out.value.status === 'refused'
            ? 'declined'
            : out.value.status
          : 'reversed';
      const row = getCardPayment(db, paymentId);
      db.transaction(() => {
        ackReversal(db, paymentId, now());
        if (row) transition(db, paymentId, ['reversing'], final, now());
      })();
      emit(getCardPayment(db, paymentId));
      dropPayload(paymentId);
      return;
    }
    if (out.kind === 'unreachable') markDown();
    reversalFailed(
      db,
      paymentId,
      out.kind === 'refused'
        ? `${out.code}: ${out.message}`
        : 'message' in out
          ? out.message
          : out.kind,
    );
  }

  // ---------- forwarding stored payments ----------

  async function forward(row: CardPaymentRow): Promise<void> {
    if (!deps.gateway) return;
    const payload = row.payloadId ? getPayload(db, row.payloadId) : undefined;
    const req = payload ? requestOf(row, payload, true) : undefined;
    if (!req) {
      log.error({ paymentId: row.paymentId }, 'stored payment has no card data to forward');
      return;
    }
    const sending = row.state === 'stored' ? move(row, ['stored'], 'forwarding') : row;
    if (!sending) return;
    const out = await deps.gateway.authorize(req);
    if (stopped) return;
    if (out.kind !== 'ok') {
      if (out.kind === 'unreachable') markDown();
      if (out.kind === 'refused')
        log.error({ paymentId: row.paymentId, code: out.code }, 'forwarding refused');
      return; // sent again later, same key
    }
    markReachable();
    const reply = out.value;
    if (reply.status === 'approved' || reply.status === 'stand_in_approved') {
      move(sending, ['forwarding'], 'approved', { ...approvalPatch(reply), forwardedAt: now() });
      dropPayload(row.paymentId);
      return;
    }
    if (reply.status === 'refused' || reply.status === 'declined' || reply.status === 'failed') {
      recordRefusal(sending, reasonOf(reply.declineReason, 'do_not_honour'));
      return;
    }
    // unknown / pending: forwarded again later with the same key.
  }

  /** A forwarded offline payment the acquirer refused: a venue loss on the original sale and shift. */
  function recordRefusal(row: CardPaymentRow, reason: CardReason): void {
    const at = now();
    const next = db.transaction(() => {
      const moved = transition(db, row.paymentId, ['forwarding'], 'refused', at, { reason });
      if (!moved) return undefined;
      const record = {
        terminalId: deps.terminalId,
        paymentId: row.paymentId,
        saleId: row.saleId,
        amount: row.amount,
        currency: row.currency,
        storedAt: row.storedAt,
        refusedAt: at,
        reason,
      };
      appendJournal(db, at, 'payment.refused', record);
      const v = deps.venue();
      appendOutbox(db, {
        terminalId: deps.terminalId,
        type: 'payment.refused',
        at,
        businessDate: businessDate(clock.now(), v.timeZone, v.dayChange),
        data: record,
      });
      return moved;
    })();
    emit(next);
    dropPayload(row.paymentId);
  }

  // ---------- background and recovery ----------

  async function pass(): Promise<void> {
    for (const id of leftoverPayloads(db)) dropPayload(id);
    if (!deps.gateway || deps.forcedOffline()) return;
    for (const r of pendingReversals(db)) {
      if (stopped) return;
      await runReversal(r.paymentId, r.reason);
    }
    for (const row of cardPaymentsInStates(db, ['unknown'])) {
      if (stopped) return;
      await resolveUnknown(row.paymentId);
    }
    for (const row of cardPaymentsInStates(db, ['stored', 'forwarding'])) {
      if (stopped) return;
      // Only a completed sale's stored payments: an open sale's may still be voided (cancelled).
      if (row.needsResolution || saleIsOpen(row.saleId)) continue;
      await forward(row);
    }
    // Stand-in approvals: the payload stays until the gateway has forwarded them to the acquirer.
    const standIns = prep(
      db,
      "SELECT payment_id FROM card_payments WHERE state = 'approved' AND payload_id IS NOT NULL",
    ).all() as { payment_id: string }[];
    for (const { payment_id } of standIns) {
      if (stopped) return;
      const out = await deps.gateway.status(payment_id);
      if (out.kind !== 'ok') continue;
      if (out.value.forwardedAt || out.value.status !== 'stand_in_approved') {
        patchCardPayment(db, payment_id, now(), { forwardedAt: out.value.forwardedAt ?? now() });
        dropPayload(payment_id);
      } else {
        // After a gateway restart the stand-in needs its payload again: resend (same key, same content).
        const row = getCardPayment(db, payment_id);
        const payload = row?.payloadId ? getPayload(db, row.payloadId) : undefined;
        const req = row && payload ? requestOf(row, payload, false) : undefined;
        if (req) await deps.gateway.authorize(req);
      }
    }
  }

  function tick(): Promise<void> {
    ticking ??= pass()
      .catch((err: unknown) =>
        log.error({ err: (err as Error).message }, 'card background pass failed'),
      )
      .finally(() => {
        ticking = null;
      });
    return ticking;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, cfg.pollMs);
    timer.unref?.();
  }

  async function recover(): Promise<void> {
    const stale = cardPaymentsInStates(db, ['created', 'reading']);
    for (const row of stale) {
      // Nothing reached the gateway: the reader may still be waiting for a card; stop it.
      move(row, ['created', 'reading'], 'cancelled', { reason: 'reader_error' });
    }
    if (stale.some((r) => r.state === 'reading') && reader?.connected) {
      await reader.cancelTransaction().catch(() => undefined);
    }
    for (const row of cardPaymentsInStates(db, ['authorizing'])) {
      // The authorization may have reached the gateway: its outcome is unknown until asked.
      move(row, ['authorizing'], 'unknown');
    }
    // Approved or stored while the sale never completed: "approved, not completed" (§5).
    for (const row of cardPaymentsInStates(db, PAYING_STATES)) flagIfOrphan(row);
    await tick();
  }

  // ---------- reader status and the demo's test cards ----------

  function readerStatus(): ReaderStatusDto {
    if (!deps.device || !reader) {
      return {
        state: 'not_configured',
        address: null,
        connected: false,
        simulated: false,
        testCard: null,
        testCards: [],
        detail: null,
      };
    }
    const sim = deps.device.sim;
    return {
      state: reader.connected ? 'ok' : 'error',
      address: deps.device.address,
      connected: reader.connected,
      simulated: sim !== undefined,
      testCard: sim?.nextCard() ?? null,
      testCards: sim ? TEST_CARDS.map((c) => ({ name: c.name, description: c.description })) : [],
      detail: reader.connected ? null : (readerDetail ?? `no reader on ${deps.device.address}`),
    };
  }

  reader?.onEvent(onReaderEvent);

  return {
    startCard,
    cancelCard,
    getCard() {
      const a = active();
      if (a) return toDto(a);
      const sale = deps.openSale();
      const last = cardPaymentsOfSale(db, sale.saleId).at(-1);
      return last ? toDto(last) : null;
    },
    async resolveRecovered(paymentId, action) {
      const row = getCardPayment(db, paymentId);
      if (!row || !saleIsOpen(row.saleId) || !PAYING_STATES.includes(row.state)) {
        throw new PosError(
          'payment.not_found',
          `no approved card payment ${paymentId} on an open sale`,
        );
      }
      if (action === 'complete') {
        const next = patchCardPayment(db, paymentId, now(), { needsResolution: false });
        live.add(paymentId);
        emit(next);
        return toDto(next);
      }
      if (row.state === 'stored') {
        // Never forwarded: an offline payment is cancelled, not reversed (§5).
        const next = move(row, ['stored'], 'cancelled', {
          reason: 'voided',
          needsResolution: false,
        });
        dropPayload(paymentId);
        return toDto(next ?? row);
      }
      if (row.state === 'forwarding')
        throw new PosError('payment.not_cancellable', 'the payment is being forwarded; try again');
      await startReversal(row, 'void');
      return toDto(getCardPayment(db, paymentId) ?? row);
    },
    listRecovered: () => needingResolution(db).map(toDto),
    selectTestCard(name) {
      const sim = deps.device?.sim;
      if (!sim)
        throw new PosError(
          'reader.not_simulated',
          'test cards work with the simulated reader (sim:reader) only',
        );
      try {
        sim.setNextCard(name);
      } catch (err) {
        throw new PosError('reader.unknown_card', (err as Error).message);
      }
      const s = readerStatus();
      deps.onReaderStatus(s);
      return s;
    },
    readerStatus,
    paying: (saleId) =>
      cardPaymentsOfSale(db, saleId).filter(
        (r) => PAYING_STATES.includes(r.state) && !r.needsResolution,
      ),
    active,
    toDto,
    async start() {
      if (reader) {
        await Promise.race([reader.start(), new Promise((r) => setTimeout(r, 2000))]).catch(
          (err: unknown) => {
            readerDetail = (err as Error).message;
          },
        );
        deps.onReaderStatus(readerStatus());
      }
      await recover();
      schedule();
    },
    tick,
    async idle() {
      while (inFlight.size > 0 || ticking) {
        await Promise.allSettled([...inFlight, ticking]);
      }
      flushCheckpoint();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      flushCheckpoint();
      await reader?.stop().catch(() => undefined);
    },
  };
}
