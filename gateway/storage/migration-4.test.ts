// Migration 4 (shifts, Z reports, sale refunds, sales.shift_id) on a database written by
// migrations 1–3, on SQLite and PostgreSQL: old sales keep their figures, have no shift until one
// that covers them arrives, and the new tables take their events.
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createStore } from './create-store';
import { migrationDialects } from './migration-testing';
import { SCHEMA_VERSION, migrateUpTo, type Dialect, type GatewayDatabase } from './schema';

async function writeVersion3(db: Kysely<GatewayDatabase>, dialect: Dialect): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await migrateUpTo(trx, dialect, 3);
    await trx
      .insertInto('terminals')
      .values({ terminal_id: 'T1', name: 'Bar', public_key: 'k', status: 'active', enrolled_at: 'then', last_seen_at: null, acked_seq: 1 })
      .execute();
    await trx
      .insertInto('events')
      .values({
        terminal_id: 'T1',
        seq: 1,
        event_id: 'E1',
        type: 'sale.completed',
        v: 2,
        at: '2026-11-21T11:30:00.000Z',
        business_date: '2026-11-21',
        payload: '{}',
        payload_hash: 'h1',
        received_at: 'then',
      })
      .execute();
    // A sale as migration 3 stored it (no shift column yet).
    await insertOldSale(trx);
  });
}

async function insertOldSale(trx: Kysely<GatewayDatabase>): Promise<void> {
  await trx
    .insertInto('sales')
    .values({
      sale_id: 'S1',
      terminal_id: 'T1',
      seq: 1,
      receipt_no: 1,
      receipt_ref: 'R-1',
      receipt_token: 'TOKEN0000000000000001',
      currency: 'CNY',
      completed_at: '2026-11-21T11:30:00.000Z',
      business_date: '2026-11-21',
      local_hour: '2026-11-21T19',
      total: 3700,
      tax_total: 0,
      document: '{}',
      deposits: 200,
    })
    .execute();
}

const dialects = migrationDialects('mig4');

describe.each(dialects)('migration 4 on $name', (dialect) => {
  it('upgrades a version-3 database: an old sale keeps its figures and joins the shift that covers it when that arrives', async () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(4);
    const { db, target } = await dialect.open();
    await writeVersion3(db, dialect.name);
    await db.destroy();

    const store = await createStore(target);
    try {
      expect(await store.summary({ currency: 'CNY' })).toMatchObject({
        sales: { count: 1, amount: 3500 },
        refunds: { count: 0, amount: 0 },
      });
      expect(await store.shifts({})).toEqual([]);
      expect(await store.zReports({})).toEqual([]);
      // The shift's opening reaches the gateway after the sale (resent after an upgrade).
      const out = await store.ingest(
        'T1',
        [
          {
            seq: 2,
            eventId: 'E2',
            type: 'shift.opened',
            v: 2,
            at: '2026-11-21T10:00:00.000Z',
            businessDate: '2026-11-21',
            payload: '{"seq":2}',
            payloadHash: 'h2',
          },
        ],
        [],
        '2026-11-21T12:00:00.000Z',
        [
          {
            kind: 'shift.opened',
            seq: 2,
            terminalId: 'T1',
            shiftId: 'SH1',
            businessDate: '2026-11-21',
            cashier: 'Li Na',
            openedAt: '2026-11-21T10:00:00.000Z',
          },
        ],
      );
      expect(out).toMatchObject({ ok: true, ackedSeq: 2 });
      expect(await store.shifts({})).toMatchObject([
        { terminalId: 'T1', shiftId: 'SH1', status: 'open', sales: { count: 1, amount: 3500 }, overShort: null, zNumber: null },
      ]);
    } finally {
      await store.close();
    }
  });
});
