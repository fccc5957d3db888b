// What the cashier has typed but not yet used: a quantity prefix on the sell screen and a cash
// amount on the tender screen. Pure string editing, so keyboard and on-screen keypad agree.
import { createStore } from 'zustand/vanilla';
import type { Minor } from '../../contract/money';
import { currencyExponent, parseMajor } from '../../contract/money';

export interface EntryState {
  /** Digits typed before choosing a product ("" = one). */
  quantity: string;
  /** Cash received as typed, in major units ("50", "37.5"). */
  tender: string;
}

export const initialEntryState: EntryState = { quantity: '', tender: '' };
export const entryStore = createStore<EntryState>()(() => initialEntryState);

/** The contract's Quantity allows 1–999. */
export const MAX_QUANTITY_DIGITS = 3;

export function appendQuantityDigit(current: string, digit: string): string {
  if (!/^\d$/.test(digit)) return current;
  if (current === '' && digit === '0') return current; // a quantity never starts with 0
  if (current.length >= MAX_QUANTITY_DIGITS) return current;
  return current + digit;
}

export function quantityOf(entry: string): number {
  const n = Number(entry);
  return entry === '' || !Number.isInteger(n) || n < 1 ? 1 : n;
}

/** Amount typing: digits and one decimal point, never more decimals than the currency has. */
export function appendTenderKey(current: string, key: string, currency: string): string {
  const exponent = currencyExponent(currency);
  if (key === '.') {
    if (exponent === 0 || current.includes('.')) return current;
    return (current === '' ? '0' : current) + '.';
  }
  if (!/^\d$/.test(key)) return current;
  const [whole = '', fraction] = current.split('.');
  if (fraction !== undefined) {
    return fraction.length >= exponent ? current : current + key;
  }
  if (whole === '0') return key; // no leading zeros
  if (whole.length >= 7) return current; // a million in notes is not a counter sale
  return current + key;
}

export function tenderAmount(entry: string, currency: string): Minor | null {
  const text = entry.endsWith('.') ? entry.slice(0, -1) : entry;
  if (text === '') return null;
  try {
    const amount = parseMajor(text, currency);
    return amount > 0 ? amount : null;
  } catch {
    return null;
  }
}

export function typeQuantityDigit(digit: string): void {
  entryStore.setState((s) => ({ quantity: appendQuantityDigit(s.quantity, digit) }));
}
export function backspaceQuantity(): void {
  entryStore.setState((s) => ({ quantity: s.quantity.slice(0, -1) }));
}
export function clearQuantity(): void {
  entryStore.setState({ quantity: '' });
}
/** Reads and resets the prefix: one prefix applies to one product. */
export function takeQuantity(): number {
  const q = quantityOf(entryStore.getState().quantity);
  entryStore.setState({ quantity: '' });
  return q;
}

export function typeTenderKey(key: string, currency: string): void {
  entryStore.setState((s) => ({ tender: appendTenderKey(s.tender, key, currency) }));
}
export function backspaceTender(): void {
  entryStore.setState((s) => ({ tender: s.tender.slice(0, -1) }));
}
export function clearTender(): void {
  entryStore.setState({ tender: '' });
}
