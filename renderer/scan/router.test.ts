import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogDto, RefundableSaleDto, ShiftDto } from '../../contract/api';
import { completed, createFakePos, line, menuCatalog, ok, sale, walletPayment, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { setCatalog } from '../state/catalog';
import { cardStore } from '../state/card';
import { discountStore } from '../state/discount';
import { entryStore } from '../state/entry';
import { menuStore } from '../state/menu';
import { priceStore } from '../state/price';
import { refundStore } from '../state/refund';
import { saleStore } from '../state/sale';
import { sessionStore } from '../state/session';
import { shiftStore } from '../state/shift';
import { supervisorStore } from '../state/supervisor';
import { statusStore } from '../state/status';
import { uiStore } from '../state/ui';
import { walletStore } from '../state/wallet';
import { findBarcode, looksLikeReceipt, queueScan, routeScan, snapshotTyped } from './router';
import { playCue } from './sound';

vi.mock('./sound', () => ({ playCue: vi.fn() }));

let fake: FakePos;
const WATER = '6901234567892';
const LARGE_LAGER = '6900000000017';
const BURGER = '6900000000024';
const SOLD_OUT_FRIES = '6900000000031';
const WALLET = '134567890123455678';

const scanCatalog: CatalogDto = {
  ...menuCatalog,
  products: menuCatalog.products.map((p) => {
    if (p.id === 'water') return { ...p, barcode: WATER };
    if (p.id === 'cheeseburger') return { ...p, barcode: BURGER };
    if (p.id === 'fries') return { ...p, barcode: SOLD_OUT_FRIES };
    if (p.id === 'draft-lager') return { ...p, variants: p.variants.map((v) => (v.id === 'large' ? { ...v, barcode: LARGE_LAGER } : v)) };
    return p;
  }),
  availability: { ...menuCatalog.availability, soldOut: [{ productId: 'fries', scope: 'counter' }] },
};

const openShift = { shiftId: 'SH1', status: 'open' } as ShiftDto;
const empty = sale([]);
const hotDogSale = sale([line({ quantity: 1, amount: 2500 })]);

beforeEach(() => {
  resetStores();
  vi.mocked(playCue).mockClear();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  sessionStore.setState({
    session: { state: 'active', staff: { id: 'c1', name: 'Li Na', role: 'cashier' }, since: null, idleLockSeconds: 0 },
  });
  shiftStore.setState({ shift: openShift, loaded: true });
  setCatalog(scanCatalog);
  saleStore.setState({ sale: empty, screen: 'sell' });
});
afterEach(() => vi.unstubAllGlobals());

function addItemInputs(): unknown[] {
  return fake.calls.filter((c) => c.method === 'sale.addItem').map((c) => c.input);
}

describe('a scan on the sell screen', () => {
  it('adds the product of a product barcode, with a chirp', async () => {
    fake.reply('sale.addItem', () => ok(sale([line({ productId: 'water' })])));
    expect(await routeScan(WATER)).toBe('product');
    expect(addItemInputs()).toEqual([{ productId: 'water' }]);
    expect(playCue).toHaveBeenCalledWith('ok');
  });

  it('adds every one of scans read faster than the till adds them, in order', async () => {
    const added: string[] = [];
    fake.reply('sale.addItem', async (input) => {
      // Each add takes a while (a busy till): the next scans arrive before it answers.
      await new Promise((r) => setTimeout(r, 20));
      added.push(input.productId);
      return ok(sale(added.map((productId) => line({ productId }))));
    });
    const outcomes = await Promise.all([queueScan(WATER), queueScan('4006381333931'), queueScan(WATER)]);
    expect(outcomes).toEqual(['product', 'refused', 'product']);
    expect(added).toEqual(['water', 'water']);
  });

  it('takes a typed quantity prefix, as a tap does', async () => {
    fake.reply('sale.addItem', () => ok(sale([line({ productId: 'water', quantity: 3 })])));
    entryStore.setState({ quantity: '3' });
    await routeScan(WATER);
    expect(addItemInputs()).toEqual([{ productId: 'water', quantity: 3 }]);
  });

  it("a size's barcode picks that size, and the ID check still asks first", async () => {
    expect(await routeScan(LARGE_LAGER)).toBe('product');
    expect(menuStore.getState().ageCheck).toMatchObject({ input: { productId: 'draft-lager', variantId: 'large' }, minAge: 18 });
    expect(addItemInputs()).toEqual([]);
  });

  it('a product with options opens the options step, like a tap on its tile', async () => {
    await routeScan(BURGER);
    expect(menuStore.getState().pick).toMatchObject({ productId: 'cheeseburger' });
    expect(addItemInputs()).toEqual([]);
  });

  it('a sold-out product says so (the tile refusal) with the error sound', async () => {
    expect(await routeScan(SOLD_OUT_FRIES)).toBe('refused');
    expect(uiStore.getState().toast?.code).toBe('catalog.sold_out');
    expect(playCue).toHaveBeenCalledWith('error');
    expect(addItemInputs()).toEqual([]);
  });

  it('an unknown code names the code, sounds the error cue and adds nothing', async () => {
    expect(await routeScan('4006381333931')).toBe('refused');
    expect(uiStore.getState().toast?.text).toEqual({ key: 'scan.unknown', values: { code: '4006381333931' } });
    expect(playCue).toHaveBeenCalledWith('error');
    expect(playCue).not.toHaveBeenCalledWith('ok');
    expect(addItemInputs()).toEqual([]);
  });

  it('a wallet payment code is sent to the pay screen, shown masked only', async () => {
    await routeScan(WALLET);
    const toast = uiStore.getState().toast;
    expect(toast?.text).toMatchObject({ key: 'scan.walletOnPayScreen', values: { masked: '13************5678', wallet: 'WeChat Pay' } });
    expect(JSON.stringify(toast)).not.toContain(WALLET);
    expect(fake.calls).toEqual([]);
  });

  it('asks to finish an open dialog first', async () => {
    discountStore.setState({ open: true });
    await routeScan(WATER);
    expect(uiStore.getState().toast?.text?.key).toBe('scan.finishDialog');
    expect(addItemInputs()).toEqual([]);
  });

  it('on the change screen a product scan starts the next sale with it', async () => {
    saleStore.setState({ screen: 'change', lastCompleted: completed(hotDogSale, 2500) });
    fake.reply('sale.get', () => ok(empty));
    fake.reply('sale.addItem', () => ok(sale([line({ productId: 'water' })])));
    await routeScan(WATER);
    expect(saleStore.getState().screen).toBe('sell');
    expect(addItemInputs()).toEqual([{ productId: 'water' }]);
  });
});

describe('a receipt scan', () => {
  const refundable = { saleId: 'S0', receiptRef: 'ABC123-000042' } as RefundableSaleDto;

  it.each([
    ['the QR URL', 'https://gw.example/r/ABCDEFGHIJKLMNOPQRSTUVWX'],
    ['the bare token', 'ABCDEFGHIJKLMNOPQRSTUVWX'],
    ['the printed reference', 'ABC123-000042'],
  ])('%s opens that sale for refund', async (_, text) => {
    fake.reply('sale.findByReceipt', () => ok(refundable));
    expect(await routeScan(text)).toBe('refund');
    expect(refundStore.getState()).toMatchObject({ open: true, receipt: text });
    await vi.waitFor(() => expect(refundStore.getState().sale).toEqual(refundable));
    expect(fake.calls).toContainEqual({ method: 'sale.findByReceipt', input: { receipt: text } });
  });

  it('is not taken on the pay screen', async () => {
    saleStore.setState({ sale: hotDogSale, screen: 'tender' });
    await routeScan('ABC123-000042');
    expect(refundStore.getState().open).toBe(false);
    expect(uiStore.getState().toast?.text?.key).toBe('scan.payScreenOnlyWallet');
  });

  it('tells receipts from product barcodes and payment codes', () => {
    expect(looksLikeReceipt('6901234567892')).toBe(false);
    expect(looksLikeReceipt(WALLET)).toBe(false);
    expect(looksLikeReceipt('http://127.0.0.1:8080/r/ABCDEFGHIJKLMNOPQRSTUVWX')).toBe(true);
    expect(findBarcode(scanCatalog, `0${WATER}`)).toBeNull();
    expect(findBarcode({ ...scanCatalog, products: [{ ...scanCatalog.products[0]!, barcode: '012345678905' }] }, '0012345678905')).toMatchObject({ variantId: null });
  });
});

describe('a scan on the pay screen', () => {
  beforeEach(() => {
    saleStore.setState({ sale: hotDogSale, screen: 'tender' });
  });

  it('charges a wallet payment code and keeps nothing of it but the mask', async () => {
    fake.reply('payment.startWallet', () => ok(walletPayment({ state: 'authorizing' })));
    expect(await routeScan(`${WALLET}\r`)).toBe('wallet');
    expect(fake.calls).toEqual([{ method: 'payment.startWallet', input: { code: WALLET } }]);
    expect(playCue).toHaveBeenCalledWith('ok');
    const stores = [
      walletStore,
      saleStore,
      uiStore,
      entryStore,
      refundStore,
      menuStore,
      cardStore,
      discountStore,
      priceStore,
      sessionStore,
      shiftStore,
      supervisorStore,
      statusStore,
    ].map((s) => s.getState() as unknown);
    expect(JSON.stringify(stores)).not.toContain(WALLET);
    expect(JSON.stringify(stores)).toContain('13************5678');
  });

  it('another code gets a clear message and no payment', async () => {
    expect(await routeScan(WATER)).toBe('refused');
    expect(uiStore.getState().toast?.text).toEqual({ key: 'scan.payScreenOnlyWallet', values: { code: WATER } });
    expect(fake.calls).toEqual([]);
  });

  it('a second code while a payment runs is refused', async () => {
    walletStore.setState({ open: true, payment: walletPayment({ state: 'awaiting_customer' }) });
    await routeScan('281234567890123456');
    expect(uiStore.getState().toast?.text?.key).toBe('scan.paymentRunning');
    expect(fake.calls).toEqual([]);
  });
});

describe('scans while not selling', () => {
  it('are not used while signed out or under a supervisor prompt', async () => {
    sessionStore.setState({ session: { state: 'signed_out', staff: null, since: null, idleLockSeconds: 0 } });
    expect(await routeScan(WATER)).toBe('refused');
    expect(fake.calls).toEqual([]);
  });
});

describe('undoing what a scan typed before it was recognised', () => {
  it('puts back the quantity, the cash amount and a PIN as they were', () => {
    entryStore.setState({ quantity: '2', tender: '5' });
    supervisorStore.setState({ pin: '12' });
    const restore = snapshotTyped();
    entryStore.setState({ quantity: '269', tender: '528123' });
    supervisorStore.setState({ pin: '1228123' });
    restore();
    expect(entryStore.getState()).toMatchObject({ quantity: '2', tender: '5' });
    expect(supervisorStore.getState().pin).toBe('12');
  });
});
