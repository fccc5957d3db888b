// `pos loadtest`: sizes a venue's gateway with N real terminals selling M sales each.
import { adminOptions, adminOptionsHelp, adminTargetFrom, parseCommandLine } from '../admin-client';
import { CliError, UsageError, type Outcome, type Reporter } from '../output';
import { trapSignals } from '../till';

export const usage = `Usage: pos loadtest --gateway URL --admin-token T --terminals N --sales M
                    [--concurrency C] [--keep-data DIR] [--timeout S] [--json]

Enrolls N terminals with the gateway (one enrollment code each) and runs a whole day on each:
the demo supervisor signs in (PIN 2222, from the gateway's staff) and opens a shift with a float,
sells M cash sales of 2-5 lines from the gateway's catalog (sizes, options and ID checks as a
cashier would), counts the drawer exactly (blind count) and closes the day with a Z; all through
the real terminal services and sync worker on real SQLite files, at most C terminals at once.
Then waits until the gateway has acknowledged every sale, and checks the gateway's summary counts
each exactly once. Prints progress every second and a summary; exits 1 if not every sale is
acknowledged, or not every day closed to the cent, within the timeout.

With --json the last line is {"sent","acked","duplicates","seconds","salesPerSecond",...}, all
counting sales: sent = completed at the terminals, acked = acknowledged by the gateway
(N x M when all arrived), duplicates = sales the gateway reported as already stored,
daysClosed = terminals whose day ran from float to Z.
The terminals stay enrolled at the gateway (named "loadtest HH:MM:SS #i"): use a test gateway.

Options:
  --terminals N       how many terminals (1-10000, required)
  --sales M           sales per terminal (1-100000, required)
  --concurrency C     terminals selling at once (default min(N, 8))
  --keep-data DIR     keep each terminal's data dir as DIR/<terminal id> (default: a temp dir, removed)
  --timeout S         give up after S seconds (default 300)
${adminOptionsHelp}`;

function count(value: string | undefined, name: string, max: number, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`, usage);
    return fallback;
  }
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max)
    throw new UsageError(
      `--${name} must be a whole number from 1 to ${max}, got "${value}"`,
      usage,
    );
  return n;
}

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const { values } = parseCommandLine(
    argv,
    {
      ...adminOptions,
      terminals: { type: 'string' },
      sales: { type: 'string' },
      concurrency: { type: 'string' },
      'keep-data': { type: 'string' },
      timeout: { type: 'string' },
    },
    usage,
    { min: 0, max: 0, names: '' },
  );
  const terminals = count(values.terminals, 'terminals', 10_000);
  const sales = count(values.sales, 'sales', 100_000);
  const concurrency = count(values.concurrency, 'concurrency', 10_000, Math.min(terminals, 8));
  const timeoutS = count(values.timeout, 'timeout', 7 * 24 * 3600, 300);
  const target = adminTargetFrom(values, usage);

  const trap = trapSignals(out);
  const abort = new AbortController();
  void trap.received.then((signal) => {
    out.warn(`${signal}: stopping the load test`);
    abort.abort();
  });
  try {
    const { runLoadtest } = await import('../loadtest/run-loadtest');
    out.info(
      `load test: ${terminals} terminal(s) x ${sales} sale(s) against ${target.url}, ${concurrency} selling at once`,
    );
    const r = await runLoadtest({
      target,
      terminals,
      sales,
      concurrency,
      timeoutMs: timeoutS * 1000,
      progress: (line) => out.info(line),
      signal: abort.signal,
      ...(values['keep-data'] !== undefined ? { keepData: values['keep-data'] } : {}),
    });
    const data = {
      sent: r.sent,
      acked: r.acked,
      duplicates: r.duplicates,
      seconds: r.seconds,
      salesPerSecond: r.salesPerSecond,
      terminals: r.terminals,
      salesPerTerminal: r.salesPerTerminal,
      stored: r.stored,
      enrollSeconds: r.enrollSeconds,
      daysClosed: r.daysClosed,
      ...(r.dataDir ? { dataDir: r.dataDir } : {}),
    };
    if (!r.complete || r.daysClosed !== terminals) {
      for (const p of r.problems.slice(0, 20)) out.warn(p);
      const why = abort.signal.aborted
        ? 'interrupted'
        : (r.problems[0] ?? `timed out after ${timeoutS} s`);
      throw new CliError(
        `${r.acked} of ${terminals * sales} sales acknowledged: ${why}`,
        abort.signal.aborted ? 'loadtest.interrupted' : 'loadtest.incomplete',
        { ...data, problems: r.problems.slice(0, 20) },
      );
    }
    return {
      message: `${r.acked}/${r.sent} sales acknowledged (${r.duplicates} duplicates) in ${r.seconds.toFixed(1)} s: ${r.salesPerSecond} sales/s (enrollment of ${terminals} took ${r.enrollSeconds.toFixed(1)} s); ${r.daysClosed} days closed from float to Z`,
      data,
    };
  } finally {
    trap.release();
  }
}
