// card-overhead: the time the terminal adds between the reader's ARQC notification and the
// payment's `approved` state (issue 5), with the gateway on 127.0.0.1 and the test acquirer at zero
// latency, against the bare round trip of one signed HTTP request (signRequest + GET of a payment's
// status, a trivial signed route) from the same terminal in the same run.
//
// The ARQC moment is taken where the reader driver hands the decoded notification to its
// listeners (the card service is one of them), so the figure includes everything the terminal does
// after the driver: card key, ARQC hash, the 'authorizing' commit, signing, the authorize round
// trip with the gateway's own work, the 'approved' commit and the payload deletion.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CardPaymentDto } from '../contract/api';
import { replaceCatalog } from '../db/catalog';
import { ensureTerminalId, openTerminalDb } from '../db/terminal-db';
import type { ReaderEvent } from '../drivers/reader/types';
import { TestAcquirer } from '../gateway/acquirer/test-acquirer';
import { buildGateway } from '../gateway/server';
import { seedDemoVenue } from '../gateway/start';
import { createStore, storeTargetFromUrl } from '../gateway/storage/create-store';
import { systemClock } from '../lib/clock';
import { createCorrectedClock } from '../terminal/corrected-clock';
import { createTerminalSync } from '../terminal/create-terminal';
import { demoCatalog } from '../terminal/demo-venue';
import { enrollTerminal, readGatewaySetting } from '../terminal/enroll';
import { httpRequest } from '../terminal/http-client';
import { createSignedSender } from '../terminal/signed-request';
import { loadTerminalKey } from '../terminal/terminal-key';
import { emit, percentile, round } from './report';
import { openTill } from '../terminal/testing';
import { replaceStaff } from '../db/staff';
import { demoStaff } from '../contract/demo-venue';

const RUNS = Number(process.env.BENCH_CARD_RUNS ?? 300);
const WARMUP = 20;
const ADMIN = 'bench-card-admin-token-0123456789';

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-card-'));
  const store = await createStore(storeTargetFromUrl(undefined, join(dir, 'gateway')));
  await store.migrate();
  await seedDemoVenue(store, Date.now());
  const app = await buildGateway({
    store,
    adminToken: ADMIN,
    clock: systemClock,
    logger: false,
    payments: { acquirer: new TestAcquirer({ latencyMs: 0 }), captureScheduler: false },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const dataDir = join(dir, 'terminal');
  const res = await httpRequest({
    method: 'POST',
    url: `${url}/v1/admin/enrollment-codes`,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ name: 'bench till' })),
  });
  const { code } = JSON.parse(res.body.toString()) as { code: string };
  await enrollTerminal({ dataDir, gatewayUrl: url, code });
  const setup = openTerminalDb(dataDir);
  replaceCatalog(setup, demoCatalog);
  replaceStaff(setup, demoStaff);
  const gatewaySetting = readGatewaySetting(setup)!;
  const terminalId = ensureTerminalId(setup);
  setup.close();

  const terminal = createTerminalSync({
    dataDir,
    demo: true,
    sync: false,
    reader: {
      address: 'sim:reader',
      device: { sim: { tapDelayMs: 1, stepDelayMs: 1, timeoutMs: 5000 } },
    },
    cards: { pollMs: 600_000, gatewayTimeoutMs: 5000 },
    staff: { idleLockSeconds: 0 },
  });
  await openTill(terminal);
  const sender = createSignedSender({
    gateway: gatewaySetting,
    terminalId,
    privateKey: loadTerminalKey(dataDir)!.privateKey,
    clock: createCorrectedClock(systemClock),
    fetch: httpRequest,
    timeoutMs: 5000,
  });
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
    const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
      const r = await terminal.dispatch(method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };

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
    terminal.close();
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
