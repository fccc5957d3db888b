// Child process for the wallet crash test: opens an enrolled terminal (sync on: wallets need the
// till online), lets start-up recovery run, resolves every "approved, not completed" wallet
// payment (complete or void, alternating from the parity given), then sells by wallet payment
// code in a loop until it is killed. Codes are fresh each time (a code pays once), chosen to hit
// the test wallet's approve, customer-confirms and lost-answer behaviours; some sales the cashier
// cancels while the customer confirms.
//
// stdout, one line each, only after the fact is committed:
//   ready                              recovery ran (terminal.wallets.ready)
//   resolved <paymentId> <action>      a recovered payment was completed or voided
//   unresolved <json>                  after resolution: payments left undecided
//   start <paymentId> <sha256 of code> payment.startWallet returned (the code itself never printed)
//   state <paymentId> <state>          a wallet payment reached a state (wallet.updated)
//   done <saleId> <paymentId|->        sale.complete returned
// Optional self-kill (to land exactly in a state, e.g. 'created', which lasts microseconds):
//   KILL_AT=<state> KILL_NTH=<n> KILL_AFTER_MS=<ms>: SIGKILL itself when the n-th payment of the
//   selling loop reaches <state>, synchronously in the listener (ms = 0) or after ms.
// SETTLE=1: recover and resolve, print the lines above, then exit 0 without selling.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CompletedSaleDto, SaleDto, TerminalStatusDto, WalletPaymentDto } from '../../contract/api';
import { testWalletCode, type TestWalletBehaviour } from '../../gateway/wallet/test-provider';
import { createTerminalSync } from '../../terminal/create-terminal';
import { openTill } from '../../terminal/testing';
import { FAST_SYNC, FAST_WALLET_CONFIG } from '../wallets/wallet-timing';

const dataDir = process.argv[2];
const parity = Number(process.argv[3] ?? 0);
if (!dataDir) throw new Error('usage: wallet-loop DATA_DIR [PARITY]');
const killAt = process.env.KILL_AT;
const killNth = Number(process.env.KILL_NTH ?? 1);
const killAfterMs = Number(process.env.KILL_AFTER_MS ?? 0);

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const terminal = createTerminalSync({
  dataDir,
  demo: true,
  sync: FAST_SYNC,
  cards: { gatewayTimeoutMs: 2000 },
  wallets: FAST_WALLET_CONFIG,
  staff: { idleLockSeconds: 0 },
});

let reached = 0;
// The self-kill counts the states of the selling loop only: dying inside recovery would leave no
// "unresolved" line to check.
let armed = false;
const waiters = new Map<string, (p: WalletPaymentDto) => void>();
const FINAL = new Set(['approved', 'declined', 'failed', 'cancelled', 'reversed']);
terminal.on('wallet.updated', (p) => {
  out(`state ${p.paymentId} ${p.state}`);
  if (armed && killAt && p.state === killAt && ++reached === killNth) {
    if (killAfterMs === 0) process.kill(process.pid, 'SIGKILL');
    else setTimeout(() => process.kill(process.pid, 'SIGKILL'), killAfterMs);
  }
  waiters.get(p.paymentId)?.(p);
});

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const reply = await terminal.dispatch(method, input);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

/** Resolves with the payment once `until` holds for one of its updates (10 s at most). */
function waitFor(paymentId: string, until: (p: WalletPaymentDto) => boolean): Promise<WalletPaymentDto> {
  return new Promise((resolve, reject) => {
    const now = terminal.wallets.service.get(paymentId);
    if (now && until(now)) {
      resolve(now);
      return;
    }
    const timer = setTimeout(() => reject(new Error(`payment ${paymentId} never got there`)), 10_000);
    waiters.set(paymentId, (p) => {
      if (!until(p)) return;
      clearTimeout(timer);
      waiters.delete(paymentId);
      resolve(p);
    });
  });
}

async function completeOpenSale(): Promise<void> {
  const sale = await call<SaleDto>('sale.get');
  if (sale.lines.length === 0) return;
  if (sale.remaining > 0) await call('payment.payCash', { tendered: sale.cashDue });
  const done = await call<CompletedSaleDto>('sale.complete');
  const wallet = done.payments.find((p) => p.kind === 'wallet');
  out(`done ${done.saleId} ${wallet?.paymentId ?? '-'}`);
}

await terminal.wallets.ready;
// Every start signs in again; the shift stays open across the kills.
await openTill(terminal);
out('ready');
const recovered = await call<WalletPaymentDto[]>('payment.listRecoveredWallets');
let completed = false;
for (const [i, p] of recovered.entries()) {
  const action = (parity + i) % 2 === 0 ? 'complete' : 'void';
  await call('payment.resolveRecoveredWallet', { paymentId: p.paymentId, action });
  out(`resolved ${p.paymentId} ${action}`);
  if (action === 'complete') completed = true;
}
if (completed) await completeOpenSale();
await terminal.wallets.service.tick();
await terminal.wallets.service.idle();
{
  // The terminal's own file, read as a second connection: what recovery left undecided.
  const db = new Database(join(dataDir, 'terminal.db'), { readonly: true });
  const rows = db
    .prepare(
      `SELECT w.payment_id AS id, w.state, w.needs_resolution AS nr, s.status AS sale, c.last_error AS owed
         FROM wallet_payments w JOIN sales s USING (sale_id)
         LEFT JOIN wallet_cancels c ON c.payment_id = w.payment_id AND c.acked_at IS NULL
        WHERE w.state IN ('created', 'authorizing', 'awaiting_customer', 'unknown', 'cancelling')
           OR w.needs_resolution = 1
           OR (w.state = 'approved' AND s.status <> 'completed')
           OR w.payment_id IN (SELECT payment_id FROM wallet_cancels WHERE acked_at IS NULL)`,
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

// Wallets need the till online: the sync worker says so after its first exchange.
for (let waited = 0; ; waited += 10) {
  const s = await call<TerminalStatusDto>('terminal.getStatus');
  if (s.network.state === 'online') break;
  if (waited > 5000) throw new Error('the till never came online');
  await new Promise((r) => setTimeout(r, 10));
}

// By sale: approve, customer confirms, customer confirms but the cashier cancels first, answer
// lost (unknown, then approved by the status query), approve.
const PLAN: { behaviour: TestWalletBehaviour; cancel?: true }[] = [
  { behaviour: 'approve' },
  { behaviour: 'confirm' },
  { behaviour: 'confirm', cancel: true },
  { behaviour: 'timeout' },
  { behaviour: 'approve' },
];

for (let i = 0; ; i++) {
  await call('sale.clear');
  await call('sale.addItem', { productId: i % 2 ? 'hot-dog' : 'water', quantity: 1 + (i % 3) });
  const step = PLAN[i % PLAN.length]!;
  const code = testWalletCode(i % 2 ? 'alipay' : 'wechat', step.behaviour);
  const started = await call<WalletPaymentDto>('payment.startWallet', { code });
  out(`start ${started.paymentId} ${createHash('sha256').update(code).digest('hex')}`);
  if (step.cancel) {
    const p = await waitFor(started.paymentId, (x) => x.state === 'awaiting_customer' || FINAL.has(x.state));
    if (p.state === 'awaiting_customer') await call('payment.cancelWallet');
  }
  const final = await waitFor(started.paymentId, (x) => FINAL.has(x.state));
  await terminal.wallets.service.idle();
  if (final.state !== 'approved') continue;
  const done = await call<CompletedSaleDto>('sale.complete');
  // Only now may the world hear of the sale: the commit has returned.
  out(`done ${done.saleId} ${started.paymentId}`);
}
