import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createFakePos, line, ok, sale, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { applyPrice, openPrice, priceStore, setPriceEntry, setPriceReason, typedPrice } from './price';
import { saleStore } from './sale';
import { submitSupervisorPin, supervisorStore, typeSupervisorDigit } from './supervisor';

let fake: FakePos;
const scarf = line({ lineId: 'S', productId: 'scarf', unitPrice: 12800, amount: 12800 });
const cup = line({ lineId: 'D', kind: 'deposit', productId: 'cup', unitPrice: 200, amount: 200, parentLineId: 'S' });

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  saleStore.setState({ sale: sale([scarf, cup]), screen: 'sell' });
});
afterEach(() => {
  resetStores();
  vi.unstubAllGlobals();
});

it('opens on a selected item, not on a deposit, and reads the typed price in minor units', () => {
  saleStore.setState({ selectedLineId: 'D' });
  openPrice();
  expect(priceStore.getState().open).toBe(false);
  saleStore.setState({ selectedLineId: 'S' });
  openPrice();
  expect(priceStore.getState()).toMatchObject({ open: true, lineId: 'S' });
  setPriceEntry('99.5');
  expect(typedPrice()).toBe(9950);
  setPriceEntry('99.5x'); // refused: the entry stays
  expect(priceStore.getState().entry).toBe('99.5');
});

it('asks for the supervisor’s PIN when the terminal wants one, then sends the price again with it', async () => {
  saleStore.setState({ selectedLineId: 'S' });
  openPrice();
  setPriceEntry('99');
  setPriceReason('Damaged');
  const priced = sale([{ ...scarf, unitPrice: 9900, amount: 9900 }, cup]);
  fake.reply('sale.overridePrice', (input) =>
    (input as { supervisorPin?: string }).supervisorPin === '2222'
      ? ok(priced)
      : { ok: false, error: { code: 'auth.supervisor_required', message: 'needs a supervisor' } },
  );
  const done = applyPrice();
  await vi.waitFor(() => expect(supervisorStore.getState()).toMatchObject({ open: true, method: 'sale.overridePrice' }));
  for (const d of '2222') typeSupervisorDigit(d);
  await submitSupervisorPin();
  await done;
  expect(fake.calls.filter((c) => c.method === 'sale.overridePrice').map((c) => c.input)).toEqual([
    { lineId: 'S', unitPrice: 9900, reason: 'Damaged' },
    { lineId: 'S', unitPrice: 9900, reason: 'Damaged', supervisorPin: '2222' },
  ]);
  expect(saleStore.getState().sale?.lines[0]?.unitPrice).toBe(9900);
  expect(priceStore.getState().open).toBe(false);
});
