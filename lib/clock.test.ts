import { describe, expect, it } from 'vitest';
import { businessDate, isoUtc, manualClock, systemClock } from './clock';

describe('businessDate', () => {
  // Asia/Shanghai is UTC+8 all year, so local = UTC + 8 h.
  it.each([
    // [local time, UTC instant, expected business date]
    ['20:00 local: the evening’s date', Date.UTC(2026, 10, 21, 12, 0), '2026-11-21'],
    ['23:59 local', Date.UTC(2026, 10, 21, 15, 59), '2026-11-21'],
    ['00:00 local on the 22nd: still the 21st', Date.UTC(2026, 10, 21, 16, 0), '2026-11-21'],
    ['01:30 local: the concert’s evening', Date.UTC(2026, 10, 21, 17, 30), '2026-11-21'],
    ['05:59:59 local', Date.UTC(2026, 10, 21, 21, 59, 59), '2026-11-21'],
    ['06:00 local exactly: the new day', Date.UTC(2026, 10, 21, 22, 0), '2026-11-22'],
    ['09:00 local', Date.UTC(2026, 10, 22, 1, 0), '2026-11-22'],
    ['04:00 local on New Year’s Day: still the 31st', Date.UTC(2026, 11, 31, 20, 0), '2026-12-31'],
    ['06:00 local on New Year’s Day', Date.UTC(2026, 11, 31, 22, 0), '2027-01-01'],
  ])('Asia/Shanghai, day change 06:00: %s (%i) → %s', (_local, ms, date) => {
    expect(businessDate(ms, 'Asia/Shanghai', '06:00')).toBe(date);
  });

  it('defaults to a 06:00 day change and supports midnight', () => {
    const at0130Local = Date.UTC(2026, 10, 21, 17, 30); // 01:30 on the 22nd in Shanghai
    expect(businessDate(at0130Local, 'Asia/Shanghai')).toBe('2026-11-21');
    expect(businessDate(at0130Local, 'Asia/Shanghai', '00:00')).toBe('2026-11-22');
    expect(businessDate(at0130Local, 'UTC', '00:00')).toBe('2026-11-21');
  });

  // Europe/Berlin: CET (UTC+1) until 2026-03-29 02:00, then CEST (UTC+2) until 2026-10-25 03:00.
  // The day change is a local wall-clock time, so it must hold on the two days a year the
  // offset changes as on any other.
  it.each([
    // spring forward, Sunday 2026-03-29
    ['03-29 01:30 CET', Date.UTC(2026, 2, 29, 0, 30), '2026-03-28'],
    ['03-29 05:59 CEST', Date.UTC(2026, 2, 29, 3, 59), '2026-03-28'],
    ['03-29 06:00 CEST: the new day', Date.UTC(2026, 2, 29, 4, 0), '2026-03-29'],
    ['03-29 06:30 CEST', Date.UTC(2026, 2, 29, 4, 30), '2026-03-29'],
    ['03-29 07:00 CEST', Date.UTC(2026, 2, 29, 5, 0), '2026-03-29'],
    // fall back, Sunday 2026-10-25
    ['10-25 02:30 CEST (first time round)', Date.UTC(2026, 9, 25, 0, 30), '2026-10-24'],
    ['10-25 02:30 CET (second time round)', Date.UTC(2026, 9, 25, 1, 30), '2026-10-24'],
    ['10-25 05:30 CET', Date.UTC(2026, 9, 25, 4, 30), '2026-10-24'],
    ['10-25 06:00 CET: the new day', Date.UTC(2026, 9, 25, 5, 0), '2026-10-25'],
    // ordinary days either side
    ['03-28 05:59 CET', Date.UTC(2026, 2, 28, 4, 59), '2026-03-27'],
    ['03-28 06:00 CET', Date.UTC(2026, 2, 28, 5, 0), '2026-03-28'],
    ['10-26 06:00 CET', Date.UTC(2026, 9, 26, 5, 0), '2026-10-26'],
  ])('Europe/Berlin across DST: %s (%i) → %s', (_local, ms, date) => {
    expect(businessDate(ms, 'Europe/Berlin', '06:00')).toBe(date);
  });

  it.each(['6:00', '06:00:00', '0600', 'abc', '', ' 06:00'])('refuses day change "%s"', (dayChange) => {
    expect(() => businessDate(Date.UTC(2026, 0, 1), 'UTC', dayChange)).toThrow(RangeError);
  });

  it.each(['24:00', '06:60'])('refuses out-of-range day change "%s"', (dayChange) => {
    expect(() => businessDate(Date.UTC(2026, 0, 1), 'UTC', dayChange)).toThrow(RangeError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => businessDate(Date.UTC(2026, 0, 1), 'Mars/Olympus_Mons', '06:00')).toThrow(RangeError);
  });
});

describe('manualClock', () => {
  it('starts at a fixed instant and moves only when told', () => {
    const clock = manualClock();
    expect(clock.now()).toBe(Date.UTC(2026, 10, 21, 12, 0, 0));
    expect(clock.now()).toBe(clock.now());
    clock.advance(1500);
    expect(clock.now()).toBe(Date.UTC(2026, 10, 21, 12, 0, 1, 500));
    clock.advance(-500);
    expect(clock.now()).toBe(Date.UTC(2026, 10, 21, 12, 0, 1));
    clock.set(0);
    expect(clock.now()).toBe(0);
  });

  it('takes a start', () => {
    const clock = manualClock(Date.UTC(2030, 0, 1));
    expect(isoUtc(clock.now())).toBe('2030-01-01T00:00:00.000Z');
  });
});

describe('systemClock and isoUtc', () => {
  it('reads the real time', () => {
    const before = Date.now();
    const t = systemClock.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('formats UTC with milliseconds', () => {
    expect(isoUtc(Date.UTC(2026, 10, 21, 17, 30, 5, 7))).toBe('2026-11-21T17:30:05.007Z');
  });
});
