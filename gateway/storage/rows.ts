// Small pieces every store module needs: reading integers from rows (PostgreSQL hands bigint and
// sums back as strings) and rolling a transaction back with an answer.

/**
 * An integer column or aggregate as a number: COUNT/SUM come back as number (SQLite) or as string
 * (PostgreSQL int8/numeric); null (an empty sum) reads as 0.
 */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`not a safe integer from the database: ${JSON.stringify(value)}`);
  return n;
}

/** Thrown inside a transaction to roll it back with an answer; never escapes the store. */
export class Rollback<T> extends Error {
  constructor(readonly answer: T) {
    super('rollback');
  }
}
