// One i18next instance for the app. Resources are bundled (no HTTP backend): counters may be
// offline and the UI must not flash untranslated keys.
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { ErrorCode, Locale } from '../../contract/api';
import { en, errorsEn } from './en';
import { errorsZh, zh } from './zh';

function withErrors(ui: Record<string, string>, errors: Record<ErrorCode, string>): Record<string, string> {
  const out: Record<string, string> = { ...ui };
  for (const [code, text] of Object.entries(errors)) out[`error.${code}`] = text;
  return out;
}

export const resources = {
  en: { translation: withErrors(en, errorsEn) },
  zh: { translation: withErrors(zh, errorsZh) },
} as const;

export function errorKey(code: ErrorCode): string {
  return `error.${code}`;
}

export async function createI18n(language: Locale, react = true): Promise<I18n> {
  const instance = i18next.createInstance();
  if (react) instance.use(initReactI18next);
  await instance.init({
    resources,
    lng: language,
    fallbackLng: 'en',
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}
