// The wedge detector on the real window: every keydown in the capture phase (before any screen,
// the PIN pads included), real time, and the focused input cleaned of what a scan typed into it.
import { createWedgeDetector, type WedgeDetector, type WedgeHooks, type WedgeSettings } from './wedge';

interface TextField {
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  setSelectionRange(start: number, end: number): void;
  dispatchEvent(event: Event): boolean;
}

function isTextField(target: unknown): target is TextField {
  return (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as TextField).value === 'string' &&
    typeof (target as TextField).setSelectionRange === 'function'
  );
}

/**
 * Removes `text` just before the caret of a focused input, when that is where it went. React
 * owns controlled inputs' values: the value is set through the element's own setter and an
 * `input` event tells React, as a person's Backspace would.
 */
export function removeTypedText(target: unknown, text: string): void {
  if (text === '' || !isTextField(target)) return;
  const end = target.selectionStart ?? target.value.length;
  if (end !== target.selectionEnd || target.value.slice(Math.max(0, end - text.length), end) !== text) return;
  const next = target.value.slice(0, end - text.length) + target.value.slice(end);
  const proto = Object.getPrototypeOf(target) as object;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'value');
  if (descriptor?.set) Reflect.set(proto, 'value', next, target);
  else target.value = next;
  target.setSelectionRange(end - text.length, end - text.length);
  target.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Starts watching the keyboard; returns the detector (to reconfigure) and how to stop. */
export function installWedge(
  hooks: WedgeHooks,
  settings: Partial<WedgeSettings> = {},
): { detector: WedgeDetector; stop: () => void } {
  const detector = createWedgeDetector(
    { undo: removeTypedText, ...hooks },
    {
      now: () => performance.now(),
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    },
    settings,
  );
  const listener = (e: KeyboardEvent): void => {
    // Auto-repeat of a held key is a person's.
    if (e.repeat) return;
    detector.keydown(e);
  };
  globalThis.addEventListener?.('keydown', listener, { capture: true });
  return {
    detector,
    stop: () => {
      detector.reset();
      globalThis.removeEventListener?.('keydown', listener, { capture: true });
    },
  };
}
