// Card payments as the cashier sees them: the demo's simulated reader (the presenter picks which
// test card taps), a real gateway on 127.0.0.1 with the test acquirer, and the till in Chromium.
// Online approve, decline with its reason, cancel, offline STORED (standalone, and a forced
// offline drill), refused offline with Take cash, and a split tender.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTerminal } from '../../terminal/create-terminal';
import { openTill, type PosFixture, type PosFixtureOptions, showEnglish, startPos, venueGateway } from './fixture';

const SCREENSHOTS = process.env.POS_E2E_SCREENSHOTS;

let pos: PosFixture | null = null;
const ADMIN = 'card-e2e-admin-token-0123456789abcdef';
const gw = venueGateway(ADMIN);
afterEach(async () => {
  await pos?.cleanup();
  pos = null;
});

const reader = { address: 'sim:reader', device: { sim: { tapDelayMs: 50, stepDelayMs: 10 } } };

async function start(options: { online: boolean; english?: boolean } & PosFixtureOptions): Promise<PosFixture> {
  const { online, english = true, ...rest } = options;
  const p = await startPos({
    reader,
    cards: { pollMs: 200, readerTimeoutSeconds: 30 },
    ...(online ? { gateway: { url: gw().url, adminToken: ADMIN } } : {}),
    ...rest,
  });
  await p.terminal.cards.ready;
  if (online) {
    await expect
      .poll(async () => (await p.command('terminal.getStatus')).network.state, { timeout: 10_000 })
      .toBe('online');
  }
  await p.page.getByTestId('status-reader').waitFor();
  // The demo venue starts in Chinese; these tests read the English words (one checks both).
  if (!english) return p;
  await showEnglish(p.page);
  return p;
}

async function shot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

const cardState = (page: Page) => page.getByTestId('card-screen').getAttribute('data-state');

async function tapFor(page: Page, card: string): Promise<void> {
  await page.getByTestId('card-screen').waitFor();
  await page.getByTestId(`test-card-${card}`).click();
}


describe('card payments in the browser', () => {
  it('online: the presenter taps the approve card, the sale completes with the card line on the change screen', async () => {
    pos = await start({ online: true });
    const { page } = pos;
    expect(await page.getByTestId('status-reader').getAttribute('data-simulated')).toBe('true');
    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('cart-line').waitFor();
    const total = (await page.getByTestId('total-due').textContent()) ?? '';
    await page.getByTestId('pay-card').click();
    expect(await page.getByTestId('card-amount').textContent()).toBe(total);
    await shot(page, 'card-choose');
    await tapFor(page, 'visa-approve');
    await page.getByTestId('next-sale').waitFor({ timeout: 15_000 });
    await shot(page, 'card-approved-change');
    const line = page.getByTestId('change-card-line');
    expect(await line.count()).toBe(1);
    expect(await line.textContent()).toMatch(/4242/);
    expect(await line.getAttribute('data-stored')).toBeNull();
    expect(await page.getByTestId('change-due').textContent()).toMatch(/0\.00/);
    // Never more of the card than the last 4 on screen.
    expect(await page.content()).not.toMatch(/424242/);
    await page.getByTestId('next-sale').click();
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(0);
  });

  it('declined: the reason in words (both languages); Back returns to the sale, which stays open', async () => {
    pos = await start({ online: true });
    const { page } = pos;
    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('pay-card').click();
    await tapFor(page, 'visa-nsf');
    await expect.poll(() => cardState(page), { timeout: 15_000 }).toBe('declined');
    const reason = page.getByTestId('card-reason');
    expect(await reason.getAttribute('data-reason')).toBe('insufficient_funds');
    const en = (await reason.textContent()) ?? '';
    expect(en).toBe('Insufficient funds');
    await shot(page, 'card-declined');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(async () => (await reason.textContent()) ?? '').toBe('余额不足');
    await page.getByTestId('lang-toggle').click();
    // Another card may follow on the same screen.
    await tapFor(page, 'visa-decline');
    await expect.poll(() => reason.getAttribute('data-reason'), { timeout: 15_000 }).toBe('do_not_honour');
    await page.getByTestId('card-cancel').click();
    await page.getByTestId('cart-line').first().waitFor();
    expect(await page.getByTestId('card-screen').count()).toBe(0);
    const sale = await pos.command('sale.get');
    expect(sale.cardPaid).toBe(0);
    expect(sale.lines).toHaveLength(1);
  });

  it('cancelled: Cancel stops a card that never taps; Esc then goes back to the sale', async () => {
    pos = await start({ online: true });
    const { page } = pos;
    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('pay-card').click();
    await tapFor(page, 'no-tap');
    await expect.poll(() => cardState(page), { timeout: 10_000 }).toBe('reading');
    expect(await page.getByTestId('card-message').textContent()).toBe('Present card');
    await shot(page, 'card-present');
    // A reload while the reader waits brings the tap screen back, still cancellable.
    await page.reload();
    await expect.poll(() => cardState(page), { timeout: 10_000 }).toBe('reading');
    await page.getByTestId('card-cancel').click();
    await expect.poll(() => cardState(page), { timeout: 10_000 }).toBe('cancelled');
    expect(await page.getByTestId('card-reason').getAttribute('data-reason')).toBe('cancelled_by_cashier');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('card-screen').count()).toBe(0);
    expect((await pos.command('sale.get')).remaining).toBeGreaterThan(0);
  });

  it('Esc cancels the tap screen while the reader waits', async () => {
    pos = await start({ online: true });
    const { page } = pos;
    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('pay-card').click();
    await tapFor(page, 'no-tap');
    await expect.poll(() => cardState(page), { timeout: 10_000 }).toBe('reading');
    await page.keyboard.press('Escape');
    await expect.poll(() => cardState(page), { timeout: 10_000 }).toBe('cancelled');
  });

  it('offline (no gateway): the card is STORED, not approved, and the sale completes', async () => {
    pos = await start({ online: false });
    const { page } = pos;
    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('pay-card').click();
    await tapFor(page, 'visa-approve');
    await page.getByTestId('next-sale').waitFor({ timeout: 15_000 });
    await shot(page, 'card-stored-change');
    const line = page.getByTestId('change-card-line');
    expect(await line.getAttribute('data-stored')).toBe('true');
    expect(await line.textContent()).toMatch(/STORED/);
    expect(await line.textContent()).not.toMatch(/Approved/i);
  });

  it('forced offline drill: STORED; the blocked card is refused offline with its reason and Take cash finishes the sale', async () => {
    pos = await start({ online: true });
    const { page } = pos;
    await page.getByTestId('network-drill').click();
    await expect.poll(() => page.getByTestId('status-network').getAttribute('data-forced')).toBe('true');

    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('pay-card').click();
    await tapFor(page, 'blocked');
    await expect.poll(() => cardState(page), { timeout: 15_000 }).toBe('refused_offline');
    expect(await page.getByTestId('card-reason').textContent()).toBe('Card blocked');
    await shot(page, 'card-refused-offline');
    await page.getByTestId('card-switch-cash').click();
    await page.getByTestId('tender-due').waitFor();
    await page.getByTestId('tender-confirm').click();
    await page.getByTestId('next-sale').waitFor();
    expect(await page.getByTestId('change-card-line').count()).toBe(0);
    await page.getByTestId('next-sale').click();

    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('pay-card').click();
    await tapFor(page, 'visa-approve');
    await page.getByTestId('next-sale').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('change-card-line').getAttribute('data-stored')).toBe('true');
  });

  it('split tender: part by card (typed amount), the rest in cash; the change screen shows both', async () => {
    pos = await start({ online: true });
    const { page } = pos;
    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('product-hot-dog').click();
    const before = await pos.command('sale.get');
    await page.getByTestId('pay-cash').click();
    // 10.00 by card.
    await page.getByTestId('keypad-1').click();
    await page.getByTestId('keypad-0').click();
    await page.getByTestId('pay-card').click();
    expect(await page.getByTestId('card-amount').textContent()).toMatch(/10\.00/);
    await tapFor(page, 'visa-approve');
    await page.getByTestId('tender-card-paid').waitFor({ timeout: 15_000 });
    await shot(page, 'card-split-tender');
    const after = await pos.command('sale.get');
    expect(after.cardPaid).toBe(1000);
    expect(after.remaining).toBe(before.totals.total - 1000);
    await page.getByTestId('tender-confirm').click(); // the rest, exact
    await page.getByTestId('next-sale').waitFor();
    expect(await page.getByTestId('change-card-line').count()).toBe(1);
    expect(await page.getByTestId('change-due').textContent()).toMatch(/0\.00/);
    await shot(page, 'card-split-change');
  });

  it.each(['complete', 'void'] as const)(
    'recovery: a card payment accepted before the till died shows "Approved, not completed"; %s',
    async (action) => {
      // The till took the card (offline: no gateway) and died before completing the sale.
      const prepare = async (dataDir: string): Promise<void> => {
        const t = await createTerminal({ dataDir, demo: true, reader, cards: { pollMs: 200 }, sync: false });
        await t.cards.ready;
        const call = async (method: string, input: unknown = {}) => {
          const r = await t.dispatch(method, input);
          if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
          return r.value;
        };
        await openTill(t);
        await call('sale.addItem', { productId: 'hot-dog' });
        await call('reader.selectTestCard', { name: 'visa-approve' });
        await call('payment.startCard');
        await expect.poll(async () => ((await call('sale.get')) as { remaining: number }).remaining, { timeout: 10_000 }).toBe(0);
        t.close();
      };
      // The prompt is modal (the language button is behind it): the demo's Chinese it is.
      pos = await start({ online: false, english: false, prepare });
      const { page } = pos;
      const prompt = page.getByTestId('recovery-prompt');
      await prompt.waitFor({ timeout: 10_000 });
      // Accepted offline: STORED, never "approved" (ARCHITECTURE §5).
      expect(await prompt.textContent()).toMatch(/已存储（离线），未完成/);
      expect(await prompt.textContent()).toMatch(/4242/);
      await shot(page, `card-recovery-${action}`);
      await page.getByTestId(`recovery-${action}`).click();
      await expect.poll(() => prompt.count()).toBe(0);
      if (action === 'complete') {
        await page.getByTestId('next-sale').waitFor({ timeout: 10_000 });
        expect(await page.getByTestId('change-card-line').getAttribute('data-stored')).toBe('true');
        expect((await pos.command('sale.get')).lines).toHaveLength(0);
      } else {
        // Never forwarded: the stored payment is cancelled, and the sale waits to be paid.
        await expect.poll(async () => (await pos!.command('sale.get')).remaining).toBeGreaterThan(0);
        expect(await pos.command('payment.listRecovered')).toEqual([]);
      }
    },
  );
});
