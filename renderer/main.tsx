// Renderer entry. In Electron the preload has already put window.pos in place; anywhere else
// this is browser mode and the WebSocket client provides it.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './components/App';
import { createI18n } from './i18n';
import { installBrowserPos } from './pos-client';
import { startApp } from './state/boot';
import { onLanguageChange, uiStore } from './state/ui';
import './styles.css';

async function main(): Promise<void> {
  if (!window.pos) installBrowserPos();
  const i18n = await createI18n(uiStore.getState().language);
  const applyLanguage = (language: 'en' | 'zh') => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    void i18n.changeLanguage(language);
  };
  onLanguageChange(applyLanguage);
  applyLanguage(uiStore.getState().language);

  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing from index.html');
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
  await startApp();
}

void main();
