// What a refused PIN means for the person at the pad: tries left before a lockout, or until when
// they are locked out. The terminal says so in its message (the code alone does not carry it).
import type { ApiError } from '../../contract/api';

export interface PinProblem {
  code: string;
  /** auth.bad_pin: tries left before a lockout, when the message says. */
  triesLeft: number | null;
  /** auth.locked_out: ISO time the lockout ends, when the message says. */
  until: string | null;
  detail: string;
}

export function describePinError(e: ApiError): PinProblem {
  const tries = /(\d+) tries? left/.exec(e.message);
  const at = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/.exec(e.message);
  return {
    code: e.code,
    triesLeft: tries ? Number(tries[1]) : null,
    until: e.code === 'auth.locked_out' && at ? (at[1] ?? null) : null,
    detail: e.message,
  };
}

export const MIN_PIN = 4;
export const MAX_PIN = 8;

/** A PIN as typed so far: digits only, at most 8. */
export function appendPinDigit(pin: string, digit: string, max = MAX_PIN): string {
  return /^\d$/.test(digit) && pin.length < max ? pin + digit : pin;
}
