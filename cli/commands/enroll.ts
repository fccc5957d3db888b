// `pos enroll`: registers a terminal's data dir with a gateway using a one-time code
// (ARCHITECTURE §6). Creates the terminal's key (D/terminal.key) if it has none.
import path from 'node:path';
import { CliError, UsageError, parseOptions, type Outcome, type Reporter } from '../output';

export const usage = `Usage: pos enroll --gateway URL --code CODE --data-dir D [--json]

Enrolls the terminal whose data is in D with the gateway at URL, using the one-time code the
gateway's admin created (XXXX-XXXX-XXXX, with a fourth group when the gateway pins its TLS
certificate). Stores the gateway and the venue configuration in D/terminal.db; the till starts
syncing at its next start.

Options:
  --gateway URL   the gateway's address, e.g. https://gateway.local:8443 (required)
  --code CODE     the enrollment code (required; case does not matter)
  --data-dir D    the terminal's data folder (required; created if missing)
  --json          print the result as one JSON line
  -h, --help      show this help`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const { values } = parseOptions(
    argv,
    {
      gateway: { type: 'string' },
      code: { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  );
  for (const name of ['gateway', 'code', 'data-dir'] as const) {
    if (values[name] === undefined) throw new UsageError(`--${name} is required`, usage);
  }
  const dataDir = path.resolve(values['data-dir']!);
  const { enrollTerminal, EnrollmentError } = await import('../../terminal/enroll');
  out.info(`enrolling ${dataDir} with ${values.gateway}…`);
  try {
    const reply = await enrollTerminal({ dataDir, gatewayUrl: values.gateway!, code: values.code! });
    return {
      message: `enrolled terminal ${reply.terminalId} as "${reply.name}" (venue ${reply.venue.name.en}) with ${values.gateway}`,
      data: { terminalId: reply.terminalId, name: reply.name, enrolledAt: reply.enrolledAt, venue: reply.venue.name },
    };
  } catch (err) {
    if (err instanceof EnrollmentError) {
      if (err.code === 'enroll.bad_code' || err.code === 'enroll.bad_url') throw new UsageError(err.message, usage);
      throw new CliError(err.message, err.code);
    }
    throw err;
  }
}
