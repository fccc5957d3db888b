// The supervisor PIN prompt (issue 7): a command the terminal refuses with
// auth.supervisor_required or discount.needs_supervisor is not lost. The cashier's screen asks for
// a supervisor's PIN and sends the same command again with `supervisorPin`; a wrong PIN keeps the
// prompt open with the tries left, Cancel gives the caller null.
import { createStore } from 'zustand/vanilla';
import type { ApiError, CommandInput, CommandName, CommandOutput } from '../../contract/api';
import { callOr } from './call';
import { appendPinDigit, describePinError, MIN_PIN, type PinProblem } from './pin';

/** Commands that take a supervisor's PIN with them (contract/api.ts: `supervisorPin`). */
export type SupervisedCommand = Extract<
  CommandName,
  | 'shift.open'
  | 'shift.cashMovement'
  | 'drawer.noSale'
  | 'shift.close'
  | 'day.close'
  | 'refund.create'
  | 'sale.void'
  | 'sale.setDiscount'
  | 'sale.removeLine'
  | 'sale.setQuantity'
  | 'sale.clear'
  | 'sale.overridePrice'
>;

const NEEDS_SUPERVISOR: ReadonlySet<string> = new Set(['auth.supervisor_required', 'discount.needs_supervisor']);
/** Answers to a typed PIN that mean "try another PIN", not "give up". */
const PIN_ANSWERS: ReadonlySet<string> = new Set(['auth.bad_pin', 'auth.locked_out', 'auth.supervisor_required']);

export interface SupervisorState {
  open: boolean;
  /** The command waiting for approval (names the action on the prompt). */
  method: SupervisedCommand | null;
  pin: string;
  problem: PinProblem | null;
  busy: boolean;
}

export const initialSupervisorState: SupervisorState = { open: false, method: null, pin: '', problem: null, busy: false };
export const supervisorStore = createStore<SupervisorState>()(() => initialSupervisorState);

interface Pending {
  send(pin: string): Promise<void>;
  cancel(): void;
}
let pending: Pending | null = null;

export const needsSupervisor = (e: ApiError): boolean => NEEDS_SUPERVISOR.has(e.code);

/**
 * Sends the command; when a supervisor must approve, asks for the PIN and sends it again with it.
 * Resolves with the command's answer, or null when refused (a toast) or cancelled.
 */
export async function callWithSupervisor<K extends SupervisedCommand>(
  method: K,
  input: CommandInput<K>,
  /** Refusals the caller shows itself (true: handled, no toast). */
  handle: (error: ApiError) => boolean = () => false,
): Promise<CommandOutput<K> | null> {
  let asked = false;
  const first = await callOr(method, input, (e) => {
    if (needsSupervisor(e) && input.supervisorPin === undefined) {
      asked = true;
      return true;
    }
    return handle(e);
  });
  if (!asked) return first;
  // Another prompt still open (should not happen: it is modal) is cancelled, never left hanging.
  pending?.cancel();
  return new Promise((resolve) => {
    const done = (value: CommandOutput<K> | null) => {
      pending = null;
      supervisorStore.setState(initialSupervisorState);
      resolve(value);
    };
    pending = {
      async send(pin) {
        let retry = false;
        const value = await callOr(method, { ...input, supervisorPin: pin }, (e) => {
          if (PIN_ANSWERS.has(e.code)) {
            retry = true;
            supervisorStore.setState({ problem: describePinError(e), pin: '' });
            return true;
          }
          return handle(e);
        });
        if (!retry) done(value);
      },
      cancel: () => done(null),
    };
    supervisorStore.setState({ ...initialSupervisorState, open: true, method });
  });
}

export function typeSupervisorDigit(digit: string): void {
  supervisorStore.setState((s) => ({ pin: appendPinDigit(s.pin, digit), problem: null }));
}

export function backspaceSupervisorPin(): void {
  supervisorStore.setState((s) => ({ pin: s.pin.slice(0, -1) }));
}

export function clearSupervisorPin(): void {
  supervisorStore.setState({ pin: '' });
}

export async function submitSupervisorPin(): Promise<void> {
  const { pin, busy, open } = supervisorStore.getState();
  if (!open || busy || pin.length < MIN_PIN || !pending) return;
  supervisorStore.setState({ busy: true });
  try {
    await pending.send(pin);
  } finally {
    if (supervisorStore.getState().open) supervisorStore.setState({ busy: false });
  }
}

export function cancelSupervisor(): void {
  if (supervisorStore.getState().busy) return;
  pending?.cancel();
  supervisorStore.setState(initialSupervisorState);
}
