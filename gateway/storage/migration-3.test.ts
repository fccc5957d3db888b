// Migration 3 (event v2 report columns, stop-sale acks) on a database written by migrations 1–2,
// on SQLite and PostgreSQL: sales stored before it read as item lines with no discounts.
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createStore } from './create-store';
import { migrationDialects } from './migration-testing';
import { SCHEMA_VERSION, migrateUpTo, type Dialect, type GatewayDatabase } from './schema';

async function writeVersion2(db: Kysely<GatewayDatabase>, dialect: Dialect): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await migrateUpTo(trx, dialect, 2);
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
    // A version-1 sale as migration 1 stored it: a hot dog and a cola.
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
      })
      .execute();
    await trx
      .insertInto('sale_lines')
      .values([
        {
          sale_id: 'S1',
          position: 0,
          product_id: 'hot-dog',
          category_id: 'hot-food',
          name_en: 'Hot dog',
          name_zh: '热狗',
          quantity: 1,
          amount: 2500,
        },
        {
          sale_id: 'S1',
          position: 1,
          product_id: 'cola',
          category_id: 'drinks',
          name_en: 'Cola',
          name_zh: '可乐',
          quantity: 1,
          amount: 1200,
        },
      ])
      .execute();
  });
}

const dialects = migrationDialects('mig3');

describe.each(dialects)('migration 3 on $name', (dialect) => {
  it('upgrades a version-2 database: old sales read as item lines without discounts', async () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
    const { db, target } = await dialect.open();
    await writeVersion2(db, dialect.name);
    await db.destroy();

    const store = await createStore(target);
    try {
      const report = await store.summary({ currency: 'CNY' });
      expect(report).toMatchObject({
        sales: { count: 1, amount: 3700 },
        deposits: { count: 0, amount: 0 },
        discounts: { count: 0, amount: 0 },
        comps: { count: 0, amount: 0 },
        byCategory: [
          { categoryId: 'drinks', quantity: 1, amount: 1200 },
          { categoryId: 'hot-food', quantity: 1, amount: 2500 },
        ],
      });
    } finally {
      await store.close();
    }
  });
});
