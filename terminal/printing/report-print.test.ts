// X, shift and Z reports on the simulated printer: each is a print job of the commit that took or
// stored it, printed once; a till without a printer keeps the record, cancelled.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countFor, type ReportDto } from '../../contract/shifts';
import type { PrinterSim } from '../../drivers/sim/printer-sim';
import { renderText } from '../../drivers/sim/render';
import { createTerminalSync } from '../create-terminal';
import type { Terminal } from '../terminal';
import { must, openTill } from '../testing';

let dataDir: string;
let terminal: Terminal | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pos-report-print-'));
});
afterEach(() => {
  terminal?.close();
  terminal = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const pages = (sim: PrinterSim): string[] => sim.pages().map((p) => renderText(p, { columns: 48 }));

function reportJobs(): { status: string; last_error: string | null; kind: string }[] {
  const db = new Database(join(dataDir, 'terminal.db'), { readonly: true });
  try {
    return db.prepare("SELECT status, last_error, json_extract(payload, '$.report.kind') AS kind FROM print_jobs WHERE kind = 'report' ORDER BY seq").all() as {
      status: string;
      last_error: string | null;
      kind: string;
    }[];
  } finally {
    db.close();
  }
}

async function day(t: Terminal): Promise<void> {
  await openTill(t);
  await must(t, 'sale.addItem', { productId: 'hot-dog', quantity: 2 });
  await must(t, 'payment.payCash', { tendered: 10000 });
  await must(t, 'sale.complete');
  const x = await must<ReportDto>(t, 'report.x');
  await must(t, 'shift.count', { counts: countFor(x.expectedCash, [10000, 5000, 2000, 1000, 500, 100, 50, 10]) });
  await must(t, 'day.close', { supervisorPin: '2222' });
}

describe('reports on paper', () => {
  it('prints the X when taken, the shift report when the shift closes and the Z when the day closes, once each', async () => {
    terminal = createTerminalSync({
      dataDir,
      demo: true,
      printer: { address: 'sim:printer', worker: { retryMs: 10, idlePollMs: 30 }, port: { settleMs: 5 } },
    });
    const sim = terminal.printer?.sim;
    if (!sim) throw new Error('no simulator');
    await day(terminal);
    await until('receipt, X, shift and Z', () => sim.pages().length === 4);
    await new Promise((r) => setTimeout(r, 60));
    const [receipt, x, shift, z] = pages(sim);
    expect(sim.pages()).toHaveLength(4);
    expect(receipt).toMatch(/合计 TOTAL +CNY 50\.00/);
    expect(x).toContain('X 报表 X REPORT');
    expect(x).toMatch(/营业额 Revenue \(1\) +50\.00/);
    expect(shift).toContain('班次报表 SHIFT REPORT');
    expect(shift).toMatch(/长短款 Over\/short +0\.00/);
    expect(z).toContain('Z 日结报表 Z REPORT');
    expect(z).toMatch(/日结号 Z number +1/);
    expect(z).toMatch(/累计总额 Grand total +CNY 50\.00/);
    expect(reportJobs().map((j) => [j.kind, j.status])).toEqual([
      ['x', 'printed'],
      ['shift', 'printed'],
      ['z', 'printed'],
    ]);
  });

  it('without a printer the report jobs are recorded as cancelled, as receipts are', async () => {
    terminal = createTerminalSync({ dataDir, demo: true });
    await day(terminal);
    expect(reportJobs()).toEqual([
      { kind: 'x', status: 'cancelled', last_error: 'no printer configured' },
      { kind: 'shift', status: 'cancelled', last_error: 'no printer configured' },
      { kind: 'z', status: 'cancelled', last_error: 'no printer configured' },
    ]);
  });

  it('prints a refund slip when a cash refund completes, with the drawer kick, once', async () => {
    terminal = createTerminalSync({
      dataDir,
      demo: true,
      printer: { address: 'sim:printer', worker: { retryMs: 10, idlePollMs: 30 }, port: { settleMs: 5 } },
    });
    const sim = terminal.printer?.sim;
    if (!sim) throw new Error('no simulator');
    await openTill(terminal);
    await must(terminal, 'sale.addItem', { productId: 'hot-dog', quantity: 2 });
    await must(terminal, 'payment.payCash', { tendered: 10000 });
    const sale = await must<{ saleId: string; receiptRef: string; lines: { lineId: string }[] }>(terminal, 'sale.complete');
    await must(terminal, 'refund.create', { saleId: sale.saleId, lines: [{ lineId: sale.lines[0]!.lineId, quantity: 1 }] });
    await until('receipt and refund slip', () => sim.pages().length === 2);
    const [, slip] = pages(sim);
    expect(slip).toContain('退款单 REFUND');
    expect(slip).toContain(sale.receiptRef);
    expect(slip).toMatch(/1 × 热狗 Hot dog +-25\.00/);
    expect(slip).toMatch(/现金退还 Cash paid out +25\.00/);
    expect(slip).toMatch(/退款合计 Refunded +CNY 25\.00/);
    // the drawer opened twice: the sale's cash and the refund's
    await until('both drawer kicks', () => sim.stats().pulses.length === 2);
  });
});
