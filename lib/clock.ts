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
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/** The instant as read on a wall clock in the time zone (zero-padded fields). */
export function wallClock(ms: number, timeZone: string): WallClock {
  const out: WallClock = { year: '', month: '', day: '', hour: '', minute: '', second: '' };
  for (const p of dateFormatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof WallClock] = p.value;
  }
  return out;
}

/**
 * The venue's business date (YYYY-MM-DD) for an instant: the venue's local calendar date, or the
 * day before while the local wall clock is before the day change, so a concert ending at 01:30
 * stays on the evening's date when the day changes at 06:00. Compared on the wall clock, not by
 * subtracting hours, so daylight-saving days change at 06:00 local time too.
 */
export function businessDate(ms: number, timeZone: string, dayChange = '06:00'): string {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(dayChange);
  if (!match) throw new RangeError(`day change must be HH:MM (00:00–23:59), got "${dayChange}"`);
  const changeMinutes = Number(match[1]) * 60 + Number(match[2]);
  const w = wallClock(ms, timeZone);
  const localMinutes = Number(w.hour) * 60 + Number(w.minute);
  const day = Date.UTC(
    Number(w.year),
    Number(w.month) - 1,
    Number(w.day) - (localMinutes < changeMinutes ? 1 : 0),
  );
  return new Date(day).toISOString().slice(0, 10);
}
