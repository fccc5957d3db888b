import { useEffect, useEffectEvent } from 'react';

export interface PadKeys {
  digit: (digit: string) => void;
  backspace: () => void;
  /** Enter; null leaves the key to the screen behind (nothing to confirm yet). */
  enter: (() => void) | null;
  escape: () => void;
}

/**
 * While a keypad (PIN pad, typed wallet code) is on screen it takes the keyboard too: digits,
 * Backspace, Enter, Esc, before anything behind it sees the keys.
 */
export function usePadKeys(keys: PadKeys): void {
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    // A scan the wedge detector swallowed, or a modified key, is not typing.
    if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return;
    const take = (): void => {
      e.preventDefault();
      e.stopPropagation();
    };
    if (/^\d$/.test(e.key)) {
      take();
      keys.digit(e.key);
    } else if (e.key === 'Backspace') {
      take();
      keys.backspace();
    } else if (e.key === 'Escape') {
      take();
      keys.escape();
    } else if (e.key === 'Enter' && keys.enter) {
      take();
      keys.enter();
    }
  });
  useEffect(() => {
    // Capture phase: the pad sees the keys before the screen behind it (or a focused input). On
    // the document, not the window: the wedge scanner detector (window, capture) must come first.
    const listener = (e: KeyboardEvent): void => onKey(e);
    document.addEventListener('keydown', listener, true);
    return () => document.removeEventListener('keydown', listener, true);
  }, []);
}
