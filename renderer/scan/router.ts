// What a scan does (issue 8, "What a scan does"). Every scan comes through here, whichever scanner
// read it: keyboard-wedge scans (wedge.ts) and the scanners the terminal drives ('scanner.scan').
// What happens depends on the screen:
// - sell screen: a product or size barcode sells it (through the tile's own flow: sizes, options,
//   ID check, sold out); an unknown code says so and never adds anything;
// - a receipt's QR or printed reference, anywhere but the pay screen: that sale opens for refund;
// - pay screen: a wallet payment code is charged ('payment.startWallet'); nothing else is taken.
//
// A payment code is a bearer token: it is handed to startWallet and dropped. Messages and the
// toast's detail only ever carry `maskWalletCode`.
import type { CatalogDto } from '../../contract/api';
import { maskWalletCode, recognizeWalletCode, WALLET_NAMES } from '../../contract/wallet';
import type { MessageKey } from '../i18n/en';
import { cardStore } from '../state/card';
import { catalogStore } from '../state/catalog';
import { discountStore } from '../state/discount';
import { entryStore } from '../state/entry';
import { menuStore, productOf, tapProduct, unavailableOf } from '../state/menu';
import { priceStore } from '../state/price';
import { openRefund, refundStore } from '../state/refund';
import { nextSale, saleStore } from '../state/sale';
import { sessionStore } from '../state/session';
import { shiftStore } from '../state/shift';
import { supervisorStore } from '../state/supervisor';
import { showError, uiStore } from '../state/ui';
import { startWallet, walletBusy, walletStore } from '../state/wallet';
import { playCue } from './sound';

/** What a scan did, for tests and the caller's sound. */
export type ScanOutcome = 'product' | 'refund' | 'wallet' | 'unknown' | 'refused';

/** A product (and size) by barcode. Lenient on one thing scanners differ on: UPC-A read as EAN-13. */
export function findBarcode(catalog: CatalogDto, text: string): { productId: string; variantId: string | null } | null {
  const upcAsEan = (upc: string, ean: string): boolean => upc.length === 12 && ean === `0${upc}`;
  const same = (barcode: string | null): boolean =>
    barcode !== null && barcode !== '' && (barcode === text || upcAsEan(barcode, text) || upcAsEan(text, barcode));
  for (const p of catalog.products) {
    const v = p.variants.find((x) => same(x.barcode));
    if (v) return { productId: p.id, variantId: v.id };
    if (same(p.barcode)) return { productId: p.id, variantId: null };
  }
  return null;
}

/**
 * A receipt as printed (ARCHITECTURE §4): the QR's URL (`…/r/<token>`), the token alone (no
 * gateway known), or the short reference `<terminal short id>-<receipt no>`. The terminal checks
 * that it is one of its sales ('sale.findByReceipt').
 */
export function looksLikeReceipt(text: string): boolean {
  if (/\/r\/[A-Z2-7]{16,}\/?$/i.test(text)) return true;
  if (/^[A-Z2-7]{20,40}$/.test(text) && /[A-Z]/.test(text)) return true;
  return /^[0-9A-Z]{4,12}-\d{1,9}$/i.test(text) && /[A-Z]/i.test(text);
}

/** At most this much of an unknown code is shown (a long QR text would fill the screen). */
const SHOWN = 32;

function shown(text: string): string {
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

function refuse(key: MessageKey, values: Record<string, string | number> = {}, detail = 'scan refused'): ScanOutcome {
  playCue('error');
  showError({ code: 'not_found', message: detail }, { key, values });
  return 'refused';
}

/** Selling is on screen: signed in, a shift open, no manager screens or supervisor prompt over it. */
function selling(): boolean {
  const session = sessionStore.getState().session;
  const { shift, managerOpen } = shiftStore.getState();
  return session?.state === 'active' && shift?.status === 'open' && !managerOpen && !supervisorStore.getState().open;
}

function sellDialogOpen(): boolean {
  const { pick, ageCheck } = menuStore.getState();
  const { open, cupsOpen } = discountStore.getState();
  return pick !== null || ageCheck !== null || open || cupsOpen || priceStore.getState().open;
}

function walletName(text: string): string {
  const wallet = recognizeWalletCode(text);
  return wallet ? WALLET_NAMES[wallet.provider][uiStore.getState().language] : '';
}

/** A payment code scanned where it cannot pay: named by wallet and mask only. */
function walletElsewhere(text: string): ScanOutcome {
  return refuse(
    'scan.walletOnPayScreen',
    { wallet: walletName(text), masked: maskWalletCode(text.trim()) },
    'a wallet payment code scanned outside the pay screen',
  );
}

function openReceipt(text: string): ScanOutcome {
  playCue('ok');
  openRefund(text);
  return 'refund';
}

async function onTender(text: string): Promise<ScanOutcome> {
  const sale = saleStore.getState().sale;
  if (!recognizeWalletCode(text)) {
    return refuse('scan.payScreenOnlyWallet', { code: shown(text) }, 'not a payment code, on the pay screen');
  }
  if (walletBusy()) return refuse('scan.paymentRunning', {}, 'a wallet payment is already running');
  if (!sale || sale.remaining <= 0) return refuse('scan.nothingToPay', {}, 'nothing left to pay');
  playCue('ok');
  const started = await startWallet(text);
  return started ? 'wallet' : 'refused';
}

async function sellProduct(catalog: CatalogDto, found: { productId: string; variantId: string | null }): Promise<ScanOutcome> {
  const product = productOf(catalog, found.productId);
  // Sold out or stopped: the tile's own refusal says why (sold-out mode: the scan marks it, as a tap would).
  const refused = product !== undefined && unavailableOf(catalog, product) !== null && !menuStore.getState().soldOutMode;
  playCue(refused ? 'error' : 'ok');
  await tapProduct(found.productId, found.variantId ?? undefined);
  return refused ? 'refused' : 'product';
}

let lastScan: Promise<unknown> = Promise.resolve();

/**
 * Scans are handled one at a time, in the order they were read, from both kinds of scanner. A
 * scanner reads the next code while the till is still adding the last one; routed at once, that
 * second scan met the sell screen's guard against double taps and was dropped without a word.
 */
export function queueScan(raw: string): Promise<ScanOutcome> {
  // lastScan never rejects: each run's failure stays with its own caller.
  const run = lastScan.then(() => routeScan(raw));
  lastScan = run.catch(() => undefined);
  return run;
}

/** One scan, from any scanner (through `queueScan`, so two never overlap). */
export async function routeScan(raw: string): Promise<ScanOutcome> {
  // Scanners may add a carriage return or a stray space; nothing else is changed.
  const text = raw.replace(/[\r\n]+$/, '').trim();
  if (text === '') return 'unknown';
  if (!selling()) return refuse('scan.notNow', {}, 'scan while not selling');
  if (cardStore.getState().open) return refuse('scan.paymentRunning', {}, 'scan while a card payment is on screen');

  const catalog = catalogStore.getState().catalog;
  const product = catalog ? findBarcode(catalog, text) : null;
  const isReceipt = !product && looksLikeReceipt(text);
  const isWallet = !product && recognizeWalletCode(text) !== null;

  if (refundStore.getState().open) {
    if (isReceipt) return openReceipt(text);
    if (isWallet) return walletElsewhere(text);
    return refuse('scan.closeRefund', { code: shown(text) }, 'scan on the refund screen');
  }

  const { screen } = saleStore.getState();
  if (screen === 'tender' || walletStore.getState().open) return onTender(text);

  if (isReceipt) return openReceipt(text);
  if (isWallet) return walletElsewhere(text);
  if (!product || !catalog) {
    return refuse('scan.unknown', { code: shown(text) }, `no product with barcode ${shown(text)}`);
  }
  if (screen === 'change') {
    // The last sale is done: a product scan starts the next one, as on a supermarket till.
    await nextSale();
  }
  if (sellDialogOpen()) return refuse('scan.finishDialog', {}, 'scan while a dialog is open');
  return sellProduct(catalog, product);
}

// ---------- undoing what a scan's first keys did before it was recognised ----------

/**
 * What a burst's first keys may have changed on the way, before the wedge knew it was a scan:
 * the quantity prefix, the typed cash amount, a PIN, a discount or price being typed. Returns how
 * to put them back.
 */
export function snapshotTyped(): () => void {
  const entry = entryStore.getState();
  const sessionPin = sessionStore.getState().pin;
  const supervisorPin = supervisorStore.getState().pin;
  const discountEntry = discountStore.getState().entry;
  const priceEntry = priceStore.getState().entry;
  return () => {
    entryStore.setState({ quantity: entry.quantity, tender: entry.tender });
    if (sessionStore.getState().pin !== sessionPin) sessionStore.setState({ pin: sessionPin });
    if (supervisorStore.getState().pin !== supervisorPin) supervisorStore.setState({ pin: supervisorPin });
    if (discountStore.getState().entry !== discountEntry) discountStore.setState({ entry: discountEntry });
    if (priceStore.getState().entry !== priceEntry) priceStore.setState({ entry: priceEntry });
  };
}
