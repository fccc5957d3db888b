// Who is at the till (issue 7): the session the terminal reports, the staff who may sign in, and
// the sign-in / lock screen's PIN pad. Signed out or locked, nothing else is on screen.
import { createStore } from 'zustand/vanilla';
import type { SessionDto, StaffRef } from '../../contract/api';
import { call, callOr } from './call';
import { cancelSupervisor } from './supervisor';
import { appendPinDigit, describePinError, MIN_PIN, type PinProblem } from './pin';

export interface SessionState {
  session: SessionDto | null;
  staff: StaffRef[];
  /** The tile picked on the sign-in screen; on the lock screen, the locked person by default. */
  pickedId: string | null;
  pin: string;
  problem: PinProblem | null;
  busy: boolean;
}

export const initialSessionState: SessionState = {
  session: null,
  staff: [],
  pickedId: null,
  pin: '',
  problem: null,
  busy: false,
};
export const sessionStore = createStore<SessionState>()(() => initialSessionState);

export function setSession(session: SessionDto): void {
  const before = sessionStore.getState().session;
  const changed = before?.state !== session.state || before.staff?.id !== session.staff?.id;
  // Locked or signed out, nobody is there to type a supervisor's PIN for the action that asked.
  if (session.state !== 'active') cancelSupervisor();
  // A new state starts a fresh pad: a half-typed PIN never carries over to the next person.
  sessionStore.setState(
    changed
      ? { session, pin: '', problem: null, pickedId: session.state === 'locked' ? (session.staff?.id ?? null) : null }
      : { session },
  );
}

export async function loadSession(): Promise<void> {
  const session = await call('staff.session', {});
  if (session) setSession(session);
}

export async function loadStaff(): Promise<void> {
  const staff = await call('staff.list', {});
  if (staff) sessionStore.setState({ staff });
}

export function pickStaff(staffId: string): void {
  sessionStore.setState({ pickedId: staffId, pin: '', problem: null });
}

export function typePinDigit(digit: string): void {
  sessionStore.setState((s) => ({ pin: appendPinDigit(s.pin, digit), problem: null }));
}

export function backspacePin(): void {
  sessionStore.setState((s) => ({ pin: s.pin.slice(0, -1) }));
}

export function clearPin(): void {
  sessionStore.setState({ pin: '', problem: null });
}

/** OK on the pad: signs the picked person in (or unlocks, or takes over a locked till). */
export async function submitPin(): Promise<void> {
  const { pickedId, pin, busy } = sessionStore.getState();
  if (busy || pickedId === null || pin.length < MIN_PIN) return;
  sessionStore.setState({ busy: true });
  try {
    const session = await callOr('staff.login', { staffId: pickedId, pin }, (e) => {
      if (e.code !== 'auth.bad_pin' && e.code !== 'auth.locked_out') return false;
      sessionStore.setState({ problem: describePinError(e), pin: '' });
      return true;
    });
    if (session) setSession(session);
  } finally {
    sessionStore.setState({ busy: false });
  }
}

export async function lockTill(): Promise<void> {
  const session = await call('staff.lock', {});
  if (session) setSession(session);
}

export async function signOut(): Promise<void> {
  const session = await call('staff.logout', {});
  if (session) setSession(session);
}

/** The signed-in person (not while locked), for role checks in the UI. */
export function activeStaff(): StaffRef | null {
  const s = sessionStore.getState().session;
  return s?.state === 'active' ? s.staff : null;
}

/** At most one activity touch per this long: the idle lock counts minutes, not taps. */
export const TOUCH_EVERY_MS = 15_000;
let lastTouch = 0;

/**
 * A tap or a key on the till: tells the terminal someone is working (counting a drawer, reading a
 * menu) so the idle lock does not close the screen under them. Only while someone is signed in.
 */
export function noteActivity(now = Date.now()): void {
  if (sessionStore.getState().session?.state !== 'active' || now - lastTouch < TOUCH_EVERY_MS) return;
  lastTouch = now;
  void call('staff.touch', {});
}

/** Forgets the last touch (tests). */
export function resetActivity(): void {
  lastTouch = 0;
}
