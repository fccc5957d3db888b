import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LineDiscountDto } from '../../contract/api';
import {
  createFakePos,
  line,
  menuCatalog,
  ok,
  sale,
  status,
  type FakePos,
} from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { setCatalog } from './catalog';
import {
  appendPercentKey,
  applyDiscount,
  chooseReason,
  closeCups,
  discountStore,
  openCups,
  openDiscount,
  ownDiscount,
  removeDiscount,
  returnCup,
  saleDiscountAmount,
  setDiscountTarget,
  setDiscountUnit,
  typeDiscountKey,
} from './discount';
import { typeQuantityDigit } from './entry';
import { saleStore, selectLine } from './sale';
import { statusStore } from './status';
import { submitSupervisorPin, supervisorStore, typeSupervisorDigit } from './supervisor';
import { uiStore } from './ui';

let fake: FakePos;

const burger = line({ lineId: 'B', productId: 'cheeseburger', unitPrice: 3800, amount: 3800 });
const cola = line({ lineId: 'C', productId: 'cola-m', unitPrice: 1200, amount: 1200 });
const cup = line({
  lineId: 'D',
  kind: 'deposit',
  productId: 'cup',
  unitPrice: 200,
  amount: 200,
  parentLineId: 'C',
});
const twoItems = sale([burger, cola, cup]);

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  setCatalog(menuCatalog);
  statusStore.setState({ status });
  saleStore.setState({ sale: twoItems, screen: 'sell' });
  fake.reply('sale.setDiscount', () => ok(twoItems));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const staffMeal: LineDiscountDto = {
  reasonCode: 'staff-meal',
  kind: 'staff_meal',
  name: { en: 'Staff meal', zh: '员工餐' },
  percentBp: 10_000,
  amount: null,
  approvedBy: null,
};

describe('discounts and comps', () => {
  it('a fixed reason (staff meal) applies at once to the selected line and closes the dialog', async () => {
    selectLine('B');
    openDiscount();
    expect(discountStore.getState()).toMatchObject({ open: true, lineId: 'B' });
    await chooseReason('staff-meal');
    expect(fake.calls).toEqual([
      { method: 'sale.setDiscount', input: { lineId: 'B', reason: 'staff-meal' } },
    ]);
    expect(discountStore.getState().open).toBe(false);
  });

  it('deposits cannot be selected; with nothing selected the discount is on the whole sale', async () => {
    selectLine('D');
    expect(saleStore.getState().selectedLineId).toBeNull();
    openDiscount();
    expect(discountStore.getState().lineId).toBeNull();
    await chooseReason('season-ticket');
    expect(fake.calls[0]?.input).toEqual({ reason: 'season-ticket' });
  });

  it('a reason without a value asks for a percentage or an amount on the keypad', async () => {
    openDiscount();
    setDiscountTarget('C');
    await chooseReason('promo');
    expect(fake.calls).toHaveLength(0);
    for (const k of '15') typeDiscountKey(k);
    await applyDiscount();
    expect(fake.calls.at(-1)?.input).toEqual({ lineId: 'C', reason: 'promo', percentBp: 1500 });

    openDiscount();
    setDiscountTarget('C');
    await chooseReason('damaged');
    setDiscountUnit('amount');
    for (const k of '5.5') typeDiscountKey(k);
    await applyDiscount();
    expect(fake.calls.at(-1)?.input).toEqual({ lineId: 'C', reason: 'damaged', amount: 550 });
  });

  it('over the limit: the supervisor PIN prompt opens, and the same discount goes again with the PIN', async () => {
    fake.reply('sale.setDiscount', (input) =>
      input.supervisorPin === '2222'
        ? ok({ ...twoItems, totals: { ...twoItems.totals, discounts: 2500 } })
        : input.supervisorPin === undefined
          ? {
              ok: false,
              error: { code: 'discount.needs_supervisor', message: '50 % is over the cashier limit of 10 %: a supervisor must approve it' },
            }
          : { ok: false, error: { code: 'auth.bad_pin', message: 'wrong PIN; 4 tries left before a lockout' } },
    );
    openDiscount();
    await chooseReason('promo');
    for (const k of '50') typeDiscountKey(k);
    const applying = applyDiscount();
    await vi.waitFor(() => expect(supervisorStore.getState()).toMatchObject({ open: true, method: 'sale.setDiscount' }));
    // The dialog stays open behind the prompt; nothing went wrong, so no toast.
    expect(discountStore.getState().open).toBe(true);
    expect(uiStore.getState().toast).toBeNull();
    for (const d of '1111') typeSupervisorDigit(d);
    await submitSupervisorPin();
    expect(supervisorStore.getState()).toMatchObject({ open: true, pin: '', problem: { code: 'auth.bad_pin', triesLeft: 4 } });
    for (const d of '2222') typeSupervisorDigit(d);
    await submitSupervisorPin();
    await applying;
    expect(supervisorStore.getState().open).toBe(false);
    expect(discountStore.getState().open).toBe(false);
    expect(fake.calls.filter((c) => c.method === 'sale.setDiscount').map((c) => c.input)).toEqual([
      { reason: 'promo', percentBp: 5000 },
      { reason: 'promo', percentBp: 5000, supervisorPin: '1111' },
      { reason: 'promo', percentBp: 5000, supervisorPin: '2222' },
    ]);
  });

  it('Remove discount sends no reason', async () => {
    saleStore.setState({ sale: { ...twoItems, saleDiscount: staffMeal } });
    openDiscount();
    await removeDiscount();
    expect(fake.calls[0]?.input).toEqual({ reason: null });
  });

  it('percent typing: two decimals at most, never above 100', () => {
    const type = (keys: string) => [...keys].reduce(appendPercentKey, '');
    expect(type('12.345')).toBe('12.34');
    expect(type('101')).toBe('10');
    expect(type('100')).toBe('100');
    expect(type('.5')).toBe('0.5');
    expect(type('05')).toBe('5');
  });

  it('shows what each discount takes off: the line’s own, and the sale’s over what is left', () => {
    const half = { ...staffMeal, kind: 'discount' as const, reasonCode: 'promo', percentBp: 5000 };
    const b = { ...burger, lineDiscount: half };
    expect(ownDiscount(b)).toBe(1900);
    const withSale = sale([b, cola, cup], { saleDiscount: { ...half, percentBp: 1000 } });
    // 10 % of (3800 − 1900) + 1200; the deposit is never discounted.
    expect(saleDiscountAmount(withSale)).toBe(310);
  });
});

describe('cup returns', () => {
  it('Return cup lists the deposits; a tap returns one (or the typed quantity) and closes the list', async () => {
    fake.reply('sale.returnDeposit', () => ok(twoItems));
    openCups();
    expect(discountStore.getState().cupsOpen).toBe(true);
    typeQuantityDigit('3');
    await returnCup('cup');
    expect(fake.calls).toEqual([
      { method: 'sale.returnDeposit', input: { depositId: 'cup', quantity: 3 } },
    ]);
    expect(discountStore.getState().cupsOpen).toBe(false);
    openCups();
    closeCups();
    expect(discountStore.getState().cupsOpen).toBe(false);
  });
});
