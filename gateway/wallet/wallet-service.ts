// Wallet payments at the gateway (ARCHITECTURE §5, docs/wallets.md): authorize a scanned payment
// code through the wallet provider, idempotent by the terminal's key; status; cancel/reverse;
// refunds of wallet payments (reached through POST /v1/refunds).
//
// Never twice: the row is inserted `pending` BEFORE the provider is asked, keyed by the idempotency
// key and unique on the keyed hash of the code, so of concurrent or repeated requests exactly one
// reaches the provider, and a code seen before (at any terminal) is refused without asking it.
//
// The payment code is a bearer token: it is passed to the provider in the one authorize call and
// otherwise only hashed with the gateway's secret (HMAC-SHA256). Nothing here stores or logs it;
// logs carry the key and the mask.
import { createHash, createHmac } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { RefundReply, RefundRequest } from '../../contract/payments';
import {
  maskWalletCode,
  type WalletAuthorizeRequest,
  type WalletCancelReply,
  type WalletPaymentReply,
  type WalletStatus,
} from '../../contract/wallet';
import { canonicalJson } from '../../lib/canonical-json';
import { businessDate, isoUtc } from '../../lib/clock';
import type { GatewayContext } from '../context';
import { HttpError } from '../errors';
import {
  checkPaymentSender,
  checkRefundCurrency,
  checkRefundLinesTotal,
  refundConflict,
  refundExceeds,
} from '../payment-checks';
import type { WalletPaymentPatch, WalletPaymentRecord, WalletStore } from '../storage/wallet-store';
import { waitWhilePending } from '../wait-pending';
import {
  ProviderTimeout,
  ProviderUnreachable,
  providerDeadline,
  type WalletProvider,
  type WalletQueryResult,
} from './provider';
import { TestWalletProvider } from './test-provider';

export interface WalletOptions {
  /** Default: the built-in test wallet provider (test-provider.ts) on the gateway's clock. */
  provider?: WalletProvider;
  /** How long the gateway waits for the provider before answering `unknown` (ms); default 10 s. */
  timeoutMs?: number;
  /**
   * The secret for keyed hashes of payment codes. Default: a random secret made once and kept in
   * the database (table wallet_secret), so every gateway instance on it agrees.
   */
  codeSecret?: string | Buffer;
}

/** States the gateway still expects to change: asked about again on GET. */
const OPEN: readonly WalletStatus[] = ['pending', 'awaiting_customer', 'unknown'];

export class WalletService {
  readonly provider: WalletProvider;
  readonly timeoutMs: number;
  private readonly store: WalletStore;
  private secret: Buffer | undefined;

  constructor(
    private readonly ctx: GatewayContext,
    opts: WalletOptions = {},
    private readonly log?: FastifyBaseLogger,
  ) {
    this.provider = opts.provider ?? new TestWalletProvider({ clock: ctx.clock });
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.store = ctx.store.wallet;
    if (opts.codeSecret !== undefined) this.secret = Buffer.from(opts.codeSecret);
  }

  private now(): string {
    return isoUtc(this.ctx.clock.now());
  }

  private async keyed(purpose: string, text: string): Promise<string> {
    this.secret ??= await this.store.codeSecret();
    return createHmac('sha256', this.secret).update(`${purpose}\n${text}`, 'utf8').digest('hex');
  }

  private call<T>(fn: (p: WalletProvider) => Promise<T>): Promise<T> {
    return providerDeadline(() => fn(this.provider), this.timeoutMs);
  }

  reply(p: WalletPaymentRecord): WalletPaymentReply {
    return {
      key: p.key,
      status: p.status,
      provider: p.provider ?? 'alipay',
      maskedCode: p.maskedCode ?? '00**0000',
      amount: p.amount,
      currency: p.currency,
      providerRef: p.providerRef,
      declineReason: p.declineReason,
      confirmBy: p.status === 'awaiting_customer' ? p.confirmBy : null,
      merchantId: p.merchantId,
    };
  }

  // ---------- authorize ----------

  async authorize(signer: string, req: WalletAuthorizeRequest): Promise<WalletPaymentReply> {
    const venue = await checkPaymentSender(this.ctx, signer, req, 'wallet');
    const nowMs = this.ctx.clock.now();
    const at = isoUtc(nowMs);
    const requestHash = await this.keyed('request', canonicalJson(req));
    const record: WalletPaymentRecord = {
      key: req.idempotencyKey,
      terminalId: req.terminalId,
      saleId: req.saleId,
      amount: req.amount,
      currency: req.currency,
      provider: req.provider,
      status: 'pending',
      requestHash,
      codeHash: await this.keyed('code', req.code),
      maskedCode: maskWalletCode(req.code),
      providerRef: null,
      declineReason: null,
      confirmBy: null,
      merchantId: this.provider.merchantId,
      businessDate: businessDate(nowMs, venue.timeZone, venue.dayChange),
      createdAt: at,
      updatedAt: at,
      refundedAmount: 0,
    };

    if (await this.store.insertWalletPayment(record))
      return this.reply(await this.decide(record, req));

    const existing = await this.store.getWalletPayment(req.idempotencyKey);
    if (existing) return this.repeat(signer, req, existing, requestHash);

    // Not the key: the code. It paid (or was tried) before, here or at another terminal: refuse it
    // without asking the provider, and keep the refusal so this key answers the same again.
    const refused: WalletPaymentRecord = {
      ...record,
      codeHash: null,
      status: 'declined',
      declineReason: 'code_used',
    };
    if (await this.store.insertWalletPayment(refused)) {
      this.log?.info({ key: refused.key, maskedCode: refused.maskedCode }, 'wallet code reused');
      return this.reply(refused);
    }
    const raced = await this.store.getWalletPayment(req.idempotencyKey);
    if (!raced)
      throw new HttpError(503, 'wallet.retry', 'the payment changed meanwhile; send it again');
    return this.repeat(signer, req, raced, requestHash);
  }

  /** The same key again: the stored outcome (refreshed from the provider while still open). */
  private async repeat(
    signer: string,
    req: WalletAuthorizeRequest,
    existing: WalletPaymentRecord,
    requestHash: string,
  ): Promise<WalletPaymentReply> {
    if (existing.requestHash === null) {
      // A tombstone: the terminal cancelled this key before the request arrived.
      return {
        key: req.idempotencyKey,
        status: 'cancelled',
        provider: req.provider,
        maskedCode: maskWalletCode(req.code),
        amount: req.amount,
        currency: req.currency,
        providerRef: null,
        declineReason: null,
        confirmBy: null,
        merchantId: existing.merchantId,
      };
    }
    if (existing.requestHash !== requestHash || existing.terminalId !== signer) {
      throw new HttpError(
        409,
        'wallet.conflict',
        `wallet payment ${existing.key} exists with other content; a new payment needs a new key`,
      );
    }
    return this.reply(await this.refresh(await this.settled(existing)));
  }

  /** Asks the provider and records its answer; the payment is ours (status pending). */
  private async decide(
    p: WalletPaymentRecord,
    req: WalletAuthorizeRequest,
  ): Promise<WalletPaymentRecord> {
    try {
      const result = await this.call((w) =>
        w.authorize({
          key: p.key,
          amount: p.amount,
          currency: p.currency,
          provider: req.provider,
          code: req.code,
          merchantId: w.merchantId,
        }),
      );
      switch (result.outcome) {
        case 'approved':
          return await this.finish(p, { status: 'approved', providerRef: result.providerRef });
        case 'declined':
          return await this.finish(p, { status: 'declined', declineReason: result.reason });
        case 'awaiting_customer':
          return await this.finish(p, {
            status: 'awaiting_customer',
            confirmBy: isoUtc(result.confirmBy),
          });
      }
    } catch (e) {
      // Certainly not received: the code was not used, so it may pay under a new key.
      if (e instanceof ProviderUnreachable)
        return this.finish(p, {
          status: 'failed',
          declineReason: 'provider_unavailable',
          codeHash: null,
        });
      if (!(e instanceof ProviderTimeout))
        this.log?.error(
          { key: p.key, err: e instanceof Error ? e.name : 'error' },
          'wallet provider call failed',
        );
      // The provider may have charged: only a query by this key (then a cancel) settles it.
      return this.finish(p, { status: 'unknown' });
    }
  }

  private async finish(
    p: WalletPaymentRecord,
    patch: Omit<WalletPaymentPatch, 'updatedAt'>,
    from: readonly WalletStatus[] = ['pending'],
  ): Promise<WalletPaymentRecord> {
    await this.store.updateWalletPayment(p.key, { ...patch, updatedAt: this.now() }, from);
    const after = (await this.store.getWalletPayment(p.key)) ?? p;
    if (after.status !== p.status)
      this.log?.info(
        { key: p.key, maskedCode: p.maskedCode, status: after.status },
        'wallet payment',
      );
    return after;
  }

  /** Waits while another request is with the provider for this payment (bounded by its deadline). */
  private settled(p: WalletPaymentRecord): Promise<WalletPaymentRecord> {
    return waitWhilePending(p, (key) => this.store.getWalletPayment(key), this.timeoutMs);
  }

  private stale(p: WalletPaymentRecord): boolean {
    return this.ctx.clock.now() - Date.parse(p.updatedAt) > this.timeoutMs * 2 + 5_000;
  }

  /** Records what the provider says of an open payment. */
  private apply(p: WalletPaymentRecord, q: WalletQueryResult): Promise<WalletPaymentRecord> {
    const from = [p.status];
    switch (q.state) {
      case 'approved':
        return this.finish(
          p,
          { status: 'approved', providerRef: q.providerRef, confirmBy: null },
          from,
        );
      case 'declined':
        return this.finish(
          p,
          { status: 'declined', declineReason: q.reason, confirmBy: null },
          from,
        );
      case 'awaiting_customer':
        return this.finish(
          p,
          { status: 'awaiting_customer', confirmBy: isoUtc(q.confirmBy) },
          from,
        );
      case 'cancelled':
      case 'reversed':
        return this.finish(p, { status: q.state, confirmBy: null }, from);
      case 'not_found':
        return Promise.resolve(p);
    }
  }

  /**
   * Brings an open payment up to date: awaiting → asks the provider (and past `confirmBy` cancels
   * there: customer_timeout); unknown → asks the provider (not found: stays unknown until the
   * terminal cancels); pending for far too long (its gateway died mid-call) → unknown.
   */
  private async refresh(p: WalletPaymentRecord): Promise<WalletPaymentRecord> {
    let current = p;
    if (current.status === 'pending' && this.stale(current))
      current = await this.finish(current, { status: 'unknown' });
    if (current.status !== 'awaiting_customer' && current.status !== 'unknown') return current;
    try {
      current = await this.apply(current, await this.call((w) => w.query(current.key)));
    } catch {
      // The provider did not answer: the payment stays as it is; ask again later.
    }
    if (
      current.status === 'awaiting_customer' &&
      current.confirmBy !== null &&
      this.ctx.clock.now() >= Date.parse(current.confirmBy)
    ) {
      current = await this.giveUpWaiting(current);
    }
    return current;
  }

  private async giveUpWaiting(p: WalletPaymentRecord): Promise<WalletPaymentRecord> {
    let answer;
    try {
      answer = await this.call((w) => w.cancel(p.key));
    } catch {
      return p;
    }
    switch (answer.state) {
      case 'cancelled':
        return this.finish(
          p,
          { status: 'declined', declineReason: 'customer_timeout', confirmBy: null },
          ['awaiting_customer'],
        );
      case 'reversed':
        return this.finish(p, { status: 'reversed', confirmBy: null }, ['awaiting_customer']);
      case 'declined':
        try {
          return await this.apply(p, await this.call((w) => w.query(p.key)));
        } catch {
          return p;
        }
    }
  }

  // ---------- status ----------

  async status(signer: string, key: string): Promise<WalletPaymentReply> {
    const p = await this.store.getWalletPayment(key);
    if (!p || p.terminalId !== signer || p.requestHash === null) {
      throw new HttpError(
        404,
        'wallet.unknown',
        `the gateway holds no wallet payment ${key} of this terminal: it was never authorized`,
      );
    }
    return this.reply(await this.refresh(p));
  }

  // ---------- cancel ----------

  async cancel(signer: string, key: string): Promise<WalletCancelReply> {
    let p = await this.store.getWalletPayment(key);
    if (!p) {
      const venue = await this.ctx.venue();
      const nowMs = this.ctx.clock.now();
      const at = isoUtc(nowMs);
      // A tombstone: a late authorization with this key is answered `cancelled`.
      const tombstone: WalletPaymentRecord = {
        key,
        terminalId: signer,
        saleId: '-',
        amount: 0,
        currency: venue.currency,
        provider: null,
        status: 'cancelled',
        requestHash: null,
        codeHash: null,
        maskedCode: null,
        providerRef: null,
        declineReason: null,
        confirmBy: null,
        merchantId: this.provider.merchantId,
        businessDate: businessDate(nowMs, venue.timeZone, venue.dayChange),
        createdAt: at,
        updatedAt: at,
        refundedAmount: 0,
      };
      if (await this.store.insertWalletPayment(tombstone)) {
        // The provider remembers the key too, should a request ever reach it another way.
        await this.call((w) => w.cancel(key)).catch(() => undefined);
        return { key, status: 'cancelled', tombstone: true };
      }
      p = await this.store.getWalletPayment(key);
      if (!p)
        throw new HttpError(503, 'wallet.retry', 'the payment changed meanwhile; send it again');
    }
    if (p.terminalId !== signer)
      throw new HttpError(
        404,
        'wallet.unknown',
        `the gateway holds no wallet payment ${key} of this terminal`,
      );
    const tombstone = p.requestHash === null;
    switch (p.status) {
      case 'declined':
      case 'failed':
      case 'cancelled':
      case 'reversed':
        return { key, status: p.status, tombstone };
      case 'approved':
        if (p.refundedAmount > 0)
          throw new HttpError(
            409,
            'wallet.refunded',
            `wallet payment ${key} is (partly) refunded; refund the rest instead`,
          );
        break;
      case 'pending':
      case 'awaiting_customer':
      case 'unknown':
        break;
    }
    let answer;
    try {
      answer = await this.call((w) => w.cancel(key));
    } catch {
      throw new HttpError(
        503,
        'wallet.provider_unavailable',
        `the wallet provider did not confirm the cancellation of ${key}; send it again`,
        { headers: { 'retry-after': '5' } },
      );
    }
    let after: WalletPaymentRecord;
    switch (answer.state) {
      case 'cancelled':
        after = await this.finish(p, { status: 'cancelled', confirmBy: null }, OPEN);
        break;
      case 'reversed':
        after = await this.finish(p, { status: 'reversed', confirmBy: null }, [
          ...OPEN,
          'approved',
        ]);
        break;
      case 'declined':
        // Nothing to cancel at the provider: record its final word.
        after = await this.refresh(await this.finish(p, { status: 'unknown' }, OPEN));
        break;
    }
    return { key, status: after.status, tombstone: false };
  }

  // ---------- refunds (POST /v1/refunds, routed here by payments.ts) ----------

  /** Refunds a wallet payment; undefined when `originalKey` is no wallet payment. */
  async refund(signer: string, req: RefundRequest): Promise<RefundReply | undefined> {
    const original = await this.store.getWalletPayment(req.originalKey);
    if (!original || original.requestHash === null) return undefined;
    checkRefundCurrency(req, original, 'wallet payment');
    if (original.status !== 'approved' || original.providerRef === null) {
      throw new HttpError(
        409,
        'refund.not_refundable',
        `wallet payment ${original.key} is ${original.status}: only an approved payment can be refunded`,
      );
    }
    checkRefundLinesTotal(req);
    const at = this.now();
    const hash = createHash('sha256')
      .update(canonicalJson({ ...req, currency: original.currency }), 'utf8')
      .digest('hex');
    const reservation = await this.store.reserveWalletRefund({
      key: req.idempotencyKey,
      originalKey: original.key,
      terminalId: signer,
      amount: req.amount,
      currency: original.currency,
      status: 'pending',
      requestHash: hash,
      providerRef: null,
      declineReason: null,
      createdAt: at,
      updatedAt: at,
    });
    switch (reservation.kind) {
      case 'no_payment':
        return undefined;
      case 'exceeds':
        throw refundExceeds(req, reservation.remaining, original.key);
      case 'exists':
        if (
          reservation.refund.requestHash !== hash ||
          reservation.refund.originalKey !== original.key
        )
          throw refundConflict(req);
        break;
      case 'reserved':
        break;
    }
    let refund = reservation.refund;
    if (refund.status === 'pending') {
      try {
        const result = await this.call((w) =>
          w.refund({
            key: refund.key,
            originalKey: original.key,
            providerRef: original.providerRef ?? '',
            amount: refund.amount,
            currency: refund.currency,
          }),
        );
        refund =
          (await this.store.settleWalletRefund(
            refund.key,
            result.outcome === 'approved'
              ? { status: 'approved', providerRef: result.providerRef }
              : { status: 'declined', reason: result.reason },
            this.now(),
          )) ?? refund;
      } catch (e) {
        if (!(e instanceof ProviderUnreachable || e instanceof ProviderTimeout)) throw e;
        // Stays pending with its amount reserved; the same request again asks the provider again.
      }
    }
    const after = await this.store.getWalletPayment(original.key);
    return {
      key: refund.key,
      originalKey: original.key,
      status: refund.status,
      amount: refund.amount,
      currency: refund.currency,
      ...(refund.providerRef ? { acquirerRef: refund.providerRef } : {}),
      remaining: after ? after.amount - after.refundedAmount : 0,
    };
  }

  close(): void {
    this.provider.close?.();
  }
}
