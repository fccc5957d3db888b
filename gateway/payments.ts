// Card payments at the gateway (ARCHITECTURE §5, §7): authorization by the terminal's idempotency
// key, status, reversal, refunds, and stand-in while the acquirer is unreachable.
//
// Never twice: the payment row is inserted (status `pending`) BEFORE the acquirer is asked, keyed by
// the idempotency key and unique on the ARQC, so of concurrent or repeated requests exactly one
// reaches the acquirer; the others wait for and return its outcome. Every acquirer call carries
// the same key, so asking again after a timeout can never authorize twice either.
//
// Card data: the encrypted payload is used for the acquirer call and dropped (its buffer zeroed).
// The one exception is a stand-in approval, whose payload is needed to forward it: it is kept IN
// MEMORY only, until forwarded; after a restart the terminal's resend of the same authorization
// supplies it again (docs/payments.md). Nothing of it is ever written to the database or a log.
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { RiskPolicy } from '../contract/gateway';
import type {
  AuthorizeReply,
  AuthorizeRequest,
  DeclineReason,
  PaymentStatus,
  PaymentStatusReply,
  RefundReply,
  RefundRequest,
  ReverseReply,
  StandInPolicy,
  StandInReport,
} from '../contract/payments';
import { canonicalJson } from '../lib/canonical-json';
import { businessDate, isoUtc } from '../lib/clock';
import {
  AcquirerTimeout,
  AcquirerUnreachable,
  withDeadline,
  type Acquirer,
  type AcquirerAuthRequest,
} from './acquirer/acquirer';
import { payloadBytes } from './acquirer/card-data';
import { TestAcquirer } from './acquirer/test-acquirer';
import type { GatewayContext } from './context';
import { HttpError } from './errors';
import {
  checkPaymentSender,
  checkRefundCurrency,
  checkRefundLinesTotal,
  refundConflict,
  refundExceeds,
} from './payment-checks';
import type { PaymentRecord } from './store';
import { waitWhilePending } from './wait-pending';

export interface PaymentOptions {
  /** Default: the test acquirer with the standard's test BDK. */
  acquirer?: Acquirer;
  /** How long the gateway waits for the acquirer before answering `unknown` (ms); default 10 s. */
  acquirerTimeoutMs?: number;
  /** Consecutive acquirer timeouts after which it counts as down (stand-in without asking). */
  downAfterTimeouts?: number;
  /** While down, the acquirer is tried again after this long (ms); default 30 s. */
  probeAfterMs?: number;
  /** Run the daily capture batch on a timer at the cut-off (default true). */
  captureScheduler?: boolean;
}

/** Used while the policy reference data has no `standIn` (minor units of the venue currency). */
export const DEFAULT_STAND_IN: StandInPolicy = {
  enabled: true,
  exposureCap: 500_000,
  perTransactionLimit: 30_000,
  countPerCard: 2,
};

/** How many stand-in payloads the gateway keeps in memory for forwarding, at most. */
const MAX_HELD_PAYLOADS = 10_000;

/** What one acquirer authorization needs beyond the stored row: the payload and the ARQC. */
type Encrypted = AuthorizeRequest['encrypted'] & { cryptogram: string };

function secretOf(req: AuthorizeRequest): Encrypted {
  return { ...req.encrypted, cryptogram: req.card.cryptogram.toUpperCase() };
}

/** The acquirer's request for a stored payment row and its (held or just received) card data. */
function authRequest(
  a: Acquirer,
  p: PaymentRecord,
  encrypted: Encrypted,
  payload: Buffer,
  deferred: boolean,
): AcquirerAuthRequest {
  return {
    key: p.key,
    amount: p.amount,
    currency: p.currency,
    merchantId: a.merchantId,
    terminalRef: a.terminalRef(p.terminalId),
    card: {
      maskedPan: p.maskedPan ?? '',
      brand: (p.brand ?? 'unknown') as AuthorizeRequest['card']['brand'],
      aid: p.aid ?? '',
      entryMode: (p.entryMode ?? 'contactless_emv') as AuthorizeRequest['card']['entryMode'],
      atc: p.atc ?? '',
      cryptogram: encrypted.cryptogram,
    },
    encrypted: {
      ksn: encrypted.ksn,
      payload,
      ...(encrypted.padding !== undefined ? { padding: encrypted.padding } : {}),
    },
    deferred,
  };
}

export interface ForwardResult {
  forwarded: number;
  approved: number;
  refused: number;
  left: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The request's content for the idempotency check: everything but the encrypted payload. */
export function requestHash(req: AuthorizeRequest): string {
  const { encrypted: _encrypted, ...content } = req;
  return sha256(canonicalJson(content));
}

/** A repeated ARQC (same card key, ATC and cryptogram) is the same payment (ARCHITECTURE §5). */
export function arqcHash(req: AuthorizeRequest): string {
  return sha256(
    `${req.cardKey}\n${req.card.atc.toUpperCase()}\n${req.card.cryptogram.toUpperCase()}`,
  );
}

export class PaymentService {
  readonly acquirer: Acquirer;
  readonly timeoutMs: number;
  private readonly downAfter: number;
  private readonly probeAfterMs: number;
  private timeouts = 0;
  private downUntil = 0;
  private forwarding: Promise<ForwardResult> | undefined;
  /** Stand-in payloads awaiting forwarding: memory only (see the file comment). */
  private readonly held = new Map<string, Encrypted>();
  /** Refunds whose original is a wallet payment go there (wallet/wallet-service.ts). */
  wallets?: { refund(signer: string, req: RefundRequest): Promise<RefundReply | undefined> };

  constructor(
    private readonly ctx: GatewayContext,
    opts: PaymentOptions = {},
    private readonly log?: FastifyBaseLogger,
  ) {
    this.acquirer = opts.acquirer ?? new TestAcquirer();
    this.timeoutMs = opts.acquirerTimeoutMs ?? 10_000;
    this.downAfter = opts.downAfterTimeouts ?? 3;
    this.probeAfterMs = opts.probeAfterMs ?? 30_000;
  }

  private now(): string {
    return isoUtc(this.ctx.clock.now());
  }

  async standInPolicy(): Promise<StandInPolicy> {
    const parsed = RiskPolicy.safeParse(await this.ctx.reference('policy'));
    return (parsed.success ? parsed.data.standIn : undefined) ?? DEFAULT_STAND_IN;
  }

  private async blockedCardKeys(): Promise<Set<string>> {
    const body = (await this.ctx.reference('blocked-cards')) as { cardKeys?: unknown } | undefined;
    const keys = Array.isArray(body?.cardKeys) ? body.cardKeys : [];
    return new Set(keys.filter((k): k is string => typeof k === 'string'));
  }

  acquirerDown(): boolean {
    return this.ctx.clock.now() < this.downUntil;
  }

  private answered(): void {
    const wasDown = this.downUntil > 0;
    this.timeouts = 0;
    this.downUntil = 0;
    // The acquirer is back: forward what was stood in meanwhile.
    if (wasDown) this.kickForwarding();
  }

  private failed(e: unknown): void {
    if (e instanceof AcquirerUnreachable || ++this.timeouts >= this.downAfter)
      this.downUntil = this.ctx.clock.now() + this.probeAfterMs;
  }

  acquirerCall<T>(fn: (a: Acquirer) => Promise<T>, ms = this.timeoutMs): Promise<T> {
    return withDeadline(() => fn(this.acquirer), ms).then(
      (v) => {
        this.answered();
        return v;
      },
      (e: unknown) => {
        if (e instanceof AcquirerUnreachable || e instanceof AcquirerTimeout) this.failed(e);
        throw e;
      },
    );
  }

  reply(p: PaymentRecord): AuthorizeReply {
    return {
      key: p.key,
      status: p.status,
      amount: p.amount,
      currency: p.currency,
      ...(p.authCode ? { authCode: p.authCode } : {}),
      ...(p.acquirerRef ? { acquirerRef: p.acquirerRef } : {}),
      ...(p.declineReason ? { declineReason: p.declineReason } : {}),
      standIn: p.standIn,
      merchantId: this.acquirer.merchantId,
      terminalRef: this.acquirer.terminalRef(p.terminalId),
    };
  }

  statusReply(p: PaymentRecord): PaymentStatusReply {
    return {
      ...this.reply(p),
      saleId: p.saleId,
      terminalId: p.terminalId,
      maskedPan: p.maskedPan,
      brand: p.brand,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      capturedAt: p.capturedAt,
      reversedAt: p.reversedAt,
      refundedAmount: p.refundedAmount,
      offlineStoredAt: p.offlineStoredAt,
      forwardedAt: p.forwardedAt,
    };
  }

  // ---------- authorize ----------

  async authorize(signer: string, req: AuthorizeRequest): Promise<AuthorizeReply> {
    const venue = await checkPaymentSender(this.ctx, signer, req, 'payment');
    const nowMs = this.ctx.clock.now();
    const at = isoUtc(nowMs);
    const hash = requestHash(req);
    const arqc = arqcHash(req);
    const offlineMs = req.offline ? Date.parse(req.offline.storedAt) : undefined;
    const record: PaymentRecord = {
      key: req.idempotencyKey,
      terminalId: req.terminalId,
      saleId: req.saleId,
      amount: req.amount,
      currency: req.currency,
      status: 'pending',
      requestHash: hash,
      arqcHash: arqc,
      maskedPan: req.card.maskedPan,
      brand: req.card.brand,
      aid: req.card.aid.toUpperCase(),
      label: req.card.label ?? null,
      entryMode: req.card.entryMode,
      cardKey: req.cardKey,
      atc: req.card.atc.toUpperCase(),
      authCode: null,
      acquirerRef: null,
      declineReason: null,
      standIn: false,
      forwardedAt: null,
      offlineStoredAt: req.offline ? isoUtc(offlineMs ?? nowMs) : null,
      businessDate: businessDate(offlineMs ?? nowMs, venue.timeZone, venue.dayChange),
      createdAt: at,
      updatedAt: at,
      capturedAt: null,
      captureDate: null,
      reversedAt: null,
      refundedAmount: 0,
    };

    if (await this.ctx.store.insertPayment(record)) {
      return this.reply(await this.decide(record, secretOf(req)));
    }

    const existing = await this.ctx.store.getPayment(req.idempotencyKey);
    if (!existing) {
      // Not the key: the ARQC. The same tap sent again under a new key is the same payment.
      const original = await this.ctx.store.getPaymentByArqc(arqc);
      if (!original)
        throw new HttpError(503, 'payment.retry', 'the payment changed meanwhile; send it again');
      return this.reply(await this.settled(original));
    }
    if (existing.requestHash === null) {
      throw new HttpError(
        409,
        'payment.reversed',
        `payment ${existing.key} was reversed before it was authorized; a reversed key is never authorized`,
      );
    }
    if (existing.requestHash !== hash || existing.terminalId !== signer) {
      throw new HttpError(
        409,
        'payment.conflict',
        `payment ${existing.key} exists with other content; a new payment needs a new key`,
      );
    }
    const settled = await this.settled(existing);
    if (settled.status === 'unknown')
      return this.reply(await this.resolveUnknown(settled, secretOf(req)));
    if (settled.status === 'stand_in_approved' && !this.held.has(settled.key))
      this.hold(settled.key, secretOf(req));
    return this.reply(settled);
  }

  /** Asks the acquirer and records its answer; the payment is ours (status pending). */
  private async decide(p: PaymentRecord, encrypted: Encrypted): Promise<PaymentRecord> {
    const deferred = p.offlineStoredAt !== null;
    if (!deferred && this.acquirerDown()) return this.standIn(p, encrypted);
    const payload = payloadBytes(encrypted.payload);
    try {
      const result = await this.acquirerCall((a) =>
        a.authorize(authRequest(a, p, encrypted, payload, deferred)),
      );
      if (result.outcome === 'approved') {
        return this.finish(p, {
          status: 'approved',
          authCode: result.authCode,
          acquirerRef: result.acquirerRef,
        });
      }
      return this.finish(p, {
        status: deferred ? 'refused' : 'declined',
        declineReason: result.reason,
        ...(result.acquirerRef ? { acquirerRef: result.acquirerRef } : {}),
      });
    } catch (e) {
      if (e instanceof AcquirerUnreachable && !deferred) return this.standIn(p, encrypted);
      if (!(e instanceof AcquirerUnreachable || e instanceof AcquirerTimeout))
        this.log?.error(
          { key: p.key, err: e instanceof Error ? e.name : 'error' },
          'acquirer call failed',
        );
      // The acquirer may have acted: only a status query by this key (then a reversal) settles it.
      return this.finish(p, { status: 'unknown' });
    } finally {
      payload.fill(0);
    }
  }

  private async finish(
    p: PaymentRecord,
    patch: {
      status: PaymentStatus;
      authCode?: string;
      acquirerRef?: string;
      declineReason?: DeclineReason;
    },
    from: readonly PaymentStatus[] = ['pending'],
  ): Promise<PaymentRecord> {
    const updatedAt = this.now();
    await this.ctx.store.updatePayment(p.key, { ...patch, updatedAt }, from);
    return (await this.ctx.store.getPayment(p.key)) ?? p;
  }

  private async standIn(p: PaymentRecord, encrypted: Encrypted): Promise<PaymentRecord> {
    const policy = await this.standInPolicy();
    if (!policy.enabled)
      return this.finish(p, { status: 'failed', declineReason: 'acquirer_unavailable' });
    if (p.cardKey !== null && (await this.blockedCardKeys()).has(p.cardKey)) {
      await this.ctx.store.updatePayment(
        p.key,
        { status: 'declined', declineReason: 'blocked', standIn: true, updatedAt: this.now() },
        ['pending'],
      );
      return (await this.ctx.store.getPayment(p.key)) ?? p;
    }
    const decision = await this.ctx.store.standIn(p.key, policy, this.now());
    const after = (await this.ctx.store.getPayment(p.key)) ?? p;
    if (decision === 'approved') this.hold(p.key, encrypted);
    this.log?.info({ key: p.key, decision }, 'stand-in decision');
    return after;
  }

  private hold(key: string, encrypted: Encrypted): void {
    if (this.held.size >= MAX_HELD_PAYLOADS) return;
    this.held.set(key, { ...encrypted });
  }

  /** Waits while another request is authorizing this payment (bounded by the acquirer deadline). */
  private async settled(p: PaymentRecord): Promise<PaymentRecord> {
    const current = await waitWhilePending(
      p,
      (key) => this.ctx.store.getPayment(key),
      this.timeoutMs,
    );
    if (current.status === 'pending' && this.stale(current)) {
      // Its gateway died mid-authorization: the outcome is unknown.
      return this.finish(current, { status: 'unknown' });
    }
    return current;
  }

  private stale(p: PaymentRecord): boolean {
    return this.ctx.clock.now() - Date.parse(p.updatedAt) > this.timeoutMs * 2 + 5_000;
  }

  /**
   * Settles an `unknown` payment by asking the acquirer by key. When the acquirer never received it
   * and the caller has the payload again (a resend of the same authorization), it is sent again,
   * with the same key.
   */
  private async resolveUnknown(p: PaymentRecord, encrypted?: Encrypted): Promise<PaymentRecord> {
    let status;
    try {
      status = await this.acquirerCall((a) => a.status(p.key));
    } catch {
      return p;
    }
    const deferred = p.offlineStoredAt !== null;
    switch (status.state) {
      case 'approved':
        return this.finish(
          p,
          { status: 'approved', authCode: status.authCode, acquirerRef: status.acquirerRef },
          ['unknown'],
        );
      case 'captured':
        return this.finish(p, { status: 'approved', acquirerRef: status.acquirerRef }, ['unknown']);
      case 'declined':
        return this.finish(
          p,
          { status: deferred ? 'refused' : 'declined', declineReason: status.reason },
          ['unknown'],
        );
      case 'reversed': {
        await this.ctx.store.updatePayment(
          p.key,
          { status: 'reversed', reversedAt: this.now(), updatedAt: this.now() },
          ['unknown'],
        );
        return (await this.ctx.store.getPayment(p.key)) ?? p;
      }
      case 'not_found': {
        if (!encrypted) return p;
        // Claim it again, so concurrent resends still reach the acquirer once.
        if (
          !(await this.ctx.store.updatePayment(
            p.key,
            { status: 'pending', updatedAt: this.now() },
            ['unknown'],
          ))
        )
          return this.settled((await this.ctx.store.getPayment(p.key)) ?? p);
        return this.decide({ ...p, status: 'pending' }, encrypted);
      }
    }
  }

  // ---------- status ----------

  async status(signer: string, key: string): Promise<PaymentStatusReply> {
    let p = await this.ctx.store.getPayment(key);
    if (!p || p.terminalId !== signer || p.requestHash === null) {
      // A tombstone is reported as unknown too: nothing was ever authorized with that key.
      throw new HttpError(
        404,
        'payment.unknown',
        `the gateway holds no payment ${key} of this terminal: it was never authorized`,
      );
    }
    if (p.status === 'pending' && this.stale(p)) p = await this.finish(p, { status: 'unknown' });
    if (p.status === 'unknown') p = await this.resolveUnknown(p);
    return this.statusReply(p);
  }

  // ---------- reverse ----------

  async reverse(signer: string, key: string): Promise<ReverseReply> {
    let p = await this.ctx.store.getPayment(key);
    if (!p) {
      const venue = await this.ctx.venue();
      const nowMs = this.ctx.clock.now();
      const at = isoUtc(nowMs);
      // A tombstone: a late authorization with this key is refused (409 payment.reversed).
      const tombstone: PaymentRecord = {
        key,
        terminalId: signer,
        saleId: '-',
        amount: 0,
        currency: venue.currency,
        status: 'reversed',
        requestHash: null,
        arqcHash: null,
        maskedPan: null,
        brand: null,
        aid: null,
        label: null,
        entryMode: null,
        cardKey: null,
        atc: null,
        authCode: null,
        acquirerRef: null,
        declineReason: null,
        standIn: false,
        forwardedAt: null,
        offlineStoredAt: null,
        businessDate: businessDate(nowMs, venue.timeZone, venue.dayChange),
        createdAt: at,
        updatedAt: at,
        capturedAt: null,
        captureDate: null,
        reversedAt: at,
        refundedAmount: 0,
      };
      if (await this.ctx.store.insertPayment(tombstone))
        return { key, status: 'reversed', tombstone: true };
      p = await this.ctx.store.getPayment(key);
      if (!p)
        throw new HttpError(503, 'payment.retry', 'the payment changed meanwhile; send it again');
    }
    if (p.terminalId !== signer)
      throw new HttpError(
        404,
        'payment.unknown',
        `the gateway holds no payment ${key} of this terminal`,
      );
    const tombstone = p.requestHash === null;
    switch (p.status) {
      case 'reversed':
      case 'declined':
      case 'failed':
      case 'refused':
        return { key, status: p.status, tombstone };
      case 'pending':
        throw new HttpError(
          409,
          'payment.in_progress',
          `payment ${key} is being authorized right now; reverse it again in a moment`,
          { headers: { 'retry-after': '1' } },
        );
      case 'approved':
      case 'stand_in_approved':
      case 'unknown':
        // Something may be held at the acquirer (or in stand-in): release it below.
        break;
    }
    if (p.capturedAt !== null) {
      throw new HttpError(409, 'payment.captured', `payment ${key} is captured; refund it instead`);
    }
    const at = this.now();
    if (p.status === 'stand_in_approved') {
      // Never forwarded: the acquirer knows nothing of it; releasing it releases the exposure.
      if (
        await this.ctx.store.updatePayment(
          key,
          { status: 'reversed', reversedAt: at, updatedAt: at },
          ['stand_in_approved'],
        )
      ) {
        this.held.delete(key);
        return { key, status: 'reversed', tombstone: false };
      }
      return this.reverse(signer, key);
    }
    let answer;
    try {
      answer = await this.acquirerCall((a) => a.reverse(key));
    } catch {
      throw new HttpError(
        503,
        'acquirer.unavailable',
        `the acquirer did not confirm the reversal of ${key}; send it again`,
        { headers: { 'retry-after': '5' } },
      );
    }
    if (answer.state === 'captured')
      throw new HttpError(409, 'payment.captured', `payment ${key} is captured; refund it instead`);
    await this.ctx.store.updatePayment(key, { status: 'reversed', reversedAt: at, updatedAt: at }, [
      'approved',
      'unknown',
    ]);
    const after = await this.ctx.store.getPayment(key);
    return { key, status: after?.status ?? 'reversed', tombstone: false };
  }

  // ---------- refunds ----------

  async refund(signer: string, req: RefundRequest): Promise<RefundReply> {
    const original = await this.ctx.store.getPayment(req.originalKey);
    if (!original) {
      const wallet = await this.wallets?.refund(signer, req);
      if (wallet) return wallet;
    }
    if (!original || original.requestHash === null) {
      throw new HttpError(
        404,
        'payment.unknown',
        `the gateway holds no payment ${req.originalKey}`,
      );
    }
    checkRefundCurrency(req, original, 'payment');
    if (original.status === 'stand_in_approved') {
      throw new HttpError(
        409,
        'refund.not_forwarded',
        `payment ${original.key} was approved in stand-in and not yet forwarded: reverse it instead`,
      );
    }
    if (original.status !== 'approved' || original.acquirerRef === null) {
      throw new HttpError(
        409,
        'refund.not_refundable',
        `payment ${original.key} is ${original.status}: only an approved card payment can be refunded`,
      );
    }
    let lineLimits: Map<string, number> | undefined;
    if (req.lines) {
      checkRefundLinesTotal(req);
      // Quantities are checked when the gateway holds the sale (its sale.completed was synced).
      lineLimits = await this.ctx.store.saleLineQuantities(original.saleId);
      const unknown = lineLimits && req.lines.find((l) => !lineLimits?.has(l.lineId));
      if (unknown) {
        throw new HttpError(
          400,
          'refund.unknown_line',
          `sale ${original.saleId} has no line ${unknown.lineId}`,
        );
      }
    }
    const at = this.now();
    const hash = sha256(canonicalJson({ ...req, currency: original.currency }));
    const reservation = await this.ctx.store.reserveRefund(
      {
        key: req.idempotencyKey,
        originalKey: original.key,
        terminalId: signer,
        amount: req.amount,
        currency: original.currency,
        status: 'pending',
        requestHash: hash,
        lines: req.lines ? canonicalJson(req.lines) : null,
        acquirerRef: null,
        declineReason: null,
        createdAt: at,
        updatedAt: at,
      },
      lineLimits,
    );
    switch (reservation.kind) {
      case 'no_payment':
        throw new HttpError(
          404,
          'payment.unknown',
          `the gateway holds no payment ${req.originalKey}`,
        );
      case 'exceeds':
        throw refundExceeds(req, reservation.remaining, original.key);
      case 'lines_exceed':
        throw new HttpError(
          409,
          'refund.exceeds',
          `line ${reservation.lineId} of sale ${original.saleId} would be refunded beyond what was sold: ${reservation.left} left`,
        );
      case 'exists':
        if (reservation.refund.requestHash !== hash) throw refundConflict(req);
        break;
      case 'reserved':
        break;
    }
    let refund = reservation.refund;
    if (refund.status === 'pending') {
      try {
        const result = await this.acquirerCall((a) =>
          a.refund({
            key: refund.key,
            originalKey: original.key,
            originalRef: original.acquirerRef ?? '',
            amount: refund.amount,
            currency: refund.currency,
          }),
        );
        await this.ctx.store.settleRefund(
          refund.key,
          result.outcome === 'approved'
            ? { status: 'approved', acquirerRef: result.acquirerRef }
            : { status: 'declined', reason: result.reason },
          this.now(),
        );
        refund = (await this.ctx.store.getRefund(refund.key)) ?? refund;
      } catch (e) {
        if (!(e instanceof AcquirerUnreachable || e instanceof AcquirerTimeout)) throw e;
        // Stays pending with its amount reserved; the same request again asks the acquirer again.
      }
    }
    const after = await this.ctx.store.getPayment(original.key);
    return {
      key: refund.key,
      originalKey: original.key,
      status: refund.status,
      amount: refund.amount,
      currency: refund.currency,
      ...(refund.acquirerRef ? { acquirerRef: refund.acquirerRef } : {}),
      remaining: after ? after.amount - after.refundedAmount : 0,
    };
  }

  // ---------- stand-in forwarding and report ----------

  private kickForwarding(): void {
    this.forwardStandIns().catch(() => undefined);
  }

  /** One forwarding round at a time in this process; a caller during a round waits for it. */
  forwardStandIns(): Promise<ForwardResult> {
    if (!this.forwarding) {
      this.forwarding = this.forwardRound().finally(() => {
        this.forwarding = undefined;
      });
    }
    return this.forwarding;
  }

  /**
   * Sends stand-in approvals to the acquirer, same key, as deferred authorizations. Approved →
   * `approved`; declined → `refused` (a venue loss). Without a held payload (the gateway restarted)
   * a payment waits for the terminal's resend of the same authorization.
   */
  private async forwardRound(): Promise<ForwardResult> {
    const out = { forwarded: 0, approved: 0, refused: 0, left: 0 };
    const due = await this.ctx.store.standInsToForward(1000);
    for (const p of due) {
      const encrypted = this.held.get(p.key);
      if (!encrypted) {
        out.left++;
        continue;
      }
      const payload = payloadBytes(encrypted.payload);
      try {
        const result = await this.acquirerCall((a) =>
          a.authorize(authRequest(a, p, encrypted, payload, true)),
        );
        const at = this.now();
        const patch =
          result.outcome === 'approved'
            ? {
                status: 'approved' as const,
                authCode: result.authCode,
                acquirerRef: result.acquirerRef,
              }
            : { status: 'refused' as const, declineReason: result.reason };
        const moved = await this.ctx.store.updatePayment(
          p.key,
          { ...patch, forwardedAt: at, updatedAt: at },
          ['stand_in_approved'],
        );
        this.held.delete(p.key);
        if (!moved) {
          // Someone else moved it meanwhile: another gateway forwarded it (nothing to do), or the
          // terminal voided it, which the acquirer must hear too.
          const now = await this.ctx.store.getPayment(p.key);
          if (now?.status === 'reversed' && result.outcome === 'approved')
            await this.acquirerCall((a) => a.reverse(p.key)).catch(() => undefined);
          continue;
        }
        out.forwarded++;
        if (result.outcome === 'approved') out.approved++;
        else out.refused++;
      } catch {
        out.left++;
        // The acquirer is gone again: the rest waits for the next round.
        break;
      } finally {
        payload.fill(0);
      }
    }
    out.left = (await this.ctx.store.standInsToForward(1000)).length;
    return out;
  }

  async standInReport(): Promise<StandInReport> {
    const policy = await this.standInPolicy();
    const venue = await this.ctx.venue();
    const totals = await this.ctx.store.standInTotals();
    return {
      currency: venue.currency,
      policy,
      acquirerDown: this.acquirerDown(),
      outstanding: totals.outstanding,
      headroom: policy.exposureCap - totals.outstanding.amount,
      byCard: totals.byCard,
      forwarded: totals.forwarded,
      refused: totals.refused,
      declined: totals.declined,
    };
  }

  close(): void {
    this.held.clear();
    this.acquirer.close?.();
  }
}
