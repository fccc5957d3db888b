// Price override (issue 7): a supervisor sets a line's unit price by hand, with a reason. The
// cashier opens it on the selected line; the terminal asks for the supervisor's PIN if needed.
import { createStore } from 'zustand/vanilla';
import { parseMajor } from '../../contract/money';
import { saleStore } from './sale';
import { callWithSupervisor } from './supervisor';

export interface PriceState {
  open: boolean;
  lineId: string | null;
  /** The new unit price as typed, in major units ("12.50"). */
  entry: string;
  reason: string;
  busy: boolean;
}

export const initialPriceState: PriceState = { open: false, lineId: null, entry: '', reason: '', busy: false };
export const priceStore = createStore<PriceState>()(() => initialPriceState);

/** Quick reasons (the cashier may type another). */
export const PRICE_REASONS = ['shelf label', 'damaged', 'manager special'] as const;

/** The selected line when it takes a price by hand (an item or a combo), else null. */
export function priceableLineId(): string | null {
  const { sale, selectedLineId } = saleStore.getState();
  const line = sale?.lines.find((l) => l.lineId === selectedLineId);
  return line && (line.kind === 'item' || line.kind === 'combo') ? line.lineId : null;
}

export function openPrice(): void {
  const lineId = priceableLineId();
  if (lineId) priceStore.setState({ ...initialPriceState, open: true, lineId });
}

export function closePrice(): void {
  if (!priceStore.getState().busy) priceStore.setState(initialPriceState);
}

export function setPriceEntry(entry: string): void {
  if (/^\d{0,7}(\.\d{0,3})?$/.test(entry)) priceStore.setState({ entry });
}

export function setPriceReason(reason: string): void {
  priceStore.setState({ reason: reason.slice(0, 200) });
}

/** The typed price in minor units of the sale's currency, or null when not a price. */
export function typedPrice(): number | null {
  const { entry } = priceStore.getState();
  const currency = saleStore.getState().sale?.currency;
  if (!currency || entry === '') return null;
  try {
    return parseMajor(entry, currency);
  } catch {
    return null;
  }
}

export async function applyPrice(): Promise<void> {
  const { lineId, reason, busy } = priceStore.getState();
  const unitPrice = typedPrice();
  if (busy || !lineId || unitPrice === null || reason.trim() === '') return;
  priceStore.setState({ busy: true });
  try {
    const sale = await callWithSupervisor('sale.overridePrice', { lineId, unitPrice, reason: reason.trim() });
    if (sale) {
      saleStore.setState({ sale });
      priceStore.setState(initialPriceState);
    }
  } finally {
    if (priceStore.getState().busy) priceStore.setState({ busy: false });
  }
}
