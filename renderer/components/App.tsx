import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import { handleKey } from '../keyboard';
import { saleStore } from '../state/sale';
import { ChangeScreen } from './ChangeScreen';
import { DevicesScreen } from './DevicesScreen';
import { ErrorToast } from './ErrorToast';
import { PrinterBanner } from './PrinterBanner';
import { SellScreen } from './SellScreen';
import { StatusBar } from './StatusBar';
import { TenderScreen } from './TenderScreen';

function useGlobalKeys(): void {
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented) return; // the product grid already moved focus
      const onButton = e.target instanceof Element && e.target.closest('button') !== null;
      if (handleKey({ key: e.key, modified: e.ctrlKey || e.altKey || e.metaKey, onButton })) {
        e.preventDefault();
        // Escape also steps out of the product grid, so the next Enter pays instead of adding.
        if (e.key === 'Escape' && document.activeElement instanceof HTMLElement) document.activeElement.blur();
        return;
      }
      // From nowhere in particular, an arrow key starts keyboard navigation at the first product.
      if (!onButton && saleStore.getState().screen === 'sell' && e.key.startsWith('Arrow')) {
        document.querySelector<HTMLButtonElement>('button[data-product]')?.focus();
        e.preventDefault();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

function HelpLine() {
  const t = useT();
  const screen = useStore(saleStore, (s) => s.screen);
  return (
    <footer className="help-line" data-testid="help-line">
      {t(screen === 'sell' ? 'help.sell' : screen === 'tender' ? 'help.tender' : 'help.change')}
    </footer>
  );
}

export function App() {
  const screen = useStore(saleStore, (s) => s.screen);
  useGlobalKeys();
  return (
    <div className="app">
      <StatusBar />
      <PrinterBanner />
      <main className="main" data-screen={screen}>
        {screen === 'sell' && <SellScreen />}
        {screen === 'tender' && <TenderScreen />}
        {screen === 'change' && <ChangeScreen />}
      </main>
      <HelpLine />
      <DevicesScreen />
      <ErrorToast />
    </div>
  );
}
