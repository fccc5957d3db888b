// Printing as the cashier sees it: a paper-out banner that never stops the sale, the receipt
// printing by itself once the roll is loaded, reprint, and the Devices screen.
import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../drivers/sim/render';
import { startPos, type PosFixture } from './fixture';

let pos: PosFixture | null = null;
afterEach(async () => {
  await pos?.cleanup();
  pos = null;
});

async function sellOneByTouch(p: PosFixture): Promise<void> {
  const { page } = p;
  await page.getByTestId('product-hot-dog').click();
  await page.getByTestId('pay-cash').click();
  await page.getByTestId('tender-confirm').click(); // exact amount
  await page.getByTestId('next-sale').waitFor();
}

describe('printing in the browser', () => {
  it('paper out: banner in both languages, the sale completes, the receipt prints once after the roll is loaded', async () => {
    pos = await startPos({ printer: { address: 'sim:printer?paper=out', worker: { retryMs: 50, idlePollMs: 100 } } });
    const { page, terminal } = pos;
    const sim = terminal.printer?.sim;
    expect(sim).toBeDefined();

    const banner = page.getByTestId('printer-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-problem')).toBe('paper_out');
    const first = (await banner.textContent()) ?? '';
    await page.getByTestId('lang-toggle').click();
    await expect.poll(async () => (await banner.textContent()) ?? '').not.toBe(first);
    const both = `${first}\n${(await banner.textContent()) ?? ''}`;
    expect(both).toMatch(/Printer out of paper — load a new roll; the receipt will print by itself/);
    expect(both).toMatch(/打印机缺纸 — 请装入新纸卷，收据会自动打印/);

    await sellOneByTouch(pos);
    expect(sim!.pages()).toHaveLength(0);
    await expect.poll(async () => (await banner.textContent()) ?? '').toMatch(/2/); // drawer kick + receipt waiting

    sim!.setPaper('ok');
    await expect.poll(() => sim!.pages().length, { timeout: 5000 }).toBe(1);
    await expect.poll(() => banner.count(), { timeout: 5000 }).toBe(0);
    const receipt = renderText(sim!.pages()[0]!, { columns: 48 });
    expect(receipt).not.toMatch(/COPY/);
  });

  it('reprint last receipt marks COPY; the Devices screen shows the address, test print and the last receipt as SVG', async () => {
    pos = await startPos({ printer: { address: 'sim:printer', worker: { retryMs: 50, idlePollMs: 100 } } });
    const { page, terminal } = pos;
    const sim = terminal.printer!.sim!;
    await sellOneByTouch(pos);
    await expect.poll(() => sim.pages().length, { timeout: 5000 }).toBe(1);
    // The cash sale kicked the drawer; the till shows it open until it is pushed shut.
    expect(sim.stats().pulses).toHaveLength(1);
    await expect.poll(() => page.getByTestId('drawer-open').count(), { timeout: 5000 }).toBe(1);
    sim.closeDrawer();
    await expect.poll(() => page.getByTestId('drawer-open').count(), { timeout: 5000 }).toBe(0);

    await page.getByTestId('reprint-last').click();
    await expect.poll(() => sim.pages().length, { timeout: 5000 }).toBe(2);
    expect(renderText(sim.pages()[1]!, { columns: 48 })).toMatch(/副本 COPY/);

    await page.getByTestId('devices-open').click();
    expect(await page.getByTestId('devices-printer-address').textContent()).toBe('sim:printer');
    const img = page.getByTestId('devices-receipt-svg');
    await img.waitFor();
    expect(await img.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    // The image really decodes and has a size.
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

    await page.getByTestId('devices-test-print').click();
    await expect.poll(() => sim.pages().length, { timeout: 5000 }).toBe(3);
    expect(renderText(sim.pages()[2]!, { columns: 48 })).toContain('test page');
  });
});
