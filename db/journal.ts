// The journal: append-only and hash-chained (ARCHITECTURE §4). Triggers reject UPDATE and
// DELETE; verifyJournal recomputes the chain, so an edit made behind the triggers' back (or on a
// copied file) is found, naming the first entry that no longer fits.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { Db } from './open';
import { prep } from './statements';

export const GENESIS_HASH = '0'.repeat(64);

export interface JournalEntry {
  seq: number;
  at: string;
  type: string;
  payload: unknown;
  prevHash: string;
  hash: string;
}

interface JournalRow {
  seq: number;
  at: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/**
 * SHA-256 over the previous hash and the canonical entry `{"at","payload","seq","type"}`.
 * `payloadJson` must already be canonical (appendJournal stores it so); the entry is assembled
 * as text so the payload is not parsed and re-serialised on the sale's hot path.
 */
export function entryHash(
  prevHash: string,
  seq: number,
  at: string,
  type: string,
  payloadJson: string,
): string {
  const entry = `{"at":${JSON.stringify(at)},"payload":${payloadJson},"seq":${seq},"type":${JSON.stringify(type)}}`;
  return createHash('sha256').update(prevHash).update('\n').update(entry).digest('hex');
}

export function journalHead(db: Db): { seq: number; hash: string } {
  const row = prep(db, 'SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string } | undefined;
  return row ?? { seq: 0, hash: GENESIS_HASH };
}

/** Appends one entry. Call inside the business action's transaction. */
export function appendJournal(db: Db, at: string, type: string, payload: unknown): JournalEntry {
  const head = journalHead(db);
  const seq = head.seq + 1;
  const payloadJson = canonicalJson(payload);
  const hash = entryHash(head.hash, seq, at, type, payloadJson);
  prep(
    db,
    'INSERT INTO journal (seq, at, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(seq, at, type, payloadJson, head.hash, hash);
  return { seq, at, type, payload, prevHash: head.hash, hash };
}

export type JournalVerdict =
  | { ok: true; entries: number; headHash: string | null }
  | { ok: false; entries: number; brokenSeq: number; reason: string };

export function verifyJournal(db: Db): JournalVerdict {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  for (const row of db
    .prepare('SELECT seq, at, type, payload, prev_hash, hash FROM journal ORDER BY seq')
    .iterate() as IterableIterator<JournalRow>) {
    entries++;
    if (row.seq !== expectedSeq) {
      return {
        ok: false,
        entries,
        brokenSeq: row.seq,
        reason: `expected seq ${expectedSeq}: entries are missing`,
      };
    }
    if (row.prev_hash !== prev) {
      return {
        ok: false,
        entries,
        brokenSeq: row.seq,
        reason: 'prev_hash does not match the previous entry',
      };
    }
    if (entryHash(row.prev_hash, row.seq, row.at, row.type, row.payload) !== row.hash) {
      return {
        ok: false,
        entries,
        brokenSeq: row.seq,
        reason: 'content does not match its hash (entry was altered)',
      };
    }
    prev = row.hash;
    expectedSeq++;
  }
  return { ok: true, entries, headHash: entries ? prev : null };
}

/** Journal entries of one type, newest first. */
export function journalOfType(db: Db, type: string, limit: number): { seq: number; at: string; payload: unknown }[] {
  return (
    prep(db, 'SELECT seq, at, payload FROM journal WHERE type = ? ORDER BY seq DESC LIMIT ?').all(type, limit) as {
      seq: number;
      at: string;
      payload: string;
    }[]
  ).map((r) => ({ seq: r.seq, at: r.at, payload: JSON.parse(r.payload) as unknown }));
}
