// A whole sale without touching the screen: a counter keyboard or numeric pad must be enough.
import { afterEach, describe, expect, it } from 'vitest';
import { isQuickSale } from '../../contract/menu';
import { formatMajor } from '../../contract/money';
import { startPos, type PosFixture } from './fixture';

let pos: PosFixture | null = null;
afterEach(async () => {
  await pos?.cleanup();
  pos = null;
});

describe('keyboard-only selling', () => {
  it('types a quantity, picks a product with the arrows, is refused short cash, then pays exact', async () => {
    pos = await startPos();
    const { page, command } = pos;
    const catalog = await command('catalog.list');
    const firstCategory = [...catalog.categories].sort((a, b) => a.sort - b.sort)[0]!;
    const tiles = catalog.products.filter((p) => p.categoryId === firstCategory.id).sort((a, b) => a.sort - b.sort);
    // The second product sold with one tap (no size, options or ID check), some tiles along.
    const second = tiles.filter((p) => isQuickSale(p))[1];
    const steps = tiles.indexOf(second!);
    await page.getByTestId(`product-${second!.id}`).waitFor();

    await page.keyboard.press('3');
    expect(await page.getByTestId('pending-quantity').textContent()).toContain('3');
    await page.keyboard.press('ArrowRight'); // into the grid, on the first product
    for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const line = page.getByTestId('cart-line');
    await line.waitFor();
    expect(await line.getAttribute('data-product-id')).toBe(second!.id);
    expect(await line.getByTestId('line-qty').textContent()).toBe('3');
    expect(await page.getByTestId('pending-quantity').count()).toBe(0);

    await page.keyboard.press('Escape'); // out of the grid: Enter now pays
    await page.keyboard.press('Enter');
    await page.getByTestId('tender-due').waitFor();

    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    const toast = page.getByTestId('error-toast');
    await toast.waitFor();
    expect(await toast.getAttribute('data-code')).toBe('payment.insufficient_tender');
    expect(await page.getByTestId('tender-due').isVisible()).toBe(true);

    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter'); // nothing typed: exactly what is due
    const change = page.getByTestId('change-due');
    await change.waitFor();
    expect((await change.textContent())?.replace(/[^\d.]/g, '')).toBe(formatMajor(0, catalog.currency));

    await page.keyboard.press('Enter');
    await page.getByTestId('pay-cash').waitFor();
    expect(await page.getByTestId('cart-line').count()).toBe(0);
  });
});
