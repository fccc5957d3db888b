// Staff as this terminal knows them (the gateway's `staff` reference data, or a local bootstrap
// admin before any arrived) and their failed PIN attempts.
import type { StaffMember } from '../contract/gateway';
import type { Db } from './open';
import { getSetting, setSetting } from './settings';
import { prep } from './statements';

const STAFF_SETTING = 'staff';
const BOOTSTRAP_SETTING = 'bootstrap_admin';

/** The staff list; before the gateway sent one, the local bootstrap admin alone (if any). */
export function staffMembers(db: Db): StaffMember[] {
  const list = getSetting<StaffMember[]>(db, STAFF_SETTING);
  if (list && list.length > 0) return list;
  const admin = getSetting<StaffMember>(db, BOOTSTRAP_SETTING);
  return admin ? [admin] : [];
}

export function replaceStaff(db: Db, staff: readonly StaffMember[]): void {
  setSetting(db, STAFF_SETTING, staff);
}

export function bootstrapAdmin(db: Db): StaffMember | undefined {
  return getSetting<StaffMember>(db, BOOTSTRAP_SETTING);
}

export function setBootstrapAdmin(db: Db, admin: StaffMember): void {
  setSetting(db, BOOTSTRAP_SETTING, admin);
}

export interface Lockout {
  failures: number;
  lockedUntil: string | null;
}

export function lockoutOf(db: Db, key: string): Lockout {
  const row = prep(db, 'SELECT failures, locked_until FROM staff_lockouts WHERE staff_id = ?').get(key) as
    | { failures: number; locked_until: string | null }
    | undefined;
  return row ? { failures: row.failures, lockedUntil: row.locked_until } : { failures: 0, lockedUntil: null };
}

export function setLockout(db: Db, key: string, lockout: Lockout, at: string): void {
  prep(
    db,
    `INSERT INTO staff_lockouts (staff_id, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (staff_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
       updated_at = excluded.updated_at`,
  ).run(key, lockout.failures, lockout.lockedUntil, at);
}
