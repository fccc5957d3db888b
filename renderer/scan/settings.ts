// The wedge scanners' settings at this counter: the defaults (wedge.ts `defaultWedgeSettings`),
// overridden by what a technician saved on this PC (localStorage `venue-pos.wedge`, JSON with any
// of enabled, minLength, maxGapMs, suffix, endGapMs). See renderer/scan/README.md.
import { defaultWedgeSettings, type WedgeSettings } from './wedge';

export const WEDGE_SETTINGS_KEY = 'venue-pos.wedge';

/** Only well-formed fields of a saved object count; anything else keeps its default. */
export function parseWedgeSettings(raw: unknown): Partial<WedgeSettings> {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: Partial<WedgeSettings> = {};
  if (typeof r.enabled === 'boolean') out.enabled = r.enabled;
  const num = (v: unknown, min: number, max: number): number | undefined =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : undefined;
  const minLength = num(r.minLength, 2, 64);
  if (minLength !== undefined) out.minLength = minLength;
  const maxGapMs = num(r.maxGapMs, 1, 500);
  if (maxGapMs !== undefined) out.maxGapMs = maxGapMs;
  const endGapMs = num(r.endGapMs, 1, 2000);
  if (endGapMs !== undefined) out.endGapMs = endGapMs;
  if (r.suffix === 'Enter' || r.suffix === 'Tab' || r.suffix === 'none') out.suffix = r.suffix;
  return out;
}

function storage(): Storage | null {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage ?? null;
  } catch {
    return null;
  }
}

export function loadWedgeSettings(): WedgeSettings {
  let saved: Partial<WedgeSettings> = {};
  try {
    const text = storage()?.getItem(WEDGE_SETTINGS_KEY);
    if (text) saved = parseWedgeSettings(JSON.parse(text));
  } catch {
    saved = {};
  }
  return { ...defaultWedgeSettings, ...saved };
}

export function saveWedgeSettings(settings: Partial<WedgeSettings>): WedgeSettings {
  const next = { ...loadWedgeSettings(), ...parseWedgeSettings(settings) };
  storage()?.setItem(WEDGE_SETTINGS_KEY, JSON.stringify(next));
  return next;
}
