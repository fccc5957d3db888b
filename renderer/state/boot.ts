// First load and live updates. Subscriptions come first so nothing that happens while the three
// reads are in flight is missed.
import type { CatalogDto, ScannerStatusDto } from '../../contract/api';
import { pos } from '../pos';
import { call } from './call';
import { loadRecovered, onPaymentUpdated, resumeCard, setReaderStatus } from './card';
import { loadCatalog, setCatalog } from './catalog';
import { setPrinterStatus } from './printer';
import { loadSale, saleStore, setSale } from './sale';
import { loadStatus, setStatus, statusStore } from './status';
import { loadSession, loadStaff, noteActivity, setSession } from './session';
import { loadShift, setShift } from './shift';
import { setDefaultLanguage } from './ui';
import { loadRecoveredWallets, onWalletUpdated, resumeWallet } from './wallet';

/**
 * A new catalog or availability (a sold-out mark, a venue stop-sale, also mid-sale): the grid
 * follows, and the open sale is read again so its lines show what is stopped now.
 */
export function onCatalogUpdated(catalog: CatalogDto): void {
  setCatalog(catalog);
  if ((saleStore.getState().sale?.lines.length ?? 0) > 0) void loadSale();
}

/** A 'scanner.status' event: patched into the terminal status the status bar shows. */
export function setScannerStatus(scanner: ScannerStatusDto): void {
  const status = statusStore.getState().status;
  if (!status) return;
  setStatus({ ...status, scanner, devices: { ...status.devices, scanner: scanner.state } });
}

/** Demo (a simulated scanner): the scanner reads `text` as if scanned; the scan comes back as 'scanner.scan'. */
export async function simulateScan(text: string): Promise<void> {
  const scanner = await call('scanner.simulateScan', { text });
  if (scanner) setScannerStatus(scanner);
}

export async function startApp(): Promise<() => void> {
  const api = pos();
  const offSale = api.on('sale.updated', setSale);
  const offStatus = api.on('terminal.status', setStatus);
  const offCatalog = api.on('catalog.updated', onCatalogUpdated);
  const offPrinter = api.on('printer.status', setPrinterStatus);
  const offPayment = api.on('payment.updated', onPaymentUpdated);
  const offReader = api.on('reader.status', setReaderStatus);
  const offSession = api.on('staff.session', setSession);
  const offShift = api.on('shift.updated', setShift);
  const offWallet = api.on('wallet.updated', onWalletUpdated);
  const offScanner = api.on('scanner.status', setScannerStatus);
  const [status] = await Promise.all([
    loadStatus(),
    loadCatalog(),
    loadSale(),
    loadRecovered(),
    loadRecoveredWallets(),
    loadSession(),
    loadStaff(),
    loadShift(),
  ]);
  if (status) setDefaultLanguage(status.defaultLocale);
  resumeCard();
  resumeWallet();
  const touched = (): void => noteActivity();
  globalThis.addEventListener?.('pointerdown', touched, { capture: true, passive: true });
  globalThis.addEventListener?.('keydown', touched, { capture: true, passive: true });
  return () => {
    globalThis.removeEventListener?.('pointerdown', touched, { capture: true });
    globalThis.removeEventListener?.('keydown', touched, { capture: true });
    offSale();
    offStatus();
    offCatalog();
    offPrinter();
    offPayment();
    offReader();
    offSession();
    offShift();
    offWallet();
    offScanner();
  };
}
