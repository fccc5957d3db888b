// Sign-in, lockout and idle lock through the real terminal (demo staff: cashier 1111,
// supervisor 2222, admin 9999), with a manual clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionDto, StaffRef } from '../../contract/api';
import { openDatabase } from '../../db/open';
import { manualClock } from '../../lib/clock';
import { verifyPin } from '../../lib/pin';
import { createTerminalSync } from '../create-terminal';
import type { Terminal } from '../terminal';
import { must, refused } from '../testing';

let dataDir: string;
let terminal: Terminal;
const clock = manualClock(Date.UTC(2026, 10, 22, 11, 0));
const sessions: SessionDto[] = [];

const call = <T,>(method: string, input: unknown = {}): Promise<T> => must<T>(terminal, method, input);
const fail = (method: string, input: unknown = {}): Promise<{ code: string; message: string }> => refused(terminal, method, input);

function start(demo = true): void {
  terminal = createTerminalSync({ dataDir, demo, clock, staff: { lockoutBaseMs: 30_000 } });
  terminal.on('staff.session', (s) => sessions.push(s));
}

beforeEach(() => {
  clock.set(Date.UTC(2026, 10, 22, 11, 0));
  sessions.length = 0;
  dataDir = mkdtempSync(join(tmpdir(), 'pos-staff-'));
  start();
});
afterEach(() => {
  terminal.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function journalTypes(): string[] {
  const db = openDatabase(join(dataDir, 'terminal.db'), { readonly: true });
  try {
    return (db.prepare('SELECT type FROM journal ORDER BY seq').all() as { type: string }[]).map((r) => r.type);
  } finally {
    db.close();
  }
}

describe('sign-in', () => {
  it('lists the staff without PIN hashes and signs in with the right PIN only', async () => {
    const staff = await call<StaffRef[]>('staff.list');
    expect(staff).toEqual([
      { id: 'demo-cashier', name: 'Li Na', role: 'cashier' },
      { id: 'demo-supervisor', name: 'Wang Wei', role: 'supervisor' },
      { id: 'demo-admin', name: 'Venue admin', role: 'admin' },
    ]);
    expect((await call<SessionDto>('staff.session')).state).toBe('signed_out');
    expect((await fail('staff.login', { staffId: 'demo-cashier', pin: '2222' })).code).toBe('auth.bad_pin');
    expect((await fail('staff.login', { staffId: 'nobody', pin: '1111' })).code).toBe('auth.bad_pin');
    const s = await call<SessionDto>('staff.login', { staffId: 'demo-cashier', pin: '1111' });
    expect(s).toMatchObject({ state: 'active', staff: { id: 'demo-cashier', role: 'cashier' }, idleLockSeconds: 300 });
    expect(sessions.at(-1)).toEqual(s);
    expect((await call<{ cashier: unknown }>('terminal.getStatus')).cashier).toEqual({ id: 'demo-cashier', name: 'Li Na' });
    expect((await call<SessionDto>('staff.logout')).state).toBe('signed_out');
    expect(journalTypes()).toEqual(['staff.pin_failed', 'staff.signed_in', 'staff.signed_out']);
  });

  it('locks a person out after 5 wrong PINs, for longer each time, across a restart', async () => {
    const wrong = { staffId: 'demo-cashier', pin: '0000' };
    for (let i = 4; i >= 1; i--) expect((await fail('staff.login', wrong)).message).toContain(`${i} tries left`);
    expect((await fail('staff.login', wrong)).code).toBe('auth.locked_out');
    // locked: even the right PIN is refused, and it is not even checked
    expect((await fail('staff.login', { staffId: 'demo-cashier', pin: '1111' })).code).toBe('auth.locked_out');
    // someone else is not affected
    await call('staff.login', { staffId: 'demo-supervisor', pin: '2222' });
    terminal.close();
    start();
    expect((await fail('staff.login', { staffId: 'demo-cashier', pin: '1111' })).message).toMatch(/try again in 30 s/);
    clock.advance(30_000);
    // the sixth wrong PIN locks for twice as long
    expect((await fail('staff.login', wrong)).message).toContain('2026-11-22T11:01:30.000Z');
    clock.advance(60_000);
    expect((await call<SessionDto>('staff.login', { staffId: 'demo-cashier', pin: '1111' })).state).toBe('active');
    // a success resets the count
    expect((await fail('staff.login', wrong)).message).toContain('4 tries left');
  });
});

describe('idle lock', () => {
  it('locks after the idle time; the same PIN unlocks, another person takes over', async () => {
    await call('staff.login', { staffId: 'demo-cashier', pin: '1111' });
    clock.advance(299_000);
    await call('staff.touch'); // a tap (status reads are not)
    clock.advance(299_000);
    expect((await call<SessionDto>('staff.session')).state).toBe('active');
    clock.advance(2_000);
    const locked = await call<SessionDto>('staff.session');
    expect(locked).toMatchObject({ state: 'locked', staff: { id: 'demo-cashier' } });
    expect(sessions.at(-1)?.state).toBe('locked');
    const since = locked.since;
    const back = await call<SessionDto>('staff.login', { staffId: 'demo-cashier', pin: '1111' });
    expect(back).toMatchObject({ state: 'active', since });
    await call('staff.lock');
    const other = await call<SessionDto>('staff.login', { staffId: 'demo-supervisor', pin: '2222' });
    expect(other.staff?.id).toBe('demo-supervisor');
    expect(journalTypes()).toEqual([
      'staff.signed_in',
      'staff.locked',
      'staff.unlocked',
      'staff.locked',
      'staff.signed_out',
      'staff.signed_in',
    ]);
  });
});

describe('a new terminal', () => {
  it('gets a bootstrap admin whose PIN is shown once', async () => {
    terminal.close();
    rmSync(dataDir, { recursive: true, force: true });
    dataDir = mkdtempSync(join(tmpdir(), 'pos-staff-'));
    start(false);
    const pin = terminal.bootstrapPin;
    expect(pin).toMatch(/^\d{6}$/);
    expect(await call<StaffRef[]>('staff.list')).toEqual([{ id: 'bootstrap-admin', name: 'Bootstrap admin', role: 'admin' }]);
    expect((await call<SessionDto>('staff.login', { staffId: 'bootstrap-admin', pin: pin! })).staff?.role).toBe('admin');
    terminal.close();
    start(false);
    expect(terminal.bootstrapPin).toBeNull();
    const db = openDatabase(join(dataDir, 'terminal.db'), { readonly: true });
    try {
      const stored = db.prepare("SELECT value FROM settings WHERE key = 'bootstrap_admin'").get() as { value: string };
      expect(stored.value).not.toContain(pin!);
      expect(await verifyPin(pin!, (JSON.parse(stored.value) as { pinHash: string }).pinHash)).toBe(true);
    } finally {
      db.close();
    }
  });
});
