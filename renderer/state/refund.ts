// The Refund screen's state: find a completed sale by its receipt, pick lines, confirm. Actions
// call the terminal; the screen only selects from here.
import { createStore } from 'zustand/vanilla';
import type { RefundableSaleDto, RefundDto } from '../../contract/api';
import { call } from './call';
import { callWithSupervisor } from './supervisor';

export interface RefundState {
  open: boolean;
  receipt: string;
  sale: RefundableSaleDto | null;
  /** Quantity to refund per line id (0 = not picked). */
  picked: Record<string, number>;
  result: RefundDto | null;
  busy: boolean;
  /** Why the whole sale is voided (sale.void needs one). */
  voidReason: string;
}

export const initialRefundState: RefundState = {
  open: false,
  receipt: '',
  sale: null,
  picked: {},
  result: null,
  busy: false,
  voidReason: '',
};
export const refundStore = createStore<RefundState>()(() => initialRefundState);

export function openRefund(receipt = ''): void {
  refundStore.setState({ ...initialRefundState, open: true, receipt });
  if (receipt) void findSale();
}

export function closeRefund(): void {
  refundStore.setState(initialRefundState);
}

export function setReceipt(receipt: string): void {
  refundStore.setState({ receipt });
}

export async function findSale(): Promise<void> {
  const { receipt } = refundStore.getState();
  if (!receipt.trim()) return;
  refundStore.setState({ busy: true, sale: null, result: null, picked: {} });
  const sale = await call('sale.findByReceipt', { receipt: receipt.trim() });
  refundStore.setState({ busy: false, sale });
}

/** Picks a line: its whole quantity left, or none when picked already. */
export function toggleLine(lineId: string): void {
  const { sale, picked } = refundStore.getState();
  const line = sale?.lines.find((l) => l.lineId === lineId);
  if (!line) return;
  const left = line.quantity - line.refundedQuantity;
  refundStore.setState({ picked: { ...picked, [lineId]: picked[lineId] ? 0 : left } });
}

export function pickAll(): void {
  const { sale } = refundStore.getState();
  if (!sale) return;
  refundStore.setState({
    picked: Object.fromEntries(sale.lines.map((l) => [l.lineId, l.quantity - l.refundedQuantity])),
  });
}

export async function confirmRefund(): Promise<void> {
  const { sale, picked, busy } = refundStore.getState();
  if (!sale || busy) return;
  const lines = Object.entries(picked)
    .filter(([, quantity]) => quantity > 0)
    .map(([lineId, quantity]) => ({ lineId, quantity }));
  if (lines.length === 0) return;
  refundStore.setState({ busy: true });
  // Every refund is a supervisor's: signed in, or by PIN at the cashier's screen.
  const result = await callWithSupervisor('refund.create', { saleId: sale.saleId, lines });
  // The sale again: what is refunded now (also after a refused or pending attempt).
  const fresh = await call('sale.findByReceipt', { receipt: sale.receiptRef });
  // After a refused or unanswered attempt the picks stay: Refund again retries the same lines
  // (an unanswered card refund is resumed under the same key only for the same lines).
  refundStore.setState({
    busy: false,
    result,
    sale: fresh ?? sale,
    ...(result ? { picked: {} } : {}),
  });
}

export function setVoidReason(voidReason: string): void {
  refundStore.setState({ voidReason: voidReason.slice(0, 200) });
}

/** Voids the whole completed sale back to its tenders (reported as a void; a supervisor approves). */
export async function voidSale(): Promise<void> {
  const { sale, busy, voidReason } = refundStore.getState();
  const reason = voidReason.trim();
  if (!sale || busy || reason === '') return;
  refundStore.setState({ busy: true });
  const result = await callWithSupervisor('sale.void', { saleId: sale.saleId, reason });
  const fresh = await call('sale.findByReceipt', { receipt: sale.receiptRef });
  refundStore.setState({ busy: false, result, sale: fresh ?? sale, ...(result ? { picked: {}, voidReason: '' } : {}) });
}
