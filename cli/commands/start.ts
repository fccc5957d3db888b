// `pos start`: the demo. One till with the demo venue (browser mode when Electron is missing).
// The gateway joins here later, as one more RunningService.
import type { Outcome, Reporter } from '../output';
import { parseTillArgs, runUntilSignal, startTill, tillOptionsHelp, trapSignals } from '../till';

export const usage = `Usage: pos start [--data-dir D] [--port P] [--no-open] [--browser]

Starts the demo: a till with the demo venue's catalog, in Electron when its binary is
installed, otherwise in browser mode (the UI on 127.0.0.1, opened in Chromium).

Options:
  --data-dir D   where the demo keeps its data (default ./.data/demo)
${tillOptionsHelp}`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const opts = parseTillArgs(argv, usage, { dataDir: '.data/demo', demo: true });
  const trap = trapSignals(out);
  try {
    const till = await startTill(opts, out);
    const why = await runUntilSignal([till], out, trap);
    return { message: `stopped (${why})`, data: { dataDir: opts.dataDir } };
  } finally {
    trap.release();
  }
}
