// `pos printer test ADDRESS` and `pos printer status ADDRESS`: a technician's check of a receipt
// printer over the same code path the till uses (terminal/printing's PrinterPort). With the
// default profile (neither process ID nor ASB) success is a clean DLE EOT reply after the cut,
// on the same connection.
import { parseArgs } from 'node:util';
import { CliError, UsageError, type Outcome, type Reporter } from '../output';

const PROBLEM_WORDS = {
  paper_out: 'paper out',
  cover_open: 'cover open',
  offline: 'offline',
  error: 'error',
} as const;

const common = `
ADDRESS is a device address (ARCHITECTURE §8): serial:/dev/ttyUSB0?baud=115200, tcp:HOST[:9100],
usblp:/dev/usb/lp0, or sim:printer for the built-in simulator.

Options:
  --profile P      printer profile: 80mm (default) or 58mm
  --timeout MS     how long a status request may take to answer (default 2000)
  --json           print the result as one JSON line
  -h, --help       show this help

Exit codes: 0 the printer can print, 1 it cannot (the reason in words: paper out, cover open,
offline, error), 2 usage error.`;

export const testUsage = `Usage: pos printer test ADDRESS [--profile P]

Prints a test page (code page sample, a Chinese line, a QR code, cut) and exits 0 only if the
printer reports no fault after it.
${common}`;

export const statusUsage = `Usage: pos printer status ADDRESS [--profile P]

Asks the printer for its real-time status (DLE EOT 1-4) and prints it decoded.
${common}`;

function parse(argv: string[], usage: string): { address: string; profile: string; timeoutMs: number } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { profile: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const [address, ...extra] = parsed.positionals;
  if (!address) throw new UsageError('give the printer ADDRESS', usage);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, usage);
  const timeoutMs = Number(parsed.values.timeout ?? '2000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 60_000)
    throw new UsageError(`--timeout must be 50-60000 ms, got "${parsed.values.timeout}"`, usage);
  return { address, profile: parsed.values.profile ?? '80mm', timeoutMs };
}

async function openPort(address: string, profileName: string, timeoutMs: number, usage: string) {
  const [{ openPrinterPort }, { resolveProfile, ProfileError }, { AddressError }] = await Promise.all([
    import('../../terminal/printing/escpos-printer-port'),
    import('../../drivers/printer/profiles'),
    import('../../drivers/address'),
  ]);
  try {
    return openPrinterPort(address, resolveProfile(profileName), { replyTimeoutMs: timeoutMs, connectTimeoutMs: timeoutMs }).port;
  } catch (err) {
    if (err instanceof AddressError || err instanceof ProfileError) throw new UsageError(err.message, usage);
    throw err;
  }
}

function describeStatus(s: {
  problem: keyof typeof PROBLEM_WORDS | null;
  paperNearEnd: boolean;
  drawerOpen: boolean | null;
  detail: string | null;
}): string {
  const parts = [s.problem ? PROBLEM_WORDS[s.problem] : 'ready'];
  if (s.paperNearEnd) parts.push('paper near end');
  if (s.drawerOpen !== null) parts.push(`drawer ${s.drawerOpen ? 'open' : 'closed'}`);
  if (s.detail) parts.push(s.detail);
  return parts.join(', ');
}

export const status = {
  usage: statusUsage,
  async run(argv: string[], _out: Reporter): Promise<Outcome> {
    const { address, profile, timeoutMs } = parse(argv, statusUsage);
    const port = await openPort(address, profile, timeoutMs, statusUsage);
    try {
      const s = await port.status();
      const data = { address: port.address, profile, ...s };
      if (s.problem) {
        throw new CliError(`printer ${port.address} cannot print: ${describeStatus(s)}`, `printer.${s.problem}`, data);
      }
      return { message: `printer ${port.address}: ${describeStatus(s)}`, data };
    } finally {
      await port.close();
    }
  },
};

export const test = {
  usage: testUsage,
  async run(argv: string[], out: Reporter): Promise<Outcome> {
    const { address, profile, timeoutMs } = parse(argv, testUsage);
    const port = await openPort(address, profile, timeoutMs, testUsage);
    const [{ renderReceipt }, { testPageDocument }] = await Promise.all([
      import('../../drivers/escpos/render'),
      import('../../terminal/printing/receipt-layout'),
    ]);
    try {
      const bytes = renderReceipt(
        testPageDocument({ title: 'pos printer test', address: port.address, at: new Date().toISOString() }),
        port.profile,
      );
      out.info(`sending a ${bytes.length}-byte test page to ${port.address} (profile ${profile})`);
      const outcome = await port.print(bytes, 'test');
      if (!outcome.printed) {
        const words = PROBLEM_WORDS[outcome.reason];
        throw new CliError(
          `test page ${outcome.started ? 'not confirmed' : 'not sent'}: printer ${port.address} reports ${words}${outcome.detail ? ` (${outcome.detail})` : ''}`,
          `printer.${outcome.reason}`,
          { address: port.address, profile, reason: outcome.reason, started: outcome.started },
        );
      }
      return {
        message: `test page printed on ${port.address}: the printer reports no fault after the cut`,
        data: { address: port.address, profile, bytes: bytes.length },
      };
    } finally {
      await port.close();
    }
  },
};
