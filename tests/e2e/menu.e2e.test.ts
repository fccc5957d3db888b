// What a stadium counter really sells, in the browser against a real terminal: a large draft
// lager (size → cup deposit, ID check), a cheeseburger with two options, a cup return, cash; a
// staff meal at zero; and a venue-wide stop-sale from the gateway reaching the till mid-sale
// (the tile says Stopped, adding is refused with the reason, the stopped line blocks payment).
import Database from 'better-sqlite3';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SaleDto } from '../../contract/api';
import { formatMajor } from '../../contract/money';
import { type PosFixture, showEnglish, startPos, venueGateway } from './fixture';

let pos: PosFixture | null = null;
const ADMIN = 'menu-e2e-admin-token-0123456789abcdef';
const gw = venueGateway(ADMIN);
afterEach(async () => {
  await pos?.cleanup();
  pos = null;
});

/** Amounts compared by their digits: the symbol and spacing are the renderer's business. */
const digits = (text: string | null) => (text ?? '').replace(/[^\d.]/g, '');
const major = (amount: number) => formatMajor(amount, 'CNY');

async function english(page: Page): Promise<void> {
  // Once the tiles show, the terminal's default language has been applied: switching now sticks.
  await page.getByTestId('product-hot-dog').waitFor();
  await showEnglish(page);
}

const cartLine = (page: Page, productId: string) =>
  page.locator(`[data-testid="cart-line"][data-product-id="${productId}"]`);

describe('menu depth in the browser', () => {
  it('sells a large lager (cup deposit, ID check) and a burger with two options, takes a cup back, pays cash; then a staff meal at zero', async () => {
    pos = await startPos();
    const { page, command, dataDir } = pos;
    await english(page);

    // A large draft lager: the options step wants a size first, then the ID check.
    await page.getByTestId('category-tab-beer').click();
    await page.getByTestId('product-draft-lager').click();
    await page.getByTestId('choices-dialog').waitFor();
    expect(await page.getByTestId('choices-add').isDisabled()).toBe(true);
    expect(await page.getByTestId('choices-missing').textContent()).toContain('Choose a size');
    await page.getByTestId('choice-size-large').click();
    expect(await page.getByTestId('choices-add').isDisabled()).toBe(false);
    await page.getByTestId('choices-add').click();
    const age = page.getByTestId('age-check');
    await age.waitFor();
    expect(await page.getByTestId('age-title').textContent()).toBe('Check ID: 18+');
    expect(await cartLine(page, 'draft-lager').count()).toBe(0);
    await page.getByTestId('age-confirm').click();
    const lager = cartLine(page, 'draft-lager');
    await lager.waitFor();
    expect(await age.count()).toBe(0);
    expect(await lager.getByTestId('cart-deposit').getAttribute('data-deposit-id')).toBe(
      'cup-large',
    );
    expect(await page.getByTestId('age-checked').textContent()).toContain('18+');

    // A cheeseburger: the cooking is required (Add waits for it), extras are optional.
    await page.getByTestId('category-tab-hot-food').click();
    await page.getByTestId('product-cheeseburger').click();
    await page.getByTestId('choices-dialog').waitFor();
    expect(await page.getByTestId('choices-add').isDisabled()).toBe(true);
    expect(await page.getByTestId('choices-missing').textContent()).toContain('Choose Cooked');
    await page.getByTestId('choice-option-burger-cook-medium').click();
    await page.getByTestId('choice-option-burger-extras-extra-cheese').click();
    await page.getByTestId('choice-option-burger-extras-bacon').click();
    const burgerPrice = digits(await page.getByTestId('choices-price').textContent());
    await page.getByTestId('choices-add').click();
    const burger = cartLine(page, 'cheeseburger');
    await burger.waitFor();
    const modifiers = await burger.getByTestId('line-modifier').all();
    const options = await Promise.all(modifiers.map((m) => m.getAttribute('data-option-id')));
    expect(options).toEqual(['medium', 'extra-cheese', 'bacon']);

    // A cup comes back.
    await page.getByTestId('cup-return-open').click();
    await page.getByTestId('cup-return-dialog').waitFor();
    await page.getByTestId('cup-return-cup').click();
    await page.locator('[data-testid="cart-line"][data-kind="deposit_return"]').waitFor();

    // The screen shows what the terminal holds.
    const sale: SaleDto = await command('sale.get');
    const burgerLine = sale.lines.find((l) => l.productId === 'cheeseburger')!;
    expect(major(burgerLine.unitPrice)).toBe(burgerPrice);
    expect(sale.lines.map((l) => l.kind)).toEqual(['item', 'deposit', 'item', 'deposit_return']);
    expect(sale.totals.deposits).toBe(300 - 200);
    expect(sale.ageCheck?.minAge).toBe(18);
    expect(digits(await page.getByTestId('totals-deposits').textContent())).toBe(major(100));
    expect(digits(await page.getByTestId('total-due').textContent())).toBe(
      major(sale.totals.total),
    );

    await page.getByTestId('pay-cash').click();
    await page.getByTestId('tender-due').waitFor();
    await page.getByTestId('tender-confirm').click(); // exact
    await page.getByTestId('change-due').waitFor();
    expect(digits(await page.getByTestId('change-total').textContent())).toBe(
      major(sale.totals.total),
    );
    await page.getByTestId('next-sale').click();
    await page.getByTestId('pay-cash').waitFor();

    // A staff meal: the line's reason takes it to zero; the sale completes without cash.
    await page.getByTestId('product-hot-dog').click();
    const hotDog = cartLine(page, 'hot-dog');
    await hotDog.waitFor();
    await hotDog.getByTestId('line-select').click();
    await page.getByTestId('discount-open').click();
    await page.getByTestId('discount-dialog').waitFor();
    expect(await page.getByTestId('discount-target-line').getAttribute('aria-pressed')).toBe(
      'true',
    );
    await page.getByTestId('discount-reason-staff-meal').click();
    await hotDog.getByTestId('line-discount').waitFor();
    expect(await page.getByTestId('discount-dialog').count()).toBe(0);
    expect(await hotDog.getByTestId('line-discount').getAttribute('data-reason')).toBe(
      'staff-meal',
    );
    expect(await hotDog.getByTestId('line-discount').textContent()).toContain('Staff meal');
    expect(digits(await page.getByTestId('totals-comps').textContent())).toBe(major(2500));
    expect(digits(await page.getByTestId('total-due').textContent())).toBe(major(0));
    await page.getByTestId('pay-cash').click();
    await page.getByTestId('tender-confirm').click();
    await page.getByTestId('change-due').waitFor();
    expect(digits(await page.getByTestId('change-total').textContent())).toBe(major(0));

    // What the till showed is what it committed, the ID check journaled with who confirmed it.
    const db = new Database(path.join(dataDir, 'terminal.db'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      const totals = db
        .prepare(`SELECT total FROM sales WHERE status = 'completed' ORDER BY completed_at`)
        .all() as {
        total: number;
      }[];
      expect(totals.map((s) => s.total)).toEqual([sale.totals.total, 0]);
      const checks = db.prepare(`SELECT payload FROM journal WHERE type = 'age.checked'`).all() as {
        payload: string;
      }[];
      expect(checks).toHaveLength(1);
      expect(checks[0]!.payload).toContain('draft-lager');
    } finally {
      db.close();
    }
  });

  it('cups returned without a purchase: the drawer pays out (and opens as for cash)', async () => {
    pos = await startPos({ printer: { address: 'sim:printer' } });
    const { page, command } = pos;
    await english(page);
    await page.getByTestId('cup-return-open').click();
    await page.getByTestId('cup-return-cup-large').click();
    await page.locator('[data-testid="cart-line"][data-kind="deposit_return"]').waitFor();
    expect(await page.getByTestId('pay-cash').textContent()).toContain('Pay out');
    await page.getByTestId('pay-cash').click();
    await page.getByTestId('tender-payout').waitFor();
    expect(digits(await page.getByTestId('payout-due').textContent())).toBe(major(300));
    await page.getByTestId('payout-confirm').click();
    await page.getByTestId('payout-amount').waitFor();
    expect(digits(await page.getByTestId('payout-amount').textContent())).toBe(major(300));
    const status = await command('terminal.getStatus');
    expect(status.lastReceiptNo).toBe(1);
    // The drawer opens for the payout, as for any cash sale.
    await expect.poll(() => page.getByTestId('drawer-open').count(), { timeout: 5000 }).toBe(1);
  });

  it('keyboard only: the options step and the ID check', async () => {
    pos = await startPos();
    const { page } = pos;
    await english(page);
    await page.getByTestId('category-tab-beer').click();
    await page.getByTestId('product-draft-lager').click();
    await page.getByTestId('choices-dialog').waitFor();
    await page.keyboard.press('Enter'); // no size yet: nothing is added
    await page.keyboard.press('ArrowRight'); // onto the first size
    await page.keyboard.press('ArrowRight'); // onto Large
    await page.keyboard.press(' ');
    expect(await page.getByTestId('choice-size-large').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Tab'); // Cancel
    await page.keyboard.press('Tab'); // Add
    await page.keyboard.press('Enter');
    await page.getByTestId('age-check').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('age-check').count()).toBe(0);
    expect(await page.getByTestId('cart-line').count()).toBe(0);

    await page.getByTestId('product-tsingtao').click();
    await page.getByTestId('age-check').waitFor();
    await page.keyboard.press('Enter'); // ID checked
    await cartLine(page, 'tsingtao').waitFor();
    expect(await page.getByTestId('age-checked').textContent()).toContain('18+');
  });

  it('a venue stop-sale from the gateway reaches the till mid-sale: Stopped tiles, adding refused with the reason, payment blocked', async () => {
    pos = await startPos({
      gateway: { url: gw().url, adminToken: ADMIN },
      sync: { controlPollMs: 200 },
    });
    const p = pos;
    const { page } = p;
    await expect
      .poll(async () => (await p.command('terminal.getStatus')).network.state, { timeout: 10_000 })
      .toBe('online');
    await english(page);

    // A bottle of beer is in the sale when security stops alcohol.
    await page.getByTestId('category-tab-beer').click();
    await page.getByTestId('product-tsingtao').click();
    await page.getByTestId('age-confirm').click();
    const beer = cartLine(page, 'tsingtao');
    await beer.waitFor();

    const res = await fetch(`${gw().url}/v1/admin/stop-sale`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tag: 'alcohol' }),
    });
    expect(res.status).toBe(200);

    await expect
      .poll(async () => (await p.command('catalog.list')).availability.stoppedTags, {
        timeout: 10_000,
      })
      .toEqual(['alcohol']);
    const tile = page.getByTestId('product-tsingtao');
    await expect
      .poll(() => tile.getAttribute('data-unavailable'), { timeout: 10_000 })
      .toBe('stopped');
    expect(await page.getByTestId('product-badge-tsingtao').textContent()).toBe('Stopped: alcohol');
    expect(await page.getByTestId('product-badge-draft-lager').textContent()).toBe(
      'Stopped: alcohol',
    );
    expect(
      await page.getByTestId('product-alcohol-free').getAttribute('data-unavailable'),
    ).toBeNull();
    await expect.poll(() => beer.getAttribute('data-stopped'), { timeout: 5_000 }).toBe('alcohol');
    expect(await beer.getByTestId('line-stopped').textContent()).toContain('Stopped: alcohol');

    // Adding another is refused with the reason, and the terminal refuses it too.
    await tile.click();
    const toast = page.getByTestId('error-toast');
    await toast.waitFor();
    expect(await toast.getAttribute('data-code')).toBe('catalog.stopped');
    expect(await toast.textContent()).toContain('Stopped: alcohol');
    expect(await beer.getByTestId('line-qty').textContent()).toBe('1');
    expect(await page.getByTestId('age-check').count()).toBe(0);
    const reply = await p.terminal.dispatch('sale.addItem', {
      productId: 'tsingtao',
      ageChecked: true,
    });
    expect(reply.ok ? null : reply.error.code).toBe('catalog.stopped');

    // The stopped line blocks payment until it is removed.
    await page.getByTestId('pay-cash').click();
    await expect.poll(() => toast.getAttribute('data-code')).toBe('sale.stopped_items');
    expect(await toast.textContent()).toContain('alcohol');
    expect(await page.getByTestId('tender-due').count()).toBe(0);
    await beer.getByTestId('line-remove').click();
    await expect.poll(() => beer.count()).toBe(0);
    await page.getByTestId('category-tab-hot-food').click();
    await page.getByTestId('product-hot-dog').click();
    await cartLine(page, 'hot-dog').waitFor();
    await page.getByTestId('pay-cash').click();
    await page.getByTestId('tender-due').waitFor();
  });
});
