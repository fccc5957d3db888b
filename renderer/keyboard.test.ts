import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleKey } from './keyboard';
import { setCatalog } from './state/catalog';
import { chooseReason, discountStore, openDiscount } from './state/discount';
import { entryStore } from './state/entry';
import { menuStore, tapProduct, toggleSoldOutMode } from './state/menu';
import { saleStore } from './state/sale';
import { completed, createFakePos, line, menuCatalog, ok, sale, type FakePos } from './testing/fake-pos';
import { resetStores } from './testing/reset';

let fake: FakePos;
const press = (key: string, onButton = false) => handleKey({ key, modified: false, onButton });
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
});
afterEach(() => vi.unstubAllGlobals());

const open = sale([line({ quantity: 1, amount: 2500 })]);

describe('keyboard on the sell screen', () => {
  it('digits build a quantity, Backspace and Escape edit it', () => {
    saleStore.setState({ sale: open });
    press('2');
    press('4');
    expect(entryStore.getState().quantity).toBe('24');
    press('Backspace');
    expect(entryStore.getState().quantity).toBe('2');
    press('Escape');
    expect(entryStore.getState().quantity).toBe('');
  });

  it('Enter opens the tender screen, but not when a focused button takes it', () => {
    saleStore.setState({ sale: open });
    expect(press('Enter', true)).toBe(false);
    expect(saleStore.getState().screen).toBe('sell');
    expect(press('Enter')).toBe(true);
    expect(saleStore.getState().screen).toBe('tender');
  });

  it('leaves modified keys to the browser', () => {
    saleStore.setState({ sale: open });
    expect(handleKey({ key: '5', modified: true, onButton: false })).toBe(false);
    expect(entryStore.getState().quantity).toBe('');
  });
});

describe('keyboard on the tender and change screens', () => {
  beforeEach(() => {
    saleStore.setState({ sale: open, screen: 'tender' });
    fake.reply('payment.payCash', () => ok(open));
    fake.reply('sale.complete', () => ok(completed(open, 5000)));
  });

  it('types an amount and Enter pays it; Enter again starts the next sale', async () => {
    press('5');
    press('0');
    press('Enter');
    await flush();
    expect(fake.calls[0]).toEqual({ method: 'payment.payCash', input: { tendered: 5000 } });
    expect(saleStore.getState().screen).toBe('change');
    fake.reply('sale.get', () => ok(sale([], { saleId: 'S2' })));
    press('Enter');
    await flush();
    expect(saleStore.getState().screen).toBe('sell');
  });

  it('Escape cancels the tender without paying', () => {
    press('5');
    press('Escape');
    expect(saleStore.getState().screen).toBe('sell');
    expect(fake.calls).toEqual([]);
    expect(entryStore.getState().tender).toBe('');
  });
});

describe('keyboard in the sell screen dialogs', () => {
  it('the ID check: Enter confirms (resending with ageChecked), digits never reach the quantity', async () => {
    setCatalog(menuCatalog);
    saleStore.setState({ sale: sale() });
    await tapProduct('tsingtao');
    expect(menuStore.getState().ageCheck).not.toBeNull();
    expect(press('5')).toBe(true);
    expect(entryStore.getState().quantity).toBe('');
    expect(press('Tab')).toBe(false);
    fake.reply('sale.addItem', () => ok(sale([line({ productId: 'tsingtao' })])));
    press('Enter');
    await flush();
    expect(fake.calls).toEqual([{ method: 'sale.addItem', input: { productId: 'tsingtao', ageChecked: true } }]);
  });

  it('the options step: Esc cancels, Enter adds only a complete pick; a focused choice keeps Enter/Space', async () => {
    setCatalog(menuCatalog);
    saleStore.setState({ sale: sale() });
    await tapProduct('cheeseburger');
    expect(press(' ', true)).toBe(false);
    press('Enter');
    await flush();
    expect(fake.calls).toHaveLength(0);
    expect(press('Escape')).toBe(true);
    expect(menuStore.getState().pick).toBeNull();
  });

  it('the discount dialog types its value and applies it with Enter', async () => {
    setCatalog(menuCatalog);
    saleStore.setState({ sale: open });
    fake.reply('sale.setDiscount', () => ok(open));
    openDiscount();
    await chooseReason('promo');
    press('5');
    press(',');
    press('5');
    expect(discountStore.getState().entry).toBe('5.5');
    press('Backspace');
    press('Enter');
    await flush();
    expect(fake.calls).toEqual([{ method: 'sale.setDiscount', input: { reason: 'promo', percentBp: 500 } }]);
    expect(entryStore.getState().quantity).toBe('');
  });

  it('Esc leaves sold-out mode', () => {
    saleStore.setState({ sale: open });
    toggleSoldOutMode();
    press('Escape');
    expect(menuStore.getState().soldOutMode).toBe(false);
  });
});
