// `pos gateway code`: a one-time enrollment code for one till (ARCHITECTURE §6).
import {
  adminOptions,
  adminOptionsHelp,
  adminTargetFrom,
  createEnrollmentCode,
  parseCommandLine,
} from '../admin-client';
import { UsageError, type Outcome, type Reporter } from '../output';

export const usage = `Usage: pos gateway code --name NAME [--ttl S] [--gateway URL] [--admin-token T] [--json]

Creates a one-time enrollment code for the till called NAME (e.g. "Gate B bar 3"). Type it at
the till, or run \`pos enroll --gateway URL --code CODE --data-dir D\`. The code works once and
expires (default after 24 h); with TLS it carries the certificate's fingerprint to pin.

Options:
  --name NAME         the till's name as reports show it (required)
  --ttl S             seconds the code stays valid (60 to 604800; default 86400)
${adminOptionsHelp}`;

export async function run(argv: string[], _out: Reporter): Promise<Outcome> {
  const { values } = parseCommandLine(
    argv,
    { ...adminOptions, name: { type: 'string' }, ttl: { type: 'string' } },
    usage,
    { min: 0, max: 0, names: '' },
  );
  const name = values.name?.trim();
  if (!name) throw new UsageError('--name is required', usage);
  let ttl: number | undefined;
  if (values.ttl !== undefined) {
    ttl = Number(values.ttl);
    if (!/^\d+$/.test(values.ttl) || ttl < 60 || ttl > 7 * 24 * 3600)
      throw new UsageError(`--ttl must be 60-604800 seconds, got "${values.ttl}"`, usage);
  }
  const target = adminTargetFrom(values, usage);
  const reply = await createEnrollmentCode(target, name, ttl);
  return {
    message: `enrollment code for "${reply.name}": ${reply.code} (expires ${reply.expiresAt})`,
    data: { code: reply.code, name: reply.name, expiresAt: reply.expiresAt, gateway: target.url },
  };
}
