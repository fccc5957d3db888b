// Wallet payments in the UI (issue 8): the customer shows a payment code, the cashier scans it on
// the pay screen, the terminal charges it through the gateway. The terminal owns every state: the
// store shows the WalletPaymentDto of the last reply or 'wallet.updated' event, and only the
// actions below call the API.
//
// A payment code is a bearer token (contract/wallet.ts). It goes from the scan (or the typed
// fallback) straight into 'payment.startWallet' and is dropped: this store, the toast, the DOM and
// any log only ever see `maskWalletCode` and the provider.
import { createStore } from 'zustand/vanilla';
import type { ErrorCode, WalletPaymentDto, WalletPaymentState } from '../../contract/api';
import type { Minor } from '../../contract/money';
import { recognizeWalletCode, type WalletProvider } from '../../contract/wallet';
import { openCard } from './card';
import { callOr, call } from './call';
import { clearQuantity, clearTender, entryStore, tenderAmount } from './entry';
import { afterPaymentPaid, loadRecoveredInto, resolveRecoveredIn } from './payment-flow';
import { refuseStopped, saleStore } from './sale';
import { showError } from './ui';

export interface WalletState {
  /** The wallet panel is shown (over the pay screen). */
  open: boolean;
  /** The cashier opened the typed-code keypad (a damaged phone screen the scanner cannot read). */
  typing: boolean;
  /** What was scanned, masked, while the terminal has not answered yet. */
  pending: { provider: WalletProvider; maskedCode: string; amount: Minor } | null;
  payment: WalletPaymentDto | null;
  /** Refused before any payment existed (wallet.offline, code_used, …): shown on the panel. */
  refusal: ErrorCode | null;
  busy: boolean;
  /** Wallet payments recovery flagged "approved, not completed". */
  recovered: WalletPaymentDto[];
}

export const initialWalletState: WalletState = {
  open: false,
  typing: false,
  pending: null,
  payment: null,
  refusal: null,
  busy: false,
  recovered: [],
};
export const walletStore = createStore<WalletState>()(() => initialWalletState);

const IN_PROGRESS: ReadonlySet<WalletPaymentState> = new Set([
  'created',
  'authorizing',
  'awaiting_customer',
  'unknown',
  'cancelling',
]);
const CANCELLABLE: ReadonlySet<WalletPaymentState> = new Set(['created', 'authorizing', 'awaiting_customer', 'unknown']);
const ENDED_WITHOUT_MONEY: ReadonlySet<WalletPaymentState> = new Set(['declined', 'failed', 'cancelled', 'reversed']);

export function walletInProgress(state: WalletPaymentState): boolean {
  return IN_PROGRESS.has(state);
}
export function walletCancellable(state: WalletPaymentState): boolean {
  return CANCELLABLE.has(state);
}
export function walletFailed(state: WalletPaymentState): boolean {
  return ENDED_WITHOUT_MONEY.has(state);
}

/** Whole seconds left until `confirmBy` (0 once past; null without a deadline). */
export function secondsLeft(confirmBy: string | null, nowMs: number): number | null {
  if (confirmBy === null) return null;
  const end = Date.parse(confirmBy);
  if (Number.isNaN(end)) return null;
  return Math.max(0, Math.ceil((end - nowMs) / 1000));
}

/** A payment is running (or being started): a new scan must not start a second one. */
export function walletBusy(): boolean {
  const { busy, payment } = walletStore.getState();
  return busy || (payment !== null && walletInProgress(payment.state));
}

/** The manual Wallet button on the pay screen: the panel that says "scan the customer's code". */
export function openWallet(): void {
  const { sale, screen, paying } = saleStore.getState();
  if (walletStore.getState().open || paying || !sale || screen !== 'tender' || sale.remaining <= 0) return;
  if (refuseStopped()) return;
  walletStore.setState({ open: true, typing: false, pending: null, payment: null, refusal: null, busy: false });
}

/**
 * Charges a payment code: scanned on the pay screen (the scan router) or typed on the panel's
 * keypad. `code` lives only in this call.
 */
export async function startWallet(code: string): Promise<boolean> {
  const { sale, screen, paying } = saleStore.getState();
  if (!sale || screen !== 'tender' || paying || sale.remaining <= 0 || walletBusy()) return false;
  const recognized = recognizeWalletCode(code);
  if (!recognized) {
    showError({ code: 'wallet.code_invalid', message: 'not a wallet payment code' });
    return false;
  }
  if (refuseStopped()) return false;
  // A typed amount below what is left pays part of the sale (as for cards); else all of it.
  const typed = tenderAmount(entryStore.getState().tender, sale.currency);
  const partial = typed !== null && typed > 0 && typed < sale.remaining ? typed : undefined;
  clearQuantity();
  walletStore.setState({
    open: true,
    typing: false,
    pending: { provider: recognized.provider, maskedCode: recognized.masked, amount: partial ?? sale.remaining },
    payment: null,
    refusal: null,
    busy: true,
  });
  try {
    const input = partial !== undefined ? { code: recognized.code, amount: partial } : { code: recognized.code };
    const started = await callOr('payment.startWallet', input, (error) => {
      // Said on the panel with what to do instead (card or cash), not in a passing toast.
      walletStore.setState({ refusal: error.code });
      return true;
    });
    if (!started) return false;
    if (!walletStore.getState().open) return true; // already approved and completed by events
    showWallet(started);
    return true;
  } finally {
    walletStore.setState({ busy: false });
  }
}

/** The cashier's Cancel: asks the terminal to cancel the payment in progress. */
export async function cancelWallet(): Promise<void> {
  const { open, payment, busy } = walletStore.getState();
  if (!open || busy) return;
  if (!payment) {
    closeWallet();
    return;
  }
  if (!walletCancellable(payment.state)) {
    if (walletFailed(payment.state)) closeWallet();
    return;
  }
  walletStore.setState({ busy: true });
  try {
    const cancelled = await call('payment.cancelWallet', {});
    if (cancelled) showWallet(cancelled);
  } finally {
    walletStore.setState({ busy: false });
  }
}

/** Back to the pay screen (never while a payment runs or completes). */
export function closeWallet(): void {
  const { payment } = walletStore.getState();
  if (payment && (walletInProgress(payment.state) || payment.state === 'approved')) return;
  walletStore.setState({ open: false, typing: false, pending: null, payment: null, refusal: null, busy: false });
}

/** After a decline: the customer pays by card instead. */
export async function walletToCard(): Promise<void> {
  closeWallet();
  if (walletStore.getState().open) return;
  await openCard();
}

/** After a decline: cash (the pay screen is the cash screen). */
export function walletToCash(): void {
  closeWallet();
  clearTender();
}

/** After a decline or a refusal: the panel asks for a (fresh) code again. */
export function scanAgain(): void {
  const { open, payment } = walletStore.getState();
  if (!open || walletBusy() || payment?.state === 'approved') return;
  walletStore.setState({ payment: null, pending: null, refusal: null, typing: false });
}

export function setTyping(typing: boolean): void {
  if (!walletStore.getState().open || walletBusy()) return;
  walletStore.setState({ typing, refusal: null });
}

/** The screen was reloaded while a wallet payment ran: the panel comes back with it. */
export function resumeWallet(): void {
  const { sale, screen } = saleStore.getState();
  const active = sale?.activeWallet;
  if (!active || walletStore.getState().open || !walletInProgress(active.state)) return;
  if (screen !== 'tender' && screen !== 'sell') return;
  saleStore.setState({ screen: 'tender' });
  walletStore.setState({ open: true, typing: false, pending: null, payment: active, refusal: null, busy: false });
}

/** A 'wallet.updated' event: the panel follows its payment. */
export function onWalletUpdated(payment: WalletPaymentDto): void {
  const { open, payment: shown } = walletStore.getState();
  if (!open) {
    // A payment of this sale still running that the panel is not showing (a reload): show it.
    if (payment.saleId === saleStore.getState().sale?.saleId && walletInProgress(payment.state)) {
      saleStore.setState({ screen: 'tender' });
      walletStore.setState({ open: true, typing: false, pending: null, payment, refusal: null, busy: false });
    }
    return;
  }
  if (shown ? shown.paymentId !== payment.paymentId : payment.saleId !== saleStore.getState().sale?.saleId) return;
  showWallet(payment);
}

/** Order by state, never by time (a reply and its events may cross; see card.ts). */
const RANK: Record<WalletPaymentState, number> = {
  created: 0,
  authorizing: 1,
  awaiting_customer: 2,
  unknown: 3,
  cancelling: 4,
  approved: 5,
  declined: 5,
  failed: 5,
  cancelled: 5,
  reversed: 6,
};

function showWallet(payment: WalletPaymentDto): void {
  const before = walletStore.getState().payment;
  if (before && before.paymentId === payment.paymentId && RANK[payment.state] < RANK[before.state]) return;
  walletStore.setState({ payment, pending: null });
  const wasApproved = before?.paymentId === payment.paymentId && before.state === 'approved';
  if (payment.state === 'approved' && !wasApproved) void afterApproved();
}

/** The wallet paid its part, as after a card approval: see afterPaymentPaid. */
function afterApproved(): Promise<void> {
  return afterPaymentPaid(() => walletStore.setState({ open: false, payment: null, pending: null }));
}

// ---------- recovery: "approved, not completed" ----------

export async function loadRecoveredWallets(): Promise<void> {
  await loadRecoveredInto(walletStore, () => call('payment.listRecoveredWallets', {}));
}

/** `complete` keeps it as a tender of the open sale (completing the sale when that pays it); `void` reverses it. */
export async function resolveRecoveredWallet(paymentId: string, action: 'complete' | 'void'): Promise<void> {
  await resolveRecoveredIn(walletStore, paymentId, action, () => call('payment.resolveRecoveredWallet', { paymentId, action }));
}
