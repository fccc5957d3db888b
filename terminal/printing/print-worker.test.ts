// The terminal with the in-process printer simulator (sim:printer over the memory pair): what a
// cashier would see on paper and on screen when the printer misbehaves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompletedSaleDto, PrinterStatusDto, PrintJobAcceptedDto, ReceiptPreviewDto } from '../../contract/api';
import { markPrinting } from '../../db/print-jobs';
import { openTerminalDb } from '../../db/terminal-db';
import type { PrinterSim } from '../../drivers/sim/printer-sim';
import { renderText } from '../../drivers/sim/render';
import { createTerminalSync } from '../create-terminal';
import type { Terminal } from '../terminal';
import { openTill } from '../testing';

let dataDir: string;
let terminal: Terminal | undefined;

const open = (address = 'sim:printer'): { t: Terminal; sim: PrinterSim } => {
  terminal?.close();
  terminal = createTerminalSync({
    dataDir,
    demo: true,
    printer: { address, worker: { retryMs: 10, idlePollMs: 30 }, port: { settleMs: 5 } },
  });
  const sim = terminal.printer?.sim;
  if (!sim) throw new Error('no simulator');
  return { t: terminal, sim };
};

async function call<T>(t: Terminal, method: string, input: unknown = {}): Promise<T> {
  const reply = await t.dispatch(method, input);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

async function sell(t: Terminal): Promise<CompletedSaleDto> {
  await openTill(t);
  await call(t, 'sale.addItem', { productId: 'hot-dog', quantity: 2 });
  await call(t, 'payment.payCash', { tendered: 10000 });
  return call<CompletedSaleDto>(t, 'sale.complete');
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const pageTexts = (sim: PrinterSim): string[] => sim.pages().map((p) => renderText(p, { columns: 48 }));
const copyMarks = (text: string): number => (text.match(/\*\*\* 副本 COPY \*\*\*|\* \* \*.*C O P Y/g) ?? []).length;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pos-print-'));
});
afterEach(() => {
  terminal?.close();
  terminal = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('print worker with the simulated printer', () => {
  it('prints the receipt of a sale once, as an original, and kicks the drawer for cash', async () => {
    const { t, sim } = open();
    const sale = await sell(t);
    await until('the receipt', () => sim.pages().length === 1);
    const [text] = pageTexts(sim);
    expect(text).toContain(sale.receiptRef);
    expect(text).toMatch(/合计 TOTAL +CNY 50\.00/);
    expect(copyMarks(text ?? '')).toBe(0);
    expect(sim.stats().pulses).toHaveLength(1);
    await until('status ok', async () => (await call<PrinterStatusDto>(t, 'printer.getStatus')).queued === 0);
    expect(await call<PrinterStatusDto>(t, 'printer.getStatus')).toMatchObject({ state: 'ok', problem: null, queued: 0 });
  });

  it('paper out before a sale: the sale completes, the job waits, status says paper_out; paper back → prints once as original', async () => {
    const { t, sim } = open('sim:printer?paper=out');
    const events: PrinterStatusDto[] = [];
    t.on('printer.status', (s) => events.push(s));
    await until('paper out seen', async () => (await call<PrinterStatusDto>(t, 'printer.getStatus')).problem === 'paper_out');
    const sale = await sell(t);
    expect(sale.receiptNo).toBe(1);
    await until('queued', async () => (await call<PrinterStatusDto>(t, 'printer.getStatus')).queued === 2);
    const s = await call<{ devices: { printer: string }; printer: PrinterStatusDto }>(t, 'terminal.getStatus');
    expect(s.devices.printer).toBe('error');
    expect(s.printer).toMatchObject({ state: 'error', problem: 'paper_out', queued: 2 });
    await new Promise((r) => setTimeout(r, 60)); // several retries while the paper is out
    expect(sim.pages()).toHaveLength(0);

    sim.setPaper('ok');
    await until('the receipt', () => sim.pages().length === 1);
    await new Promise((r) => setTimeout(r, 60));
    expect(sim.pages()).toHaveLength(1);
    const [text] = pageTexts(sim);
    expect(text).toContain(sale.receiptRef);
    expect(copyMarks(text ?? '')).toBe(0);
    expect(events.some((e) => e.problem === 'paper_out')).toBe(true);
    expect(events.at(-1)).toMatchObject({ state: 'ok', problem: null, queued: 0 });
  });

  it('a fault mid-job: the receipt prints again whole, marked COPY, exactly once', async () => {
    const { t, sim } = open();
    await until('first poll', async () => (await call<PrinterStatusDto>(t, 'printer.getStatus')).state === 'ok');
    // Past the drawer kick and the status requests, well inside the receipt's ~1 KB.
    sim.failAfterBytes(400, 'cover_open');
    const sale = await sell(t);
    await until('cover open seen', async () => (await call<PrinterStatusDto>(t, 'printer.getStatus')).problem === 'cover_open');
    expect(sim.pages()).toHaveLength(0);
    sim.closeCover();
    await until('the reprint', () => sim.pages().length === 1);
    await new Promise((r) => setTimeout(r, 60));
    expect(sim.pages()).toHaveLength(1);
    const text = pageTexts(sim)[0] ?? '';
    // The cut-off start of the original, then the whole receipt marked COPY at top and bottom.
    expect(copyMarks(text)).toBe(2);
    expect(text.split(sale.receiptRef).length - 1).toBeGreaterThanOrEqual(2);
    const db = openTerminalDb(dataDir);
    try {
      expect(db.prepare("SELECT status, copy, attempts FROM print_jobs WHERE kind = 'receipt'").get()).toEqual({
        status: 'printed',
        copy: 1,
        attempts: 2,
      });
    } finally {
      db.close();
    }
  });

  it("a crash between 'printing' and 'printed': after restart the job prints again as COPY", async () => {
    let { t } = open('sim:printer?offline=1');
    const sale = await sell(t);
    t.close();
    terminal = undefined;
    const db = openTerminalDb(dataDir);
    const job = db.prepare("SELECT job_id FROM print_jobs WHERE kind = 'receipt'").get() as { job_id: string };
    markPrinting(db, job.job_id);
    db.close();

    const reopened = open();
    t = reopened.t;
    await until('the reprint', () => reopened.sim.pages().length === 1);
    const text = pageTexts(reopened.sim)[0] ?? '';
    expect(text).toContain(sale.receiptRef);
    expect(copyMarks(text)).toBe(2);
  });

  it('reprints the last receipt marked COPY, prints a test page, and previews the last receipt as SVG', async () => {
    const { t, sim } = open();
    const sale = await sell(t);
    await until('the receipt', () => sim.pages().length === 1);
    const accepted = await call<PrintJobAcceptedDto>(t, 'printer.reprintLast');
    expect(accepted.jobId).toBeTruthy();
    await until('the copy', () => sim.pages().length === 2);
    expect(copyMarks(pageTexts(sim)[1] ?? '')).toBe(2);
    expect(pageTexts(sim)[1]).toContain(sale.receiptRef);

    await call(t, 'printer.testPrint');
    await until('the test page', () => sim.pages().length === 3);
    expect(pageTexts(sim)[2]).toContain('中文：场馆收银测试页');

    const preview = await call<ReceiptPreviewDto>(t, 'printer.lastReceipt');
    expect(preview).toMatchObject({ receiptRef: sale.receiptRef, copy: true });
    expect(preview.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(preview.svg).toContain(sale.receiptRef);
  });

  it('refuses a reprint before any sale, and printer commands without a printer', async () => {
    const { t } = open();
    expect(await t.dispatch('printer.reprintLast', {})).toMatchObject({ ok: false, error: { code: 'printer.nothing_to_reprint' } });
    t.close();
    terminal = createTerminalSync({ dataDir, demo: true });
    expect(await terminal.dispatch('printer.testPrint', {})).toMatchObject({ ok: false, error: { code: 'printer.not_configured' } });
    expect(await call<PrinterStatusDto>(terminal, 'printer.getStatus')).toMatchObject({ state: 'not_configured' });
    // Without a printer the receipt and drawer rows are still written, as cancelled: nothing
    // waits to come out of a printer set up weeks later.
    const sale = await sell(terminal);
    const db = openTerminalDb(dataDir);
    try {
      expect(db.prepare('SELECT kind, status, last_error FROM print_jobs WHERE sale_id = ? ORDER BY seq').all(sale.saleId)).toEqual([
        { kind: 'drawer', status: 'cancelled', last_error: 'no printer configured' },
        { kind: 'receipt', status: 'cancelled', last_error: 'no printer configured' },
      ]);
    } finally {
      db.close();
    }
    expect(await call<PrinterStatusDto>(terminal, 'printer.getStatus')).toMatchObject({ queued: 0 });
  });

  it('an unreadable printer address does not stop the till: status says why, the receipt waits', async () => {
    terminal = createTerminalSync({ dataDir, demo: true, printer: { address: 'lpt1:' } });
    const status = await call<PrinterStatusDto>(terminal, 'printer.getStatus');
    expect(status).toMatchObject({ state: 'error', problem: 'error', address: 'lpt1:' });
    expect(status.detail).toMatch(/printer setting unusable: bad device address "lpt1:"/);
    await sell(terminal);
    expect(await call<PrinterStatusDto>(terminal, 'printer.getStatus')).toMatchObject({ queued: 2 });
  });
});
