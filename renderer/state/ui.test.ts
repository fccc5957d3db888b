import { beforeEach, describe, expect, it } from 'vitest';
import { resetStores } from '../testing/reset';
import { setDefaultLanguage, toggleLanguage, uiStore } from './ui';

beforeEach(resetStores);

describe('language', () => {
  it('takes the venue default at start-up', () => {
    setDefaultLanguage('zh');
    expect(uiStore.getState().language).toBe('zh');
  });

  it('keeps the language the cashier picked when the venue default arrives later', () => {
    toggleLanguage(); // en → zh
    toggleLanguage(); // zh → en, chosen
    setDefaultLanguage('zh');
    expect(uiStore.getState()).toMatchObject({ language: 'en', languageChosen: true });
  });
});
