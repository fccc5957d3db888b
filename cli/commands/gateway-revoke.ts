// `pos gateway revoke`: the gateway refuses a terminal's signed requests from now on.
import {
  adminJson,
  adminOptions,
  adminOptionsHelp,
  adminTargetFrom,
  parseCommandLine,
} from '../admin-client';
import type { Outcome, Reporter } from '../output';

export const usage = `Usage: pos gateway revoke TERMINAL_ID [--gateway URL] [--admin-token T] [--json]

Revokes an enrolled terminal (a lost or stolen till): from now on the gateway answers its
requests with 401 terminal.revoked, and the till shows it. Events it already uploaded stay.
\`pos gateway terminals\` lists the ids.

Options:
${adminOptionsHelp}`;

export async function run(argv: string[], _out: Reporter): Promise<Outcome> {
  const { values, positionals } = parseCommandLine(argv, adminOptions, usage, {
    min: 1,
    max: 1,
    names: 'TERMINAL_ID',
  });
  const terminalId = positionals[0]!;
  const target = adminTargetFrom(values, usage);
  await adminJson(target, {
    method: 'POST',
    path: `/v1/admin/terminals/${encodeURIComponent(terminalId)}/revoke`,
  });
  return { message: `terminal ${terminalId} revoked`, data: { terminalId, status: 'revoked' } };
}
