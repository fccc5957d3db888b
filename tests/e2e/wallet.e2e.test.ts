// Scanning at the counter, in the browser (issue 8): a keyboard-wedge scanner reads three product
// barcodes into the sale, the customer's WeChat Pay code on the pay screen becomes a wallet payment
// that waits for the customer to confirm on the phone (the gateway's test wallet confirms after a
// few seconds), the sale completes with the wallet on it; then the receipt's QR code, read by the
// till's own 2D scanner (the simulator, through the real HID POS decoder), opens the sale for a
// refund, which a supervisor approves and the gateway sends back to the same wallet.
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletedSaleDto } from '../../contract/api';
import { DEMO_SUPERVISOR_PIN, type PosFixture, showEnglish, startPos, venueGateway, wedgeScan } from './fixture';

let pos: PosFixture | null = null;
const ADMIN = 'wallet-e2e-admin-token-0123456789abcdef';
const gw = venueGateway(ADMIN);
afterEach(async () => {
  await pos?.cleanup();
  pos = null;
});

/** The test wallet asks the customer to confirm codes ending in 03 (docs/wallets.md). */
const CONFIRM_ON_PHONE = '134567890123456703';

describe('scanning and wallet payment codes in the browser', () => {
  it('scans three products, pays by a wallet code the customer confirms, and refunds it by scanning the receipt QR', async () => {
    pos = await startPos({
      scanner: { address: 'sim:scanner' },
      gateway: { url: gw().url, adminToken: ADMIN },
    });
    const p = pos;
    const { page } = p;
    await p.terminal.wallets.ready;
    await expect
      .poll(async () => (await p.command('terminal.getStatus')).network.state, { timeout: 10_000 })
      .toBe('online');
    await showEnglish(page);
    const completed: CompletedSaleDto[] = [];
    p.terminal.on('sale.completed', (s) => completed.push(s));

    // A wedge scanner types fast and ends with Enter: hot dog, water, scarf.
    for (const barcode of ['6901234000016', '6901234000221', '6901234000429']) await wedgeScan(page, barcode);
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(3);
    const sale = await p.command('sale.get');
    expect(sale.lines.map((l) => l.productId)).toEqual(['hot-dog', 'water', 'scarf']);
    expect(sale.totals.total).toBe(2500 + 500 + 12800);
    // A code the venue does not sell adds nothing and says so.
    await wedgeScan(page, '4006381333931');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(3);

    // On the pay screen the customer's payment code becomes a wallet payment.
    await page.getByTestId('pay-cash').click();
    await page.getByTestId('tender-due').waitFor();
    await wedgeScan(page, CONFIRM_ON_PHONE);
    const screen = page.getByTestId('wallet-screen');
    await screen.waitFor();
    await expect.poll(() => screen.getAttribute('data-state'), { timeout: 5000 }).toBe('awaiting_customer');
    await page.getByTestId('wallet-countdown').waitFor();
    expect(await page.getByTestId('wallet-charging').textContent()).toContain('13************6703');
    expect(await page.content()).not.toContain(CONFIRM_ON_PHONE);
    await page.getByTestId('next-sale').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('change-wallet-line').textContent()).toMatch(/WeChat Pay/);
    await expect.poll(() => completed.length).toBe(1);
    const done = completed[0]!;
    const tender = done.payments.find((x) => x.kind === 'wallet');
    expect(tender).toMatchObject({ kind: 'wallet', provider: 'wechat', maskedCode: '13************6703', amount: 15800 });
    const atGateway = await gw().store.wallet.getWalletPayment(tender!.paymentId);
    expect(atGateway?.status).toBe('approved');
    await page.getByTestId('next-sale').click();

    // The receipt's QR code, read by the till's 2D scanner, opens the sale for a refund.
    const qr = `${gw().url}/r/${done.receiptToken}`;
    await p.command('scanner.simulateScan', { text: qr, symbology: 'qr' });
    await page.getByTestId('refund-sale').waitFor({ timeout: 5000 });
    await page.getByTestId('refund-all').click();
    await page.getByTestId('refund-confirm').click();
    await page.getByTestId('supervisor-prompt').waitFor();
    for (const d of DEMO_SUPERVISOR_PIN) await page.getByTestId(`supervisor-key-${d}`).click();
    await page.getByTestId('supervisor-ok').click();
    const result = page.getByTestId('refund-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('data-status')).toBe('completed');
    expect(await page.getByTestId('refund-tender').getAttribute('data-status')).toBe('approved');
    const refunded = await gw().store.wallet.getWalletPayment(tender!.paymentId);
    expect(refunded?.refundedAmount).toBe(15800);
  });
});
