// A network printer whose connection is reset in the middle of a receipt: the till reconnects and
// prints the receipt again whole, marked COPY, once; the sale is untouched.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { CompletedSaleDto, PrinterStatusDto } from '../../contract/api';
import { openTerminalDb } from '../../db/terminal-db';
import { PrinterSim } from '../../drivers/sim/printer-sim';
import { renderText } from '../../drivers/sim/render';
import { serveTcp, type SimServer } from '../../drivers/sim/serve';
import { createTerminalSync } from '../create-terminal';
import type { Terminal } from '../terminal';
import { openTill } from '../testing';

let dataDir: string;
let terminal: Terminal | undefined;
let server: SimServer;
let proxy: net.Server;
const sim = new PrinterSim();

/** Forwards to the simulator; the first connection that carries more than `resetAfter` bytes is reset. */
async function startProxy(target: number, resetAfter: number): Promise<number> {
  let armed = true;
  proxy = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    let seen = 0;
    client.on('data', (d: Buffer) => {
      seen += d.length;
      if (armed && seen > resetAfter) {
        armed = false;
        // Forward only what fits, then cut the line: part of the receipt is on paper.
        upstream.write(d.subarray(0, d.length - (seen - resetAfter)), () => {
          upstream.destroy();
          client.resetAndDestroy();
        });
        return;
      }
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (!client.destroyed) client.write(d);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  return (proxy.address() as net.AddressInfo).port;
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pos-print-tcp-'));
  server = await serveTcp(sim, 0);
});
afterEach(async () => {
  terminal?.close();
  terminal = undefined;
  await new Promise<void>((r) => proxy.close(() => r()));
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('a TCP reset mid-receipt: reconnect, the receipt prints again whole marked COPY, exactly once', { timeout: 30_000 }, async () => {
  const port = await startProxy((server as SimServer & { port: number }).port, 500);
  terminal = createTerminalSync({
    dataDir,
    demo: true,
    printer: { address: `tcp:127.0.0.1:${port}`, worker: { retryMs: 20, idlePollMs: 5000 }, port: { settleMs: 5, reconnectBaseMs: 10, replyTimeoutMs: 300 } },
  });
  const t = terminal;
  const call = async <T,>(method: string, input: unknown = {}): Promise<T> => {
    const reply = await t.dispatch(method, input);
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value as T;
  };
  await openTill(terminal);
  await call('sale.addItem', { productId: 'hot-dog' });
  await call('payment.payCash', { tendered: 10000 });
  const sale = await call<CompletedSaleDto>('sale.complete');

  const end = Date.now() + 15_000;
  while (sim.pages().length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100));
  expect(sim.pages()).toHaveLength(1);
  const text = renderText(sim.pages()[0]!, { columns: 48 });
  expect(text).toContain(sale.receiptRef);
  expect(text).toMatch(/\*\*\* 副本 COPY \*\*\*/);
  expect(await call<PrinterStatusDto>('printer.getStatus')).toMatchObject({ state: 'ok', queued: 0 });

  const db = openTerminalDb(dataDir);
  try {
    expect(db.prepare("SELECT status, copy, attempts FROM print_jobs WHERE kind = 'receipt'").get()).toEqual({
      status: 'printed',
      copy: 1,
      attempts: 2,
    });
    expect(db.prepare("SELECT COUNT(*) AS n FROM sales WHERE status = 'completed'").get()).toEqual({ n: 1 });
  } finally {
    db.close();
  }
});
