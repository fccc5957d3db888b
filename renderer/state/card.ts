// Card payments in the UI: the tap screen, the reader as the status bar shows it, and the
// "approved, not completed" payments recovery found (ARCHITECTURE §5). The terminal owns every
// state: the store shows the CardPaymentDto of the last reply or 'payment.updated' event, and only
// the actions below call the API.
//
// Card data: a CardPaymentDto carries last 4, brand and label only (ARCHITECTURE §4); nothing
// here ever holds more.
import { createStore } from 'zustand/vanilla';
import type { CardPaymentDto, CardPaymentState, ReaderStatusDto } from '../../contract/api';
import type { Minor } from '../../contract/money';
import { call } from './call';
import { clearQuantity, clearTender } from './entry';
import { afterPaymentPaid, loadRecoveredInto, resolveRecoveredIn } from './payment-flow';
import { refuseStopped, saleStore } from './sale';
import { setStatus, statusStore } from './status';

export interface CardState {
  /** The tap screen is shown (over the sell or tender screen it was opened from). */
  open: boolean;
  /** The amount asked for, shown while the terminal has not answered yet. */
  amount: Minor | null;
  /** The payment on the tap screen; null while choosing a test card or starting. */
  payment: CardPaymentDto | null;
  /** startCard or cancelCard is on its way: buttons wait. */
  busy: boolean;
  /** Payments recovery flagged "approved, not completed", waiting for the cashier. */
  recovered: CardPaymentDto[];
}

export const initialCardState: CardState = {
  open: false,
  amount: null,
  payment: null,
  busy: false,
  recovered: [],
};
export const cardStore = createStore<CardState>()(() => initialCardState);

/** States in which the reader may still be stopped by the cashier's Cancel. */
const CANCELLABLE: ReadonlySet<CardPaymentState> = new Set(['created', 'reading', 'authorizing']);
/** The payment counts towards the sale: approved online, or stored offline. */
const ACCEPTED: ReadonlySet<CardPaymentState> = new Set(['approved', 'stored', 'forwarding']);
/** It ended without money: the cashier retries, takes cash or goes back. */
const FAILED: ReadonlySet<CardPaymentState> = new Set([
  'declined',
  'cancelled',
  'failed',
  'refused',
  'refused_offline',
  'reversed',
]);

export function isCancellable(state: CardPaymentState): boolean {
  return CANCELLABLE.has(state);
}
export function isAccepted(state: CardPaymentState): boolean {
  return ACCEPTED.has(state);
}
export function isFailed(state: CardPaymentState): boolean {
  return FAILED.has(state);
}

/** A simulated reader lets the presenter choose which test card taps before the payment starts. */
export function readerIsSimulated(): boolean {
  return statusStore.getState().status?.reader.simulated ?? false;
}

/** A 'reader.status' event or reply: patched into the terminal status the status bar shows. */
export function setReaderStatus(reader: ReaderStatusDto): void {
  const status = statusStore.getState().status;
  if (!status) return;
  setStatus({ ...status, reader, devices: { ...status.devices, reader: reader.state } });
}

/**
 * Opens the tap screen for `amount` (default: what is left to pay). With a simulated reader it
 * waits on the test-card picker; a real reader starts at once.
 */
export async function openCard(amount?: Minor): Promise<void> {
  const { sale, screen, paying } = saleStore.getState();
  const card = cardStore.getState();
  if (card.open || paying || !sale || (screen !== 'sell' && screen !== 'tender')) return;
  if (sale.lines.length === 0 || sale.remaining <= 0) return;
  if (refuseStopped()) return;
  const asked = amount !== undefined && amount > 0 && amount < sale.remaining ? amount : undefined;
  clearQuantity();
  cardStore.setState({ open: true, amount: asked ?? sale.remaining, payment: null, busy: false });
  if (!readerIsSimulated()) await startCard();
}

/** Starts the reader for the amount on the tap screen (again, after a decline or a cancel). */
export async function startCard(): Promise<void> {
  const { open, busy, payment, amount } = cardStore.getState();
  if (!open || busy || (payment && !isFailed(payment.state))) return;
  const sale = saleStore.getState().sale;
  const partial = sale && amount !== null && amount < sale.remaining ? amount : undefined;
  cardStore.setState({ busy: true, payment: null });
  try {
    const started = await call('payment.startCard', partial !== undefined ? { amount: partial } : {});
    if (!started) {
      // Nothing started (no reader, a payment already running, ...): the toast says why.
      if (!readerIsSimulated()) closeCard();
      return;
    }
    // A fast tap may have finished (and completed the sale) before this reply came back.
    if (!cardStore.getState().open) return;
    showPayment(started);
  } finally {
    cardStore.setState({ busy: false });
  }
}

/** Demo: the test card the next tap uses, then the tap. */
export async function tapTestCard(name: string): Promise<void> {
  const { open, busy, payment } = cardStore.getState();
  if (!open || busy || (payment && !isFailed(payment.state))) return;
  const reader = await call('reader.selectTestCard', { name });
  if (!reader) return;
  setReaderStatus(reader);
  await startCard();
}

/** The cashier's Cancel (or Esc): stops the reader before approval; after a failure, goes back. */
export async function cancelCard(): Promise<void> {
  const { open, payment } = cardStore.getState();
  if (!open) return;
  if (!payment) {
    if (!cardStore.getState().busy) closeCard();
    return;
  }
  if (isCancellable(payment.state)) {
    const cancelled = await call('payment.cancelCard', {});
    if (cancelled) showPayment(cancelled);
    return;
  }
  if (isFailed(payment.state)) closeCard();
}

/** Back to the screen the tap screen was opened from. */
export function closeCard(): void {
  const { payment } = cardStore.getState();
  if (payment && (isCancellable(payment.state) || isAccepted(payment.state))) return;
  cardStore.setState({ open: false, payment: null, amount: null, busy: false });
}

/** Refused offline (or declined): the customer pays the rest in cash instead. */
export function switchToCash(): void {
  const { payment, open } = cardStore.getState();
  if (!open || (payment && !isFailed(payment.state))) return;
  closeCard();
  clearTender();
  const { sale } = saleStore.getState();
  if (sale && sale.lines.length > 0) saleStore.setState({ screen: 'tender' });
}

/**
 * The screen was reloaded (or the host reconnected) while a card payment was running: the tap
 * screen comes back with it, so the cashier can follow or cancel it.
 */
export function resumeCard(): void {
  const { sale, screen } = saleStore.getState();
  const active = sale?.activeCard;
  if (!active || cardStore.getState().open || (screen !== 'sell' && screen !== 'tender')) return;
  cardStore.setState({ open: true, amount: active.amount, payment: active, busy: false });
}

/** A 'payment.updated' event: the tap screen follows its payment. */
export function onPaymentUpdated(payment: CardPaymentDto): void {
  const { open, payment: shown } = cardStore.getState();
  if (!open) return;
  if (shown ? shown.paymentId !== payment.paymentId : payment.saleId !== saleStore.getState().sale?.saleId) return;
  showPayment(payment);
}

/**
 * How far along a payment is. Events and the startCard reply may cross (a fast tap sends
 * 'approved' before the reply's 'created' arrives), and timestamps come from the gateway-corrected
 * clock, which may step back when the offset is adjusted: order by state, never by time.
 */
const RANK: Record<CardPaymentState, number> = {
  created: 0,
  reading: 1,
  authorizing: 2,
  unknown: 3,
  stored: 4,
  refused_offline: 4,
  forwarding: 5,
  approved: 6,
  declined: 6,
  cancelled: 6,
  failed: 6,
  refused: 6,
  reversing: 7,
  reversed: 8,
};

function showPayment(payment: CardPaymentDto): void {
  const before = cardStore.getState().payment;
  if (before && before.paymentId === payment.paymentId && RANK[payment.state] < RANK[before.state]) return;
  cardStore.setState({ payment });
  if (isAccepted(payment.state) && !(before && isAccepted(before.state) && before.paymentId === payment.paymentId)) {
    void afterAccepted();
  }
}

/** The card paid its part (card lines included on the change screen): see afterPaymentPaid. */
function afterAccepted(): Promise<void> {
  return afterPaymentPaid(() => cardStore.setState({ open: false, payment: null, amount: null }));
}

// ---------- recovery: "approved, not completed" ----------

export async function loadRecovered(): Promise<void> {
  await loadRecoveredInto(cardStore, () => call('payment.listRecovered', {}));
}

/** Complete the sale with it, or void it (see resolveRecoveredIn). */
export async function resolveRecovered(paymentId: string, action: 'complete' | 'void'): Promise<void> {
  await resolveRecoveredIn(cardStore, paymentId, action, () => call('payment.resolveRecovered', { paymentId, action }));
}
