import { beforeEach, describe, expect, it } from 'vitest';
import { createWedgeDetector, type WedgeClock, type WedgeDetector, type WedgeKey, type WedgeSettings } from './wedge';

/** A clock the test moves by hand; timers fire as it passes them. */
function fakeClock(): WedgeClock & { advance(ms: number): void } {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

/** A focused field as the browser would fill it: keys not prevented are typed into it. */
interface Field {
  value: string;
}

let clock: ReturnType<typeof fakeClock>;
let scans: string[];
let broken: number;
let field: Field;
/** Store-driven entry (the cash keypad's typed amount, a PIN): changed by keys that pass. */
let typedInStore: string;
let wedge: WedgeDetector;

function setup(settings: Partial<WedgeSettings> = {}): void {
  clock = fakeClock();
  scans = [];
  broken = 0;
  field = { value: '' };
  typedInStore = '';
  wedge = createWedgeDetector(
    {
      onScan: (text) => scans.push(text),
      snapshot: () => {
        const before = typedInStore;
        return () => {
          typedInStore = before;
        };
      },
      undo: (target, text) => {
        const f = target as Field;
        if (f.value.endsWith(text)) f.value = f.value.slice(0, f.value.length - text.length);
      },
      onBroken: () => {
        broken += 1;
      },
    },
    clock,
    settings,
  );
}

/** Presses one key now; what was not prevented reaches the field and the store. */
function press(key: string): boolean {
  let prevented = false;
  const e: WedgeKey = {
    key,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    target: field,
    preventDefault: () => {
      prevented = true;
    },
  };
  wedge.keydown(e);
  if (!prevented && key.length === 1) {
    field.value += key;
    typedInStore += key;
  }
  return prevented;
}

/** Types `text` with `gaps` ms between keys (a number, or one per key after the first). */
function type(text: string, gaps: number | number[]): boolean[] {
  const out: boolean[] = [];
  [...text].forEach((ch, i) => {
    if (i > 0) clock.advance(typeof gaps === 'number' ? gaps : (gaps[i - 1] ?? 0));
    out.push(press(ch));
  });
  return out;
}

beforeEach(() => setup());

describe('the keyboard-wedge detector', () => {
  it('reads a fast burst ended by Enter as a scan and lets none of it type', () => {
    type('6901234567892', 8);
    clock.advance(8);
    expect(press('Enter')).toBe(true);
    expect(scans).toEqual(['6901234567892']);
    expect(field.value).toBe('');
    expect(typedInStore).toBe('');
  });

  it('leaves a fast typist alone: 60–90 ms gaps, however long', () => {
    const prevented = type('1234567890', [60, 75, 90, 62, 88, 70, 65, 80, 61]);
    clock.advance(70);
    expect(press('Enter')).toBe(false);
    expect(prevented.every((p) => !p)).toBe(true);
    expect(field.value).toBe('1234567890');
    expect(scans).toEqual([]);
  });

  it('leaves short fast bursts (3–4 keys rolled together) alone', () => {
    type('123', 15);
    clock.advance(200);
    type('4567', 20);
    clock.advance(20);
    expect(press('Enter')).toBe(false);
    clock.advance(500);
    expect(field.value).toBe('1234567');
    expect(scans).toEqual([]);
  });

  it('reads a slow scanner (25–34 ms gaps)', () => {
    type('ABC-000123', [25, 34, 30, 33, 27, 34, 29, 31, 34]);
    clock.advance(34);
    press('Enter');
    expect(scans).toEqual(['ABC-000123']);
    expect(field.value).toBe('');
  });

  it('reads a scanner without a suffix after the quiet time', () => {
    setup({ suffix: 'none', endGapMs: 80 });
    type('6901234567892', 10);
    expect(scans).toEqual([]);
    clock.advance(79);
    expect(scans).toEqual([]);
    clock.advance(1);
    expect(scans).toEqual(['6901234567892']);
    expect(field.value).toBe('');
  });

  it('takes Tab as the suffix when told to, and then Enter is just a key', () => {
    setup({ suffix: 'Tab' });
    type('12345678', 10);
    clock.advance(10);
    expect(press('Tab')).toBe(true);
    expect(scans).toEqual(['12345678']);
  });

  it('still swallows an Enter that comes a little late after the code', () => {
    type('6901234567892', 10);
    clock.advance(50); // over maxGapMs, under endGapMs
    expect(press('Enter')).toBe(true);
    expect(scans).toEqual(['6901234567892']);
  });

  it('takes back what a scan typed into a focused PIN field or the cash keypad before it was recognised', () => {
    typedInStore = '5'; // the cashier typed 5 slowly before
    field.value = '5';
    clock.advance(1000);
    const prevented = type('281234567890123456', 12);
    // The first five keys could not be told from typing: they went through…
    expect(prevented.slice(0, 5)).toEqual([false, false, false, false, false]);
    expect(prevented.slice(5).every(Boolean)).toBe(true);
    clock.advance(12);
    press('Enter');
    // …and were taken back when the sixth made it a scan.
    expect(field.value).toBe('5');
    expect(typedInStore).toBe('5');
    expect(scans).toEqual(['281234567890123456']);
  });

  it('never uses half a scan: a stray key in the middle breaks it and the rest is swallowed', () => {
    type('690123', 10);
    clock.advance(10);
    expect(press('ArrowDown')).toBe(false);
    const rest = type('4567892', 10);
    expect(rest.every(Boolean)).toBe(true);
    clock.advance(10);
    expect(press('Enter')).toBe(true);
    expect(scans).toEqual([]);
    expect(broken).toBe(1);
    // The next scan reads normally.
    clock.advance(500);
    type('12345678', 10);
    clock.advance(10);
    press('Enter');
    expect(scans).toEqual(['12345678']);
  });

  it('reads a scan while a Chinese input method is on (keys arrive as Process)', () => {
    for (const code of ['Digit6', 'Digit9', 'Numpad0', 'Digit1', 'Digit2', 'Digit3', 'KeyA']) {
      wedge.keydown({ key: 'Process', code, ctrlKey: false, altKey: false, metaKey: false, target: field, preventDefault: () => undefined });
      clock.advance(8);
    }
    press('Enter');
    expect(scans).toEqual(['690123A']);
  });

  it('ignores Shift inside a scan (capital letters)', () => {
    for (const k of ['Shift', 'A', 'Shift', 'B', '1', '2', '3', '4']) {
      press(k);
      clock.advance(5);
    }
    press('Enter');
    expect(scans).toEqual(['AB1234']);
  });

  it('a human key right after a scan is typing again', () => {
    type('12345678', 10);
    clock.advance(10);
    press('Enter');
    clock.advance(300);
    expect(press('7')).toBe(false);
    expect(field.value).toBe('7');
  });

  it('does nothing when disabled, and follows new settings', () => {
    setup({ enabled: false });
    type('12345678', 5);
    expect(press('Enter')).toBe(false);
    expect(field.value).toBe('12345678');
    expect(scans).toEqual([]);
    wedge.configure({ enabled: true, minLength: 4 });
    expect(wedge.settings().minLength).toBe(4);
    clock.advance(500);
    field.value = '';
    type('1234', 5);
    clock.advance(5);
    press('Enter');
    expect(scans).toEqual(['1234']);
    expect(field.value).toBe('');
  });

  it('keeps endGapMs at least maxGapMs', () => {
    wedge.configure({ maxGapMs: 50, endGapMs: 10 });
    expect(wedge.settings().endGapMs).toBe(50);
  });
});
