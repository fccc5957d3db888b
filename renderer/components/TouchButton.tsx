import type { ButtonHTMLAttributes } from 'react';

/**
 * A button that does not take focus from a tap or click, so keyboard focus (and what Enter does)
 * stays where the keyboard put it. Keyboard users still reach it with Tab.
 */
export function TouchButton(props: ButtonHTMLAttributes<HTMLButtonElement>) {
  return <button type="button" {...props} onMouseDown={(e) => e.preventDefault()} />;
}
