// Who is at the till (issue 7): sign-in with a PIN, lockout after wrong PINs (kept in SQLite so a
// restart does not reset it), the idle lock, and supervisor approval by PIN for what a cashier may
// not do alone. Sessions live in memory: a restarted till starts signed out.
import { PosError, type SessionDto, type StaffRef } from '../../contract/api';
import type { StaffMember } from '../../contract/gateway';
import { roleAtLeast, type Role } from '../../contract/menu';
import { appendJournal } from '../../db/journal';
import type { Db } from '../../db/open';
import { lockoutOf, setLockout, staffMembers } from '../../db/staff';
import { isoUtc, type Clock } from '../../lib/clock';
import { verifyPin } from '../../lib/pin';

/** Wrong PINs in a row before a lockout. */
export const MAX_PIN_FAILURES = 5;

export interface StaffConfig {
  /** First lockout; each further wrong PIN doubles it. */
  lockoutBaseMs: number;
  lockoutMaxMs: number;
  /** Overrides the venue's idle lock (tests that jump the clock by hours set 0: never). */
  idleLockSeconds?: number;
}

export const defaultStaffConfig: StaffConfig = { lockoutBaseMs: 30_000, lockoutMaxMs: 60 * 60_000 };

/** Lockout key for PINs typed as supervisor approval (no name is picked first). */
const OVERRIDE_KEY = '*override*';

export interface StaffServiceDeps {
  db: Db;
  clock: Clock;
  terminalId: string;
  idleLockSeconds: () => number;
  config?: Partial<StaffConfig>;
  onChange: (session: SessionDto) => void;
}

export interface StaffService {
  list(): StaffRef[];
  session(): SessionDto;
  /** The signed-in person, or null when signed out or locked. */
  current(): StaffRef | null;
  /** The signed-in person; refuses with auth.signed_out (or auth.forbidden below `role`). */
  require(role?: Role): StaffRef;
  login(staffId: string, pin: string): Promise<SessionDto>;
  logout(): SessionDto;
  lock(): SessionDto;
  /** A touch at the till: restarts the idle clock (a locked till stays locked). */
  touch(): void;
  /** Locks the till when it has been idle too long; returns true when it just locked. */
  checkIdle(): boolean;
  /**
   * A supervisor (or higher) approves with their PIN at this till. Wrong PINs count toward one
   * terminal-wide lockout. Returns who approved.
   */
  approve(pin: string, role?: Role): Promise<StaffRef>;
  /**
   * What a supervisor must approve: the signed-in person when their role is enough, else the
   * person whose PIN was typed. An approval by someone else is journaled at once (`override`,
   * naming both people, the action and the reason), before the action it approves.
   */
  authorize(
    pin: string | undefined,
    role: Role,
    action: string,
    reason: string | null,
  ): Promise<{ actor: StaffRef; approver: StaffRef }>;
}

const ref = (m: StaffMember): StaffRef => ({ id: m.id, name: m.name, role: m.role });

export function createStaffService(deps: StaffServiceDeps): StaffService {
  const { db, clock } = deps;
  const cfg = { ...defaultStaffConfig, ...deps.config };
  let who: StaffRef | null = null;
  let since: string | null = null;
  let locked = false;
  let lastTouch = clock.now();

  const now = (): string => isoUtc(clock.now());
  const idleLimit = (): number => cfg.idleLockSeconds ?? deps.idleLockSeconds();

  function session(): SessionDto {
    return {
      state: who === null ? 'signed_out' : locked ? 'locked' : 'active',
      staff: who,
      since,
      idleLockSeconds: idleLimit(),
    };
  }

  function changed(): SessionDto {
    const s = session();
    deps.onChange(s);
    return s;
  }

  function journal(type: string, payload: Record<string, unknown>): void {
    appendJournal(db, now(), type, { terminalId: deps.terminalId, ...payload });
  }

  /** Refuses while locked out; the caller then verifies the PIN. */
  function assertNotLockedOut(key: string, name: string): void {
    const l = lockoutOf(db, key);
    if (l.lockedUntil !== null && Date.parse(l.lockedUntil) > clock.now()) {
      const seconds = Math.ceil((Date.parse(l.lockedUntil) - clock.now()) / 1000);
      throw new PosError('auth.locked_out', `${name}: too many wrong PINs; try again in ${seconds} s (at ${l.lockedUntil})`);
    }
  }

  /** Counts a wrong PIN; from the fifth on, locks out for a delay that doubles each time. */
  function failed(key: string, name: string): PosError {
    const l = lockoutOf(db, key);
    const failures = l.failures + 1;
    const over = failures - MAX_PIN_FAILURES;
    const lockedUntil =
      over >= 0 ? isoUtc(clock.now() + Math.min(cfg.lockoutMaxMs, cfg.lockoutBaseMs * 2 ** Math.min(over, 30))) : null;
    db.transaction(() => {
      setLockout(db, key, { failures, lockedUntil }, now());
      journal('staff.pin_failed', { staffId: key === OVERRIDE_KEY ? null : key, failures, lockedUntil });
    })();
    if (lockedUntil !== null) {
      return new PosError('auth.locked_out', `${name}: ${failures} wrong PINs; locked out until ${lockedUntil}`);
    }
    return new PosError('auth.bad_pin', `wrong PIN; ${MAX_PIN_FAILURES - failures} tries left before a lockout`);
  }

  function succeeded(key: string): void {
    if (lockoutOf(db, key).failures > 0) setLockout(db, key, { failures: 0, lockedUntil: null }, now());
  }

  return {
    list: () => staffMembers(db).map(ref),
    session,
    current: () => (locked ? null : who),

    require(role = 'cashier') {
      if (who === null || locked) throw new PosError('auth.signed_out', 'sign in first');
      if (!roleAtLeast(who.role, role)) {
        throw new PosError('auth.forbidden', `${who.name} is a ${who.role}; this needs a ${role}`);
      }
      return who;
    },

    async login(staffId, pin) {
      const member = staffMembers(db).find((m) => m.id === staffId);
      if (!member) throw new PosError('auth.bad_pin', `nobody with id ${staffId} may sign in here`);
      assertNotLockedOut(member.id, member.name);
      if (!(await verifyPin(pin, member.pinHash))) throw failed(member.id, member.name);
      succeeded(member.id);
      const unlock = who?.id === member.id && locked;
      if (!unlock && who !== null) journal('staff.signed_out', { staff: who, reason: 'another person signed in' });
      who = ref(member);
      if (!unlock) since = now();
      locked = false;
      lastTouch = clock.now();
      journal(unlock ? 'staff.unlocked' : 'staff.signed_in', { staff: who });
      return changed();
    },

    logout() {
      if (who !== null) journal('staff.signed_out', { staff: who, reason: 'sign out' });
      who = null;
      since = null;
      locked = false;
      return changed();
    },

    lock() {
      if (who === null || locked) return session();
      locked = true;
      journal('staff.locked', { staff: who, reason: 'locked by hand' });
      return changed();
    },

    touch() {
      if (!locked) lastTouch = clock.now();
    },

    checkIdle() {
      const limit = idleLimit();
      if (who === null || locked || limit === 0) return false;
      if (clock.now() - lastTouch < limit * 1000) return false;
      locked = true;
      journal('staff.locked', { staff: who, reason: 'idle' });
      changed();
      return true;
    },

    async approve(pin, role = 'supervisor') {
      assertNotLockedOut(OVERRIDE_KEY, 'supervisor approval');
      const candidates = staffMembers(db).filter((m) => roleAtLeast(m.role, role));
      // Verified side by side (scrypt runs on libuv's pool); a venue has few supervisors.
      const matches = await Promise.all(candidates.map((m) => verifyPin(pin, m.pinHash)));
      const found = candidates.find((_, i) => matches[i]);
      if (!found) throw failed(OVERRIDE_KEY, 'supervisor approval');
      succeeded(OVERRIDE_KEY);
      return ref(found);
    },

    async authorize(pin, role, action, reason) {
      const actor = this.require('cashier');
      if (roleAtLeast(actor.role, role)) return { actor, approver: actor };
      if (pin === undefined) {
        throw new PosError('auth.supervisor_required', `${action} needs a ${role}: sign in as one or give the PIN`);
      }
      const approver = await this.approve(pin, role);
      journal('override', { action, reason, by: actor, approvedBy: approver });
      return { actor, approver };
    },
  };
}
