// Card data at rest and in logs (issue 5, ARCHITECTURE §4): after a run with every test card,
// online and offline (stored, then forwarded), approved, declined, failed and voided (reversed),
// the raw bytes of terminal.db and its WAL (free pages included: the whole file is read) and of the
// gateway's database files, and every log line at debug level, hold no full PAN (ASCII, BCD),
// no track-2 data and no encrypted payload of a finished payment.
import fs, { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { CardPaymentDto, SaleDto } from '../../contract/api';
import { openTerminalDb } from '../../db/terminal-db';
import { TEST_CARDS } from '../../drivers/sim/test-cards';
import type { GatewayStore } from '../../gateway/store';
import { createTerminalSync } from '../../terminal/create-terminal';
import type { Terminal } from '../../terminal/terminal';
import { enrollCardTill, startCardGateway } from '../support/card-rig';
import { openTill } from '../../terminal/testing';

// Logs at debug level, captured: lib/log reads the level when it loads, before the imports above.
vi.hoisted(() => {
  process.env.POS_LOG_LEVEL = 'debug';
});
const logged: Buffer[] = [];
const realWriteSync = fs.writeSync.bind(fs);
const ADMIN = 'card-scan-admin-token-0123456789';
const root = mkdtempSync(path.join(tmpdir(), 'pos-card-scan-'));
const dataDir = path.join(root, 'terminal');
const gatewayDir = path.join(root, 'gateway');
let app: FastifyInstance;
let store: GatewayStore;
let t: Terminal;
/** Encrypted payloads the reader handed over (hex), to look for once their payments are final. */
const payloads: string[] = [];
const states = new Map<string, string>();

beforeAll(async () => {
  vi.spyOn(fs, 'writeSync').mockImplementation((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 2 || fd === 1)
      logged.push(Buffer.isBuffer(data) ? Buffer.from(data) : Buffer.from(String(data)));
    return (realWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
  });
  const gw = await startCardGateway({ dir: gatewayDir, adminToken: ADMIN, acquirerTimeoutMs: 300 });
  app = gw.app;
  store = gw.store;
  await enrollCardTill(gw, dataDir, 'scan till');
  t = createTerminalSync({
    dataDir,
    demo: true,
    sync: false,
    reader: {
      address: 'sim:reader',
      device: { sim: { tapDelayMs: 5, stepDelayMs: 2, timeoutMs: 300 } },
    },
    cards: { pollMs: 60_000, gatewayTimeoutMs: 3000 },
  });
  t.cards.device!.reader.onEvent((ev) => {
    if (ev.type === 'arqc') payloads.push(Buffer.from(ev.data.encrypted.data).toString('hex'));
  });
  t.on('payment.updated', (p) => states.set(p.paymentId, p.state));
  await t.cards.ready;
  await openTill(t);
});

afterAll(async () => {
  vi.restoreAllMocks();
  t?.close();
  await app?.close();
  await store?.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await t.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

async function tap(card: string): Promise<CardPaymentDto> {
  await call('reader.selectTestCard', { name: card });
  const started = await call<CardPaymentDto>('payment.startCard');
  if (started.state === 'refused_offline') return started;
  await expect
    .poll(
      async () => {
        await t.cards.service.tick();
        return states.get(started.paymentId);
      },
      { timeout: 8000 },
    )
    .toMatch(/^(approved|declined|cancelled|failed|stored|refused_offline|reversed)$/);
  await t.cards.service.idle();
  return { ...started, state: states.get(started.paymentId) as CardPaymentDto['state'] };
}

async function newSale(): Promise<SaleDto> {
  await call('sale.clear');
  return call<SaleDto>('sale.addItem', { productId: 'water', quantity: 1 });
}

function needles(): { label: string; bytes: Buffer }[] {
  const out: { label: string; bytes: Buffer }[] = [];
  for (const c of TEST_CARDS) {
    out.push({ label: `${c.name} PAN (ASCII)`, bytes: Buffer.from(c.pan, 'latin1') });
    out.push({ label: `${c.name} PAN (BCD)`, bytes: Buffer.from(c.pan, 'hex') });
    out.push({ label: `${c.name} track 2 (ASCII)`, bytes: Buffer.from(`;${c.pan}=`, 'latin1') });
    out.push({
      label: `${c.name} track 2 equivalent (hex D)`,
      bytes: Buffer.from(`${c.pan}D`, 'latin1'),
    });
    out.push({
      label: `${c.name} track 2 equivalent (BCD)`,
      bytes: Buffer.from(`${c.pan}D${c.expiry}`, 'hex'),
    });
  }
  for (const [i, p] of payloads.entries()) {
    out.push({ label: `payload ${i} (hex)`, bytes: Buffer.from(p.toUpperCase(), 'latin1') });
    out.push({ label: `payload ${i} (hex, lower)`, bytes: Buffer.from(p, 'latin1') });
    out.push({ label: `payload ${i} (raw)`, bytes: Buffer.from(p, 'hex') });
  }
  return out;
}

function scan(name: string, haystack: Buffer): string[] {
  return needles()
    .filter((n) => n.bytes.length >= 8 && haystack.includes(n.bytes))
    .map((n) => `${name}: ${n.label}`);
}

it(
  'leaves no full PAN, track data or finished payload in the databases, WAL files or logs',
  { timeout: 60_000 },
  async () => {
    // Online: every card, one sale each; the approved one completed, a second approved one voided.
    for (const c of TEST_CARDS) {
      await newSale();
      const p = await tap(c.name);
      if (p.state === 'approved') await call('sale.complete');
    }
    await newSale();
    const voided = await tap('visa-approve');
    expect(voided.state).toBe('approved');
    await call('payment.resolveRecovered', { paymentId: voided.paymentId, action: 'void' });
    expect(states.get(voided.paymentId)).toBe('reversed');
    // Offline: stored, completed, then forwarded once online.
    await call('sync.setForcedOffline', { offline: true });
    const stored: string[] = [];
    for (const name of ['visa-approve', 'mc-par']) {
      await newSale();
      const p = await tap(name);
      expect(p.state).toBe('stored');
      stored.push(p.paymentId);
      await call('sale.complete');
    }
    await call('sync.setForcedOffline', { offline: false });
    await expect
      .poll(
        async () => {
          await t.cards.service.tick();
          return stored.map((id) => states.get(id));
        },
        { timeout: 8000 },
      )
      .toEqual(['approved', 'approved']);
    await t.cards.service.idle();
    expect(payloads.length).toBeGreaterThanOrEqual(TEST_CARDS.length);

    // Every payment is final: no payload may remain anywhere.
    const db = openTerminalDb(dataDir);
    expect(db.prepare('SELECT COUNT(*) AS n FROM card_payloads').get()).toEqual({ n: 0 });
    expect(
      db
        .prepare(
          "SELECT COUNT(*) AS n FROM card_payments WHERE state IN ('created','reading','authorizing','unknown','reversing','stored','forwarding')",
        )
        .get(),
    ).toEqual({ n: 0 });
    db.close();

    const found: string[] = [];
    for (const f of ['terminal.db', 'terminal.db-wal']) {
      const p = path.join(dataDir, f);
      if (existsSync(p)) found.push(...scan(f, readFileSync(p)));
    }
    for (const f of readdirSync(gatewayDir))
      found.push(...scan(`gateway/${f}`, readFileSync(path.join(gatewayDir, f))));
    const logs = Buffer.concat(logged);
    expect(logs.length, 'debug logs were captured').toBeGreaterThan(0);
    found.push(...scan('logs', logs));
    // The scan can see: the first payload is in the captured reader events' own copy.
    expect(scan('self-check', Buffer.from(payloads[0]!.toUpperCase(), 'latin1'))).not.toEqual([]);
    expect(found).toEqual([]);
  },
);
