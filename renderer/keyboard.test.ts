import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleKey } from './keyboard';
import { entryStore } from './state/entry';
import { saleStore } from './state/sale';
import { completed, createFakePos, line, ok, sale, type FakePos } from './testing/fake-pos';
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
