// Migration 007: a version-6 database gains the Z mark on card payments; existing rows are unreported.
import { expect, it } from 'vitest';
import { migrate } from '../migrate';
import { openDatabase } from '../open';
import { terminalMigrations } from './index';

it('adds reported_z to card payments, null for what is there', () => {
  const db = openDatabase(':memory:');
  try {
    expect(migrate(db, terminalMigrations, 6)).toBe(6);
    db.prepare("INSERT INTO sales (sale_id, status, currency, started_at) VALUES ('s1', 'open', 'CNY', 'T')").run();
    db.prepare(
      "INSERT INTO card_payments (payment_id, sale_id, state, amount, currency, created_at, updated_at) VALUES ('p1', 's1', 'created', 100, 'CNY', 'T', 'T')",
    ).run();
    expect(migrate(db, terminalMigrations, 7)).toBe(7);
    expect(db.prepare('SELECT reported_z FROM card_payments').get()).toEqual({ reported_z: null });
  } finally {
    db.close();
  }
});
