// Wall-clock views of an instant in the venue's time zone: the report hour and the receipt's
// date and time.
import { wallClock } from '../lib/clock';

// Every time zone's offset is a multiple of 15 minutes, so the local hour is constant within a
// UTC quarter hour: ingest computes it once per quarter, not once per sale (~11 µs each).
const QUARTER_MS = 15 * 60_000;
const hourCache = new Map<string, string>();

/** `YYYY-MM-DDTHH` of the instant on the venue's wall clock (reports by hour). */
export function localHour(ms: number, timeZone: string): string {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_MS)}`;
  let hour = hourCache.get(key);
  if (hour === undefined) {
    const p = wallClock(ms, timeZone);
    hour = `${p.year}-${p.month}-${p.day}T${p.hour}`;
    if (hourCache.size > 10_000) hourCache.clear();
    hourCache.set(key, hour);
  }
  return hour;
}

/** `YYYY-MM-DD HH:mm:ss` on the venue's wall clock (receipts). */
export function localDateTime(ms: number, timeZone: string): string {
  const p = wallClock(ms, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** True when the IANA time zone is known to this Node. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
