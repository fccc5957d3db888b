// The open sale as the terminal last reported it, the sale just completed, and which screen the
// cashier is on. The terminal owns the truth: every change goes through a command and the store
// shows the SaleDto that comes back (or the next sale.updated event).
import { createStore } from 'zustand/vanilla';
import type { CompletedSaleDto, SaleDto } from '../../contract/api';
import type { Minor } from '../../contract/money';
import { call } from './call';
import { callWithSupervisor } from './supervisor';
import { clearQuantity, clearTender, takeQuantity, tenderAmount } from './entry';
import { showError } from './ui';

export type Screen = 'sell' | 'tender' | 'change';

export interface SaleState {
  sale: SaleDto | null;
  lastCompleted: CompletedSaleDto | null;
  screen: Screen;
  /** A payment is on its way: a second tap must not pay twice. */
  paying: boolean;
  /** The cart line a discount applies to (none: the whole sale). */
  selectedLineId: string | null;
}

export const initialSaleState: SaleState = {
  sale: null,
  lastCompleted: null,
  screen: 'sell',
  paying: false,
  selectedLineId: null,
};
export const saleStore = createStore<SaleState>()(() => initialSaleState);

export function setSale(sale: SaleDto): void {
  const { selectedLineId } = saleStore.getState();
  // A selection of a line that is gone (removed, the sale completed) lapses.
  const keepSelection = selectedLineId !== null && sale.lines.some((l) => l.lineId === selectedLineId);
  saleStore.setState({ sale, selectedLineId: keepSelection ? selectedLineId : null });
}

/** Taps on a cart line select it for a discount; a second tap selects the whole sale again. */
export function selectLine(lineId: string): void {
  const { sale, selectedLineId } = saleStore.getState();
  const line = sale?.lines.find((l) => l.lineId === lineId);
  if (!line || (line.kind !== 'item' && line.kind !== 'combo')) return;
  saleStore.setState({ selectedLineId: selectedLineId === lineId ? null : lineId });
}

/**
 * Payment is refused while a line is stopped (a venue stop-sale reached the sale): the cashier
 * sees which item and why, and removes it first. True when refused.
 */
export function refuseStopped(): boolean {
  const stopped = saleStore.getState().sale?.lines.find((l) => l.stoppedBy !== null);
  if (!stopped) return false;
  showError(
    { code: 'sale.stopped_items', message: `${stopped.productId} is stopped (${stopped.stoppedBy ?? ''})` },
    { key: 'menu.stoppedLinePay', values: { name: stopped.name.en, nameZh: stopped.name.zh, tag: stopped.stoppedBy ?? '' } },
  );
  return true;
}

function keep(sale: SaleDto | null): void {
  if (sale) setSale(sale);
}

export async function loadSale(): Promise<void> {
  keep(await call('sale.get', {}));
}

/** Adds the product with the typed quantity prefix (one when none was typed). */
export async function addProduct(productId: string): Promise<void> {
  if (saleStore.getState().screen !== 'sell') return;
  const quantity = takeQuantity();
  keep(await call('sale.addItem', quantity === 1 ? { productId } : { productId, quantity }));
}

export async function changeQuantity(lineId: string, delta: 1 | -1): Promise<void> {
  const line = saleStore.getState().sale?.lines.find((l) => l.lineId === lineId);
  if (!line) return;
  const quantity = line.quantity + delta;
  if (quantity < 1 || quantity > 999) return;
  // Fewer once a card paid part of the sale is a line void: a supervisor approves by PIN.
  keep(await callWithSupervisor('sale.setQuantity', { lineId, quantity }));
}

export async function removeLine(lineId: string): Promise<void> {
  keep(await callWithSupervisor('sale.removeLine', { lineId }));
}

export async function clearSale(): Promise<void> {
  clearQuantity();
  keep(await callWithSupervisor('sale.clear', {}));
}

export function openTender(): void {
  const { sale, screen } = saleStore.getState();
  if (screen !== 'sell' || !sale) return;
  if (sale.lines.length === 0) {
    showError({ code: 'sale.empty', message: 'pay cash pressed with an empty sale' });
    return;
  }
  if (refuseStopped()) return;
  clearQuantity();
  clearTender();
  saleStore.setState({ screen: 'tender' });
}

export function cancelTender(): void {
  if (saleStore.getState().paying) return;
  clearTender();
  saleStore.setState({ screen: 'sell' });
}

/**
 * Takes cash and completes the sale in one go: the cashier has the notes in hand, so there is
 * no second confirmation. If completing fails after the tender was accepted, the tender stays
 * on the sale and a retry with the same amount skips straight to completing.
 */
export async function payCash(tendered: Minor): Promise<boolean> {
  const state = saleStore.getState();
  if (state.paying || state.screen !== 'tender' || !state.sale) return false;
  saleStore.setState({ paying: true });
  try {
    const existing = state.sale.tender;
    // Nothing to pay (a staff meal, returns that cancel the items out): the sale just completes.
    const due = state.sale.remaining !== 0;
    if (due && (!existing || existing.tendered !== tendered)) {
      const paid = await call('payment.payCash', { tendered });
      if (!paid) return false;
      setSale(paid);
    }
    const completed = await call('sale.complete', {});
    if (!completed) return false;
    clearTender();
    saleStore.setState({ lastCompleted: completed, screen: 'change' });
    return true;
  } finally {
    saleStore.setState({ paying: false });
  }
}

export async function nextSale(): Promise<void> {
  if (saleStore.getState().screen !== 'change') return;
  clearQuantity();
  clearTender();
  saleStore.setState({ screen: 'sell' });
  // The terminal opened a fresh sale when the last one completed; make sure we show it even if
  // its sale.updated event was missed.
  await loadSale();
}

/** Enter / the confirm button on the tender screen: the typed amount, or exactly what is due. */
export async function confirmTender(typed: string): Promise<boolean> {
  const sale = saleStore.getState().sale;
  if (!sale) return false;
  // Returns worth more than the items: the drawer pays out, nothing is tendered.
  if (sale.remaining < 0) return payCash(0);
  return payCash(tenderAmount(typed, sale.currency) ?? sale.cashDue);
}
