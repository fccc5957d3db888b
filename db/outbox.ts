// The outbox: events waiting for the gateway, gapless per terminal (a trigger enforces it).
// Rows are written in the same transaction as the business rows they describe.
import { newId } from '../lib/ids';
import { canonicalJson } from './canonical-json';
import type { Db } from './open';
import { prep } from './statements';

/** Event schema version (ARCHITECTURE §4): the gateway accepts this one and the one before. */
export { EVENT_VERSION } from '../contract/gateway';
import { EVENT_VERSION } from '../contract/gateway';

export interface OutboxEvent<T = unknown> {
  v: number;
  eventId: string;
  terminalId: string;
  seq: number;
  type: string;
  at: string;
  businessDate: string;
  data: T;
}

export function appendOutbox<T>(
  db: Db,
  e: { terminalId: string; type: string; at: string; businessDate: string; data: T },
): OutboxEvent<T> {
  const { seq: last } = prep(db, 'SELECT COALESCE(MAX(seq), 0) AS seq FROM outbox').get() as {
    seq: number;
  };
  const event: OutboxEvent<T> = {
    v: EVENT_VERSION,
    eventId: newId(),
    terminalId: e.terminalId,
    seq: last + 1,
    type: e.type,
    at: e.at,
    businessDate: e.businessDate,
    data: e.data,
  };
  prep(
    db,
    'INSERT INTO outbox (seq, event_id, type, v, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(event.seq, event.eventId, event.type, event.v, canonicalJson(event), e.at);
  return event;
}

export function pendingOutboxCount(db: Db): number {
  return (
    prep(db, 'SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL').get() as { n: number }
  ).n;
}
