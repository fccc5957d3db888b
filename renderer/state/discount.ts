// Discounts, comps and staff meals on a line or the whole sale, and cup returns. A reason with a
// fixed percentage (comp, staff meal, season ticket) applies at once; others ask for a percentage
// or an amount on the keypad. Over the cashier's limit the terminal answers
// discount.needs_supervisor: the supervisor PIN prompt opens over the dialog and sends it again.
import { createStore } from 'zustand/vanilla';
import type { CommandInput, LineDiscountDto, SaleDto, SaleLineDto } from '../../contract/api';
import { discountOf } from '../../contract/pricing';
import { call } from './call';
import { callWithSupervisor } from './supervisor';
import { catalogStore } from './catalog';
import { appendTenderKey, takeQuantity, tenderAmount } from './entry';
import { saleStore, setSale } from './sale';

export type DiscountUnit = 'percent' | 'amount';

export interface DiscountState {
  open: boolean;
  /** The line discounted; null: the whole sale. */
  lineId: string | null;
  /** A reason that needs a value, waiting for it. */
  reason: string | null;
  unit: DiscountUnit;
  /** As typed: percent ("12.5") or major units ("5.00"). */
  entry: string;
  /** The terminal's refusal shown in the dialog (discount.needs_supervisor, …), or null. */
  refused: { code: string; detail: string } | null;
  busy: boolean;
  /** The cup-return list is open. */
  cupsOpen: boolean;
}

export const initialDiscountState: DiscountState = {
  open: false,
  lineId: null,
  reason: null,
  unit: 'percent',
  entry: '',
  refused: null,
  busy: false,
  cupsOpen: false,
};
export const discountStore = createStore<DiscountState>()(() => initialDiscountState);

const discountable = (l: SaleLineDto): boolean => l.kind === 'item' || l.kind === 'combo';

/** What a line's own discount takes off it (a sale discount's share is on the sale). */
export function ownDiscount(line: SaleLineDto): number {
  return line.lineDiscount ? discountOf(line.amount, line.lineDiscount) : 0;
}

/** What the sale discount takes off: its spec over what the line discounts left. */
export function saleDiscountAmount(sale: SaleDto): number {
  if (!sale.saleDiscount) return 0;
  const left = sale.lines.filter(discountable).reduce((s, l) => s + l.amount - ownDiscount(l), 0);
  return discountOf(left, sale.saleDiscount);
}

/** The discount already on the dialog's target, if any. */
export function currentDiscount(
  sale: SaleDto | null,
  lineId: string | null,
): LineDiscountDto | null {
  if (!sale) return null;
  if (lineId === null) return sale.saleDiscount;
  return sale.lines.find((l) => l.lineId === lineId)?.lineDiscount ?? null;
}

/** Percent typed ("12.5") as basis points, or null when not a usable 0 < p ≤ 100. */
export function percentBp(entry: string): number | null {
  if (!/^\d{1,3}(\.\d{0,2})?$/.test(entry)) return null;
  const bp = Math.round(Number(entry) * 100);
  return bp >= 1 && bp <= 10_000 ? bp : null;
}

/** Opens the dialog for the selected line, or the whole sale when none is selected. */
export function openDiscount(): void {
  const { sale, selectedLineId, screen } = saleStore.getState();
  if (screen !== 'sell' || !sale || !sale.lines.some(discountable)) return;
  const line = sale.lines.find((l) => l.lineId === selectedLineId);
  discountStore.setState({
    ...initialDiscountState,
    open: true,
    lineId: line && discountable(line) ? line.lineId : null,
  });
}

export function closeDiscount(): void {
  if (discountStore.getState().busy) return;
  discountStore.setState({ open: false, reason: null, entry: '', refused: null });
}

/** The dialog's target: a line of the sale, or the sale (null). */
export function setDiscountTarget(lineId: string | null): void {
  discountStore.setState({ lineId, refused: null });
}

export function setDiscountUnit(unit: DiscountUnit): void {
  discountStore.setState({ unit, entry: '', refused: null });
}

/** Percent typing: digits and one decimal point, two decimals at most, never above 100. */
export function appendPercentKey(entry: string, key: string): string {
  let next: string;
  if (key === '.') next = entry.includes('.') ? entry : (entry === '' ? '0' : entry) + '.';
  else if (/^\d$/.test(key)) next = entry === '0' ? key : entry + key;
  else return entry;
  return /^\d{1,3}(\.\d{0,2})?$/.test(next) && Number(next) <= 100 ? next : entry;
}

export function typeDiscountKey(key: string): void {
  const { reason, unit, entry } = discountStore.getState();
  if (reason === null) return;
  const currency = saleStore.getState().sale?.currency ?? 'XXX';
  const next =
    unit === 'amount' ? appendTenderKey(entry, key, currency) : appendPercentKey(entry, key);
  discountStore.setState({ entry: next, refused: null });
}

export function backspaceDiscount(): void {
  discountStore.setState((s) => ({ entry: s.entry.slice(0, -1), refused: null }));
}

async function send(input: Omit<CommandInput<'sale.setDiscount'>, 'lineId'>): Promise<boolean> {
  const { lineId, busy } = discountStore.getState();
  if (busy) return false;
  discountStore.setState({ busy: true, refused: null });
  try {
    const updated = await callWithSupervisor(
      'sale.setDiscount',
      lineId === null ? input : { ...input, lineId },
      (e) => {
        if (e.code !== 'discount.invalid') return false;
        discountStore.setState({ refused: { code: e.code, detail: e.message } });
        return true;
      },
    );
    if (!updated) return false;
    setSale(updated);
    discountStore.setState({ open: false, reason: null, entry: '' });
    return true;
  } finally {
    discountStore.setState({ busy: false });
  }
}

/** A reason tapped: fixed ones apply at once, others wait for a value. */
export async function chooseReason(code: string): Promise<void> {
  const reason = catalogStore.getState().catalog?.reasons.find((r) => r.code === code);
  if (!reason) return;
  if (reason.percentBp !== null) {
    await send({ reason: code });
    return;
  }
  discountStore.setState({ reason: code, entry: '', refused: null });
}

/** The typed value for the chosen reason (Enter or the Apply button). */
export function typedValue(): { percentBp: number } | { amount: number } | null {
  const { unit, entry } = discountStore.getState();
  if (unit === 'percent') {
    const bp = percentBp(entry.endsWith('.') ? entry.slice(0, -1) : entry);
    return bp === null ? null : { percentBp: bp };
  }
  const amount = tenderAmount(entry, saleStore.getState().sale?.currency ?? 'XXX');
  return amount === null ? null : { amount };
}

export async function applyDiscount(): Promise<void> {
  const { reason } = discountStore.getState();
  const value = typedValue();
  if (reason === null || value === null) return;
  await send({ reason, ...value });
}

export async function removeDiscount(): Promise<void> {
  await send({ reason: null });
}

// ---------- cup returns ----------

export function openCups(): void {
  const { screen } = saleStore.getState();
  if (screen !== 'sell' || (catalogStore.getState().catalog?.deposits.length ?? 0) === 0) return;
  discountStore.setState({ cupsOpen: true });
}

export function closeCups(): void {
  discountStore.setState({ cupsOpen: false });
}

/** One returned container (or the typed quantity): a negative deposit line. */
export async function returnCup(depositId: string): Promise<void> {
  const quantity = takeQuantity();
  const updated = await call(
    'sale.returnDeposit',
    quantity === 1 ? { depositId } : { depositId, quantity },
  );
  if (!updated) return;
  setSale(updated);
  discountStore.setState({ cupsOpen: false });
}
