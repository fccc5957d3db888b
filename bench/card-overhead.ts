// card-overhead: the time the terminal adds between the reader's ARQC notification and the
// payment's `approved` state (issue 5), with the gateway on 127.0.0.1 and the test acquirer at zero
// latency, against the bare round trip of one signed HTTP request (signRequest + GET of a payment's
// status, a trivial signed route) from the same terminal in the same run.
//
// The ARQC moment is taken where the reader driver hands the decoded notification to its
// listeners (the card service is one of them), so the figure includes everything the terminal does
// after the driver: card key, ARQC hash, the 'authorizing' commit, signing, the authorize round
// trip with the gateway's own work, the 'approved' commit and the payload deletion.
import { performance } from 'node:perf_hooks';
import type { CardPaymentDto } from '../contract/api';
import type { ReaderEvent } from '../drivers/reader/types';
import { startBenchTill } from './bench-till';
import { emit, percentile, round } from './report';

const RUNS = Number(process.env.BENCH_CARD_RUNS ?? 300);
const WARMUP = 20;

export async function run(): Promise<void> {
  const till = await startBenchTill('card', {
    sync: false,
    reader: {
      address: 'sim:reader',
      device: { sim: { tapDelayMs: 1, stepDelayMs: 1, timeoutMs: 5000 } },
    },
    cards: { pollMs: 600_000, gatewayTimeoutMs: 5000 },
  });
  const { terminal, sender, call } = till;
  try {
    await terminal.cards.ready;
    const reader = terminal.cards.device!.reader;
    // Hook the driver's dispatch of decoded notifications (a private method at run time): the
    // timestamp is taken before any listener, the card service included, sees the ARQC.
    const hooked = reader as unknown as { emit(ev: ReaderEvent): void };
    const dispatch = hooked.emit.bind(reader);
    let arqcAt = 0;
    hooked.emit = (ev) => {
      if (ev.type === 'arqc') arqcAt = performance.now();
      dispatch(ev);
    };
    let waiting: { id: string; resolve: (at: number) => void } | null = null;
    terminal.on('payment.updated', (p: CardPaymentDto) => {
      if (p.state === 'approved' && waiting?.id === p.paymentId) waiting.resolve(performance.now());
      else if (
        waiting?.id === p.paymentId &&
        ['declined', 'failed', 'cancelled', 'stored', 'unknown'].includes(p.state)
      ) {
        throw new Error(`benchmark payment ended ${p.state}`);
      }
    });

    const overheadMs: number[] = [];
    const roundTripMs: number[] = [];
    let lastKey = '';
    for (let i = 0; i < RUNS + WARMUP; i++) {
      await call('sale.clear');
      await call('sale.addItem', { productId: 'water', quantity: 1 + (i % 3) });
      let resolveApproved!: (at: number) => void;
      const approved = new Promise<number>((r) => (resolveApproved = r));
      const started = await call<CardPaymentDto>('payment.startCard');
      waiting = { id: started.paymentId, resolve: resolveApproved };
      const approvedAt = await approved;
      await terminal.cards.service.idle();
      await call('sale.complete');
      lastKey = started.paymentId;
      // The bare round trip, alternated with the payments so both see the same machine weather.
      const b0 = performance.now();
      const out = await sender.send('GET', `/v1/payments/${lastKey}`, Buffer.alloc(0));
      const b1 = performance.now();
      if (out.kind !== 'response' || out.res.status !== 200)
        throw new Error('baseline request failed');
      if (i >= WARMUP) {
        overheadMs.push(approvedAt - arqcAt);
        roundTripMs.push(b1 - b0);
      }
    }
    const o = [...overheadMs].sort((a, b) => a - b);
    const b = [...roundTripMs].sort((x, y) => x - y);
    emit({
      name: 'card-overhead',
      value: round(percentile(o, 50)),
      unit: 'ms',
      baseline: round(percentile(b, 50)),
      better: 'lower',
      p50_ms: round(percentile(o, 50)),
      p99_ms: round(percentile(o, 99)),
      target_p99_ms: 20,
      runs: o.length,
      baseline_p50_ms: round(percentile(b, 50)),
      baseline_p99_ms: round(percentile(b, 99)),
      baseline_unit: 'ms per signed GET /v1/payments/:key round trip',
    });
  } finally {
    await till.close();
  }
}
