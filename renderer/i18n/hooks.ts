import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { ErrorCode, LocalizedText } from '../../contract/api';
import type { Minor } from '../../contract/money';
import { uiStore } from '../state/ui';
import type { MessageKey } from './en';
import { formatMoney, localized } from './format';

export type TextKey = MessageKey | `error.${ErrorCode}`;

/** t restricted to keys that exist, so a typo fails the type check instead of showing a key. */
export function useT(): (key: TextKey, values?: Record<string, string | number>) => string {
  const { t } = useTranslation();
  return useCallback((key, values) => (values ? t(key, values) : t(key)), [t]);
}

export function useMoney(): (amount: Minor, currency: string) => string {
  const language = useStore(uiStore, (s) => s.language);
  return useCallback((amount, currency) => formatMoney(amount, currency, language), [language]);
}

export function useLocalized(): (text: LocalizedText) => string {
  const language = useStore(uiStore, (s) => s.language);
  return useCallback((text) => localized(text, language), [language]);
}
