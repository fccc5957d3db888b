import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { catalog, completed, createFakePos, line, ok, sale, status, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { startApp } from './boot';
import { catalogStore } from './catalog';
import { entryStore, typeQuantityDigit } from './entry';
import { addProduct, cancelTender, changeQuantity, confirmTender, nextSale, openTender, payCash, saleStore } from './sale';
import { setForcedOffline, statusStore } from './status';
import { uiStore } from './ui';

let fake: FakePos;

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const hotDogSale = sale([line({ quantity: 1, amount: 2500 })]);

describe('start-up', () => {
  it('loads status, catalog and sale, starts in the terminal language, and follows events', async () => {
    fake.reply('terminal.getStatus', () => ok(status));
    fake.reply('catalog.list', () => ok(catalog));
    fake.reply('sale.get', () => ok(sale()));
    await startApp();
    expect(uiStore.getState().language).toBe('zh');
    expect(statusStore.getState().status?.shortId).toBe('ABC123');
    // The first tab is the lowest sort, not the first in the list.
    expect(catalogStore.getState().categoryId).toBe('food');
    fake.emit('sale.updated', hotDogSale);
    expect(saleStore.getState().sale?.lines).toHaveLength(1);
    fake.emit('terminal.status', { ...status, network: { ...status.network, state: 'offline', pendingEvents: 3 } });
    expect(statusStore.getState().status?.network.pendingEvents).toBe(3);
    // A catalog pulled from the gateway replaces the shown one, keeping the tab.
    fake.emit('catalog.updated', { ...catalog, products: catalog.products.slice(0, 1) });
    expect(catalogStore.getState().catalog?.products).toHaveLength(1);
    expect(catalogStore.getState().categoryId).toBe('food');
  });

  it('starts and ends an offline drill through the terminal', async () => {
    fake.reply('sync.setForcedOffline', (input) => {
      const { offline } = input;
      return ok({ ...status, network: { ...status.network, forcedOffline: offline, state: offline ? 'offline' : 'online' } });
    });
    await setForcedOffline(true);
    expect(fake.calls.at(-1)).toEqual({ method: 'sync.setForcedOffline', input: { offline: true } });
    expect(statusStore.getState().status?.network.forcedOffline).toBe(true);
    await setForcedOffline(false);
    expect(statusStore.getState().status?.network.forcedOffline).toBe(false);
  });
});

describe('selling', () => {
  it('adds the typed quantity to the chosen product, then goes back to one', async () => {
    fake.reply('sale.addItem', () => ok(hotDogSale));
    typeQuantityDigit('1');
    typeQuantityDigit('2');
    await addProduct('hot-dog');
    await addProduct('cola');
    expect(fake.calls).toEqual([
      { method: 'sale.addItem', input: { productId: 'hot-dog', quantity: 12 } },
      { method: 'sale.addItem', input: { productId: 'cola' } },
    ]);
    expect(entryStore.getState().quantity).toBe('');
  });

  it('keeps the sale and shows a translated toast when the terminal refuses', async () => {
    saleStore.setState({ sale: hotDogSale });
    fake.reply('sale.addItem', () => ({ ok: false, error: { code: 'catalog.product_not_found', message: 'no such product x' } }));
    await addProduct('x');
    expect(saleStore.getState().sale).toBe(hotDogSale);
    expect(uiStore.getState().toast).toMatchObject({ code: 'catalog.product_not_found' });
  });

  it('never sets a quantity below one with the minus button', async () => {
    saleStore.setState({ sale: hotDogSale });
    await changeQuantity('L1', -1);
    expect(fake.calls).toEqual([]);
    fake.reply('sale.setQuantity', () => ok(sale([line({ quantity: 2, amount: 5000 })])));
    await changeQuantity('L1', 1);
    expect(fake.calls).toEqual([{ method: 'sale.setQuantity', input: { lineId: 'L1', quantity: 2 } }]);
    expect(saleStore.getState().sale?.totals.total).toBe(5000);
  });

  it('refuses to open the tender screen for an empty sale', () => {
    saleStore.setState({ sale: sale() });
    openTender();
    expect(saleStore.getState().screen).toBe('sell');
    expect(uiStore.getState().toast?.code).toBe('sale.empty');
  });
});

describe('paying cash', () => {
  beforeEach(() => {
    saleStore.setState({ sale: hotDogSale });
    openTender();
  });

  it('takes the cash, completes the sale and shows the change', async () => {
    fake.reply('payment.payCash', ({ tendered }) => ok({ ...hotDogSale, tender: { kind: 'cash', tendered, amount: 2500, rounding: 0, change: tendered - 2500 } }));
    fake.reply('sale.complete', () => ok(completed(hotDogSale, 5000)));
    expect(await payCash(5000)).toBe(true);
    expect(fake.calls.map((c) => c.method)).toEqual(['payment.payCash', 'sale.complete']);
    expect(fake.calls[0]?.input).toEqual({ tendered: 5000 });
    expect(saleStore.getState().screen).toBe('change');
    expect(saleStore.getState().lastCompleted?.change).toBe(2500);
  });

  it('stays on the tender screen with a toast when the cash is not enough', async () => {
    fake.reply('payment.payCash', () => ({ ok: false, error: { code: 'payment.insufficient_tender', message: '1000 < 2500' } }));
    expect(await payCash(1000)).toBe(false);
    expect(fake.calls.map((c) => c.method)).toEqual(['payment.payCash']);
    expect(saleStore.getState().screen).toBe('tender');
    expect(saleStore.getState().sale).toBe(hotDogSale);
    expect(uiStore.getState().toast?.code).toBe('payment.insufficient_tender');
  });

  it('pays once however fast the cashier taps', async () => {
    let release: () => void = () => undefined;
    fake.reply('payment.payCash', () => new Promise((resolve) => (release = () => resolve(ok(hotDogSale)))));
    fake.reply('sale.complete', () => ok(completed(hotDogSale, 2500)));
    const first = payCash(2500);
    expect(await payCash(2500)).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(fake.calls.filter((c) => c.method === 'payment.payCash')).toHaveLength(1);
  });

  it('retries only the completion when the tender was already accepted', async () => {
    const tendered = { ...hotDogSale, tender: { kind: 'cash' as const, tendered: 5000, amount: 2500, rounding: 0, change: 2500 } };
    fake.reply('payment.payCash', () => ok(tendered));
    fake.reply('sale.complete', () => ({ ok: false, error: { code: 'host.disconnected', message: 'dropped' } }));
    expect(await payCash(5000)).toBe(false);
    fake.reply('sale.complete', () => ok(completed(tendered, 5000)));
    expect(await payCash(5000)).toBe(true);
    expect(fake.calls.map((c) => c.method)).toEqual(['payment.payCash', 'sale.complete', 'sale.complete']);
  });

  it('confirms the exact amount due when nothing was typed, else the typed amount', async () => {
    fake.reply('payment.payCash', () => ({ ok: false, error: { code: 'payment.insufficient_tender', message: '' } }));
    await confirmTender('');
    await confirmTender('37.5');
    expect(fake.calls.map((c) => c.input)).toEqual([{ tendered: 2500 }, { tendered: 3750 }]);
  });

  it('cancel goes back to selling with the sale intact', () => {
    cancelTender();
    expect(saleStore.getState().screen).toBe('sell');
    expect(saleStore.getState().sale).toBe(hotDogSale);
  });

  it('next sale returns to an empty sell screen', async () => {
    fake.reply('payment.payCash', () => ok(hotDogSale));
    fake.reply('sale.complete', () => ok(completed(hotDogSale, 2500)));
    fake.reply('sale.get', () => ok(sale([], { saleId: 'S2' })));
    await payCash(2500);
    await nextSale();
    expect(saleStore.getState().screen).toBe('sell');
    expect(saleStore.getState().sale?.saleId).toBe('S2');
    expect(saleStore.getState().sale?.lines).toEqual([]);
  });
});
