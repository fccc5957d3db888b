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
import {
  applyDiscount,
  backspaceDiscount,
  closeCups,
  closeDiscount,
  discountStore,
  typeDiscountKey,
} from './state/discount';
import { cancelAge, cancelPick, confirmAge, confirmPick, menuStore, toggleSoldOutMode } from './state/menu';
import { cancelTender, confirmTender, nextSale, openTender, saleStore } from './state/sale';

export interface KeyInput {
  key: string;
  /** With a modifier the key belongs to the browser or the OS (copy, reload, zoom). */
  modified: boolean;
  /** A focused button handles Enter and Space itself (the native click). */
  onButton: boolean;
}

/** Which of the sell screen's dialogs is open (they take the keys while open), or null. */
export function openDialog(): 'age' | 'choices' | 'discount' | 'cups' | null {
  const { ageCheck, pick } = menuStore.getState();
  const { open, cupsOpen } = discountStore.getState();
  if (ageCheck) return 'age';
  if (pick) return 'choices';
  if (open) return 'discount';
  if (cupsOpen) return 'cups';
  return null;
}

/**
 * Keys while a dialog is open: Esc cancels, Enter (off a button) confirms, the discount's value
 * is typed; nothing else reaches the sale behind it. Tab, and Enter/Space on a focused button,
 * keep their native meaning so every choice is reachable from the keyboard.
 */
function handleDialogKey(dialog: NonNullable<ReturnType<typeof openDialog>>, key: string, onButton: boolean): boolean {
  if (key === 'Tab' || ((key === 'Enter' || key === ' ') && onButton)) return false;
  if (key === 'Escape') {
    ({ age: cancelAge, choices: cancelPick, discount: closeDiscount, cups: closeCups })[dialog]();
    return true;
  }
  if (key === 'Enter') {
    if (dialog === 'age') void confirmAge();
    if (dialog === 'choices') void confirmPick();
    if (dialog === 'discount') void applyDiscount();
    return true;
  }
  if (dialog === 'discount') {
    if (/^\d$/.test(key) || key === '.' || key === ',') typeDiscountKey(key === ',' ? '.' : key);
    if (key === 'Backspace') backspaceDiscount();
  }
  // Arrows move between the dialog's buttons like Tab does (handled by the dialog itself).
  return !key.startsWith('Arrow');
}

/** Returns true when the key was used (the caller then prevents the default). */
export function handleKey({ key, modified, onButton }: KeyInput): boolean {
  if (modified) return false;
  const { screen, sale } = saleStore.getState();
  const dialog = screen === 'sell' ? openDialog() : null;
  if (dialog) return handleDialogKey(dialog, key, onButton);
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
        if (menuStore.getState().soldOutMode) toggleSoldOutMode();
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
