import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionDto, StaffRef } from '../../contract/api';
import { createFakePos, ok, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import {
  backspacePin,
  lockTill,
  pickStaff,
  sessionStore,
  setSession,
  signOut,
  submitPin,
  typePinDigit,
} from './session';
import { describePinError } from './pin';
import { callWithSupervisor, supervisorStore } from './supervisor';
import { uiStore } from './ui';

let fake: FakePos;
beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const cashier: StaffRef = { id: 'demo-cashier', name: 'Li Na', role: 'cashier' };
const supervisor: StaffRef = { id: 'demo-supervisor', name: 'Wang Wei', role: 'supervisor' };
const session = (state: SessionDto['state'], staff: StaffRef | null): SessionDto => ({
  state,
  staff,
  since: staff ? '2026-05-01T12:00:00.000Z' : null,
  idleLockSeconds: 300,
});

describe('signing in on the PIN pad', () => {
  it('needs a picked person and four digits; a wrong PIN shows the tries left and clears the pad', async () => {
    setSession(session('signed_out', null));
    fake.reply('staff.login', ({ pin }) =>
      pin === '1111'
        ? ok(session('active', cashier))
        : { ok: false, error: { code: 'auth.bad_pin', message: 'wrong PIN; 3 tries left before a lockout' } },
    );
    for (const d of '1111') typePinDigit(d);
    await submitPin();
    expect(fake.calls).toHaveLength(0); // nobody picked yet
    pickStaff('demo-cashier');
    for (const d of '12') typePinDigit(d);
    await submitPin();
    expect(fake.calls).toHaveLength(0); // too short
    for (const d of '34') typePinDigit(d);
    await submitPin();
    expect(sessionStore.getState()).toMatchObject({ pin: '', problem: { code: 'auth.bad_pin', triesLeft: 3 } });
    expect(uiStore.getState().toast).toBeNull();
    // Typing again clears the notice; 8 digits at most; backspace.
    for (const d of '1111999999') typePinDigit(d);
    expect(sessionStore.getState()).toMatchObject({ pin: '11119999', problem: null });
    for (let i = 0; i < 4; i++) backspacePin();
    await submitPin();
    expect(fake.calls.at(-1)?.input).toEqual({ staffId: 'demo-cashier', pin: '1111' });
    expect(sessionStore.getState().session).toMatchObject({ state: 'active', staff: { name: 'Li Na' } });
    expect(sessionStore.getState().pin).toBe('');
  });

  it('a lockout says until when', () => {
    const p = describePinError({
      code: 'auth.locked_out',
      message: 'Li Na: 5 wrong PINs; locked out until 2026-05-01T12:00:30.000Z',
    });
    expect(p).toMatchObject({ code: 'auth.locked_out', until: '2026-05-01T12:00:30.000Z', triesLeft: null });
  });

  it('the lock screen starts on the locked person; lock and sign out follow the terminal', async () => {
    fake.reply('staff.lock', () => ok(session('locked', cashier)));
    fake.reply('staff.logout', () => ok(session('signed_out', null)));
    setSession(session('active', cashier));
    typePinDigit('1');
    await lockTill();
    expect(sessionStore.getState()).toMatchObject({ session: { state: 'locked' }, pickedId: 'demo-cashier', pin: '' });
    // Another person takes over: their tile, their PIN.
    pickStaff('demo-supervisor');
    expect(sessionStore.getState().pickedId).toBe('demo-supervisor');
    await signOut();
    expect(sessionStore.getState()).toMatchObject({ session: { state: 'signed_out' }, pickedId: null });
  });

  it('the staff.session event (idle lock) cancels a supervisor prompt nobody can answer now', async () => {
    setSession(session('active', cashier));
    fake.reply('drawer.noSale', () => ({ ok: false, error: { code: 'auth.supervisor_required', message: 'needs a supervisor' } }));
    const asked = callWithSupervisor('drawer.noSale', { reason: 'change' });
    await vi.waitFor(() => expect(supervisorStore.getState().open).toBe(true));
    setSession(session('locked', cashier));
    expect(await asked).toBeNull();
    expect(supervisorStore.getState().open).toBe(false);
    setSession(session('active', supervisor));
    expect(sessionStore.getState().session?.staff?.name).toBe('Wang Wei');
  });
});
