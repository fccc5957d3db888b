import { describe, expect, it } from 'vitest';
import { manualClock } from '../lib/clock';
import { createCorrectedClock } from './corrected-clock';

/** A gateway whose clock is `trueOffset` ahead, answering after `rtt` ms with a 1 s `Date`. */
function observeOnce(
  clock: ReturnType<typeof createCorrectedClock>,
  base: ReturnType<typeof manualClock>,
  trueOffset: number,
  rtt: number,
  stampAt: number,
): boolean {
  const sentAt = base.now();
  const serverNow = sentAt + stampAt * rtt + trueOffset;
  const date = new Date(Math.floor(serverNow / 1000) * 1000).toUTCString();
  base.advance(rtt);
  return clock.observe(date, sentAt, base.now());
}

describe('corrected clock', () => {
  it('narrows to the true offset over many coarse Date headers and then stops moving', () => {
    const base = manualClock(Date.UTC(2026, 10, 21, 12, 0, 0, 0));
    const clock = createCorrectedClock(base);
    const trueOffset = 93_417; // the counter PC is 93.4 s behind the gateway
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 60; i++) {
      observeOnce(clock, base, trueOffset, 5 + Math.floor(rand() * 20), rand());
      base.advance(Math.floor(rand() * 997)); // requests at every sub-second phase
    }
    expect(Math.abs(clock.offsetMs() - trueOffset)).toBeLessThanOrEqual(50);
    // Settled: further observations do not move it (no hops, no settings writes).
    let changes = 0;
    for (let i = 0; i < 40; i++) {
      if (observeOnce(clock, base, trueOffset, 10, rand())) changes++;
      base.advance(Math.floor(rand() * 997));
    }
    expect(changes).toBe(0);
  });

  it('follows a clock that jumped instead of clinging to old bounds', () => {
    const base = manualClock(Date.UTC(2026, 10, 21, 12, 0, 0, 0));
    const clock = createCorrectedClock(base);
    for (let i = 0; i < 10; i++) {
      observeOnce(clock, base, 0, 10, 0.5);
      base.advance(337);
    }
    expect(Math.abs(clock.offsetMs())).toBeLessThan(1000);
    // The PC's clock was set back by an hour: the gateway now looks an hour ahead.
    observeOnce(clock, base, 3_600_000, 10, 0.5);
    expect(Math.abs(clock.offsetMs() - 3_600_000)).toBeLessThan(1000);
  });

  it('never dates a record earlier than the last one for a correction of a second, but takes a real step back', () => {
    const base = manualClock(Date.UTC(2026, 10, 21, 12, 0, 0, 0));
    const clock = createCorrectedClock(base, 900);
    const first = clock.now();
    // A response proves the offset is really about 0: the corrected time moves back 900 ms.
    clock.observe(new Date(base.now()).toUTCString(), base.now() - 5, base.now());
    expect(clock.offsetMs()).toBeLessThan(900);
    expect(clock.now()).toBe(first); // held
    base.advance(1000);
    expect(clock.now()).toBeGreaterThan(first); // the base clock caught up: moving again
    // A correction of an hour back is a wrong clock being fixed: taken at once.
    const before = clock.now();
    clock.observe(new Date(base.now() - 3_600_000).toUTCString(), base.now() - 5, base.now());
    expect(clock.now()).toBeLessThan(before - 3_000_000);
  });
});
