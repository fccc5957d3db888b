import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import { handleKey } from '../keyboard';
import { cancelCard, cardStore } from '../state/card';
import { saleStore } from '../state/sale';
import { CardScreen } from './CardScreen';
import { ChangeScreen } from './ChangeScreen';
import { DevicesScreen } from './DevicesScreen';
import { ErrorToast } from './ErrorToast';
import { PrinterBanner } from './PrinterBanner';
import { RecoveryPrompt } from './RecoveryPrompt';
import { RefundScreen } from './RefundScreen';
import { SellScreen } from './SellScreen';
import { StatusBar } from './StatusBar';
import { TenderScreen } from './TenderScreen';

function useGlobalKeys(): void {
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented) return; // the product grid already moved focus
      // The tap screen takes only Esc (cancel): a stray digit or Enter must not touch the sale.
      if (cardStore.getState().open) {
        if (e.key === 'Escape') {
          e.preventDefault();
          void cancelCard();
        }
        return;
      }
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
  const card = useStore(cardStore, (s) => s.open);
  return (
    <footer className="help-line" data-testid="help-line">
      {t(card ? 'help.card' : screen === 'sell' ? 'help.sell' : screen === 'tender' ? 'help.tender' : 'help.change')}
    </footer>
  );
}

export function App() {
  const screen = useStore(saleStore, (s) => s.screen);
  const card = useStore(cardStore, (s) => s.open);
  useGlobalKeys();
  return (
    <div className="app">
      <StatusBar />
      <PrinterBanner />
      <main className="main" data-screen={card ? 'card' : screen}>
        {card && <CardScreen />}
        {!card && screen === 'sell' && <SellScreen />}
        {!card && screen === 'tender' && <TenderScreen />}
        {!card && screen === 'change' && <ChangeScreen />}
      </main>
      <HelpLine />
      <DevicesScreen />
      <RefundScreen />
      <RecoveryPrompt />
      <ErrorToast />
    </div>
  );
}
