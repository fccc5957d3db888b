// Test helpers for the gateway: a gateway on a real store in a temp dir, enrolled terminals that
// sign their requests exactly as a terminal does, and realistic `sale.completed` events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { EventEnvelope, SaleCompletedInput } from '../contract/gateway';
import { manualClock } from '../lib/clock';
import { generateTerminalKey, signRequest, type TerminalKeyPair } from '../lib/http-signature';
import { newId } from '../lib/ids';
import { buildGateway, type GatewayOptions } from './server';
import { seedDemoVenue } from './start';
import { createStore, type StoreTarget } from './storage/create-store';
import type { GatewayStore } from './store';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** 2026-11-21 20:00 in Shanghai: a concert evening. */
export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

export interface TestGateway {
  app: FastifyInstance;
  store: GatewayStore;
  clock: ReturnType<typeof manualClock>;
  close(): Promise<void>;
}

export async function startTestGateway(
  over: Partial<GatewayOptions> & { target?: StoreTarget; store?: GatewayStore } = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-test-'));
  const store =
    over.store ??
    (await createStore(over.target ?? { kind: 'sqlite', path: join(dir, 'gateway.db') }));
  const clock = manualClock(T0);
  await seedDemoVenue(store, clock.now());
  const app = await buildGateway({ adminToken: ADMIN_TOKEN, clock, ...over, store });
  return {
    app,
    store,
    clock,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function admin(token = ADMIN_TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface TestTerminal {
  terminalId: string;
  key: TerminalKeyPair;
}

export async function createCode(
  app: FastifyInstance,
  name = 'Gate B bar 3',
  ttlSeconds?: number,
): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/enrollment-codes',
    headers: admin(),
    payload: ttlSeconds ? { name, ttlSeconds } : { name },
  });
  if (res.statusCode !== 201)
    throw new Error(`code creation failed: ${res.statusCode} ${res.body}`);
  return res.json<{ code: string }>().code;
}

export async function enrollTerminal(
  app: FastifyInstance,
  name = 'Gate B bar 3',
): Promise<TestTerminal> {
  const code = await createCode(app, name);
  const terminal = { terminalId: newId(), key: generateTerminalKey() };
  const res = await app.inject({
    method: 'POST',
    url: '/v1/enrollments',
    payload: { code, terminalId: terminal.terminalId, publicKey: terminal.key.publicKey },
  });
  if (res.statusCode !== 200) throw new Error(`enrollment failed: ${res.statusCode} ${res.body}`);
  return terminal;
}

export interface SignedOptions {
  method?: 'GET' | 'POST';
  url: string;
  /** Object → JSON; string/Buffer → sent as is. */
  body?: unknown;
  now: number;
  headers?: Record<string, string>;
  nonce?: string;
  /** Sign with another key than the terminal's (a forgery). */
  signWith?: TerminalKeyPair;
}

/** Sends a request signed as the terminal signs it (RFC 9421, Ed25519). */
export async function signedInject(
  app: FastifyInstance,
  terminal: TestTerminal,
  opts: SignedOptions,
): Promise<LightMyRequestResponse> {
  const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
  const body =
    opts.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(opts.body)
        ? opts.body
        : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
  const signature = await signRequest({
    method,
    url: opts.url,
    body,
    keyId: terminal.terminalId,
    privateKey: (opts.signWith ?? terminal.key).privateKeyPem,
    now: opts.now,
    ...(opts.nonce ? { nonce: opts.nonce } : {}),
  });
  return app.inject({
    method,
    url: opts.url,
    headers: {
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      ...signature,
      ...opts.headers,
    },
    ...(method === 'POST' ? { payload: body } : {}),
  });
}

/** A cash sale of 2 hot dogs and a cola (62.00 CNY, 6 % VAT included), paid with 100. */
export function saleData(
  terminalId: string,
  receiptNo: number,
  over: Partial<SaleCompletedInput> = {},
): SaleCompletedInput {
  return {
    terminalId,
    saleId: newId(),
    receiptNo,
    receiptRef: `${terminalId.slice(-6)}-${receiptNo}`,
    receiptToken: `TOKEN${String(receiptNo).padStart(4, '0')}${terminalId.slice(-10)}ABCDEFGHIJ`
      .slice(0, 24)
      .toUpperCase(),
    currency: 'CNY',
    completedAt: new Date(T0).toISOString(),
    businessDate: '2026-11-21',
    lines: [
      {
        lineId: newId(),
        productId: 'hot-dog',
        categoryId: 'hot-food',
        name: { en: 'Hot dog', zh: '热狗' },
        unitPrice: 2500,
        quantity: 2,
        amount: 5000,
        taxRateId: 'vat6',
      },
      {
        lineId: newId(),
        productId: 'cola-m',
        categoryId: 'drinks',
        name: { en: 'Cola, medium', zh: '可乐（中杯）' },
        unitPrice: 1200,
        quantity: 1,
        amount: 1200,
        taxRateId: 'vat6',
      },
    ],
    totals: {
      subtotal: 6200,
      exclusiveTax: 0,
      taxTotal: 351,
      total: 6200,
      taxes: [
        { taxRateId: 'vat6', rateBp: 600, inclusive: true, net: 5849, tax: 351, gross: 6200 },
      ],
    },
    payments: [
      {
        paymentId: newId(),
        kind: 'cash',
        amount: 6200,
        tendered: 10000,
        change: 3800,
        rounding: 0,
      },
    ],
    cashRounding: 0,
    change: 3800,
    ...over,
  };
}

export function envelope(
  terminalId: string,
  seq: number,
  type: string,
  data: unknown,
  at = new Date(T0).toISOString(),
): EventEnvelope {
  return { v: 1, eventId: newId(), terminalId, seq, type, at, businessDate: '2026-11-21', data };
}

/** Events seq from..to: every third a completed sale, the rest a small other event. */
export function events(terminalId: string, from: number, to: number): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  for (let seq = from; seq <= to; seq++) {
    out.push(
      seq % 3 === 0
        ? envelope(terminalId, seq, 'sale.completed', saleData(terminalId, seq))
        : envelope(terminalId, seq, 'shift.note', { text: `note ${seq}` }),
    );
  }
  return out;
}
