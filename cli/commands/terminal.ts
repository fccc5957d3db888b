// `pos terminal`: a till without the demo venue.
import type { Outcome, Reporter } from '../output';
import { parseTillArgs, runUntilSignal, startTill, tillOptionsHelp, trapSignals } from '../till';

export const usage = `Usage: pos terminal [--data-dir D] [--port P] [--no-open] [--browser]

Starts a till without demo data, in Electron when its binary is installed, otherwise in
browser mode (the UI on 127.0.0.1, opened in Chromium).

Options:
  --data-dir D   the terminal's data folder (default ./.data/terminal)
${tillOptionsHelp}`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const opts = parseTillArgs(argv, usage, { dataDir: '.data/terminal', demo: false });
  const trap = trapSignals(out);
  try {
    const till = await startTill(opts, out);
    const why = await runUntilSignal([till], out, trap);
    return { message: `stopped (${why})`, data: { dataDir: opts.dataDir } };
  } finally {
    trap.release();
  }
}
