// wallet-overhead: the time from the cashier's scan reaching the terminal (`payment.startWallet`)
// to the payment's `approved` state, with the gateway on 127.0.0.1 and its built-in test wallet
// answering at once, against the bare round trip of one signed HTTP request (GET of the payment's
// status) from the same terminal in the same run. It includes recognising and hashing the code,
// the 'created' and 'authorizing' commits, signing, the authorize round trip with the gateway's
// own work (its pending row, the provider call, the final row) and the 'approved' commit.
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { WalletPaymentDto } from '../contract/api';
import { startBenchTill } from './bench-till';
import { emit, percentile, round } from './report';

const RUNS = Number(process.env.BENCH_WALLET_RUNS ?? 300);
const WARMUP = 20;

/** A fresh WeChat-shaped code that the test wallet approves (it ends in 00; a code pays once). */
function approvingCode(): string {
  let digits = '';
  while (digits.length < 14) digits += String(randomInt(0, 10));
  return `13${digits}00`;
}

export async function run(): Promise<void> {
  const till = await startBenchTill('wallet', {
    // The sync worker tells the wallet service the till is online; it runs, as in a venue.
    wallets: { backgroundMs: 600_000 },
    cards: { pollMs: 600_000, gatewayTimeoutMs: 5000 },
  });
  const { terminal, sender, call } = till;
  try {
    await terminal.wallets.ready;
    for (let waited = 0; terminal.sync?.status().state !== 'online'; waited += 20) {
      if (waited > 10_000) throw new Error('the till never came online');
      await new Promise((r) => setTimeout(r, 20));
    }
    let waiting: { id: string; resolve: (at: number) => void } | null = null;
    terminal.on('wallet.updated', (p: WalletPaymentDto) => {
      if (p.state === 'approved' && waiting?.id === p.paymentId) waiting.resolve(performance.now());
      else if (waiting?.id === p.paymentId && ['declined', 'failed', 'cancelled', 'unknown'].includes(p.state)) {
        throw new Error(`benchmark payment ended ${p.state}`);
      }
    });
    const overheadMs: number[] = [];
    const roundTripMs: number[] = [];
    for (let i = 0; i < RUNS + WARMUP; i++) {
      await call('sale.clear');
      await call('sale.addItem', { productId: 'water', quantity: 1 + (i % 3) });
      let resolveApproved!: (at: number) => void;
      const approved = new Promise<number>((r) => (resolveApproved = r));
      const t0 = performance.now();
      const started = await call<WalletPaymentDto>('payment.startWallet', { code: approvingCode() });
      waiting = { id: started.paymentId, resolve: resolveApproved };
      const approvedAt = await approved;
      await terminal.wallets.service.idle();
      await call('sale.complete');
      // The bare round trip, alternated with the payments so both see the same machine weather.
      const b0 = performance.now();
      const out = await sender.send('GET', `/v1/wallet/payments/${started.paymentId}`, Buffer.alloc(0));
      const b1 = performance.now();
      if (out.kind !== 'response' || out.res.status !== 200) throw new Error('baseline request failed');
      if (i >= WARMUP) {
        overheadMs.push(approvedAt - t0);
        roundTripMs.push(b1 - b0);
      }
    }
    const o = [...overheadMs].sort((a, b) => a - b);
    const b = [...roundTripMs].sort((x, y) => x - y);
    emit({
      name: 'wallet-overhead',
      value: round(percentile(o, 50)),
      unit: 'ms',
      baseline: round(percentile(b, 50)),
      better: 'lower',
      p50_ms: round(percentile(o, 50)),
      p99_ms: round(percentile(o, 99)),
      runs: o.length,
      baseline_p50_ms: round(percentile(b, 50)),
      baseline_p99_ms: round(percentile(b, 99)),
      baseline_unit: 'ms per signed GET /v1/wallet/payments/:key round trip',
    });
  } finally {
    await till.close();
  }
}
