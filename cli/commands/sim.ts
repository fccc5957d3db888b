// `pos sim printer`: a simulated ESC/POS receipt printer on a real pty (made with socat) or a raw
// TCP port, for trying the till and the printer driver without hardware. Prints each receipt as
// text when it is cut. Runs until SIGINT/SIGTERM.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CliError,
  UsageError,
  parseOptions,
  parsePort,
  type Outcome,
  type Reporter,
} from '../output';
import { runUntilSignal, trapSignals } from '../till';

export const usage = `Usage: pos sim printer (--pty PATH | --tcp PORT) [options]

Runs a simulated ESC/POS receipt printer until Ctrl+C (SIGINT) or SIGTERM. It answers status
requests (DLE EOT) and process-ID requests (GS ( H) from its simulated state and prints each
receipt as text when it is cut. While out of paper, cover open or offline it discards what it
receives (the driver must reprint) but still answers DLE EOT.

  --pty PATH       create a pseudo-terminal pair with socat: a driver opens serial:PATH, the
                   simulator serves PATH.sim
  --tcp PORT       listen on 127.0.0.1:PORT like a network printer's raw port (0: any free port)

Options:
  --paper STATE    ok (default), near_end or out
  --cover STATE    closed (default) or open
  --offline        start offline
  --width N        characters per line of the printed text: 48 (80 mm, default) or 32 (58 mm)
  --hanzi          start in Hanzi (GB18030) mode, like printers with Chinese firmware
  --line-ms MS     time to print one line (default 0: instant)
  --svg DIR        also write each receipt as DIR/receipt-N.svg
  --json           print the result as one JSON line (receipts then go to stderr)
  -h, --help       show this help`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const { values } = parseOptions(
    argv,
    {
      pty: { type: 'string' },
      tcp: { type: 'string' },
      paper: { type: 'string' },
      cover: { type: 'string' },
      offline: { type: 'boolean' },
      width: { type: 'string' },
      hanzi: { type: 'boolean' },
      'line-ms': { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  );
  if ((values.pty === undefined) === (values.tcp === undefined))
    throw new UsageError('give exactly one of --pty PATH or --tcp PORT', usage);
  const paper = values.paper ?? 'ok';
  if (paper !== 'ok' && paper !== 'near_end' && paper !== 'out')
    throw new UsageError(`--paper must be ok, near_end or out, got "${paper}"`, usage);
  const cover = values.cover ?? 'closed';
  if (cover !== 'open' && cover !== 'closed')
    throw new UsageError(`--cover must be open or closed, got "${cover}"`, usage);
  const width = Number(values.width ?? '48');
  if (width !== 48 && width !== 32)
    throw new UsageError(`--width must be 48 or 32, got "${values.width}"`, usage);
  const lineMs = Number(values['line-ms'] ?? '0');
  if (!Number.isInteger(lineMs) || lineMs < 0 || lineMs > 10_000)
    throw new UsageError(`--line-ms must be 0-10000, got "${values['line-ms']}"`, usage);
  const tcpPort = values.tcp === undefined ? null : parsePort(values.tcp, usage);
  const svgDir = values.svg === undefined ? null : path.resolve(values.svg);
  if (svgDir) mkdirSync(svgDir, { recursive: true });

  const trap = trapSignals(out);
  try {
    const [{ PrinterSim }, { renderText, renderSvg }, { servePty, serveTcp, SimServeError }] =
      await Promise.all([
        import('../../drivers/sim/printer-sim'),
        import('../../drivers/sim/render'),
        import('../../drivers/sim/serve'),
      ]);
    const sim = new PrinterSim({
      paper,
      coverOpen: cover === 'open',
      offline: values.offline ?? false,
      hanziByDefault: values.hanzi ?? false,
      lineTimeMs: lineMs,
    });
    let count = 0;
    sim.onPage((page) => {
      count += 1;
      out.info(`----- receipt ${count} (${page.cut} cut) -----`);
      out.info(renderText(page, { columns: width }));
      if (svgDir)
        writeFileSync(
          path.join(svgDir, `receipt-${count}.svg`),
          renderSvg(page, { columns: width }),
        );
    });

    let server;
    try {
      server =
        tcpPort !== null
          ? await serveTcp(sim, tcpPort)
          : await servePty(sim, path.resolve(values.pty ?? ''));
    } catch (err) {
      if (err instanceof SimServeError) throw new CliError(err.message, err.code);
      throw err;
    }
    const state = sim.state();
    out.info(`printer simulator on ${server.address}`);
    out.info(
      `state: paper ${state.paper}, cover ${state.coverOpen ? 'open' : 'closed'}, ${state.offline ? 'offline' : 'online'}`,
    );
    out.info('Press Ctrl+C to stop.');
    const running = server;
    let endedReason = '';
    const why = await runUntilSignal(
      [
        {
          name: 'simulator',
          ended: running.closed.then((r) => void (endedReason = r)),
          stop: async () => {
            sim.dispose();
            await running.close();
          },
        },
      ],
      out,
      trap,
    );
    const stats = sim.stats();
    const data = {
      address: running.address,
      receipts: count,
      bytesReceived: stats.bytesReceived,
      bytesDiscarded: stats.bytesDiscarded,
      unknownCommands: stats.unknownCommands,
    };
    if (endedReason && endedReason !== 'closed')
      throw new CliError(`simulator stopped: ${endedReason}`, 'sim.ended', data);
    return { message: `printer simulator stopped (${why}): ${count} receipts`, data };
  } finally {
    trap.release();
  }
}
