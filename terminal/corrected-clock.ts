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

export function createCorrectedClock(base: Clock, initialOffsetMs = 0): CorrectedClock {
  let offset = Number.isFinite(initialOffsetMs) ? initialOffsetMs : 0;
  return {
    now: () => base.now() + offset,
    offsetMs: () => offset,
    observe(dateHeader, sentAt, receivedAt) {
      const server = dateHeader ? Date.parse(dateHeader) : NaN;
      if (!Number.isFinite(server) || receivedAt < sentAt) return false;
      // `Date` has one-second resolution and was stamped somewhere in the round trip: every
      // offset in this interval fits the observation. Keep the current one while it fits (no
      // jitter from truncation), else move to the interval's middle.
      const lo = server - receivedAt;
      const hi = server + 1000 - sentAt;
      if (offset >= lo && offset <= hi) return false;
      offset = Math.round(server + 500 - (sentAt + receivedAt) / 2);
      return true;
    },
  };
}
