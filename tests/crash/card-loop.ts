// Child process for the card crash test: opens an enrolled terminal with the in-process simulated
// reader, lets start-up recovery run, resolves every "approved, not completed" payment (complete
// or void, alternating from the parity given), then sells by card in a loop until it is killed.
//
// stdout, one line each, only after the fact is committed:
//   ready                              recovery ran (terminal.cards.ready)
//   resolved <paymentId> <action>      a recovered payment was completed or voided
//   unresolved <json>                  after resolution: payments left in a non-final state
//   state <paymentId> <state>          a card payment reached a state (payment.updated)
//   done <saleId> <paymentId|->        sale.complete returned
// Optional self-kill (to land exactly in a state that lasts microseconds, e.g. 'created'):
//   KILL_AT=<state> KILL_NTH=<n> KILL_AFTER_MS=<ms>: SIGKILL itself when the n-th payment reaches
//   <state>, synchronously in the listener (ms = 0) or after ms.
// SETTLE=1: recover and resolve, print the lines above, then exit 0 without selling.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { CardPaymentDto, CompletedSaleDto, SaleDto } from '../../contract/api';
import { createTerminalSync } from '../../terminal/create-terminal';
import { openTill } from '../../terminal/testing';

const dataDir = process.argv[2];
const parity = Number(process.argv[3] ?? 0);
if (!dataDir) throw new Error('usage: card-loop DATA_DIR [PARITY]');
const killAt = process.env.KILL_AT;
const killNth = Number(process.env.KILL_NTH ?? 1);
const killAfterMs = Number(process.env.KILL_AFTER_MS ?? 0);

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const terminal = createTerminalSync({
  dataDir,
  demo: true,
  sync: false,
  reader: {
    address: 'sim:reader',
    device: { sim: { tapDelayMs: 5, stepDelayMs: 2, timeoutMs: 3000 } },
  },
  cards: { pollMs: 60_000, gatewayTimeoutMs: 3000 },
});
// Every start signs in again; the shift stays open across the kills.
await openTill(terminal);

let reached = 0;
// The self-kill counts the states of the selling loop only: recovery at start may approve or
// reverse the last run's payment, and dying there would leave no "unresolved" line to check.
let armed = false;
const waiters = new Map<string, (p: CardPaymentDto) => void>();
const FINAL = new Set([
  'approved',
  'declined',
  'cancelled',
  'failed',
  'stored',
  'refused_offline',
  'reversed',
  'unknown',
]);
terminal.on('payment.updated', (p) => {
  out(`state ${p.paymentId} ${p.state}`);
  if (armed && killAt && p.state === killAt && ++reached === killNth) {
    if (killAfterMs === 0) process.kill(process.pid, 'SIGKILL');
    else setTimeout(() => process.kill(process.pid, 'SIGKILL'), killAfterMs);
  }
  if (FINAL.has(p.state)) waiters.get(p.paymentId)?.(p);
});

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const reply = await terminal.dispatch(method, input);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

async function completeOpenSale(): Promise<void> {
  const sale = await call<SaleDto>('sale.get');
  if (sale.lines.length === 0) return;
  if (sale.remaining > 0) await call('payment.payCash', { tendered: sale.cashDue });
  const done = await call<CompletedSaleDto>('sale.complete');
  const card = done.payments.find((p) => p.kind === 'card');
  out(`done ${done.saleId} ${card?.paymentId ?? '-'}`);
}

await terminal.cards.ready;
out('ready');
const recovered = await call<CardPaymentDto[]>('payment.listRecovered');
let completed = false;
for (const [i, p] of recovered.entries()) {
  const action = (parity + i) % 2 === 0 ? 'complete' : 'void';
  await call('payment.resolveRecovered', { paymentId: p.paymentId, action });
  out(`resolved ${p.paymentId} ${action}`);
  if (action === 'complete') completed = true;
}
if (completed) await completeOpenSale();
await terminal.cards.service.tick();
await terminal.cards.service.idle();
{
  // The terminal's own file, read as a second connection: what recovery left undecided.
  const db = new Database(join(dataDir, 'terminal.db'), { readonly: true });
  const rows = db
    .prepare(
      `SELECT c.payment_id AS id, c.state, c.needs_resolution AS nr, s.status AS sale
         FROM card_payments c JOIN sales s USING (sale_id)
        WHERE c.state IN ('created', 'reading', 'authorizing', 'unknown', 'reversing', 'forwarding', 'stored')
           OR c.needs_resolution = 1
           OR (c.state = 'approved' AND s.status <> 'completed')`,
    )
    .all();
  db.close();
  out(`unresolved ${JSON.stringify(rows)}`);
  armed = true;
}
if (process.env.SETTLE === '1') {
  terminal.close();
  process.exit(0);
}

for (let i = 0; ; i++) {
  await call('sale.clear');
  await call('sale.addItem', { productId: i % 2 ? 'hot-dog' : 'water', quantity: 1 + (i % 3) });
  await call('reader.selectTestCard', { name: 'visa-approve' });
  const started = await call<CardPaymentDto>('payment.startCard');
  const final = await new Promise<CardPaymentDto>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`payment ${started.paymentId} never finished`)),
      10_000,
    );
    waiters.set(started.paymentId, (p) => {
      clearTimeout(timer);
      resolve(p);
    });
  });
  waiters.delete(started.paymentId);
  if (final.state !== 'approved') continue; // e.g. a repeated ARQC: this attempt adds nothing
  const done = await call<CompletedSaleDto>('sale.complete');
  // Only now may the world hear of the sale: the commit has returned.
  out(`done ${done.saleId} ${started.paymentId}`);
}
