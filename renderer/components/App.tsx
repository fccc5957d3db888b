import { lazy, Suspense, useEffect } from 'react';
import { useStore } from 'zustand';
import { useT } from '../i18n/hooks';
import { handleKey, openDialog } from '../keyboard';
import { cancelCard, cardStore } from '../state/card';
import { discountStore } from '../state/discount';
import { menuStore } from '../state/menu';
import { AgeCheckPrompt } from './AgeCheckPrompt';
import { ChoicesDialog } from './ChoicesDialog';
import { CupReturnDialog } from './CupReturnDialog';
import { DiscountDialog } from './DiscountDialog';
import { PriceDialog } from './PriceDialog';
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
import { SignInScreen } from './SignInScreen';
import { SupervisorPinPrompt } from './SupervisorPinPrompt';
import { sessionStore } from '../state/session';
import { escapeManager, shiftStore } from '../state/shift';
import { supervisorStore } from '../state/supervisor';
import { cancelWallet, walletStore } from '../state/wallet';
import { useScanning } from '../scan/scanning';
import { WalletScreen } from './WalletScreen';

// The money side (Shift menu, reports, the Open shift screen) loads on first use, in its own
// chunk: the sell screens never wait for it.
const ManagerMenu = lazy(() => import('./ManagerMenu').then((m) => ({ default: m.ManagerMenu })));
const NoShiftScreen = lazy(() => import('./NoShiftScreen').then((m) => ({ default: m.NoShiftScreen })));

function moveInDialog(step: 1 | -1): void {
  const dialogs = document.querySelectorAll<HTMLElement>('[role="dialog"], [role="alertdialog"]');
  const dialog = dialogs[dialogs.length - 1];
  if (!dialog) return;
  const buttons = [...dialog.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
  if (buttons.length === 0) return;
  const index = buttons.findIndex((b) => b === document.activeElement);
  const next = index < 0 ? 0 : (index + step + buttons.length) % buttons.length;
  buttons[next]?.focus();
}

function useGlobalKeys(): void {
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented) return; // the product grid already moved focus
      if (e.key === 'Escape' && shiftStore.getState().managerOpen && !supervisorStore.getState().open) {
        e.preventDefault();
        escapeManager();
        return;
      }
      // Signed out, locked, no shift to sell in, or the manager's screens: the sale takes no keys.
      if (!sellingOnScreen()) return;
      // The tap screen takes only Esc (cancel): a stray digit or Enter must not touch the sale.
      if (cardStore.getState().open) {
        if (e.key === 'Escape') {
          e.preventDefault();
          void cancelCard();
        }
        return;
      }
      // The wallet panel likewise: Esc cancels (or goes back); its typed-code keypad takes its own keys.
      if (walletStore.getState().open) {
        if (e.key === 'Escape' && !walletStore.getState().typing) {
          e.preventDefault();
          void cancelWallet();
        }
        return;
      }
      const onButton = e.target instanceof Element && e.target.closest('button') !== null;
      // In a dialog, arrows walk its buttons (a numeric pad has no Tab key).
      if (openDialog() !== null && saleStore.getState().screen === 'sell' && e.key.startsWith('Arrow')) {
        moveInDialog(e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1);
        e.preventDefault();
        return;
      }
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
  const wallet = useStore(walletStore, (s) => (s.open ? (s.typing ? 'typing' : 'open') : null));
  const menu = useStore(menuStore, (s) => (s.ageCheck ? 'age' : s.pick ? 'choices' : s.soldOutMode ? 'soldOut' : null));
  const dialog = useStore(discountStore, (s) => (s.open ? 'discount' : s.cupsOpen ? 'cups' : null));
  const pin = useStore(supervisorStore, (s) => s.open);
  const manager = useStore(shiftStore, (s) => s.managerOpen);
  const shiftOpen = useStore(shiftStore, (s) => s.shift?.status === 'open');
  if (pin || manager || !shiftOpen) {
    return (
      <footer className="help-line" data-testid="help-line">
        {t(pin ? 'help.supervisor' : manager ? 'help.manager' : 'help.openShift')}
      </footer>
    );
  }
  const sellHelp = menu === 'age' ? 'help.age' : menu === 'choices' ? 'help.choices' : dialog === 'discount' ? 'help.discount' : dialog === 'cups' ? 'help.cups' : menu === 'soldOut' ? 'help.soldOut' : 'help.sell';
  return (
    <footer className="help-line" data-testid="help-line">
      {t(card ? 'help.card' : wallet ? (wallet === 'typing' ? 'help.walletTyping' : 'help.wallet') : screen === 'sell' ? sellHelp : screen === 'tender' ? 'help.tender' : 'help.change')}
    </footer>
  );
}

/** True while the sell screens are what the cashier works on (nothing above them takes keys). */
function sellingOnScreen(): boolean {
  const session = sessionStore.getState().session;
  const { shift, managerOpen } = shiftStore.getState();
  return session?.state === 'active' && shift?.status === 'open' && !managerOpen && !supervisorStore.getState().open;
}

export function App() {
  const t = useT();
  const screen = useStore(saleStore, (s) => s.screen);
  const card = useStore(cardStore, (s) => s.open);
  const wallet = useStore(walletStore, (s) => s.open);
  const sessionState = useStore(sessionStore, (s) => s.session?.state ?? null);
  const shiftLoaded = useStore(shiftStore, (s) => s.loaded);
  const shiftOpen = useStore(shiftStore, (s) => s.shift?.status === 'open');
  useGlobalKeys();
  useScanning();
  if (sessionState !== 'active') {
    return (
      <div className="app">
        <StatusBar />
        <main className="main" data-screen={sessionState ?? 'loading'}>
          {sessionState === null ? <p className="placeholder">{t('sell.loading')}</p> : <SignInScreen />}
        </main>
        <footer className="help-line" data-testid="help-line">
          {t('help.signin')}
        </footer>
        <DevicesScreen />
        <ErrorToast />
      </div>
    );
  }
  if (!shiftOpen) {
    return (
      <div className="app">
        <StatusBar />
        <PrinterBanner />
        <main className="main" data-screen="no-shift">
          {shiftLoaded ? (
            <Suspense fallback={null}>
              <NoShiftScreen />
            </Suspense>
          ) : (
            <p className="placeholder">{t('sell.loading')}</p>
          )}
        </main>
        <HelpLine />
        <DevicesScreen />
        <Suspense fallback={null}>
          <ManagerMenu />
        </Suspense>
        <SupervisorPinPrompt />
        <ErrorToast />
      </div>
    );
  }
  return (
    <div className="app">
      <StatusBar />
      <PrinterBanner />
      <main className="main" data-screen={card ? 'card' : wallet ? 'wallet' : screen}>
        {card && <CardScreen />}
        {!card && wallet && <WalletScreen />}
        {!card && screen === 'sell' && <SellScreen />}
        {!card && screen === 'sell' && <ChoicesDialog />}
        {!card && screen === 'sell' && <DiscountDialog />}
        {!card && screen === 'sell' && <PriceDialog />}
        {!card && screen === 'sell' && <CupReturnDialog />}
        {!card && screen === 'sell' && <AgeCheckPrompt />}
        {!card && !wallet && screen === 'tender' && <TenderScreen />}
        {!card && !wallet && screen === 'change' && <ChangeScreen />}
      </main>
      <HelpLine />
      <DevicesScreen />
      <RefundScreen />
      <RecoveryPrompt />
      <Suspense fallback={null}>
        <ManagerMenu />
      </Suspense>
      <SupervisorPinPrompt />
      <ErrorToast />
    </div>
  );
}
