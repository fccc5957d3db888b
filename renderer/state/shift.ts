// The drawer's shift and the supervisor's money side (issue 7): the opening float, drops,
// paid-in/out, no-sale opens, the X report, the blind count, the supervisor's approval, the Z,
// stored reports and the overrides list. The terminal owns every figure; the UI only counts notes.
import { createStore } from 'zustand/vanilla';
import type { OverrideDto, ShiftDto } from '../../contract/api';
import type { Minor } from '../../contract/money';
import { denominationsOf, type DenominationCount, type ReportDto } from '../../contract/shifts';
import { call, callOr } from './call';
import { appendTenderKey, tenderAmount } from './entry';
import { statusStore } from './status';
import { callWithSupervisor } from './supervisor';

export type ManagerView = 'menu' | 'drop' | 'paid_in' | 'paid_out' | 'no_sale' | 'close' | 'report' | 'overrides';
export type Done = 'drop' | 'paid_in' | 'paid_out' | 'no_sale';

export interface ShiftState {
  shift: ShiftDto | null;
  /** shift.current has answered once (before that, the app does not know whether to sell). */
  loaded: boolean;
  /** The venue's notes and coins, from the last ShiftDto seen (empty: none seen yet). */
  denominations: number[];
  /** The open-shift form's cashier. */
  cashierId: string | null;
  /** Counts as typed per denomination (float, drop, blind count). */
  counts: Record<number, string>;
  managerOpen: boolean;
  view: ManagerView;
  /** A drop counted note by note, or given as one amount. */
  dropMode: 'count' | 'amount';
  /** Amount as typed, major units. */
  amount: string;
  reason: string;
  /** The supervisor's note closing a shift beyond tolerance. */
  note: string;
  /** The blind count's answer: counted, expected and over/short, shown only after submitting. */
  countResult: ShiftDto | null;
  report: ReportDto | null;
  /** Asked for a stored report that does not exist (yet). */
  noReport: boolean;
  overrides: OverrideDto[] | null;
  /** The last cash movement done, for the confirmation line. */
  done: Done | null;
  busy: boolean;
}

export const initialShiftState: ShiftState = {
  shift: null,
  loaded: false,
  denominations: [],
  cashierId: null,
  counts: {},
  managerOpen: false,
  view: 'menu',
  dropMode: 'count',
  amount: '',
  reason: '',
  note: '',
  countResult: null,
  report: null,
  noReport: false,
  overrides: null,
  done: null,
  busy: false,
};
export const shiftStore = createStore<ShiftState>()(() => initialShiftState);

const currency = (): string => statusStore.getState().status?.currency ?? 'XXX';

export function setShift(shift: ShiftDto | null): void {
  shiftStore.setState((s) => ({
    shift,
    loaded: true,
    denominations: shift && shift.denominations.length > 0 ? [...shift.denominations] : s.denominations,
  }));
}

export async function loadShift(): Promise<void> {
  const shift = await call('shift.current', {});
  // null is an answer too (no shift): only a failed call leaves "not loaded".
  if (shift !== null || !shiftStore.getState().loaded) setShift(shift);
}

/** Notes and coins to count: the venue's (from a ShiftDto), else the currency's usual ones. */
export function denominations(): readonly number[] {
  const known = shiftStore.getState().denominations;
  return known.length > 0 ? known : denominationsOf(currency());
}

// ---------- counting ----------

/** A count as typed: digits only, at most 5 (100 000 notes is no drawer). */
export function setCount(denomination: number, text: string): void {
  const clean = text.replace(/\D/g, '').replace(/^0+(?=\d)/, '').slice(0, 5);
  shiftStore.setState((s) => ({ counts: { ...s.counts, [denomination]: clean } }));
}

export function stepCount(denomination: number, delta: 1 | -1): void {
  const now = Number(shiftStore.getState().counts[denomination] ?? '0') || 0;
  setCount(denomination, String(Math.max(0, now + delta)));
}

/** The typed counts as the terminal takes them (denominations with a count only). */
export function typedCounts(counts: Record<number, string> = shiftStore.getState().counts): DenominationCount[] {
  return denominations()
    .map((denomination) => ({ denomination, count: Number(counts[denomination] ?? '') || 0 }))
    .filter((c) => c.count > 0);
}

export function countSum(counts: readonly DenominationCount[]): Minor {
  return counts.reduce((sum, c) => sum + c.denomination * c.count, 0);
}

export function typeAmountKey(key: string): void {
  shiftStore.setState((s) => ({ amount: appendTenderKey(s.amount, key, currency()) }));
}

export function setAmountText(text: string): void {
  let next = '';
  for (const ch of text.replace(',', '.')) next = appendTenderKey(next, ch, currency());
  shiftStore.setState({ amount: next });
}

export function typedAmount(): Minor | null {
  return tenderAmount(shiftStore.getState().amount, currency());
}

export function setReason(reason: string): void {
  shiftStore.setState({ reason: reason.slice(0, 200) });
}

export function setNote(note: string): void {
  shiftStore.setState({ note: note.slice(0, 500) });
}

export function setDropMode(dropMode: 'count' | 'amount'): void {
  shiftStore.setState({ dropMode, counts: {}, amount: '' });
}

async function busy<T>(work: () => Promise<T>): Promise<T | null> {
  if (shiftStore.getState().busy) return null;
  shiftStore.setState({ busy: true });
  try {
    return await work();
  } finally {
    shiftStore.setState({ busy: false });
  }
}

// ---------- opening ----------

export function pickCashier(cashierId: string): void {
  shiftStore.setState({ cashierId });
}

/** Opens the drawer's shift for the picked cashier with the counted float (a supervisor approves). */
export async function openShift(): Promise<boolean> {
  const { cashierId } = shiftStore.getState();
  if (cashierId === null) return false;
  const float = typedCounts();
  const shift = await busy(() => callWithSupervisor('shift.open', { cashierId, float }));
  if (!shift) return false;
  setShift(shift);
  shiftStore.setState({ counts: {}, cashierId: null });
  return true;
}

// ---------- the manager menu ----------

const FRESH_FORM = { counts: {}, amount: '', reason: '', note: '', dropMode: 'count', done: null, noReport: false } as const;

export function openManager(view: ManagerView = 'menu'): void {
  shiftStore.setState({ ...FRESH_FORM, managerOpen: true, view, countResult: null, report: null, overrides: null });
}

export function closeManager(): void {
  if (shiftStore.getState().busy) return;
  shiftStore.setState({ ...FRESH_FORM, managerOpen: false, view: 'menu', countResult: null, report: null, overrides: null });
}

/** Esc in the menu: a sub-view goes back to the menu, the menu closes. */
export function escapeManager(): void {
  if (shiftStore.getState().view === 'menu') closeManager();
  else showView('menu');
}

export function showView(view: ManagerView): void {
  if (shiftStore.getState().busy) return;
  // A counted shift waiting for approval stays on screen in the close view.
  const keep = view === 'close' ? { countResult: shiftStore.getState().countResult } : { countResult: null };
  shiftStore.setState({ ...FRESH_FORM, view, report: null, overrides: null, ...keep });
}

export async function cashDrop(): Promise<boolean> {
  const { dropMode } = shiftStore.getState();
  const counts = typedCounts();
  const amount = typedAmount();
  if (dropMode === 'count' ? counts.length === 0 : amount === null) return false;
  const shift = await busy(() =>
    callWithSupervisor('shift.cashMovement', dropMode === 'count' ? { kind: 'drop', counts } : { kind: 'drop', amount: amount! }),
  );
  return moved(shift, 'drop');
}

export async function paidInOut(kind: 'paid_in' | 'paid_out'): Promise<boolean> {
  const amount = typedAmount();
  const reason = shiftStore.getState().reason.trim();
  if (amount === null || reason === '') return false;
  const shift = await busy(() => callWithSupervisor('shift.cashMovement', { kind, amount, reason }));
  return moved(shift, kind);
}

export async function noSale(): Promise<boolean> {
  const reason = shiftStore.getState().reason.trim();
  if (reason === '') return false;
  const shift = await busy(() => callWithSupervisor('drawer.noSale', { reason }));
  return moved(shift, 'no_sale');
}

function moved(shift: ShiftDto | null, done: Done): boolean {
  if (!shift) return false;
  setShift(shift);
  shiftStore.setState({ ...FRESH_FORM, done, view: 'menu' });
  return true;
}

export async function xReport(): Promise<void> {
  const report = await busy(() => call('report.x', {}));
  if (report) shiftStore.setState({ ...FRESH_FORM, view: 'report', report });
}

/**
 * The blind count: the cashier never sees expected cash before this answer. Within tolerance the
 * shift closes at once and its report follows; beyond it, a supervisor closes it with a note.
 */
export async function submitCount(): Promise<boolean> {
  const counts = typedCounts();
  const result = await busy(() => call('shift.count', { counts }));
  if (!result) return false;
  shiftStore.setState({ countResult: result, counts: {} });
  if (result.status === 'closed') {
    setShift(null);
    const report = await call('report.get', { kind: 'shift', shiftId: result.shiftId });
    if (report) shiftStore.setState({ report });
  } else {
    setShift(result);
  }
  return true;
}

/** A supervisor closes a counted shift beyond tolerance, with a note. */
export async function approveClose(): Promise<boolean> {
  const note = shiftStore.getState().note.trim();
  if (note === '') return false;
  const report = await busy(() => callWithSupervisor('shift.close', { note }));
  if (!report) return false;
  setShift(null);
  shiftStore.setState((s) => ({
    report,
    note: '',
    countResult: s.countResult ? { ...s.countResult, status: 'closed' } : s.countResult,
  }));
  return true;
}

/** Closes the business day (Z) and shows its report. */
export async function closeDay(): Promise<boolean> {
  const report = await busy(() => callWithSupervisor('day.close', {}));
  if (!report) return false;
  shiftStore.setState({ ...FRESH_FORM, view: 'report', report });
  return true;
}

/** The last closed shift's or Z's stored report. */
export async function storedReport(kind: 'shift' | 'z'): Promise<void> {
  let failed = false;
  const report = await busy(() =>
    callOr('report.get', { kind }, () => {
      failed = true;
      return false;
    }),
  );
  if (failed) return;
  shiftStore.setState({ ...FRESH_FORM, view: 'report', report, noReport: report === null });
}

export async function loadOverrides(): Promise<void> {
  const overrides = await busy(() => call('report.overrides', {}));
  if (overrides) shiftStore.setState({ ...FRESH_FORM, view: 'overrides', overrides });
}
