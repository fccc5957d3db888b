import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadWedgeSettings, parseWedgeSettings, saveWedgeSettings, WEDGE_SETTINGS_KEY } from './settings';
import { defaultWedgeSettings } from './wedge';

let saved: Map<string, string>;
beforeEach(() => {
  saved = new Map();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => saved.get(k) ?? null,
    setItem: (k: string, v: string) => void saved.set(k, v),
  });
});
afterEach(() => vi.unstubAllGlobals());

describe("a counter's wedge settings", () => {
  it('are the defaults until a technician saves some', () => {
    expect(loadWedgeSettings()).toEqual(defaultWedgeSettings);
  });

  it('keep only well-formed fields', () => {
    expect(parseWedgeSettings({ suffix: 'Tab', maxGapMs: 40, minLength: 1, endGapMs: 'x', enabled: 'yes', other: 1 })).toEqual({
      suffix: 'Tab',
      maxGapMs: 40,
    });
    expect(parseWedgeSettings(null)).toEqual({});
  });

  it('are saved per PC and survive a garbled entry', () => {
    saveWedgeSettings({ suffix: 'none', endGapMs: 80 });
    expect(JSON.parse(saved.get(WEDGE_SETTINGS_KEY) ?? '{}')).toMatchObject({ suffix: 'none', endGapMs: 80, minLength: 6 });
    expect(loadWedgeSettings()).toMatchObject({ suffix: 'none', endGapMs: 80 });
    saved.set(WEDGE_SETTINGS_KEY, '{not json');
    expect(loadWedgeSettings()).toEqual(defaultWedgeSettings);
  });
});
