// A cashier's first sales in a real browser against a real terminal and database.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeTotals, settleCash } from '../../contract/pricing';
import { isQuickSale } from '../../contract/menu';
import { formatMajor, quickCashAmounts } from '../../contract/money';
import { startPos, type PosFixture } from './fixture';

let pos: PosFixture | null = null;
afterEach(async () => {
  await pos?.cleanup();
  pos = null;
});

describe('selling in the browser', () => {
  it('sells three items, takes cash with a quick amount, shows the change and records the sale', async () => {
    pos = await startPos();
    const { page, command, dataDir } = pos;
    const catalog = await command('catalog.list');
    const status = await command('terminal.getStatus');

    // Three different products from two categories, so the tabs are used too.
    const [catA, catB] = [...catalog.categories].sort((a, b) => a.sort - b.sort);
    expect(catA && catB).toBeTruthy();
    // Products sold with one tap (no size, options or ID check): this test is about the basics.
    const oneTap = (categoryId: string) =>
      catalog.products.filter((p) => p.categoryId === categoryId && isQuickSale(p)).sort((a, b) => a.sort - b.sort);
    const inA = oneTap(catA!.id);
    const inB = oneTap(catB!.id);
    const picks = [
      { product: inA[0]!, quantity: 1 },
      { product: inA[1]!, quantity: 2 },
      { product: inB[0]!, quantity: 1 },
    ];

    await page.getByTestId(`category-tab-${catA!.id}`).click();
    await page.getByTestId(`product-${picks[0]!.product.id}`).click();
    // Quantity 2 the keyboard way: type the quantity, then choose the product.
    await page.keyboard.press('2');
    await expect.poll(() => page.getByTestId('pending-quantity').isVisible()).toBe(true);
    await page.getByTestId(`product-${picks[1]!.product.id}`).click();
    await page.getByTestId(`category-tab-${catB!.id}`).click();
    await page.getByTestId(`product-${picks[2]!.product.id}`).click();

    const lines = page.getByTestId('cart-line');
    await expect.poll(() => lines.count()).toBe(3);
    expect(await lines.nth(1).getByTestId('line-qty').textContent()).toBe('2');

    const totals = computeTotals(
      picks.map((p) => ({ unitPrice: p.product.price, quantity: p.quantity, taxRateId: p.product.taxRateId })),
      catalog.taxRates,
    );
    const cashDue = settleCash(totals.total, Number.MAX_SAFE_INTEGER, status.cashRounding)!.cashDue;
    const quick = quickCashAmounts(cashDue, status.cashNotes);
    const tendered = quick.find((a) => a > cashDue);
    expect(tendered, 'a quick amount above the exact one').toBeDefined();
    const expectedChange = settleCash(totals.total, tendered!, status.cashRounding)!.change;

    // Compare amounts by their digits: the exact symbol and spacing are the renderer's business.
    const digits = (text: string | null) => (text ?? '').replace(/[^\d.]/g, '');
    const major = (amount: number) => formatMajor(amount, catalog.currency);
    expect(digits(await page.getByTestId('total-due').textContent())).toBe(major(totals.total));

    await page.getByTestId('pay-cash').click();
    await page.getByTestId(`quick-amount-${tendered!}`).click();

    const change = page.getByTestId('change-due');
    await change.waitFor();
    expect(digits(await change.textContent())).toBe(major(expectedChange));
    const receiptRef = (await page.getByTestId('receipt-ref').textContent()) ?? '';
    expect(receiptRef).toMatch(new RegExp(`^${status.shortId}-\\d+$`));

    await page.getByTestId('next-sale').click();
    await page.getByTestId('pay-cash').waitFor();
    expect(await page.getByTestId('cart-line').count()).toBe(0);
    expect(await page.getByTestId('pay-cash').isDisabled()).toBe(true);

    // What the till showed is what the database holds, committed together (ARCHITECTURE §4).
    const db = new Database(path.join(dataDir, 'terminal.db'), { readonly: true, fileMustExist: true });
    try {
      const sales = db.prepare(`SELECT sale_id, total FROM sales WHERE status = 'completed'`).all() as {
        sale_id: string;
        total: number;
      }[];
      expect(sales).toHaveLength(1);
      const sale = sales[0]!;
      expect(sale.total).toBe(totals.total);
      const qty = db.prepare('SELECT SUM(quantity) AS q FROM sale_lines WHERE sale_id = ?').get(sale.sale_id) as {
        q: number;
      };
      expect(qty.q).toBe(4);
      expect(db.prepare('SELECT COUNT(*) AS n FROM payments WHERE sale_id = ?').get(sale.sale_id)).toEqual({ n: 1 });
      const journal = db.prepare(`SELECT payload FROM journal WHERE type = 'sale.completed'`).all() as {
        payload: string;
      }[];
      expect(journal).toHaveLength(1);
      expect(journal[0]!.payload).toContain(sale.sale_id);
      expect(db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE type = 'sale.completed'`).get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('switches between English and Chinese at run time', async () => {
    pos = await startPos();
    const { page, command } = pos;
    const catalog = await command('catalog.list');
    const status = await command('terminal.getStatus');
    const first = [...catalog.categories].sort((a, b) => a.sort - b.sort)[0]!;
    const product = catalog.products.filter((p) => p.categoryId === first.id).sort((a, b) => a.sort - b.sort)[0]!;
    const button = page.getByTestId(`product-${product.id}`);
    const payCash = page.getByTestId('pay-cash');
    await button.waitFor();

    // The terminal's default language comes first; get to English whatever it is.
    if (status.defaultLocale === 'zh') {
      await expect.poll(() => button.textContent()).toContain(product.name.zh);
      await page.getByTestId('lang-toggle').click();
    }
    await expect.poll(() => button.textContent()).toContain(product.name.en);
    expect(await payCash.textContent()).toContain('Pay cash');

    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => button.textContent()).toContain(product.name.zh);
    expect(await payCash.textContent()).toContain('现金支付');
    expect(await page.getByTestId(`category-tab-${first.id}`).textContent()).toBe(first.name.zh);
  });

  it('hides the token from the address bar and keeps working after a reload', async () => {
    pos = await startPos();
    const { page, command, host } = pos;
    const product = (await command('catalog.list')).products[0]!;
    await page.getByTestId(`product-${product.id}`).waitFor();
    expect(page.url()).not.toContain(host.token);
    await page.getByTestId(`product-${product.id}`).click();
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);

    await page.reload();
    // The open sale lives in the terminal, so the reloaded page shows it again.
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    expect(await page.getByTestId('error-toast').count()).toBe(0);
  });
});
