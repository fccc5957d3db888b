// Keyboard-only selling: a counter keyboard or a numeric pad must do everything a finger can.
// Decisions are plain functions over the stores so they are tested without a DOM.
import { catalogStore } from './state/catalog';
import {
  backspaceQuantity,
  backspaceTender,
  clearQuantity,
  entryStore,
  typeQuantityDigit,
  typeTenderKey,
} from './state/entry';
import { cancelTender, confirmTender, nextSale, openTender, saleStore } from './state/sale';

export interface KeyInput {
  key: string;
  /** With a modifier the key belongs to the browser or the OS (copy, reload, zoom). */
  modified: boolean;
  /** A focused button handles Enter and Space itself (the native click). */
  onButton: boolean;
}

/** Returns true when the key was used (the caller then prevents the default). */
export function handleKey({ key, modified, onButton }: KeyInput): boolean {
  if (modified) return false;
  const { screen, sale } = saleStore.getState();
  switch (screen) {
    case 'sell':
      if (/^\d$/.test(key)) {
        typeQuantityDigit(key);
        return true;
      }
      if (key === 'Backspace') {
        backspaceQuantity();
        return true;
      }
      if (key === 'Escape') {
        clearQuantity();
        return true;
      }
      if (key === 'Enter' && !onButton) {
        openTender();
        return true;
      }
      return false;
    case 'tender': {
      const currency = sale?.currency ?? catalogStore.getState().catalog?.currency ?? 'XXX';
      if (/^\d$/.test(key) || key === '.' || key === ',') {
        typeTenderKey(key === ',' ? '.' : key, currency);
        return true;
      }
      if (key === 'Backspace') {
        backspaceTender();
        return true;
      }
      if (key === 'Escape') {
        cancelTender();
        return true;
      }
      if (key === 'Enter' && !onButton) {
        void confirmTender(entryStore.getState().tender);
        return true;
      }
      return false;
    }
    case 'change':
      if (key === 'Enter' && !onButton) {
        void nextSale();
        return true;
      }
      return false;
  }
}
