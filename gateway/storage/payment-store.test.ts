// Migration 2 (card payments) on a database written by migration 1, and the payment store's
// guards that the routes rely on.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayStore, PaymentRecord } from '../store';
import { createStore } from './create-store';
import { MIGRATIONS, SCHEMA_VERSION, type GatewayDatabase } from './schema';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gw-pay-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function payment(over: Partial<PaymentRecord> = {}): PaymentRecord {
  const at = '2026-11-21T12:00:00.000Z';
  return {
    key: '01KAAAAAAAAAAAAAAAAAAAAAAA',
    terminalId: 'T1',
    saleId: 'S1',
    amount: 1000,
    currency: 'CNY',
    status: 'approved',
    requestHash: 'h',
    arqcHash: 'a1',
    maskedPan: '424242******4242',
    brand: 'visa',
    aid: 'A0000000031010',
    label: 'VISA',
    entryMode: 'contactless_emv',
    cardKey: 'ck',
    atc: '0001',
    authCode: 'ABC123',
    acquirerRef: 'REF',
    declineReason: null,
    standIn: false,
    forwardedAt: null,
    offlineStoredAt: null,
    businessDate: '2026-11-21',
    createdAt: at,
    updatedAt: at,
    capturedAt: null,
    captureDate: null,
    reversedAt: null,
    refundedAmount: 0,
    ...over,
  };
}

describe('migration 2', () => {
  it('upgrades a version-1 database and keeps its data', async () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    const path = join(dir, 'gateway.db');
    const db = new Kysely<GatewayDatabase>({
      dialect: new SqliteDialect({ database: new Database(path) }),
    });
    await db.transaction().execute(async (trx) => {
      await trx.schema
        .createTable('gateway_schema')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('applied_at', 'text', (c) => c.notNull())
        .execute();
      await MIGRATIONS[0]?.up(trx, 'sqlite');
      await trx.insertInto('gateway_schema').values({ version: 1, applied_at: 'then' }).execute();
      await trx
        .insertInto('terminals')
        .values({
          terminal_id: 'T1',
          name: 'Bar',
          public_key: 'k',
          status: 'active',
          enrolled_at: 'then',
          last_seen_at: null,
        })
        .execute();
    });
    await db.destroy();

    const store = await createStore({ kind: 'sqlite', path });
    try {
      expect((await store.getTerminal('T1'))?.name).toBe('Bar');
      expect(await store.insertPayment(payment())).toBe(true);
      expect((await store.getPayment(payment().key))?.maskedPan).toBe('424242******4242');
    } finally {
      await store.close();
    }
  });
});

describe('payment store guards', () => {
  let store: GatewayStore;
  beforeEach(async () => {
    store = await createStore({ kind: 'sqlite', path: join(dir, 'gateway.db') });
  });
  afterEach(() => store.close());

  it('a second insert with the same key or the same ARQC changes nothing', async () => {
    expect(await store.insertPayment(payment())).toBe(true);
    expect(await store.insertPayment(payment({ amount: 5 }))).toBe(false);
    expect(await store.insertPayment(payment({ key: '01KBBBBBBBBBBBBBBBBBBBBBBB' }))).toBe(false);
    expect((await store.getPayment(payment().key))?.amount).toBe(1000);
    expect((await store.getPaymentByArqc('a1'))?.key).toBe(payment().key);
  });

  it('updates only from the given states', async () => {
    await store.insertPayment(payment({ status: 'pending' }));
    const at = '2026-11-21T12:00:01.000Z';
    expect(
      await store.updatePayment(payment().key, { status: 'approved', updatedAt: at }, ['unknown']),
    ).toBe(false);
    expect(
      await store.updatePayment(payment().key, { status: 'approved', updatedAt: at }, ['pending']),
    ).toBe(true);
    expect((await store.getPayment(payment().key))?.status).toBe('approved');
  });

  it('a capture batch is begun once per business date; a failed one is taken over', async () => {
    const batch = {
      businessDate: '2026-11-21',
      status: 'running' as const,
      startedAt: '2026-11-21T22:00:00.000Z',
      finishedAt: null,
      count: 0,
      amount: 0,
      currency: 'CNY',
      acquirerBatchRef: null,
    };
    expect((await store.beginCaptureBatch(batch, '2026-11-21T21:50:00.000Z')).created).toBe(true);
    expect((await store.beginCaptureBatch(batch, '2026-11-21T21:50:00.000Z')).created).toBe(false);
    await store.finishCaptureBatch('2026-11-21', [], {
      status: 'failed',
      finishedAt: batch.startedAt,
      acquirerBatchRef: null,
    });
    expect((await store.beginCaptureBatch(batch, '2026-11-21T21:50:00.000Z')).created).toBe(true);
    await store.finishCaptureBatch('2026-11-21', [], {
      status: 'done',
      finishedAt: batch.startedAt,
      acquirerBatchRef: 'B',
    });
    expect((await store.beginCaptureBatch(batch, '2030-01-01T00:00:00.000Z')).created).toBe(false);
  });
});
