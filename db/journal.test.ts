import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { GENESIS_HASH, appendJournal, journalHead, verifyJournal } from './journal';
import { migrate } from './migrate';
import { terminalMigrations } from './migrations/index';
import { openDatabase, type Db } from './open';

const AT = (n: number): string => `2026-11-21T12:00:0${n}.000Z`;

function freshDb(): Db {
  const db = openDatabase(':memory:');
  migrate(db, terminalMigrations);
  return db;
}

let db: Db;
beforeEach(() => {
  db = freshDb();
});
afterEach(() => db.close());

/** More databases for a test, closed after it. */
const extra: Db[] = [];
function freshDbClosedAfter(): Db {
  const d = freshDb();
  extra.push(d);
  return d;
}
afterEach(() => {
  for (const d of extra.splice(0)) d.close();
});

/** Five entries: seq 1..5. */
function seedFive(): void {
  for (let i = 1; i <= 5; i++)
    appendJournal(db, AT(i), i % 2 ? 'sale.completed' : 'shift.opened', { n: i, items: [i, 'x'] });
}

const rows = (): { seq: number; prev_hash: string; hash: string; payload: string }[] =>
  db.prepare('SELECT seq, prev_hash, hash, payload FROM journal ORDER BY seq').all() as {
    seq: number;
    prev_hash: string;
    hash: string;
    payload: string;
  }[];

describe('appendJournal', () => {
  it('starts from the genesis hash on an empty journal', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(journalHead(db)).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(verifyJournal(db)).toEqual({ ok: true, entries: 0, headHash: null });
  });

  it('hashes SHA-256(prev_hash ‖ "\\n" ‖ canonical entry), checked independently', () => {
    const e = appendJournal(db, AT(1), 'sale.completed', {
      total: 3740,
      lines: [{ qty: 2, id: 'hot-dog' }],
      note: undefined,
    });
    // keys sorted at every level, undefined dropped, no whitespace
    const canonical =
      '{"at":"2026-11-21T12:00:01.000Z","payload":{"lines":[{"id":"hot-dog","qty":2}],"total":3740},"seq":1,"type":"sale.completed"}';
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${canonical}`).digest('hex');
    expect(e).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, hash: expected });
    expect(rows()).toEqual([
      {
        seq: 1,
        prev_hash: GENESIS_HASH,
        hash: expected,
        payload: '{"lines":[{"id":"hot-dog","qty":2}],"total":3740}',
      },
    ]);
  });

  it('chains every entry to the one before', () => {
    seedFive();
    const r = rows();
    expect(r.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(r[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < r.length; i++) expect(r[i]?.prev_hash).toBe(r[i - 1]?.hash);
    expect(new Set(r.map((x) => x.hash)).size).toBe(5);
    for (const x of r) expect(x.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(journalHead(db)).toEqual({ seq: 5, hash: r[4]?.hash });
  });

  it('gives the same hash whatever the key order of the payload', () => {
    const a = appendJournal(db, AT(1), 't', { b: 2, a: { y: [1, 2], x: null } });
    const b = appendJournal(freshDbClosedAfter(), AT(1), 't', { a: { x: null, y: [1, 2] }, b: 2 });
    expect(a.hash).toBe(b.hash);
    expect(canonicalJson({ b: 2, a: 1 })).toBe('{"a":1,"b":2}');
    // but array order is content
    const c = appendJournal(freshDbClosedAfter(), AT(1), 't', { b: 2, a: { y: [2, 1], x: null } });
    expect(c.hash).not.toBe(a.hash);
  });
});

describe('verifyJournal', () => {
  it('accepts an intact chain, with its count and head', () => {
    seedFive();
    expect(verifyJournal(db)).toEqual({ ok: true, entries: 5, headHash: rows()[4]?.hash });
  });

  it.each([
    ['the payload', `UPDATE journal SET payload = '{"items":[3,"x"],"n":33}' WHERE seq = 3`],
    ['the time', "UPDATE journal SET at = '2026-11-21T12:00:09.000Z' WHERE seq = 3"],
    ['the type', "UPDATE journal SET type = 'sale.voided' WHERE seq = 3"],
    ['the hash', `UPDATE journal SET hash = '${'a'.repeat(64)}' WHERE seq = 3`],
    ['the prev_hash', `UPDATE journal SET prev_hash = '${'b'.repeat(64)}' WHERE seq = 3`],
    ['the payload into invalid JSON', "UPDATE journal SET payload = '{not json' WHERE seq = 3"],
  ])('names seq 3 when %s of entry 3 was changed behind the trigger', (_what, sql) => {
    seedFive();
    db.exec('DROP TRIGGER journal_no_update');
    db.exec(sql);
    const verdict = verifyJournal(db);
    expect(verdict).toMatchObject({ ok: false, brokenSeq: 3, entries: 3 });
  });

  it('finds an entry rewritten with a recomputed hash at the next link', () => {
    seedFive();
    db.exec('DROP TRIGGER journal_no_update');
    // the forger edits entry 3 and recomputes its hash, so entry 3 itself looks fine…
    const r2hash = rows()[1]?.hash ?? '';
    const canonical = canonicalJson({
      at: AT(3),
      payload: { items: [3, 'x'], n: 300 },
      seq: 3,
      type: 'sale.completed',
    });
    const newHash = createHash('sha256').update(`${r2hash}\n${canonical}`).digest('hex');
    db.prepare(
      'UPDATE journal SET payload = \'{"items":[3,"x"],"n":300}\', hash = ? WHERE seq = 3',
    ).run(newHash);
    // …but entry 4 still points at the old hash
    expect(verifyJournal(db)).toMatchObject({ ok: false, brokenSeq: 4 });
  });

  it('finds a deleted middle entry, naming the first entry after the gap', () => {
    seedFive();
    db.exec('DROP TRIGGER journal_no_delete');
    db.exec('DELETE FROM journal WHERE seq = 3');
    const verdict = verifyJournal(db);
    expect(verdict).toMatchObject({ ok: false, brokenSeq: 4 });
    expect(verdict.ok === false && verdict.reason).toMatch(/expected seq 3/);
  });

  it('finds a deleted first entry', () => {
    seedFive();
    db.exec('DROP TRIGGER journal_no_delete');
    db.exec('DELETE FROM journal WHERE seq = 1');
    expect(verifyJournal(db)).toMatchObject({ ok: false, brokenSeq: 2 });
  });

  it('hashes the stored payload text: even a re-serialisation of the same JSON counts as altered', () => {
    // appendJournal stores canonical JSON and the hash covers those exact bytes, so a verifier
    // never has to trust a JSON parser; any rewrite of the text is an edit.
    seedFive();
    db.exec('DROP TRIGGER journal_no_update');
    db.exec(`UPDATE journal SET payload = '{ "n": 3, "items": [3, "x"] }' WHERE seq = 3`);
    expect(verifyJournal(db)).toMatchObject({ ok: false, brokenSeq: 3 });
  });

  it('keeps the chain valid as entries are appended after a verification', () => {
    seedFive();
    const before = verifyJournal(db);
    appendJournal(db, AT(6), 'sale.completed', { n: 6 });
    const after = verifyJournal(db);
    expect(after).toMatchObject({ ok: true, entries: 6 });
    expect(after.ok && before.ok && after.headHash !== before.headHash).toBe(true);
    expect(rows()[5]?.prev_hash).toBe(before.ok ? before.headHash : 'x');
  });
});
