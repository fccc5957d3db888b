// Migration 6 (wallet payments, their refunds, the wallet secret) on a database written by
// migrations 1–5, on SQLite and PostgreSQL: card payments and their refunds are untouched, and the
// new tables take wallet payments with a code that pays once.
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createStore } from './create-store';
import { migrationDialects } from './migration-testing';
import { SCHEMA_VERSION, migrateUpTo, type Dialect, type GatewayDatabase } from './schema';
import type { WalletPaymentRecord } from './wallet-store';

async function writeVersion5(db: Kysely<GatewayDatabase>, dialect: Dialect): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await migrateUpTo(trx, dialect, 5);
    await trx
      .insertInto('payments')
      .values({
        key: 'P1',
        terminal_id: 'T1',
        sale_id: 'S1',
        amount: 4200,
        currency: 'CNY',
        status: 'approved',
        request_hash: 'h',
        arqc_hash: 'a',
        masked_pan: '424242******4242',
        brand: 'visa',
        aid: 'A0000000031010',
        label: 'VISA',
        entry_mode: 'contactless_emv',
        card_key: 'k',
        atc: '0001',
        auth_code: '123456',
        acquirer_ref: 'ACQ1',
        decline_reason: null,
        stand_in: 0,
        forwarded_at: null,
        offline_stored_at: null,
        business_date: '2026-11-21',
        created_at: 'then',
        updated_at: 'then',
        captured_at: null,
        capture_date: null,
        reversed_at: null,
        refunded_amount: 1000,
      })
      .execute();
    await trx
      .insertInto('refunds')
      .values({
        key: 'R1',
        original_key: 'P1',
        terminal_id: 'T1',
        amount: 1000,
        currency: 'CNY',
        status: 'approved',
        request_hash: 'rh',
        lines: null,
        acquirer_ref: 'ACQR1',
        decline_reason: null,
        created_at: 'then',
        updated_at: 'then',
      })
      .execute();
  });
}

function wallet(key: string, codeHash: string | null): WalletPaymentRecord {
  return {
    key,
    terminalId: 'T1',
    saleId: 'S2',
    amount: 6200,
    currency: 'CNY',
    provider: 'wechat',
    status: 'pending',
    requestHash: `req-${key}`,
    codeHash,
    maskedCode: '13************0000',
    providerRef: null,
    declineReason: null,
    confirmBy: null,
    merchantId: 'TESTWALLET0001',
    businessDate: '2026-11-21',
    createdAt: '2026-11-21T12:00:00.000Z',
    updatedAt: '2026-11-21T12:00:00.000Z',
    refundedAmount: 0,
  };
}

const dialects = migrationDialects('mig6');

describe.each(dialects)('migration 6 on $name', (dialect) => {
  it('upgrades a version-5 database: card payments and refunds stay, wallet payments are taken once per code', async () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
    const { db, target } = await dialect.open();
    await writeVersion5(db, dialect.name);
    await db.destroy();

    const secrets: Buffer[] = [];
    const store = await createStore(target);
    try {
      expect(await store.getPayment('P1')).toMatchObject({
        status: 'approved',
        acquirerRef: 'ACQ1',
        refundedAmount: 1000,
      });
      expect(await store.getRefund('R1')).toMatchObject({ status: 'approved', amount: 1000 });

      const w = store.wallet;
      expect(await w.insertWalletPayment(wallet('W1', 'code-hash-1'))).toBe(true);
      // The same code under another key, and the same key again: nothing is inserted.
      expect(await w.insertWalletPayment(wallet('W2', 'code-hash-1'))).toBe(false);
      expect(await w.insertWalletPayment(wallet('W1', 'code-hash-2'))).toBe(false);
      expect(await w.getWalletPaymentByCode('code-hash-1')).toMatchObject({ key: 'W1' });
      // Tombstones and refused reuses carry no code hash: many may exist.
      expect(await w.insertWalletPayment(wallet('W3', null))).toBe(true);
      expect(await w.insertWalletPayment(wallet('W4', null))).toBe(true);

      const at = '2026-11-21T12:01:00.000Z';
      expect(
        await w.updateWalletPayment(
          'W1',
          { status: 'approved', providerRef: 'TW1', updatedAt: at },
          ['pending'],
        ),
      ).toBe(true);
      const refund = (key: string, amount: number) =>
        w.reserveWalletRefund({
          key,
          originalKey: 'W1',
          terminalId: 'T1',
          amount,
          currency: 'CNY',
          status: 'pending',
          requestHash: `rh-${key}`,
          providerRef: null,
          declineReason: null,
          createdAt: at,
          updatedAt: at,
        });
      expect((await refund('WR1', 6000)).kind).toBe('reserved');
      expect(await refund('WR2', 300)).toEqual({ kind: 'exceeds', remaining: 200 });
      // A declined refund gives its amount back.
      await w.settleWalletRefund('WR1', { status: 'declined', reason: 'do_not_honour' }, at);
      expect((await w.getWalletPayment('W1'))?.refundedAmount).toBe(0);
      expect((await refund('WR3', 6200)).kind).toBe('reserved');
      await w.settleWalletRefund('WR3', { status: 'approved', providerRef: 'TR1' }, at);
      expect(await w.getWalletRefund('WR3')).toMatchObject({
        status: 'approved',
        providerRef: 'TR1',
      });
      expect((await w.getWalletPayment('W1'))?.refundedAmount).toBe(6200);

      // The secret is made once and read back the same.
      secrets.push(await w.codeSecret());
    } finally {
      await store.close();
    }
    const again = await createStore(target);
    try {
      secrets.push(await again.wallet.codeSecret());
      expect(secrets[0]?.length).toBe(32);
      expect(secrets[1]).toEqual(secrets[0]);
      expect((await again.wallet.getWalletPayment('W1'))?.status).toBe('approved');
    } finally {
      await again.close();
    }
  });
});
