// Refunds of this terminal's completed sales (ARCHITECTURE §5). Money rules:
// - never more than was paid, and no line beyond its quantity, counting pending refunds too;
// - card money goes back to the original card through the gateway (POST /v1/refunds), under an
//   idempotency key committed BEFORE the call; a call without an answer leaves the refund pending
//   and the retry reuses that key, never a new one (a new key could refund twice);
// - an offline card payment not yet forwarded was never charged: it is cancelled, not refunded;
// - offline (no gateway), card refunds are refused; cash refunds work (this database only holds
//   this terminal's own sales).
// A refund completes in ONE transaction: its rows, the journal entry, the outbox event
// `refund.completed` and, for cash, the drawer kick.
import { roundToIncrement } from '../../contract/money';
import { PosError, type RefundableSaleDto, type RefundDto } from '../../contract/api';
import type { VenueConfig } from '../../contract/venue';
import { businessDate, isoUtc, type Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { logger } from '../../lib/log';
import {
  checkpointAfterDelete,
  deletePayload,
  getCardPayment,
  transition,
} from '../../db/card-payments';
import { appendJournal } from '../../db/journal';
import type { Db } from '../../db/open';
import { appendOutbox } from '../../db/outbox';
import {
  completedSaleById,
  completedSaleByReceiptNo,
  completedSaleByToken,
  finishRefund,
  getRefund,
  insertRefund,
  refundedPerTender,
  refundedQuantities,
  refundsOfSale,
  saleTenders,
  settleRefundTender,
  type CompletedSaleRow,
  type NewRefund,
  type RefundRecord,
  type TenderKind,
} from '../../db/refunds';
import { getWalletPayment } from '../../db/wallet-payments';
import { saleLines } from '../../db/sales';
import { enqueueDrawerKick } from '../printing/print-worker';
import type { RefundSlip } from '../printing/refund-layout';
import { enqueuePrintJob } from '../../db/print-jobs';
import { receiptRef } from '../sale-service';
import type { RefundGateway } from './refund-gateway';

const log = logger('refunds');

export interface RefundDraft {
  saleId: string;
  amount: number;
  lines: { lineId: string; quantity: number; amount: number }[];
  tenders: {
    paymentId: string;
    kind: TenderKind;
    amount: number;
    action: 'refund' | 'cancel' | 'pay';
  }[];
}

export interface RefundServiceDeps {
  db: Db;
  clock: Clock;
  terminalId: string;
  shortId: string;
  venue: () => VenueConfig;
  /** Undefined: not enrolled (standalone), card refunds are impossible. */
  gateway?: RefundGateway;
  /** True while the supervisor's offline drill is on: nothing is sent. */
  forcedOffline: () => boolean;
  /** False when no printer is configured: the drawer kick is recorded as cancelled. */
  printReceipts?: boolean;
  /**
   * The supervisor's approval (signed in, or by the PIN given with the refund). Called after the
   * refund is checked and before anything is written; throws to refuse, returns who approved
   * (stored in refunds.approved_by). Default: approved by nobody (null).
   */
  approve?: (draft: RefundDraft, supervisorPin: string | undefined, reason: string | null) => Promise<{ approvedBy: string | null }>;
  /** The open shift the refund's cash leaves from (null: none). */
  shiftId?: () => string | null;
  /** Throws unless someone may refund now (signed in, shift open). */
  guard?: () => void;
  onCompleted?: (refund: RefundDto) => void;
}

export interface RefundService {
  findByReceipt(receipt: string): RefundableSaleDto;
  create(input: {
    saleId: string;
    lines?: { lineId: string; quantity: number }[] | undefined;
    amount?: number | undefined;
    supervisorPin?: string | undefined;
    /** 'void': the whole sale cancelled (reported as a void, not a refund). */
    reason?: string | undefined;
  }): Promise<RefundDto>;
  /** Voids a completed sale: everything left of it back to its tenders, recorded as a void. */
  void(saleId: string, reason: string, supervisorPin?: string): Promise<RefundDto>;
}

const RECEIPT_URL = /\/r\/([A-Z2-7]+)\/?$/i;
const RECEIPT_REF = /^([0-9A-Z]+)-(\d+)$/i;

/** Half away from zero, on integers: round(n / d) for minor units. */
function divRound(n: number, d: number): number {
  const q = Math.floor(Math.abs(n) / d);
  const r = Math.abs(n) - q * d;
  const v = r * 2 >= d ? q + 1 : q;
  return n < 0 ? -v : v;
}

export function createRefundService(deps: RefundServiceDeps): RefundService {
  const { db, clock } = deps;
  const now = (): string => isoUtc(clock.now());

  function findSale(receipt: string): CompletedSaleRow | undefined {
    const text = receipt.trim();
    const url = RECEIPT_URL.exec(text);
    if (url?.[1]) return completedSaleByToken(db, url[1].toUpperCase());
    if (/^\d+$/.test(text)) return completedSaleByReceiptNo(db, Number(text));
    const ref = RECEIPT_REF.exec(text);
    if (ref?.[1] && ref[2]) {
      // Another till's receipt is not in this database (refunds of other tills' sales: later).
      if (ref[1].toUpperCase() !== deps.shortId) return undefined;
      return completedSaleByReceiptNo(db, Number(ref[2]));
    }
    return completedSaleByToken(db, text.toUpperCase());
  }

  function dto(r: RefundRecord, sale: CompletedSaleRow): RefundDto {
    return {
      refundId: r.refundId,
      saleId: r.saleId,
      status: r.status,
      amount: r.amount,
      currency: r.currency,
      lines: r.lines,
      tenders: r.tenders.map((t) => ({
        paymentId: t.paymentId,
        kind: t.kind,
        amount: t.amount,
        status: t.status,
        reason: t.reason,
      })),
      receiptRef: receiptRef(deps.shortId, sale.receiptNo),
      createdAt: r.createdAt,
      completedAt: r.completedAt,
    };
  }

  function view(sale: CompletedSaleRow): RefundableSaleDto {
    const quantities = refundedQuantities(db, sale.saleId);
    const perTender = refundedPerTender(db, sale.saleId);
    const tenders = saleTenders(db, sale.saleId);
    const paid = tenders.reduce((n, t) => n + t.amount, 0);
    const refunded = [...perTender.values()].reduce((n, a) => n + a, 0);
    const refunds = refundsOfSale(db, sale.saleId);
    const pending = refunds.find((r) => r.status === 'pending');
    return {
      saleId: sale.saleId,
      receiptNo: sale.receiptNo,
      receiptRef: receiptRef(deps.shortId, sale.receiptNo),
      currency: sale.currency,
      completedAt: sale.completedAt,
      total: sale.total,
      paid,
      refunded,
      refundable: Math.max(0, paid - refunded),
      lines: saleLines(db, sale.saleId).map((l) => ({
        lineId: l.lineId,
        name: l.name,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        refundedQuantity: quantities.get(l.lineId) ?? 0,
      })),
      tenders: tenders.map((t) => {
        const card = t.kind === 'card' ? getCardPayment(db, t.paymentId) : undefined;
        const wallet = t.kind === 'wallet' ? getWalletPayment(db, t.paymentId) : undefined;
        return {
          paymentId: t.paymentId,
          kind: t.kind,
          amount: t.amount,
          refunded: perTender.get(t.paymentId) ?? 0,
          state: card?.state ?? wallet?.state ?? null,
          last4: card?.last4 ?? wallet?.maskedCode.slice(-4) ?? null,
          brand: card?.brand ?? wallet?.provider ?? null,
        };
      }),
      refunds: refunds.map((r) => dto(r, sale)),
      pending: pending ? dto(pending, sale) : null,
    };
  }

  /** What the request gives back, checked against what is left; and which tender pays it. */
  function draft(
    sale: CompletedSaleRow,
    input: { lines?: { lineId: string; quantity: number }[]; amount?: number },
  ): RefundDraft {
    const v = view(sale);
    if (v.refundable <= 0)
      throw new PosError('refund.exceeds', `sale ${sale.saleId} is fully refunded`);
    let amount: number;
    const lines: RefundDraft['lines'] = [];
    if (input.lines) {
      const byId = new Map(v.lines.map((l) => [l.lineId, l]));
      // What each line came to after its discounts (deposits at face value, returns negative):
      // a refund gives back the lines' share of what was paid, never their list price.
      const stored = saleLines(db, sale.saleId);
      const net = new Map(stored.map((l) => [l.lineId, { net: l.amount - l.discount, kind: l.kind }]));
      const saleNet = stored.reduce((n, l) => n + l.amount - l.discount, 0);
      const seen = new Set<string>();
      let gross = 0;
      let allLeft = true;
      for (const want of input.lines) {
        const line = byId.get(want.lineId);
        if (!line || seen.has(want.lineId)) {
          throw new PosError(
            'sale.line_not_found',
            `sale ${sale.saleId} has no line ${want.lineId} (or it is given twice)`,
          );
        }
        seen.add(want.lineId);
        const left = line.quantity - line.refundedQuantity;
        if (net.get(want.lineId)?.kind === 'deposit_return') {
          throw new PosError('refund.exceeds', `line ${want.lineId} is a returned deposit: nothing to refund`);
        }
        if (want.quantity > left) {
          throw new PosError(
            'refund.exceeds',
            `line ${want.lineId}: ${left} of ${line.quantity} left to refund, not ${want.quantity}`,
          );
        }
        if (want.quantity < left) allLeft = false;
        const lineNet = divRound((net.get(want.lineId)?.net ?? 0) * want.quantity, line.quantity);
        gross += lineNet;
        lines.push({ lineId: want.lineId, quantity: want.quantity, amount: lineNet });
      }
      for (const l of v.lines) {
        if (net.get(l.lineId)?.kind === 'deposit_return') continue;
        if (!seen.has(l.lineId) && l.quantity > l.refundedQuantity) allLeft = false;
      }
      // The lines' share of what was paid (exclusive tax and cash rounding included); the last
      // refund of a sale takes exactly what is left, so rounding never strands a cent.
      amount = allLeft
        ? v.refundable
        : Math.min(v.refundable, saleNet > 0 ? divRound(gross * v.paid, saleNet) : 0);
      // Spread the amount over the lines in proportion, the last line taking the remainder.
      let given = 0;
      lines.forEach((l, i) => {
        l.amount = i === lines.length - 1 ? amount - given : gross > 0 ? divRound(l.amount * amount, gross) : 0;
        given += l.amount;
      });
    } else {
      amount = input.amount ?? 0;
      if (amount > v.refundable) {
        throw new PosError(
          'refund.exceeds',
          `${v.refundable} is left to refund on sale ${sale.saleId}, not ${amount}`,
        );
      }
    }
    if (amount <= 0) throw new PosError('refund.exceeds', 'nothing to refund');
    // Card money goes back to the card first, then cash.
    const tenders: RefundDraft['tenders'] = [];
    let due = amount;
    for (const t of v.tenders) {
      if (due === 0) break;
      const left = t.amount - t.refunded;
      if (left <= 0) continue;
      if (t.kind === 'cash') {
        const take = Math.min(left, due);
        // Cash goes back in the coins there are: rounded like cash taken (ARCHITECTURE §4), never
        // beyond what the tender paid (itself a multiple of the increment).
        const paid = Math.min(left, roundToIncrement(take, deps.venue().cashRounding));
        if (paid > 0) tenders.push({ paymentId: t.paymentId, kind: 'cash', amount: paid, action: 'pay' });
        due -= take;
        continue;
      }
      if (t.kind === 'wallet') {
        // Back to the same wallet through the gateway (an approved wallet payment only).
        if (t.state !== 'approved') continue;
        const take = Math.min(left, due);
        tenders.push({ paymentId: t.paymentId, kind: 'wallet', amount: take, action: 'refund' });
        due -= take;
        continue;
      }
      if (t.state === 'approved') {
        const take = Math.min(left, due);
        tenders.push({ paymentId: t.paymentId, kind: 'card', amount: take, action: 'refund' });
        due -= take;
      } else if (t.state === 'stored') {
        // Never forwarded, never charged: cancelled as a whole, never in part.
        if (due < left || t.refunded > 0) {
          throw new PosError(
            'refund.card_not_refundable',
            `card payment ${t.paymentId} is stored offline and not yet forwarded: it can only be cancelled in full (${left}), not for ${due}`,
          );
        }
        tenders.push({ paymentId: t.paymentId, kind: 'card', amount: left, action: 'cancel' });
        due -= left;
      } else if (t.state === 'forwarding') {
        throw new PosError(
          'refund.card_not_refundable',
          `card payment ${t.paymentId} is being forwarded right now: try again`,
        );
      }
      // Any other state (refused at forwarding, reversed…): no money came from this card.
    }
    if (due > 0)
      throw new PosError(
        'refund.exceeds',
        `only ${amount - due} of ${amount} can be refunded to the sale's tenders`,
      );
    // What goes back is what the tenders give back (cash rounded).
    const given = tenders.reduce((n, t) => n + t.amount, 0);
    if (given <= 0) throw new PosError('refund.exceeds', `${amount} rounds to nothing in cash`);
    return { saleId: sale.saleId, amount: given, lines, tenders };
  }

  /** Finishes a pending refund whose card tenders all have an outcome: one transaction. */
  function finish(refundId: string, sale: CompletedSaleRow): RefundRecord {
    const done = db.transaction(() => {
      const r = getRefund(db, refundId);
      if (r?.status !== 'pending') throw new Error(`refund ${refundId} is not pending`);
      const at = now();
      const cards = r.tenders.filter((t) => t.kind !== 'cash');
      const cardOk = cards.filter((t) => t.status === 'approved' || t.status === 'cancelled');
      const failed = cards.filter((t) => t.status === 'declined' || t.status === 'not_sent');
      if (failed.length > 0 && cardOk.length === 0) {
        // Nothing went back: the refund fails as a whole and the cash stays in the drawer.
        finishRefund(db, refundId, {
          status: 'failed',
          at,
          reason: failed.map((t) => t.reason ?? t.status).join('; '),
        });
        return getRefund(db, refundId)!;
      }
      for (const t of r.tenders)
        if (t.kind === 'cash') settleRefundTender(db, t.tenderId, 'paid', at);
      const venue = deps.venue();
      const date = businessDate(clock.now(), venue.timeZone, venue.dayChange);
      // A split refund where one card declined and another was refunded: only what went back counts.
      const amount = r.tenders
        .filter((t) => t.kind === 'cash' || t.status === 'approved' || t.status === 'cancelled')
        .reduce((n, t) => n + t.amount, 0);
      finishRefund(db, refundId, { status: 'completed', at, businessDate: date, amount });
      const record = getRefund(db, refundId)!;
      const data = {
        terminalId: deps.terminalId,
        receiptRef: receiptRef(deps.shortId, sale.receiptNo),
        ...record,
      };
      appendJournal(db, at, 'refund.completed', data);
      appendOutbox(db, {
        terminalId: deps.terminalId,
        type: 'refund.completed',
        at,
        businessDate: date,
        data,
      });
      const noPrinter = deps.printReceipts === false ? { cancelledReason: 'no printer configured' } : {};
      if (record.tenders.some((t) => t.kind === 'cash')) {
        enqueueDrawerKick(db, at, { saleId: sale.saleId, ...noPrinter });
      }
      // The slip is a row of this same commit, like a sale's receipt.
      const names = new Map(saleLines(db, sale.saleId).map((l) => [l.lineId, l.name]));
      const slip: RefundSlip = {
        refundId: record.refundId,
        receiptRef: data.receiptRef,
        currency: record.currency,
        completedAt: at,
        amount: record.amount,
        reason: record.reason,
        approvedBy: record.approvedBy,
        lines: record.lines.map((l) => ({ name: names.get(l.lineId) ?? { en: l.lineId, zh: l.lineId }, quantity: l.quantity, amount: l.amount })),
        tenders: record.tenders
          .filter((t) => t.kind === 'cash' || t.status === 'approved' || t.status === 'cancelled')
          .map((t) => ({ kind: t.kind, amount: t.amount, status: t.status, last4: tenderLast4(t) })),
      };
      enqueuePrintJob(db, { kind: 'report', saleId: null, payload: { refund: slip }, at, ...noPrinter });
      return record;
    })();
    return done;
  }

  /** Card and wallet refunds need the gateway: the refusal names which. */
  function offlineRefusal(tenders: { kind: TenderKind }[]): PosError {
    return tenders.some((t) => t.kind === 'wallet')
      ? new PosError('refund.wallet_offline', 'wallet refunds need the gateway and this till is offline: refund when back online')
      : new PosError('refund.card_offline', 'card refunds need the gateway and this till is offline: only cash refunds now');
  }

  function tenderLast4(t: { kind: TenderKind; paymentId: string }): string | null {
    if (t.kind === 'card') return getCardPayment(db, t.paymentId)?.last4 ?? null;
    if (t.kind === 'wallet') return getWalletPayment(db, t.paymentId)?.maskedCode.slice(-4) ?? null;
    return null;
  }

  async function drive(refundId: string, sale: CompletedSaleRow): Promise<RefundDto> {
    const r = getRefund(db, refundId);
    if (!r) throw new Error(`refund ${refundId} is gone`);
    const pendingCards = r.tenders.filter((t) => t.kind !== 'cash' && t.status === 'pending');
    if (pendingCards.length > 0 && (!deps.gateway || deps.forcedOffline())) throw offlineRefusal(pendingCards);
    let unanswered: string | null = null;
    for (const t of pendingCards) {
      // Lines only when this one card carries the whole refund (the gateway checks they add up).
      const withLines = r.basis === 'lines' && r.tenders.length === 1;
      const out = await deps.gateway!.refund({
        idempotencyKey: t.tenderId,
        originalKey: t.paymentId,
        amount: t.amount,
        currency: r.currency,
        ...(withLines ? { lines: r.lines } : {}),
      });
      const at = now();
      switch (out.kind) {
        case 'ok':
          if (out.value.status === 'approved') {
            settleRefundTender(db, t.tenderId, 'approved', at, {
              acquirerRef: out.value.acquirerRef ?? null,
            });
          } else if (out.value.status === 'declined') {
            settleRefundTender(db, t.tenderId, 'declined', at, { reason: 'declined' });
          } else {
            unanswered = 'the acquirer has not answered yet';
          }
          break;
        case 'unreachable':
          // Cannot have reached the gateway: nothing was refunded under this key.
          settleRefundTender(db, t.tenderId, 'not_sent', at, { reason: 'offline' });
          break;
        case 'no_answer':
          unanswered = out.message;
          break;
        case 'refused':
        case 'not_found':
          settleRefundTender(db, t.tenderId, 'declined', at, {
            reason: out.kind === 'refused' ? `${out.code}: ${out.message}` : 'payment.unknown',
          });
          break;
      }
      log.info({ refundId, key: t.tenderId, outcome: out.kind }, 'card refund sent');
    }
    if (unanswered !== null) {
      throw new PosError(
        'refund.pending',
        `no answer for refund ${refundId} (${unanswered}): retry, it uses the same key`,
      );
    }
    const record = finish(refundId, sale);
    if (record.status === 'failed') {
      const t = record.tenders.find((x) => x.status === 'not_sent' || x.status === 'declined');
      if (t?.status === 'not_sent')
        throw new PosError(
          t.kind === 'wallet' ? 'refund.wallet_offline' : 'refund.card_offline',
          `the gateway is not reachable: ${record.reason ?? ''}`,
        );
      if (t?.reason === 'declined')
        throw new PosError('refund.declined', `the card refund was declined (refund ${refundId})`);
      throw new PosError(
        'refund.refused',
        `the gateway refused the card refund: ${record.reason ?? ''}`,
      );
    }
    const out = dto(record, sale);
    deps.onCompleted?.(out);
    return out;
  }

  return {
    findByReceipt(receipt) {
      const sale = findSale(receipt);
      if (!sale)
        throw new PosError(
          'refund.sale_not_found',
          `no completed sale of this till has receipt ${JSON.stringify(receipt)}`,
        );
      return view(sale);
    },
    async void(saleId, reason, supervisorPin) {
      const sale = completedSaleById(db, saleId);
      if (!sale) throw new PosError('refund.sale_not_found', `no completed sale ${saleId} on this till`);
      const v = view(sale);
      const lines = v.lines
        .filter((l) => l.quantity > l.refundedQuantity && l.unitPrice >= 0)
        .map((l) => ({ lineId: l.lineId, quantity: l.quantity - l.refundedQuantity }));
      if (lines.length === 0) throw new PosError('refund.exceeds', `sale ${saleId} has nothing left to void`);
      return this.create({ saleId, lines, reason: `void: ${reason}`, ...(supervisorPin !== undefined ? { supervisorPin } : {}) });
    },

    async create(input) {
      deps.guard?.();
      const sale = completedSaleById(db, input.saleId);
      if (!sale)
        throw new PosError(
          'refund.sale_not_found',
          `no completed sale ${input.saleId} on this till`,
        );
      const pending = refundsOfSale(db, sale.saleId).find((r) => r.status === 'pending');
      if (pending) {
        const same =
          input.lines !== undefined
            ? pending.basis === 'lines' &&
              JSON.stringify(pending.lines.map((l) => [l.lineId, l.quantity])) ===
                JSON.stringify(input.lines.map((l) => [l.lineId, l.quantity]))
            : pending.basis === 'amount' &&
              // (its cash part was rounded: the same request, within one rounding step)
              Math.abs(pending.amount - (input.amount ?? 0)) < Math.max(1, deps.venue().cashRounding);
        if (!same) {
          throw new PosError(
            'refund.other_pending',
            `refund ${pending.refundId} of this sale waits for the gateway: retry it first`,
          );
        }
        // The retry of a refund without an answer: the same keys, never new ones.
        return drive(pending.refundId, sale);
      }
      const d = draft(sale, input);
      const online = deps.gateway !== undefined && !deps.forcedOffline();
      if (!online && d.tenders.some((t) => t.action === 'refund')) throw offlineRefusal(d.tenders.filter((t) => t.action === 'refund'));
      const { approvedBy } = deps.approve
        ? await deps.approve(d, input.supervisorPin, input.reason ?? null)
        : { approvedBy: null };
      const refundId = newId();
      const at = now();
      const cancelled: string[] = [];
      db.transaction(() => {
        const row: NewRefund = {
          refundId,
          saleId: sale.saleId,
          amount: d.amount,
          currency: sale.currency,
          basis: input.lines ? 'lines' : 'amount',
          approvedBy,
          reason: input.reason ?? null,
          shiftId: deps.shiftId?.() ?? null,
          at,
          lines: d.lines,
          tenders: d.tenders.map((t) => ({
            tenderId: newId(),
            paymentId: t.paymentId,
            kind: t.kind,
            amount: t.amount,
            status: t.action === 'cancel' ? 'cancelled' : 'pending',
            reason: t.action === 'cancel' ? 'stored offline, not forwarded: cancelled' : null,
          })),
        };
        for (const t of d.tenders) {
          if (t.action !== 'cancel') continue;
          // Conditional: if the forwarder took it first, it is no longer cancellable.
          if (!transition(db, t.paymentId, ['stored'], 'cancelled', at, { reason: 'voided' })) {
            throw new PosError(
              'refund.card_not_refundable',
              `card payment ${t.paymentId} is being forwarded right now: try again`,
            );
          }
          deletePayload(db, t.paymentId, at);
          cancelled.push(t.paymentId);
        }
        // The card refund keys are committed here, before any call goes out.
        insertRefund(db, row);
      })();
      if (cancelled.length > 0) checkpointAfterDelete(db);
      return drive(refundId, sale);
    },
  };
}
