// sale-complete: how many sales per second the terminal can durably commit, against the rate of
// single-row INSERT commits on the same SQLite settings (WAL, synchronous=FULL) on the same disk.
// Baseline and sales run in alternating blocks so both see the same disk weather.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../db/open';
import { createTerminalSync } from '../terminal/create-terminal';
import { emit, percentile, round } from './report';
import { openTill } from '../terminal/testing';

const SALES = Number(process.env.BENCH_SALES ?? 2000);
const ROUNDS = 5;
const PRODUCTS = ['hot-dog', 'cola-m', 'scarf', 'water', 'pretzel', 'programme'];

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-'));
  const baselineDb = openDatabase(join(dir, 'baseline.db'));
  const terminal = createTerminalSync({ dataDir: join(dir, 'terminal'), demo: true, staff: { idleLockSeconds: 0 } });
  try {
    await openTill(terminal);
    baselineDb.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT');
    const insert = baselineDb.prepare('INSERT INTO t (v) VALUES (?)');
    const perRound = Math.ceil(SALES / ROUNDS);
    let baselineSeconds = 0;
    let completeSeconds = 0;
    let fullSaleSeconds = 0;
    const completeMs: number[] = [];
    const baselineMs: number[] = [];
    let sold = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < perRound; i++) {
        const b0 = performance.now();
        insert.run(`row ${i}`); // autocommit: one durable commit each
        const b1 = performance.now();
        baselineMs.push(b1 - b0);
        baselineSeconds += (b1 - b0) / 1000;
      }

      for (let i = 0; i < perRound; i++, sold++) {
        const saleStart = performance.now();
        for (let j = 0; j < 3; j++) {
          await terminal.dispatch('sale.addItem', { productId: PRODUCTS[(sold + j) % PRODUCTS.length] });
        }
        await terminal.dispatch('payment.payCash', { tendered: 100_000 });
        const t0 = performance.now();
        const reply = await terminal.dispatch('sale.complete', {});
        const t1 = performance.now();
        if (!reply.ok) throw new Error(reply.error.message);
        completeMs.push(t1 - t0);
        completeSeconds += (t1 - t0) / 1000;
        fullSaleSeconds += (t1 - saleStart) / 1000;
        // A host serves each call in its own event-loop turn; let deferred work run as it would.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const baseline = (perRound * ROUNDS) / baselineSeconds;
    const sorted = [...completeMs].sort((a, b) => a - b);
    emit({
      name: 'sale-complete',
      value: round(sold / completeSeconds, 1),
      unit: 'sales/s',
      baseline: round(baseline, 1),
      better: 'higher',
      p50_ms: round(percentile(sorted, 50)),
      p99_ms: round(percentile(sorted, 99)),
      sales: sold,
      baseline_p50_ms: round(percentile([...baselineMs].sort((a, b) => a - b), 50)),
      baseline_p99_ms: round(percentile([...baselineMs].sort((a, b) => a - b), 99)),
      baseline_unit: 'single-row INSERT commits/s',
    });
    // The whole counter flow: three item taps (each a durable commit), cash, completion.
    emit({
      name: 'sale-complete-full-sale',
      value: round(sold / fullSaleSeconds, 1),
      unit: 'sales/s',
      baseline: round(baseline, 1),
      better: 'higher',
      commits_per_sale: 4,
    });
  } finally {
    terminal.close();
    baselineDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
