import type { Locale, LocalizedText } from '../../contract/api';
import { currencyExponent, toMajorNumber, type Minor } from '../../contract/money';

/** BCP 47 tags for Intl: zh means Simplified Chinese as used in mainland China. */
export function intlLocale(language: Locale): string {
  return language === 'zh' ? 'zh-CN' : 'en-GB';
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Display only: amounts stay integer minor units everywhere else. */
export function formatMoney(amount: Minor, currency: string, language: Locale): string {
  const key = `${language}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    const digits = currencyExponent(currency);
    f = new Intl.NumberFormat(intlLocale(language), {
      style: 'currency',
      currency,
      // One currency per venue: "¥" rather than "CN¥", "$" rather than "US$".
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, f);
  }
  return f.format(toMajorNumber(amount, currency));
}

export function localized(text: LocalizedText, language: Locale): string {
  // A catalog row missing one language still shows something readable.
  return text[language] || text.en || text.zh;
}
