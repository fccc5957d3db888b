// Every action's way to the terminal: a failed reply becomes a toast, and the action gets null
// so it leaves its state as it was.
import type { ApiError, CommandInput, CommandName, CommandOutput, Reply } from '../../contract/api';
import { pos } from '../pos';
import { showError } from './ui';

export async function call<K extends CommandName>(method: K, input: CommandInput<K>): Promise<CommandOutput<K> | null> {
  return callOr(method, input, () => false);
}

/**
 * Like call, but a refusal goes to `handle` first: it returns true when it dealt with the error
 * itself (an ID-check prompt, a supervisor notice), false to show the usual toast.
 */
export async function callOr<K extends CommandName>(
  method: K,
  input: CommandInput<K>,
  handle: (error: ApiError) => boolean,
): Promise<CommandOutput<K> | null> {
  let reply: Reply<CommandOutput<K>>;
  try {
    // PosApi is a mapped type; TypeScript cannot index it with a generic key and keep the pairing.
    const fn = pos()[method] as unknown as (i: CommandInput<K>) => Promise<Reply<CommandOutput<K>>>;
    reply = await fn(input);
  } catch (err) {
    // A host bug (not a refused command): still tell the cashier instead of freezing the screen.
    showError({ code: 'internal', message: `${method}: ${String(err)}` });
    return null;
  }
  if (reply.ok) return reply.value;
  if (!handle(reply.error)) showError(reply.error);
  return null;
}
