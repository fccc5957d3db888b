// What counters really sell, through the terminal's services on a real SQLite file: sizes with
// deposits, options, combos, cup returns and payouts, discounts within and over a role's limit,
// comps and staff meals, ID checks and the per-sale limit, price levels, sold-out and stop-sale.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogDto, CompletedSaleDto, RefundDto, RefundableSaleDto, SaleDto } from '../contract/api';
import { demoCatalog, demoVenueConfig } from '../contract/demo-venue';
import { taxOf } from '../contract/pricing';
import { replaceCatalog } from '../db/catalog';
import { migrate } from '../db/migrate';
import { terminalMigrations } from '../db/migrations/index';
import { openDatabase, type Db } from '../db/open';
import { applyStopSale } from '../db/stop-sale';
import { manualClock } from '../lib/clock';
import { createCatalogService } from './catalog-service';
import { createTerminalSync } from './create-terminal';
import { COUNTER_ACTOR, createSaleService, type Actor, type OverrideRequest } from './sale-service';
import type { Terminal } from './terminal';
import { must, openTill, refused } from './testing';

let dataDir: string;
let terminal: Terminal;
// 19:30 in Shanghai: no happy hour.
const clock = manualClock(Date.UTC(2026, 6, 1, 11, 30));

const call = <T,>(method: string, input: unknown = {}): Promise<T> => must<T>(terminal, method, input);
const fail = async (method: string, input: unknown = {}): Promise<string> => (await refused(terminal, method, input)).code;

const vat6 = { rateBp: 600, inclusive: true };
const LAGER_LARGE = { productId: 'draft-lager', variantId: 'large', ageChecked: true };
const BURGER = {
  productId: 'cheeseburger',
  options: [
    { groupId: 'burger-cook', optionIds: ['medium'] },
    { groupId: 'burger-extras', optionIds: ['extra-cheese', 'bacon'] },
  ],
};

async function open(opts: { zone?: string } = {}): Promise<void> {
  // The clock jumps by hours here: no idle lock.
  terminal = createTerminalSync({ dataDir, demo: true, clock, staff: { idleLockSeconds: 0 }, ...opts });
  await openTill(terminal, { staffId: 'demo-cashier', pin: '1111' });
}

beforeEach(async () => {
  clock.set(Date.UTC(2026, 6, 1, 11, 30));
  dataDir = mkdtempSync(join(tmpdir(), 'pos-menu-'));
  await open();
});

afterEach(() => {
  terminal.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sizes, options, deposits', () => {
  it('sells a large beer with its cup deposit outside tax and a burger with two options', async () => {
    expect(await fail('sale.addItem', { productId: 'draft-lager', variantId: 'large' })).toBe('sale.age_check_required');
    expect((await call<SaleDto>('sale.get')).lines).toEqual([]);
    await call('sale.addItem', LAGER_LARGE);
    const sale = await call<SaleDto>('sale.addItem', BURGER);
    expect(
      sale.lines.map((l) => [l.kind, l.productId, l.variantId, l.unitPrice, l.quantity, l.amount, l.parentLineId !== null]),
    ).toEqual([
      ['item', 'draft-lager', 'large', 4800, 1, 4800, false],
      ['deposit', 'cup-large', null, 300, 1, 300, true],
      ['item', 'cheeseburger', null, 5100, 1, 5100, false],
    ]);
    expect(sale.lines[1]!.parentLineId).toBe(sale.lines[0]!.lineId);
    expect(sale.lines[0]!.name.en).toBe('Draft lager 500 ml · Large 750 ml');
    expect(sale.lines[2]!.modifiers.map((m) => [m.optionId, m.priceDelta])).toEqual([
      ['medium', 0],
      ['extra-cheese', 500],
      ['bacon', 800],
    ]);
    // Tax on the items only; the deposit is added on top, untaxed.
    expect(sale.totals).toMatchObject({
      subtotal: 9900,
      deposits: 300,
      discounts: 0,
      comps: 0,
      taxTotal: taxOf(9900, vat6),
      total: 10200,
    });
    expect(sale.ageCheck).toMatchObject({ minAge: 18, by: 'Li Na' });
  });

  it('keeps deposits in step with their item and refuses to edit them alone', async () => {
    const first = await call<SaleDto>('sale.addItem', LAGER_LARGE);
    const [beer, cup] = first.lines;
    const two = await call<SaleDto>('sale.setQuantity', { lineId: beer!.lineId, quantity: 3 });
    expect(two.lines.map((l) => [l.productId, l.quantity, l.amount])).toEqual([
      ['draft-lager', 3, 14400],
      ['cup-large', 3, 900],
    ]);
    expect(await fail('sale.setQuantity', { lineId: cup!.lineId, quantity: 1 })).toBe('validation');
    expect(await fail('sale.removeLine', { lineId: cup!.lineId })).toBe('validation');
    expect((await call<SaleDto>('sale.removeLine', { lineId: beer!.lineId })).lines).toEqual([]);
  });

  it('refuses missing or foreign sizes and options with one clear code', async () => {
    const cases: unknown[] = [
      { productId: 'draft-lager', ageChecked: true },
      { productId: 'draft-lager', variantId: 'pint', ageChecked: true },
      { productId: 'hot-dog', variantId: 'large' },
      { productId: 'cheeseburger' },
      { productId: 'cheeseburger', options: [{ groupId: 'burger-cook', optionIds: ['medium', 'well-done'] }] },
      { productId: 'cheeseburger', options: [{ groupId: 'burger-cook', optionIds: ['raw'] }] },
      { productId: 'cheeseburger', options: [{ groupId: 'ice', optionIds: ['no-ice'] }] },
      { productId: 'chicken-burger', options: [{ groupId: 'burger-extras', optionIds: ['bacon', 'bacon'] }] },
      { productId: 'burger-meal' },
      { productId: 'hot-dog', combo: [] },
    ];
    for (const input of cases) expect(await fail('sale.addItem', input), JSON.stringify(input)).toBe('sale.options_invalid');
    expect((await call<SaleDto>('sale.get')).lines).toEqual([]);
  });

  it('merges another unit with the same options and keeps different options apart', async () => {
    await call('sale.addItem', BURGER);
    await call('sale.addItem', BURGER);
    const sale = await call<SaleDto>('sale.addItem', {
      productId: 'cheeseburger',
      options: [{ groupId: 'burger-cook', optionIds: ['well-done'] }],
    });
    expect(sale.lines.map((l) => [l.unitPrice, l.quantity])).toEqual([
      [5100, 2],
      [3800, 1],
    ]);
  });

  it('prices a combo at its set price plus choice deltas, with the drink cup deposit', async () => {
    const sale = await call<SaleDto>('sale.addItem', {
      productId: 'burger-meal',
      combo: [
        { slotId: 'main', productId: 'chicken-burger' },
        { slotId: 'side', productId: 'nachos' },
        { slotId: 'drink', productId: 'cola-m' },
      ],
    });
    expect(sale.lines.map((l) => [l.kind, l.productId, l.unitPrice])).toEqual([
      ['combo', 'burger-meal', 6400],
      ['deposit', 'cup', 200],
    ]);
    expect(sale.lines[0]!.components.map((c) => [c.slotId, c.productId, c.listPrice])).toEqual([
      ['main', 'chicken-burger', 3600],
      ['side', 'nachos', 2800],
      ['drink', 'cola-m', 1200],
    ]);
    expect(sale.totals).toMatchObject({ subtotal: 6400, deposits: 200, total: 6600, taxTotal: taxOf(6400, vat6) });
    expect(
      await fail('sale.addItem', {
        productId: 'burger-meal',
        combo: [
          { slotId: 'main', productId: 'hot-dog' },
          { slotId: 'side', productId: 'fries' },
          { slotId: 'drink', productId: 'water' },
        ],
      }),
    ).toBe('sale.options_invalid');
  });

  it('pays out a cup return in cash when the sale is only returns, and nets it against items otherwise', async () => {
    expect(await fail('sale.returnDeposit', { depositId: 'mug' })).toBe('deposit.not_found');
    await call('sale.returnDeposit', { depositId: 'cup' });
    const returns = await call<SaleDto>('sale.returnDeposit', { depositId: 'cup-large', quantity: 2 });
    expect(returns.totals).toMatchObject({ subtotal: 0, deposits: -800, total: -800, taxTotal: 0 });
    expect(returns.cashDue).toBe(-800);
    const out = await call<SaleDto>('payment.payCash', { tendered: 0 });
    expect(out.tender).toEqual({ kind: 'cash', tendered: -800, amount: -800, rounding: 0, change: 0 });
    const done = await call<CompletedSaleDto>('sale.complete');
    expect(done.payments).toMatchObject([{ kind: 'cash', amount: -800 }]);

    await call('sale.returnDeposit', { depositId: 'cup' });
    const net = await call<SaleDto>('sale.addItem', { productId: 'water' });
    expect(net.totals).toMatchObject({ subtotal: 500, deposits: -200, total: 300 });
  });
});

describe('discounts, comps and staff meals', () => {
  it('gives a cashier discount within the limit and asks for a supervisor above it', async () => {
    const sale = await call<SaleDto>('sale.addItem', { productId: 'hot-dog', quantity: 2 });
    const lineId = sale.lines[0]!.lineId;
    const ten = await call<SaleDto>('sale.setDiscount', { lineId, reason: 'promo', percentBp: 1000 });
    expect(ten.lines[0]).toMatchObject({ amount: 5000, discount: 500, lineDiscount: { reasonCode: 'promo', percentBp: 1000 } });
    expect(ten.totals).toMatchObject({ subtotal: 5000, discounts: 500, total: 4500, taxTotal: taxOf(4500, vat6) });
    expect(await fail('sale.setDiscount', { lineId, reason: 'promo', percentBp: 2000 })).toBe('discount.needs_supervisor');
    expect(await fail('sale.setDiscount', { lineId, reason: 'promo', amount: 2500 })).toBe('discount.needs_supervisor');
    expect(await fail('sale.setDiscount', { lineId, reason: 'comp' })).toBe('discount.needs_supervisor');
    expect(await fail('sale.setDiscount', { lineId, reason: 'nope', amount: 100 })).toBe('discount.unknown_reason');
    expect(await fail('sale.setDiscount', { lineId, reason: 'promo' })).toBe('discount.invalid');
    expect(await fail('sale.setDiscount', { lineId, reason: 'staff-meal', percentBp: 5000 })).toBe('discount.invalid');
    // the refused ones changed nothing
    expect((await call<SaleDto>('sale.get')).totals.discounts).toBe(500);
    const off = await call<SaleDto>('sale.setDiscount', { lineId, reason: null });
    expect(off.totals).toMatchObject({ discounts: 0, total: 5000 });
  });

  it('rings a staff meal at zero, keeps the deposit, and completes without payment when nothing is due', async () => {
    await call('sale.addItem', BURGER);
    await call('sale.addItem', { productId: 'fries' });
    const meal = await call<SaleDto>('sale.setDiscount', { reason: 'staff-meal' });
    expect(meal.totals).toMatchObject({ subtotal: 6900, comps: 6900, discounts: 0, total: 0, taxTotal: 0 });
    expect(meal.saleDiscount).toMatchObject({ reasonCode: 'staff-meal', kind: 'staff_meal' });
    expect(meal.lines.map((l) => l.discount)).toEqual([5100, 1800]);
    const done = await call<CompletedSaleDto>('sale.complete');
    expect(done.payments).toEqual([]);
    expect(done.totals).toMatchObject({ comps: 6900, total: 0 });

    await call('sale.addItem', { productId: 'cola-m' });
    const withCup = await call<SaleDto>('sale.setDiscount', { reason: 'staff-meal' });
    expect(withCup.totals).toMatchObject({ comps: 1200, deposits: 200, total: 200 });
  });

  it('spreads a sale discount over the lines to the cent and keeps it on the completed sale', async () => {
    await call('sale.addItem', { productId: 'hot-dog' }); // 2500
    await call('sale.addItem', { productId: 'scarf' }); // 12800, VAT 13 %
    const sale = await call<SaleDto>('sale.setDiscount', { reason: 'promo', amount: 1000 });
    expect(sale.lines.map((l) => l.discount)).toEqual([163, 837]);
    expect(sale.totals.discounts).toBe(1000);
    expect(sale.totals.taxes.map((t) => [t.taxRateId, t.gross])).toEqual([
      ['vat13', 11963],
      ['vat6', 2337],
    ]);
    await call('payment.payCash', { tendered: 20000 });
    const done = await call<CompletedSaleDto>('sale.complete');
    expect(done.lines.map((l) => l.discount)).toEqual([163, 837]);
    expect(done.saleDiscount).toMatchObject({ reasonCode: 'promo', amount: 1000 });
  });

  it('refunds a discounted line at what was paid for it', async () => {
    const sale = await call<SaleDto>('sale.addItem', { productId: 'hot-dog', quantity: 2 });
    await call('sale.setDiscount', { lineId: sale.lines[0]!.lineId, reason: 'promo', percentBp: 1000 });
    await call('sale.addItem', { productId: 'water' });
    await call('payment.payCash', { tendered: 5000 });
    const done = await call<CompletedSaleDto>('sale.complete');
    const found = await call<RefundableSaleDto>('sale.findByReceipt', { receipt: done.receiptRef });
    const refund = await call<RefundDto>('refund.create', {
      saleId: found.saleId,
      lines: [{ lineId: done.lines[0]!.lineId, quantity: 1 }],
      supervisorPin: '2222',
    });
    expect(refund.amount).toBe(2250);
  });
});

describe('price override', () => {
  it('sets a line price by hand only with a supervisor, keeping the list price for the record', async () => {
    const sale = await call<SaleDto>('sale.addItem', { productId: 'scarf', quantity: 2 });
    const lineId = sale.lines[0]!.lineId;
    expect(await fail('sale.overridePrice', { lineId, unitPrice: 9900, reason: 'shelf label' })).toBe('auth.supervisor_required');
    expect(await fail('sale.overridePrice', { lineId, unitPrice: 9900, reason: 'shelf label', supervisorPin: '1111' })).toBe('auth.bad_pin');
    const first = await call<SaleDto>('sale.overridePrice', { lineId, unitPrice: 9900, reason: 'shelf label', supervisorPin: '2222' });
    expect(first.lines[0]).toMatchObject({ unitPrice: 9900, amount: 19800, priceOverride: { listPrice: 12800, reason: 'shelf label', approvedBy: 'Wang Wei' } });
    const again = await call<SaleDto>('sale.overridePrice', { lineId, unitPrice: 9000, reason: 'damaged', supervisorPin: '2222' });
    expect(again.lines[0]!.priceOverride).toMatchObject({ listPrice: 12800, reason: 'damaged' });
    // another unit of the same product is a new line at the list price
    const more = await call<SaleDto>('sale.addItem', { productId: 'scarf' });
    expect(more.lines.map((l) => l.unitPrice)).toEqual([9000, 12800]);
    await call('payment.payCash', { tendered: 50_000 });
    const done = await call<CompletedSaleDto>('sale.complete');
    expect(done.lines[0]!.priceOverride).toMatchObject({ listPrice: 12800 });
  });
});

describe('age checks', () => {
  it('asks once per sale, journals who confirmed, and caps the restricted items per sale', async () => {
    await call('sale.addItem', { productId: 'tsingtao', quantity: 3, ageChecked: true });
    // already checked for 18+: no second prompt
    const four = await call<SaleDto>('sale.addItem', { productId: 'red-wine' });
    expect(four.lines).toHaveLength(2);
    expect(await fail('sale.addItem', { productId: 'cider', ageChecked: true })).toBe('sale.age_limit');
    expect(await fail('sale.setQuantity', { lineId: four.lines[0]!.lineId, quantity: 4 })).toBe('sale.age_limit');
    // non-restricted items are not counted
    await call('sale.addItem', { productId: 'water', quantity: 10 });
    await call('sale.clear');
    // a new sale asks again
    expect(await fail('sale.addItem', { productId: 'tsingtao' })).toBe('sale.age_check_required');
    terminal.close();
    const db = openDatabase(join(dataDir, 'terminal.db'));
    try {
      const checks = db.prepare("SELECT payload FROM journal WHERE type = 'age.checked'").all() as { payload: string }[];
      expect(checks.map((c) => JSON.parse(c.payload) as unknown)).toEqual([
        expect.objectContaining({ productId: 'tsingtao', minAge: 18, confirmedBy: { id: 'demo-cashier', name: 'Li Na', role: 'cashier' } }),
      ]);
    } finally {
      db.close();
      await open();
    }
  });
});

describe('price levels', () => {
  it('uses the level in force when the sale starts and keeps it to the end', async () => {
    clock.set(Date.UTC(2026, 6, 1, 9, 55)); // 17:55 in Shanghai: happy hour
    expect((await call<CatalogDto>('catalog.list')).priceLevelId).toBe('happy-hour');
    const sale = await call<SaleDto>('sale.addItem', { productId: 'draft-lager', variantId: 'regular', ageChecked: true });
    expect(sale.priceLevelId).toBe('happy-hour');
    expect(sale.lines[0]!.unitPrice).toBe(2800);
    clock.set(Date.UTC(2026, 6, 1, 10, 10)); // 18:10: over, but this sale started before
    const more = await call<SaleDto>('sale.addItem', { productId: 'draft-lager', variantId: 'regular' });
    expect(more.lines.map((l) => [l.unitPrice, l.quantity])).toEqual([[2800, 2], [200, 2]]);
    await call('payment.payCash', { tendered: 6000 });
    await call('sale.complete');
    const next = await call<SaleDto>('sale.addItem', { productId: 'draft-lager', variantId: 'regular', ageChecked: true });
    expect(next).toMatchObject({ priceLevelId: null });
    expect(next.lines[0]!.unitPrice).toBe(3500);
  });

  it('applies a zone level only at a counter in that zone', async () => {
    expect((await call<SaleDto>('sale.addItem', { productId: 'red-wine', ageChecked: true })).lines[0]!.unitPrice).toBe(5500);
    terminal.close();
    await open({ zone: 'vip' });
    await call('sale.clear');
    expect((await call<SaleDto>('sale.addItem', { productId: 'red-wine', ageChecked: true })).lines[0]!.unitPrice).toBe(6800);
  });
});

describe('sold out and stop-sale', () => {
  it('marks an item sold out at this counter, journaled, and back in stock', async () => {
    const listed = await call<CatalogDto>('catalog.setSoldOut', { productId: 'hot-dog', soldOut: true });
    expect(listed.availability.soldOut).toEqual([{ productId: 'hot-dog', scope: 'counter' }]);
    expect(await fail('sale.addItem', { productId: 'hot-dog' })).toBe('catalog.sold_out');
    expect(await fail('catalog.setSoldOut', { productId: 'nope', soldOut: true })).toBe('catalog.product_not_found');
    await call('catalog.setSoldOut', { productId: 'hot-dog', soldOut: false });
    await call('sale.addItem', { productId: 'hot-dog' });
  });

  it('stops a tag at once, even in a sale in progress: its lines cannot be paid for until removed', async () => {
    const cart = await call<SaleDto>('sale.addItem', { productId: 'tsingtao', ageChecked: true });
    await call('sale.addItem', { productId: 'hot-dog' });
    const db = openDatabase(join(dataDir, 'terminal.db'));
    try {
      applyStopSale(db, { version: 1, tags: ['alcohol'], soldOut: ['fries'] }, '2026-07-01T11:30:00.000Z');
    } finally {
      db.close();
    }
    const now = await call<SaleDto>('sale.get');
    expect(now.lines.map((l) => l.stoppedBy)).toEqual(['alcohol', null]);
    expect(await fail('payment.payCash', { tendered: 10000 })).toBe('sale.stopped_items');
    expect(await fail('sale.complete')).toBe('sale.stopped_items');
    expect(await fail('sale.addItem', { productId: 'cider', ageChecked: true })).toBe('catalog.stopped');
    expect(await fail('sale.addItem', { productId: 'fries' })).toBe('catalog.sold_out');
    // a combo with a stopped or sold-out component is refused too
    expect(
      await fail('sale.addItem', {
        productId: 'burger-meal',
        combo: [
          { slotId: 'main', productId: 'cheeseburger' },
          { slotId: 'side', productId: 'fries' },
          { slotId: 'drink', productId: 'water' },
        ],
      }),
    ).toBe('catalog.sold_out');
    const catalog = await call<CatalogDto>('catalog.list');
    expect(catalog.availability).toMatchObject({
      stoppedTags: ['alcohol'],
      soldOut: [{ productId: 'fries', scope: 'venue' }],
      stopSaleVersion: 1,
    });
    await call('sale.removeLine', { lineId: cart.lines[0]!.lineId });
    await call('payment.payCash', { tendered: 10000 });
    await call('sale.complete');
  });
});

describe('the supervisor hook', () => {
  let db: Db;
  const requests: OverrideRequest[] = [];
  let actor: Actor = COUNTER_ACTOR;
  beforeEach(() => {
    db = openDatabase(':memory:');
    migrate(db, terminalMigrations);
    replaceCatalog(db, demoCatalog);
    requests.length = 0;
    actor = COUNTER_ACTOR;
  });
  afterEach(() => db.close());

  function service(authorize?: (r: OverrideRequest) => { approvedBy: string }) {
    const catalog = createCatalogService({
      db,
      clock,
      terminalId: 'T1',
      venue: () => demoVenueConfig,
      zone: () => null,
      actor: () => actor,
    });
    return createSaleService({
      db,
      clock,
      terminalId: 'T1',
      shortId: 'T1',
      venue: () => demoVenueConfig,
      onUpdated: () => undefined,
      onCompleted: () => undefined,
      actor: () => actor,
      priceContext: () => catalog.priceContext(),
      availability: () => catalog.availability(),
      ...(authorize ? { authorize } : {}),
    });
  }

  it('passes an over-limit discount to the hook and records who approved it', () => {
    const sales = service((r) => {
      requests.push(r);
      return { approvedBy: 'Wang Fang (supervisor)' };
    });
    const sale = sales.addItem({ productId: 'scarf' });
    const after = sales.setDiscount({ lineId: sale.lines[0]!.lineId, reason: 'promo', percentBp: 3000 });
    expect(after.lines[0]!.lineDiscount).toMatchObject({ percentBp: 3000, approvedBy: 'Wang Fang (supervisor)' });
    expect(requests).toEqual([
      expect.objectContaining({ action: 'discount', lineId: sale.lines[0]!.lineId, reason: expect.stringContaining('30 %') as unknown }),
    ]);
    // within the limit the hook is not asked
    sales.setDiscount({ reason: 'season-ticket' });
    expect(requests).toHaveLength(1);
  });

  it('lets a supervisor give what a cashier may not, within the supervisor limit', () => {
    actor = { id: 'S1', name: 'Wang Fang', role: 'supervisor' };
    const sales = service();
    const sale = sales.addItem({ productId: 'scarf' });
    expect(sales.setDiscount({ lineId: sale.lines[0]!.lineId, reason: 'comp' }).totals.comps).toBe(12800);
    expect(() => sales.setDiscount({ lineId: sale.lines[0]!.lineId, reason: 'promo', percentBp: 6000 })).toThrow(
      /over the supervisor limit/,
    );
  });
});
