import { isQuickSale } from '../contract/menu';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogDto, Reply, SaleDto } from '../contract/api';
import { openDatabase } from '../db/open';
import { createTerminal } from '../terminal/create-terminal';
import { lastJsonLine, runPos } from './test-helpers';
import { openTill } from '../terminal/testing';

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'pos-journal-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function value<T>(reply: Reply<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

/** Rings up and completes `count` cash sales on the demo venue, as a cashier would. */
async function sellSome(count: number): Promise<void> {
  const terminal = await createTerminal({ dataDir, demo: true });
  try {
    await openTill(terminal);
    const products = value<CatalogDto>(await terminal.dispatch('catalog.list', {})).products.filter(isQuickSale);
    for (let i = 0; i < count; i++) {
      const product = products[i % products.length];
      if (!product) throw new Error('demo catalog is empty');
      const sale = value<SaleDto>(
        await terminal.dispatch('sale.addItem', { productId: product.id, quantity: 2 }),
      );
      value(await terminal.dispatch('payment.payCash', { tendered: sale.cashDue }));
      value(await terminal.dispatch('sale.complete', {}));
    }
  } finally {
    terminal.close();
  }
}

describe('pos journal verify', () => {
  it('passes a journal written by real sales', async () => {
    await sellSome(3);
    const r = await runPos(['journal', 'verify', '--data-dir', dataDir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^journal OK: \d+ entries, head [0-9a-f]{16}\n$/);
  });

  it('reports the entry count and full head hash with --json', async () => {
    await sellSome(2);
    const r = await runPos(['journal', 'verify', '--data-dir', dataDir, '--json']);
    expect(r.code).toBe(0);
    const json = lastJsonLine(r.stdout);
    expect(json).toMatchObject({ ok: true });
    expect(json.entries).toBeGreaterThanOrEqual(2);
    expect(json.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails naming the first altered entry when a row was rewritten behind the triggers', async () => {
    await sellSome(3);
    const db = openDatabase(path.join(dataDir, 'terminal.db'));
    db.exec('DROP TRIGGER journal_no_update');
    db.prepare('UPDATE journal SET payload = ? WHERE seq = 2').run(
      JSON.stringify({ tampered: true }),
    );
    db.close();

    const r = await runPos(['journal', 'verify', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/journal broken at seq 2: /);

    const j = await runPos(['journal', 'verify', '--data-dir', dataDir, '--json']);
    expect(j.code).toBe(1);
    expect(lastJsonLine(j.stdout)).toMatchObject({
      ok: false,
      brokenSeq: 2,
      error: { code: 'journal.broken' },
    });
  });

  it('fails on a file that is not a SQLite database, without changing it', async () => {
    const file = path.join(dataDir, 'terminal.db');
    writeFileSync(file, 'definitely not sqlite, just some text long enough');
    const r = await runPos(['journal', 'verify', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a SQLite database');
    expect(readFileSync(file, 'utf8')).toBe('definitely not sqlite, just some text long enough');
  });
});
