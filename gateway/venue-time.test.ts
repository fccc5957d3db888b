import fc from 'fast-check';
import { expect, it } from 'vitest';
import { wallClock } from '../lib/clock';
import { localHour } from './venue-time';

it('caches local hours without ever giving a wrong one, also in :30 and :45 time zones', () => {
  const zones = ['Asia/Shanghai', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Eucla', 'Europe/Berlin', 'America/St_Johns'];
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }), fc.constantFrom(...zones), (ms, tz) => {
      const p = wallClock(ms, tz);
      expect(localHour(ms, tz)).toBe(`${p.year}-${p.month}-${p.day}T${p.hour}`);
    }),
    { numRuns: 3000 },
  );
  // Kathmandu is UTC+5:45: 18:14:59Z is 23:59:59 local, 18:15Z is the next day's 00h.
  expect(localHour(Date.UTC(2026, 5, 1, 18, 14, 59), 'Asia/Kathmandu')).toBe('2026-06-01T23');
  expect(localHour(Date.UTC(2026, 5, 1, 18, 15, 0), 'Asia/Kathmandu')).toBe('2026-06-02T00');
});
