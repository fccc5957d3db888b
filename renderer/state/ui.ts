// Language and the error toast. Language changes go through setLanguage so the store (which
// picks catalog names) and i18next (which picks UI labels) never disagree.
import { createStore } from 'zustand/vanilla';
import type { ApiError, ErrorCode, Locale } from '../../contract/api';
import type { MessageKey } from '../i18n/en';

export interface Toast {
  code: ErrorCode;
  /** The technician's message, kept for the title attribute and logs; the UI shows the code's text. */
  detail: string;
  /** Increments so the same error twice restarts the timer and re-announces. */
  seq: number;
  /** A more precise text than the code's (which tag stopped the item, the per-sale limit). */
  text?: ToastText;
}

export interface ToastText {
  key: MessageKey;
  values?: Record<string, string | number>;
}

export interface UiState {
  language: Locale;
  /** The cashier picked the language: the venue's default (which may load later) does not override it. */
  languageChosen: boolean;
  toast: Toast | null;
}

export const initialUiState: UiState = { language: 'en', languageChosen: false, toast: null };
export const uiStore = createStore<UiState>()(() => initialUiState);

type LanguageListener = (language: Locale) => void;
const languageListeners = new Set<LanguageListener>();

/** i18n subscribes here; the store stays free of React and i18next. */
export function onLanguageChange(listener: LanguageListener): () => void {
  languageListeners.add(listener);
  return () => languageListeners.delete(listener);
}

export function setLanguage(language: Locale): void {
  if (uiStore.getState().language === language) return;
  uiStore.setState({ language });
  for (const l of languageListeners) l(language);
}

export function toggleLanguage(): void {
  uiStore.setState({ languageChosen: true });
  setLanguage(uiStore.getState().language === 'en' ? 'zh' : 'en');
}

/** The venue's default language, unless the cashier already picked one (start-up can be slow). */
export function setDefaultLanguage(language: Locale): void {
  if (!uiStore.getState().languageChosen) setLanguage(language);
}

export const TOAST_MS = 6_000;
let toastTimer: ReturnType<typeof setTimeout> | null = null;
let toastSeq = 0;

export function showError(error: ApiError, text?: ToastText): void {
  toastSeq += 1;
  uiStore.setState({ toast: { code: error.code, detail: error.message, seq: toastSeq, ...(text ? { text } : {}) } });
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toastTimer = null;
    uiStore.setState({ toast: null });
  }, TOAST_MS);
}

export function dismissError(): void {
  if (toastTimer) clearTimeout(toastTimer);
  toastTimer = null;
  uiStore.setState({ toast: null });
}
