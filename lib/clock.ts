// Time is injected everywhere so tests can run days in milliseconds.

export interface Clock {
  /** Milliseconds since the epoch, corrected by any offset the clock carries. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 10, 21, 12, 0, 0)): Clock & {
  set(ms: number): void;
  advance(ms: number): void;
} {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

// Building an Intl.DateTimeFormat costs ~100 µs; a sale needs one per commit, so keep them.
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The venue's business date (YYYY-MM-DD) for an instant: the calendar date in the venue's time
 * zone after moving back by the day-change time, so a concert ending at 01:30 stays on the
 * evening's date when the day changes at 06:00.
 */
export function businessDate(ms: number, timeZone: string, dayChange = '06:00'): string {
  const match = /^(\d{2}):(\d{2})$/.exec(dayChange);
  if (!match) throw new RangeError(`day change must be HH:MM, got "${dayChange}"`);
  const offsetMs = (Number(match[1]) * 60 + Number(match[2])) * 60_000;
  const parts = dateFormatter(timeZone).formatToParts(new Date(ms - offsetMs));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
