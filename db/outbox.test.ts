import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate';
import { terminalMigrations } from './migrations/index';
import { openDatabase, type Db } from './open';
import { EVENT_VERSION, appendOutbox, pendingOutboxCount } from './outbox';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
  migrate(db, terminalMigrations);
});
afterEach(() => db.close());

const TERMINAL = '01JDTERMINAL0000000000000A';
const event = (n: number) => ({
  terminalId: TERMINAL,
  type: 'sale.completed',
  at: `2026-11-21T12:00:0${n}.000Z`,
  businessDate: '2026-11-21',
  data: { z: n, a: 'first key after sorting' },
});

interface Row {
  seq: number;
  event_id: string;
  type: string;
  v: number;
  payload: string;
  created_at: string;
  acked_at: string | null;
}
const rows = (): Row[] => db.prepare('SELECT * FROM outbox ORDER BY seq').all() as Row[];

describe('appendOutbox', () => {
  it('numbers events 1, 2, 3… with no gaps', () => {
    const seqs = [1, 2, 3, 4].map((n) => appendOutbox(db, event(n)).seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(rows().map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('writes the full envelope: v, eventId, terminalId, seq, type, at, businessDate, data', () => {
    appendOutbox(db, event(1));
    const e = appendOutbox(db, event(2));
    expect(EVENT_VERSION).toBe(2);
    expect(e).toEqual({
      v: 2,
      eventId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) as unknown,
      terminalId: TERMINAL,
      seq: 2,
      type: 'sale.completed',
      at: '2026-11-21T12:00:02.000Z',
      businessDate: '2026-11-21',
      data: { z: 2, a: 'first key after sorting' },
    });
    const row = rows()[1]!;
    expect(row).toMatchObject({
      seq: 2,
      event_id: e.eventId,
      type: 'sale.completed',
      v: 2,
      created_at: e.at,
      acked_at: null,
    });
    // the stored payload is the envelope itself, in canonical JSON (sorted keys, no spaces)
    expect(JSON.parse(row.payload)).toEqual(e);
    expect(row.payload).toBe(
      `{"at":"2026-11-21T12:00:02.000Z","businessDate":"2026-11-21","data":{"a":"first key after sorting","z":2},"eventId":"${e.eventId}","seq":2,"terminalId":"${TERMINAL}","type":"sale.completed","v":2}`,
    );
  });

  it('gives every event its own id', () => {
    const ids = Array.from({ length: 50 }, (_, i) => appendOutbox(db, event(i % 10)).eventId);
    expect(new Set(ids).size).toBe(50);
  });

  it('rolls back with the business transaction, leaving no gap', () => {
    appendOutbox(db, event(1));
    expect(() =>
      db.transaction(() => {
        appendOutbox(db, event(2));
        throw new Error('the sale failed');
      })(),
    ).toThrow('the sale failed');
    expect(appendOutbox(db, event(3)).seq).toBe(2);
    expect(rows().map((r) => [r.seq, r.created_at])).toEqual([
      [1, '2026-11-21T12:00:01.000Z'],
      [2, '2026-11-21T12:00:03.000Z'],
    ]);
  });
});

describe('pendingOutboxCount', () => {
  it('counts events not yet acknowledged', () => {
    expect(pendingOutboxCount(db)).toBe(0);
    for (let n = 1; n <= 3; n++) appendOutbox(db, event(n));
    expect(pendingOutboxCount(db)).toBe(3);
    db.prepare("UPDATE outbox SET acked_at = '2026-11-21T13:00:00.000Z' WHERE seq <= 2").run();
    expect(pendingOutboxCount(db)).toBe(1);
  });
});
