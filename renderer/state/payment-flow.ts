// What card and wallet payments do the same way once the terminal has answered: the sale after a
// payment paid its part, and the "approved, not completed" payments recovery found
// (ARCHITECTURE §5). Each payment store keeps its own panel and states; these take the store (or
// how to close its panel) and the command that differs.
import type { StoreApi } from 'zustand/vanilla';
import { call } from './call';
import { clearTender } from './entry';
import { saleStore, setSale } from './sale';

/**
 * A payment paid its part: with nothing left to pay the sale completes and the change screen
 * shows; otherwise the pay screen asks for the rest. `closePanel` takes the payment's panel away.
 */
export async function afterPaymentPaid(closePanel: () => void): Promise<void> {
  const sale = await call('sale.get', {});
  if (!sale) return;
  setSale(sale);
  if (sale.remaining > 0) {
    closePanel();
    clearTender();
    saleStore.setState({ screen: 'tender' });
    return;
  }
  const completed = await call('sale.complete', {});
  if (!completed) return; // the toast says why; the panel stays on "approved"
  clearTender();
  closePanel();
  saleStore.setState({ lastCompleted: completed, screen: 'change' });
}

interface RecoveredPayment {
  paymentId: string;
  needsResolution: boolean;
}

/** The part of a payment store the recovery prompt works on. */
export interface RecoverySlice<P extends RecoveredPayment> {
  busy: boolean;
  recovered: P[];
}

/** Keeps the payments recovery says still wait for the cashier. `list` is null when refused. */
export async function loadRecoveredInto<P extends RecoveredPayment>(
  store: StoreApi<RecoverySlice<P>>,
  list: () => Promise<P[] | null>,
): Promise<void> {
  const recovered = await list();
  if (recovered) store.setState({ recovered: recovered.filter((p) => p.needsResolution) });
}

/**
 * `complete` keeps the payment as a tender of the open sale and completes the sale when that pays
 * it in full; `void` reverses it at the gateway. `resolve` sends the cashier's choice (null when
 * refused: the toast says why and the prompt stays).
 */
export async function resolveRecoveredIn<P extends RecoveredPayment>(
  store: StoreApi<RecoverySlice<P>>,
  paymentId: string,
  action: 'complete' | 'void',
  resolve: () => Promise<unknown>,
): Promise<void> {
  if (store.getState().busy) return;
  store.setState({ busy: true });
  try {
    const resolved = await resolve();
    if (!resolved) return;
    store.setState({
      recovered: store.getState().recovered.filter((p) => p.paymentId !== paymentId),
    });
    const sale = await call('sale.get', {});
    if (!sale) return;
    setSale(sale);
    if (
      action === 'complete' &&
      sale.lines.length > 0 &&
      sale.remaining === 0 &&
      saleStore.getState().screen !== 'change'
    ) {
      const completed = await call('sale.complete', {});
      if (completed) saleStore.setState({ lastCompleted: completed, screen: 'change' });
    }
  } finally {
    store.setState({ busy: false });
  }
}
