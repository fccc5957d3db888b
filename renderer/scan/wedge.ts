// Keyboard-wedge scanners: the OS sees them as a keyboard, so a scan arrives as a burst of key
// presses. A person cannot type six characters 35 ms apart; a scanner always does. The detector
// watches every keydown (capture phase, before any screen), and once a burst is fast and long
// enough to be a scan it swallows the rest of it and hands the text to `onScan`.
//
// The first keys of a burst cannot be told from typing, so they pass through. When the burst is
// recognised, `undo` gets what leaked: the wiring removes it from a focused input and puts the
// typed amount / quantity / PIN back as it was before the burst (`snapshot`).
//
// A scan may be a wallet payment code (a bearer token, contract/wallet.ts): the buffer is cleared
// as soon as the scan is handed over, and the detector never logs.
//
// Pure: no DOM, no real clock. The caller gives it key events and a clock with timers.

/** How wedge scanners are recognised. One object, so a venue can tune it for its scanners. */
export interface WedgeSettings {
  /** False: every key passes through untouched (no wedge scanners at this counter). */
  enabled: boolean;
  /** Shortest scan in printable characters; shorter fast bursts are typing. */
  minLength: number;
  /** Largest gap between two keys of one scan, ms. Scanners: 5–30 ms; people: 60 ms and up. */
  maxGapMs: number;
  /** The key the scanner sends after the code: 'Enter' (most), 'Tab', or 'none'. */
  suffix: 'Enter' | 'Tab' | 'none';
  /**
   * Quiet time that ends a scan without its suffix, ms (never less than maxGapMs). With suffix
   * 'none' this is how every scan ends; otherwise it rescues a scan whose suffix never came.
   */
  endGapMs: number;
}

export const defaultWedgeSettings: WedgeSettings = {
  enabled: true,
  minLength: 6,
  maxGapMs: 35,
  suffix: 'Enter',
  endGapMs: 60,
};

/** What the detector needs of a keydown event (a DOM KeyboardEvent has all of it). */
export interface WedgeKey {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  /** The physical key ('Digit4', 'Numpad4', 'KeyA'). */
  code?: string;
  /** The focused element the key went to. */
  target: unknown;
  /**
   * When the key was pressed (same time base as the clock). A busy page runs queued handlers in
   * a rush, so a person's keys would look like a burst by handler time: the event's own time wins.
   */
  timeStamp?: number;
  preventDefault(): void;
  stopImmediatePropagation?(): void;
}

export interface WedgeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WedgeHooks {
  onScan(text: string): void;
  /**
   * Called at the first key of every burst (cheap: it may become a scan). Returns how to put
   * back whatever the burst's first keys change before the burst is known to be a scan.
   */
  snapshot?(): () => void;
  /** The burst is a scan: `text` already reached `target` (a focused input) and must go. */
  undo?(target: unknown, text: string): void;
  /** A scan was cut by another key (an arrow, Escape): nothing is used of it. */
  onBroken?(): void;
}

/**
 * The character a key stands for. With a Chinese input method on, keys arrive as 'Process' (the
 * IME takes them): digits and letters are still known from the physical key, so a scan read
 * while the IME is on is recognised too (the IME's half-composed text is its own matter).
 */
function charOf(e: WedgeKey): string | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (e.key.length === 1) return e.key;
  if (e.key === 'Process' && e.code) {
    const m = /^(?:Digit|Numpad)(\d)$/.exec(e.code) ?? /^Key([A-Z])$/.exec(e.code);
    if (m?.[1]) return m[1];
  }
  return null;
}

/** Keys that never break a burst: a scanner sends Shift for capitals. */
const MODIFIERS = new Set(['Shift', 'CapsLock', 'Control', 'Alt', 'AltGraph', 'Meta', 'NumLock']);

export interface WedgeDetector {
  /** Feed every keydown, in order. */
  keydown(e: WedgeKey): void;
  /** Settings change at run time (the manager menu, a test). */
  configure(settings: Partial<WedgeSettings>): void;
  settings(): WedgeSettings;
  /** Forget any burst in progress (the screen changed). */
  reset(): void;
}

export function createWedgeDetector(hooks: WedgeHooks, clock: WedgeClock, initial: Partial<WedgeSettings> = {}): WedgeDetector {
  let settings: WedgeSettings = normalise({ ...defaultWedgeSettings, ...initial });
  // The burst in progress. `chars` holds a possible payment code: cleared on every ending.
  let chars: string[] = [];
  let last = 0;
  /** Long and fast enough: the rest of the burst is swallowed. */
  let scanning = false;
  /** A scan broken by a stray key: swallow what is left of it and use none of it. */
  let dropping = false;
  let target: unknown = null;
  let restore: (() => void) | null = null;
  let timer: unknown = null;

  function normalise(s: WedgeSettings): WedgeSettings {
    const minLength = Math.max(2, Math.floor(s.minLength));
    const maxGapMs = Math.max(1, s.maxGapMs);
    return { ...s, minLength, maxGapMs, endGapMs: Math.max(maxGapMs, s.endGapMs) };
  }

  function clearTimer(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  }

  function forget(): void {
    clearTimer();
    chars = [];
    scanning = false;
    dropping = false;
    target = null;
    restore = null;
  }

  function finish(): void {
    const text = scanning && !dropping ? chars.join('') : null;
    forget();
    if (text !== null) hooks.onScan(text);
  }

  function armQuietTimer(): void {
    clearTimer();
    timer = clock.setTimeout(() => {
      timer = null;
      finish();
    }, settings.endGapMs);
  }

  function swallow(e: WedgeKey): void {
    e.preventDefault();
    e.stopImmediatePropagation?.();
  }

  function keydown(e: WedgeKey): void {
    if (!settings.enabled || MODIFIERS.has(e.key)) return;
    const t = e.timeStamp ?? clock.now();
    // The suffix ends a scan; a little late (up to endGapMs) it is still the scanner's, and must
    // not reach the screen (Enter on the sell screen would open the pay screen).
    if ((scanning || dropping) && e.key === settings.suffix && t - last <= settings.endGapMs) {
      swallow(e);
      finish();
      return;
    }
    const inBurst = chars.length > 0 || dropping;
    const fast = inBurst && t - last <= settings.maxGapMs;
    if (inBurst && !fast) finish(); // too slow to belong to it: the burst is over

    const ch = charOf(e);
    if (ch !== null) {
      if (dropping && fast) {
        last = t;
        swallow(e);
        armQuietTimer();
        return;
      }
      if (chars.length === 0) {
        restore = hooks.snapshot?.() ?? null;
        target = e.target;
      }
      chars.push(ch);
      last = t;
      if (!scanning && chars.length >= settings.minLength) {
        scanning = true;
        const leaked = chars.slice(0, -1).join('');
        restore?.();
        restore = null;
        hooks.undo?.(target, leaked);
      }
      if (scanning) swallow(e);
      armQuietTimer();
      return;
    }

    if (scanning || dropping) {
      // A key no scanner sends, in the middle of a scan: it is not the scanner's; half a code must
      // never be looked up (it could be another product's), so none of it is used.
      const wasScan = scanning && !dropping;
      scanning = false;
      dropping = true;
      chars = [];
      last = t;
      armQuietTimer();
      if (wasScan) hooks.onBroken?.();
      return;
    }
    forget(); // a human's Enter or arrow after a few quick keys: typing
  }

  return {
    keydown,
    configure(next) {
      settings = normalise({ ...settings, ...next });
      forget();
    },
    settings: () => settings,
    reset: forget,
  };
}
