// The one place where host input meets the services: the command name is checked, the input is
// parsed with the contract's zod schema, and every outcome becomes a Reply. Both hosts call this.
import {
  commands,
  PosError,
  type CommandName,
  type CommandOutput,
  type CommandParsed,
  type Reply,
} from '../contract/api';
import { logger } from '../lib/log';

const log = logger('dispatch');

export type Handlers = {
  [K in CommandName]: (input: CommandParsed<K>) => CommandOutput<K> | Promise<CommandOutput<K>>;
};

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

export async function dispatch(
  handlers: Handlers,
  method: unknown,
  input: unknown,
): Promise<Reply<unknown>> {
  if (!isCommandName(method)) {
    return { ok: false, error: { code: 'unknown_command', message: `unknown command ${JSON.stringify(method)}` } };
  }
  const parsed = commands[method].input.safeParse(input === undefined ? {} : input);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
      .join('; ');
    return { ok: false, error: { code: 'validation', message: `${method}: ${message}` } };
  }
  try {
    const handler = handlers[method] as (i: unknown) => unknown;
    const value = await handler(parsed.data);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof PosError) return { ok: false, error: { code: err.code, message: err.message } };
    log.error({ err, method }, 'command failed');
    return { ok: false, error: { code: 'internal', message: `${method} failed: ${(err as Error).message}` } };
  }
}
