// The terminal's clock corrected by the gateway's `Date` header (ARCHITECTURE §4): signatures
// and records use it, so a counter PC with a wrong clock neither fails the gateway's ±5 min
// check nor dates sales wrongly.
import type { Clock } from '../lib/clock';

export interface CorrectedClock extends Clock {
  /** Milliseconds added to the base clock. */
  offsetMs(): number;
  /**
   * Learns from a response's `Date` header, given when the request left and the answer came
   * (base clock). Returns true when the offset changed.
   */
  observe(dateHeader: string | undefined, sentAt: number, receivedAt: number): boolean;
}

/** Moves smaller than this, while the offset still fits every observation, are not made. */
const SETTLE_MS = 25;
/**
 * A correction that would move time back by at most this much holds the clock instead, until the
 * base clock catches up: records never go back in time by a Date header's second of doubt. A
 * bigger step back is a real fix of a wrong clock and is taken.
 */
const HOLD_BACK_MS = 2000;

export function createCorrectedClock(base: Clock, initialOffsetMs = 0): CorrectedClock {
  let offset = Number.isFinite(initialOffsetMs) ? Math.round(initialOffsetMs) : 0;
  // Every observation bounds the true offset to an interval; their intersection narrows with
  // each response (as NTP intersects its samples), so the offset settles instead of hopping by
  // up to a second between the middles of single, coarse observations.
  let bounds: { lo: number; hi: number } | null = null;
  let last = -Infinity;
  return {
    now: () => {
      const t = base.now() + offset;
      if (t < last && last - t <= HOLD_BACK_MS) return last;
      last = t;
      return t;
    },
    offsetMs: () => offset,
    observe(dateHeader, sentAt, receivedAt) {
      const server = dateHeader ? Date.parse(dateHeader) : NaN;
      if (!Number.isFinite(server) || receivedAt < sentAt) return false;
      // `Date` has one-second resolution and was stamped somewhere in the round trip: every
      // offset in [lo, hi] fits this observation.
      const lo = server - receivedAt;
      const hi = server + 1000 - sentAt;
      if (bounds && lo <= bounds.hi && hi >= bounds.lo) {
        bounds = { lo: Math.max(lo, bounds.lo), hi: Math.min(hi, bounds.hi) };
      } else {
        // First observation, or a clock jumped (either side): start again from this one.
        bounds = { lo, hi };
      }
      // Aim for the middle of what is known, but move only for a real gain: small steps would
      // rewrite the setting and nudge timestamps for nothing.
      const middle = Math.round((bounds.lo + bounds.hi) / 2);
      const inside = offset >= bounds.lo && offset <= bounds.hi;
      if (inside && Math.abs(middle - offset) < SETTLE_MS) return false;
      offset = middle;
      return true;
    },
  };
}
