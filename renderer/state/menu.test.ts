import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogDto, SaleDto } from '../../contract/api';
import {
  completed,
  createFakePos,
  line,
  menuCatalog,
  ok,
  sale,
  status,
  type FakePos,
} from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { onCatalogUpdated } from './boot';
import { openCard, cardStore } from './card';
import { catalogStore, setCatalog } from './catalog';
import { entryStore, typeQuantityDigit } from './entry';
import {
  cancelAge,
  chooseComboChoice,
  chooseVariant,
  confirmAge,
  confirmPick,
  menuStore,
  missingChoices,
  pickInput,
  pickUnitPrice,
  tapProduct,
  tilePrice,
  toggleOption,
  toggleSoldOutMode,
} from './menu';
import { confirmTender, openTender, saleStore } from './sale';
import { statusStore } from './status';
import { uiStore } from './ui';

let fake: FakePos;

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  setCatalog(menuCatalog);
  statusStore.setState({ status });
  saleStore.setState({ sale: sale(), screen: 'sell' });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const lager = line({
  lineId: 'L1',
  productId: 'draft-lager',
  variantId: 'large',
  unitPrice: 4800,
  amount: 4800,
});
const withCatalog = (patch: Partial<CatalogDto>) => setCatalog({ ...menuCatalog, ...patch });
const pick = () => menuStore.getState().pick!;

describe('the options step', () => {
  it('a plain item goes straight in with the typed quantity', async () => {
    fake.reply('sale.addItem', () => ok(sale([line()])));
    typeQuantityDigit('2');
    await tapProduct('hot-dog');
    expect(fake.calls).toEqual([
      { method: 'sale.addItem', input: { productId: 'hot-dog', quantity: 2 } },
    ]);
    expect(menuStore.getState().pick).toBeNull();
  });

  it('a sized beer waits for its size (Add stays blocked), prices the size, then asks for the ID check before sending', async () => {
    typeQuantityDigit('2');
    await tapProduct('draft-lager');
    expect(fake.calls).toHaveLength(0);
    expect(pick()).toMatchObject({ productId: 'draft-lager', quantity: 2, variantId: null });
    expect(entryStore.getState().quantity).toBe('');
    expect(missingChoices(menuCatalog, pick())).toEqual([{ kind: 'size' }]);
    await confirmPick();
    expect(fake.calls).toHaveLength(0);
    expect(pick()).not.toBeNull();

    chooseVariant('large');
    expect(missingChoices(menuCatalog, pick())).toEqual([]);
    expect(pickUnitPrice(menuCatalog, null, pick())).toBe(4800);
    await confirmPick();
    // Nothing is sent before the cashier confirms the ID: the sale has no check for 18+.
    expect(fake.calls).toHaveLength(0);
    expect(menuStore.getState()).toMatchObject({ pick: null, ageCheck: { minAge: 18 } });

    fake.reply('sale.addItem', () =>
      ok(sale([lager], { ageCheck: { minAge: 18, by: 'counter', at: 'x' } })),
    );
    await confirmAge();
    expect(fake.calls).toEqual([
      {
        method: 'sale.addItem',
        input: { productId: 'draft-lager', quantity: 2, variantId: 'large', ageChecked: true },
      },
    ]);
    expect(menuStore.getState().ageCheck).toBeNull();
    expect(saleStore.getState().sale?.ageCheck?.minAge).toBe(18);
  });

  it('once the sale holds an ID check, more beer goes in without asking', async () => {
    saleStore.setState({
      sale: sale([lager], { ageCheck: { minAge: 18, by: 'counter', at: 'x' } }),
    });
    fake.reply('sale.addItem', () => ok(sale([lager])));
    await tapProduct('tsingtao');
    expect(fake.calls).toEqual([{ method: 'sale.addItem', input: { productId: 'tsingtao' } }]);
    expect(menuStore.getState().ageCheck).toBeNull();
  });

  it("the terminal's age_check_required opens the prompt too; Cancel drops the item", async () => {
    // A catalog that does not know the limit yet (an older pull): the terminal still asks.
    withCatalog({
      products: menuCatalog.products.map((p) => (p.id === 'tsingtao' ? { ...p, minAge: null } : p)),
    });
    fake.reply('sale.addItem', () => ({
      ok: false,
      error: {
        code: 'sale.age_check_required',
        message: "tsingtao is for 21+: check the customer's ID, then confirm",
      },
    }));
    await tapProduct('tsingtao');
    expect(menuStore.getState().ageCheck).toEqual({ input: { productId: 'tsingtao' }, minAge: 21 });
    expect(uiStore.getState().toast).toBeNull();
    cancelAge();
    expect(menuStore.getState().ageCheck).toBeNull();
    expect(fake.calls).toHaveLength(1);
  });

  it('over the per-sale limit the toast names the limit', async () => {
    saleStore.setState({
      sale: sale([lager], { ageCheck: { minAge: 18, by: 'counter', at: 'x' } }),
    });
    fake.reply('sale.addItem', () => ({
      ok: false,
      error: { code: 'sale.age_limit', message: 'at most 4' },
    }));
    await tapProduct('tsingtao');
    expect(uiStore.getState().toast).toMatchObject({
      code: 'sale.age_limit',
      text: { key: 'menu.ageLimit', values: { count: 4 } },
    });
  });

  it('modifier groups: a one-choice group swaps, an up-to-3 group stops at 3; the price runs with the choices', async () => {
    await tapProduct('cheeseburger');
    expect(
      missingChoices(menuCatalog, pick()).map((m) => m.kind === 'group' && m.group.id),
    ).toEqual(['burger-cook']);
    toggleOption('burger-cook', 'well-done');
    toggleOption('burger-cook', 'medium');
    expect(pick().options['burger-cook']).toEqual(['medium']);
    for (const o of ['extra-cheese', 'bacon', 'no-onion', 'jalapenos'])
      toggleOption('burger-extras', o);
    expect(pick().options['burger-extras']).toEqual(['extra-cheese', 'bacon', 'no-onion']);
    toggleOption('burger-extras', 'no-onion');
    expect(pickUnitPrice(menuCatalog, null, pick())).toBe(3800 + 500 + 800);

    fake.reply('sale.addItem', () => ok(sale([line({ productId: 'cheeseburger' })])));
    await confirmPick();
    expect(fake.calls).toEqual([
      {
        method: 'sale.addItem',
        input: {
          productId: 'cheeseburger',
          options: [
            { groupId: 'burger-cook', optionIds: ['medium'] },
            { groupId: 'burger-extras', optionIds: ['extra-cheese', 'bacon'] },
          ],
        },
      },
    ]);
    expect(menuStore.getState().pick).toBeNull();
  });

  it('a combo starts on each slot’s first choice; a dearer choice adds its delta', async () => {
    await tapProduct('burger-meal');
    expect(missingChoices(menuCatalog, pick())).toEqual([]);
    chooseComboChoice('side', 1);
    chooseComboChoice('drink', 2);
    expect(pickUnitPrice(menuCatalog, null, pick())).toBe(5800 + 600);
    expect(pickInput(menuCatalog, pick()).combo).toEqual([
      { slotId: 'main', productId: 'cheeseburger', variantId: null },
      { slotId: 'side', productId: 'nachos', variantId: null },
      { slotId: 'drink', productId: 'water', variantId: null },
    ]);
  });

  it('a combo slot skips choices that cannot be sold now (sold out or stopped)', async () => {
    withCatalog({
      availability: {
        ...menuCatalog.availability,
        soldOut: [{ productId: 'cheeseburger', scope: 'counter' }],
      },
    });
    await tapProduct('burger-meal');
    expect(pick().combo).toEqual({ main: 1, side: 0, drink: 0 });
  });

  it('prices and tiles follow the price level in force (the sale keeps the level it started with)', () => {
    withCatalog({ priceLevelId: 'happy-hour' });
    const catalog = catalogStore.getState().catalog!;
    const level = catalog.priceLevels[0]!;
    const lagerProduct = catalog.products.find((p) => p.id === 'draft-lager')!;
    expect(tilePrice(catalog, level, lagerProduct)).toBe(2800);
    expect(
      pickUnitPrice(catalog, level, {
        productId: 'draft-lager',
        quantity: 1,
        variantId: 'large',
        options: {},
        combo: {},
      }),
    ).toBe(3900);
  });
});

describe('availability', () => {
  it('a stopped tile adds nothing and says which tag stopped it', async () => {
    withCatalog({ availability: { ...menuCatalog.availability, stoppedTags: ['alcohol'] } });
    typeQuantityDigit('3');
    await tapProduct('tsingtao');
    expect(fake.calls).toHaveLength(0);
    expect(entryStore.getState().quantity).toBe('');
    expect(uiStore.getState().toast).toMatchObject({
      code: 'catalog.stopped',
      text: { key: 'menu.stoppedWhy', values: { tag: 'alcohol' } },
    });
    expect(menuStore.getState().pick).toBeNull();
  });

  it('a stop that reaches the terminal first: its refusal names the tag', async () => {
    fake.reply('sale.addItem', () => ({
      ok: false,
      error: {
        code: 'catalog.stopped',
        message: 'hot-dog is stopped: the venue stopped selling "hot" items',
      },
    }));
    await tapProduct('hot-dog');
    expect(uiStore.getState().toast?.text).toEqual({
      key: 'menu.stoppedWhy',
      values: { tag: 'hot' },
    });
  });

  it('sold-out mode marks a tile sold out here and back; venue-wide sold out is not the counter’s to undo', async () => {
    let soldOut: CatalogDto['availability']['soldOut'] = [];
    fake.reply('catalog.setSoldOut', (input) => {
      soldOut = input.soldOut ? [{ productId: input.productId, scope: 'counter' }] : [];
      return ok({ ...menuCatalog, availability: { ...menuCatalog.availability, soldOut } });
    });
    toggleSoldOutMode();
    await tapProduct('fries');
    expect(catalogStore.getState().catalog?.availability.soldOut).toEqual([
      { productId: 'fries', scope: 'counter' },
    ]);
    await tapProduct('fries');
    expect(fake.calls.map((c) => c.input)).toEqual([
      { productId: 'fries', soldOut: true },
      { productId: 'fries', soldOut: false },
    ]);
    withCatalog({
      availability: {
        ...menuCatalog.availability,
        soldOut: [{ productId: 'water', scope: 'venue' }],
      },
    });
    await tapProduct('water');
    expect(fake.calls).toHaveLength(2);
    expect(uiStore.getState().toast?.text?.key).toBe('menu.soldOutVenueWhy');
    toggleSoldOutMode();
    await tapProduct('water');
    expect(fake.calls).toHaveLength(2);
  });

  it('a catalog update mid-sale reads the sale again, so stopped lines show; paying is refused with the reason', async () => {
    saleStore.setState({ sale: sale([lager]) });
    const stopped: SaleDto = sale([{ ...lager, stoppedBy: 'alcohol' }]);
    fake.reply('sale.get', () => ok(stopped));
    onCatalogUpdated({
      ...menuCatalog,
      availability: { ...menuCatalog.availability, stoppedTags: ['alcohol'] },
    });
    await vi.waitFor(() => expect(saleStore.getState().sale?.lines[0]?.stoppedBy).toBe('alcohol'));
    expect(catalogStore.getState().catalog?.availability.stoppedTags).toEqual(['alcohol']);

    openTender();
    expect(saleStore.getState().screen).toBe('sell');
    expect(uiStore.getState().toast).toMatchObject({
      code: 'sale.stopped_items',
      text: { key: 'menu.stoppedLinePay', values: { tag: 'alcohol' } },
    });
    await openCard();
    expect(cardStore.getState().open).toBe(false);
    expect(fake.calls.map((c) => c.method)).toEqual(['sale.get']);
  });
});

describe('cup returns worth more than the items', () => {
  it('the tender screen pays out: payCash with nothing tendered, then complete', async () => {
    const returns = sale([
      line({
        kind: 'deposit_return',
        productId: 'cup',
        unitPrice: -200,
        quantity: 2,
        amount: -400,
      }),
    ]);
    saleStore.setState({ sale: returns });
    openTender();
    expect(saleStore.getState().screen).toBe('tender');
    const tendered = {
      ...returns,
      tender: { kind: 'cash' as const, tendered: -400, amount: -400, rounding: 0, change: 0 },
    };
    fake.reply('payment.payCash', () => ok(tendered));
    fake.reply('sale.complete', () => ok(completed(returns, -400)));
    expect(await confirmTender('50')).toBe(true);
    expect(fake.calls.map((c) => [c.method, c.input])).toEqual([
      ['payment.payCash', { tendered: 0 }],
      ['sale.complete', {}],
    ]);
    expect(saleStore.getState().screen).toBe('change');
  });

  it('nothing due (a staff meal): the sale completes without a cash tender', async () => {
    const free = sale([line()], { remaining: 0, cashDue: 0 });
    saleStore.setState({ sale: free, screen: 'tender' });
    fake.reply('sale.complete', () => ok({ ...completed(free, 0), payments: [] }));
    expect(await confirmTender('')).toBe(true);
    expect(fake.calls.map((c) => c.method)).toEqual(['sale.complete']);
  });
});
