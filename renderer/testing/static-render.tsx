// Screens rendered to markup in unit tests (react-dom/server): no DOM, no effects, the text a
// cashier would read.
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import type { i18n as I18n } from 'i18next';
import type * as Zustand from 'zustand';

/**
 * For `vi.mock('zustand', …)`: a static render reads a store's initial state (React's server
 * snapshot); with this useStore it reads the state each test sets, as the live screen would.
 */
export function readingCurrentState(zustand: typeof Zustand): typeof Zustand {
  const useStore = <S, U>(api: { getState: () => S }, select: (s: S) => U): U => select(api.getState());
  return { ...zustand, useStore: useStore as typeof Zustand.useStore };
}

/** `ui` rendered in `i18n`'s language, as markup. */
export function renderMarkup(i18n: I18n, ui: ReactElement): string {
  return renderToStaticMarkup(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>);
}

/** The text a cashier reads, without markup. */
export function visibleText(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/\s+/g, ' ');
}
