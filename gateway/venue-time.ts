// Wall-clock views of an instant in the venue's time zone: the report hour and the receipt's
// date and time.
import { wallClock } from '../lib/clock';

/** `YYYY-MM-DDTHH` of the instant on the venue's wall clock (reports by hour). */
export function localHour(ms: number, timeZone: string): string {
  const p = wallClock(ms, timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}`;
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
