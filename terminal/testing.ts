// For tests that are about something else than staff and shifts: a demo till ready to sell, as a
// supervisor would leave it (signed in, a shift open with a float). Demo staff: cashier 1111,
// supervisor 2222, admin 9999.
import type { Terminal } from './terminal';

export const DEMO_FLOAT = [
  { denomination: 10000, count: 1 },
  { denomination: 2000, count: 4 },
  { denomination: 1000, count: 5 },
  { denomination: 100, count: 20 },
];

/** Runs a command and returns its value; a refusal fails the test with its code and message. */
export async function must<T = unknown>(t: Terminal, method: string, input: unknown = {}): Promise<T> {
  const reply = await t.dispatch(method, input);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

/** Runs a command that must be refused and returns the refusal. */
export async function refused(t: Terminal, method: string, input: unknown = {}): Promise<{ code: string; message: string }> {
  const reply = await t.dispatch(method, input);
  if (reply.ok) throw new Error(`${method} unexpectedly succeeded`);
  return reply.error;
}

/**
 * Signs in (the demo supervisor by default, who may also refund and void) and opens a shift if
 * none is open. Run it again after a restart: the shift is still open, the session is not.
 */
export async function openTill(
  t: Terminal,
  as: { staffId: string; pin: string } = { staffId: 'demo-supervisor', pin: '2222' },
): Promise<void> {
  // An enrolled till gets its staff with the gateway's reference data: wait for them.
  for (let waited = 0; ; waited += 20) {
    const staff = await must<{ id: string }[]>(t, 'staff.list', {});
    if (staff.some((m) => m.id === as.staffId)) break;
    if (waited > 10_000) throw new Error(`${as.staffId} never arrived in the staff list`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await must(t, 'staff.login', as);
  if ((await must(t, 'shift.current', {})) === null) {
    await must(t, 'shift.open', { cashierId: as.staffId, float: DEMO_FLOAT, supervisorPin: '2222' });
  }
}
