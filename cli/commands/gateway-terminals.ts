// `pos gateway terminals`: the enrolled terminals, with how far each has synced.
import type { TerminalList } from '../../contract/gateway';
import {
  adminJson,
  adminOptions,
  adminOptionsHelp,
  adminTargetFrom,
  parseCommandLine,
} from '../admin-client';
import type { Outcome, Reporter } from '../output';

export const usage = `Usage: pos gateway terminals [--gateway URL] [--admin-token T] [--json]

Lists the terminals enrolled with the gateway: id, name, status (active or revoked), when it
was last seen, and the highest event seq the gateway holds without gaps.

Options:
${adminOptionsHelp}`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const { values } = parseCommandLine(argv, adminOptions, usage, { min: 0, max: 0, names: '' });
  const target = adminTargetFrom(values, usage);
  const { terminals } = await adminJson<TerminalList>(target, {
    method: 'GET',
    path: '/v1/admin/terminals',
  });
  if (!out.json) {
    for (const t of terminals) {
      out.info(
        `${t.terminalId}  ${t.status.padEnd(7)}  acked seq ${String(t.ackedSeq).padStart(6)}  last seen ${t.lastSeenAt ?? 'never'}  ${t.name}`,
      );
    }
  }
  return { message: `${terminals.length} terminal(s) enrolled`, data: { terminals } };
}
