// A refund of a card payment as the cashier does it: pay by card online (the demo's simulated
// reader, a real gateway with the test acquirer), then open Refund, type the receipt number, pick
// the line and confirm; a supervisor approves on the PIN prompt; the card tender shows refunded, and
// the gateway holds the refund.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SUPERVISOR_PIN, type PosFixture, showEnglish, startPos, venueGateway } from './fixture';

let pos: PosFixture | null = null;
const ADMIN = 'refund-e2e-admin-token-0123456789abcdef';
const gw = venueGateway(ADMIN);
afterEach(async () => {
  await pos?.cleanup();
  pos = null;
});

describe('refunds in the browser', () => {
  it('pays by card online, then refunds it by typing the receipt number', async () => {
    pos = await startPos({
      reader: { address: 'sim:reader', device: { sim: { tapDelayMs: 50, stepDelayMs: 10 } } },
      cards: { pollMs: 200, readerTimeoutSeconds: 30 },
      gateway: { url: gw().url, adminToken: ADMIN },
    });
    const p = pos;
    const { page } = p;
    await p.terminal.cards.ready;
    await expect
      .poll(async () => (await p.command('terminal.getStatus')).network.state, { timeout: 10_000 })
      .toBe('online');
    await showEnglish(page);

    await page.getByTestId('product-hot-dog').click();
    await page.getByTestId('cart-line').waitFor();
    await page.getByTestId('pay-card').click();
    await page.getByTestId('card-screen').waitFor();
    await page.getByTestId('test-card-visa-approve').click();
    await page.getByTestId('next-sale').waitFor({ timeout: 15_000 });
    const receiptRef = (await page.getByTestId('receipt-ref').textContent()) ?? '';
    expect(receiptRef).toMatch(/^[0-9A-Z]+-\d+$/);
    await page.getByTestId('next-sale').click();

    // Refunds are a supervisor's: the cashier stays signed in and the supervisor types their PIN.
    await page.getByTestId('refund-open').click();
    await page.getByTestId('refund-receipt-input').fill(receiptRef.split('-')[1] ?? '');
    await page.getByTestId('refund-find').click();
    await page.getByTestId('refund-sale').waitFor();
    const found = await p.command('sale.findByReceipt', { receipt: receiptRef });
    const line = found.lines[0]!;
    await page.getByTestId(`refund-line-${line.lineId}`).check();
    await page.getByTestId('refund-confirm').click();
    await page.getByTestId('supervisor-prompt').waitFor();
    expect(await page.getByTestId('supervisor-action').textContent()).toBe('Refund');
    for (const d of DEMO_SUPERVISOR_PIN) await page.getByTestId(`supervisor-key-${d}`).click();
    await page.getByTestId('supervisor-ok').click();
    const result = page.getByTestId('refund-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('data-status')).toBe('completed');
    const tender = page.getByTestId('refund-tender');
    expect(await tender.getAttribute('data-status')).toBe('approved');
    expect(await tender.textContent()).toMatch(/Card.*refunded to the card/);
    // The line is now refunded: nothing is left, and the gateway agrees.
    expect(await page.getByTestId(`refund-line-${line.lineId}`).isDisabled()).toBe(true);
    const after = await p.command('sale.findByReceipt', { receipt: receiptRef });
    expect(after.refundable).toBe(0);
    const cardKey = found.tenders[0]!.paymentId;
    const payment = await gw().store.getPayment(cardKey);
    expect(payment?.refundedAmount).toBe(found.paid);
  });
});
