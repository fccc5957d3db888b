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
import { testCardNames } from '../../drivers/sim/test-cards';
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

// ---- pos sim reader ----

export const readerUsage = `Usage: pos sim reader --pty PATH [options]

Runs a simulated MagTek MMS contactless reader until Ctrl+C (SIGINT) or SIGTERM, on a
pseudo-terminal made with socat, speaking the reader's RS-232 framing (SLIP, 115200 baud): a driver
opens serial:PATH, the simulator serves PATH.sim. It answers Echo, Start Transaction and Cancel
Transaction, and reads the "next card" on each transaction: card data DUKPT-encrypted under the
ANSI X9.24 test BDK, as the gateway's test acquirer expects. Test cards: docs/test-cards.md.

  --pty PATH        create the pseudo-terminal pair at PATH and PATH.sim

Options:
  --card NAME       the next card (default visa-approve): ${testCardNames().join(', ')}
  --tap-ms MS       time from Start Transaction to the tap (default 300)
  --timeout-ms MS   the no-tap card times out after MS instead of the request's timeout
  --json            print the result as one JSON line
  -h, --help        show this help

While it runs, type a card name and Enter (on a terminal) to change the next card.`;

export async function runReader(argv: string[], out: Reporter): Promise<Outcome> {
  const usage = readerUsage;
  const { values } = parseOptions(
    argv,
    {
      pty: { type: 'string' },
      card: { type: 'string' },
      'tap-ms': { type: 'string' },
      'timeout-ms': { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  );
  if (values.pty === undefined) throw new UsageError('--pty PATH is required', usage);
  const card = values.card ?? 'visa-approve';
  if (!testCardNames().includes(card))
    throw new UsageError(`unknown card "${card}"; one of: ${testCardNames().join(', ')}`, usage);
  const ms = (name: 'tap-ms' | 'timeout-ms', fallback: number | undefined) => {
    const text = values[name];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || n > 600_000)
      throw new UsageError(`--${name} must be 0-600000, got "${text}"`, usage);
    return n;
  };
  const tapDelayMs = ms('tap-ms', 300);
  const timeoutMs = ms('timeout-ms', undefined);

  const trap = trapSignals(out);
  try {
    const [{ ReaderSim, ReaderSimError, serialEndpoint }, tlvMod, { servePty, SimServeError }] =
      await Promise.all([
        import('../../drivers/sim/reader-sim'),
        import('../../drivers/reader/tlv'),
        import('../../drivers/sim/serve'),
      ]);
    const sim = new ReaderSim({
      identity: 'random',
      card,
      tapDelayMs,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    // One line per message the reader sends; masked data only (the sim never sends a full PAN).
    sim.onMessage((m) => {
      const d = tlvMod.decodeTlvs(m.subarray(2));
      if (!d.ok) return;
      const info = tlvMod.findTlv(d.value, '81')?.value;
      const code = tlvMod.findTlv(d.value, '82')?.value;
      if (!info || !code) return;
      const kind = info[0] === 0x82 ? 'response' : 'notification';
      const id = tlvMod.hex(info.subarray(2, 4));
      out.info(`${kind} ${id} ${tlvMod.hex(code)}${describeReaderCode(tlvMod.hex(code))}`);
    });
    let server;
    try {
      server = await servePty(serialEndpoint(sim), path.resolve(values.pty));
    } catch (err) {
      if (err instanceof SimServeError) throw new CliError(err.message, err.code);
      throw err;
    }
    out.info(`reader simulator on ${server.address}; next card: ${sim.nextCard()}`);
    out.info('Press Ctrl+C to stop.');
    const stopPicker = cardPicker((name) => {
      try {
        sim.setNextCard(name);
        out.info(`next card: ${name}`);
      } catch (err) {
        if (err instanceof ReaderSimError) out.warn(err.message);
        else throw err;
      }
    });
    const running = server;
    let endedReason = '';
    const why = await runUntilSignal(
      [
        {
          name: 'simulator',
          ended: running.closed.then((r) => void (endedReason = r)),
          stop: async () => {
            stopPicker();
            sim.dispose();
            await running.close();
          },
        },
      ],
      out,
      trap,
    );
    stopPicker();
    const reads = sim.readsSoFar();
    const data = {
      address: running.address,
      transactions: sim.stats().transactions,
      reads: reads.map((r) => ({ card: r.card, maskedPan: r.maskedPan, ksn: r.ksn, atc: r.atc })),
      ksn: sim.currentKsn(),
    };
    if (endedReason && endedReason !== 'closed')
      throw new CliError(`simulator stopped: ${endedReason}`, 'sim.ended', data);
    return { message: `reader simulator stopped (${why}): ${reads.length} card reads`, data };
  } finally {
    trap.release();
  }
}

export const reader = { usage: readerUsage, run: runReader };

const READER_CODES: Record<string, string> = {
  '00000000': 'ok',
  '01000000': 'ok, started',
  '80020102': 'failed: bad parameter',
  '80020304': 'failed: no transaction',
  '80020305': 'failed: cannot cancel',
  '80020308': 'failed: transaction in progress',
  '20010400': 'card detected',
  '20010300': 'card removed',
  '20010401': 'NFC tag detected',
  '20080202': 'ARQC data attached',
  '20080302': 'batch data attached',
  '20080402': 'NFC UID attached',
  '00010000': 'timed out, no card',
  '00030100': 'cancelled by host',
  '20020700': 'Quick Chip deferred (host decides)',
  '20020D00': 'try again',
  '20050000': 'NFC tag removed',
};

function describeReaderCode(code: string): string {
  const text = READER_CODES[code];
  return text ? ` (${text})` : '';
}

/** Card names typed on an interactive terminal change the next card; returns a stop function. */
function cardPicker(pick: (name: string) => void): () => void {
  if (!process.stdin.isTTY) return () => undefined;
  let buffer = '';
  const onData = (d: Buffer) => {
    buffer += d.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const name = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (name) pick(name);
    }
  };
  process.stdin.on('data', onData);
  return () => {
    process.stdin.off('data', onData);
    process.stdin.pause();
  };
}

// ---- pos sim scanner ----

export const scannerUsage = `Usage: pos sim scanner --pty PATH [--suffix cr|lf|crlf|none] [--no-aim]

Runs a simulated serial barcode scanner until Ctrl+C (SIGINT) or SIGTERM, on a pseudo-terminal
made with socat: a driver opens serial:PATH, the simulator serves PATH.sim. Each line on stdin is
one scan, "<symbology> <text>", e.g. "ean13 6901234000016" or "qr https://gw.example/r/ABC"
(symbology one of ean13 ean8 upca upce code128 code39 qr datamatrix pdf417 unknown). The scanner
sends the AIM identifier (]E0, ]Q1, ...), the text and the suffix.

  --pty PATH       create the pseudo-terminal pair at PATH and PATH.sim

Options:
  --suffix S       what ends each scan: cr (default), lf, crlf, or none (the host's timeout ends it)
  --no-aim         send no AIM identifier (the host then reports "unknown")
  --json           print the result as one JSON line
  -h, --help       show this help`;

export async function runScanner(argv: string[], out: Reporter): Promise<Outcome> {
  const usage = scannerUsage;
  const { values } = parseOptions(
    argv,
    {
      pty: { type: 'string' },
      suffix: { type: 'string' },
      'no-aim': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    usage,
  );
  if (values.pty === undefined) throw new UsageError('--pty PATH is required', usage);
  const suffix = values.suffix ?? 'cr';
  if (suffix !== 'cr' && suffix !== 'lf' && suffix !== 'crlf' && suffix !== 'none')
    throw new UsageError(`--suffix must be cr, lf, crlf or none, got "${suffix}"`, usage);

  const trap = trapSignals(out);
  try {
    const [{ ScannerSim, parseScanLine }, { servePty, SimServeError }] = await Promise.all([
      import('../../drivers/sim/scanner-sim'),
      import('../../drivers/sim/serve'),
    ]);
    const sim = new ScannerSim({ framing: 'serial', suffix, aim: !values['no-aim'] });
    let server;
    try {
      server = await servePty(sim, path.resolve(values.pty));
    } catch (err) {
      if (err instanceof SimServeError) throw new CliError(err.message, err.code);
      throw err;
    }
    out.info(`scanner simulator on ${server.address} (suffix ${suffix})`);
    out.info('Type "<symbology> <text>" and Enter to scan; Ctrl+C to stop.');
    const stopLines = stdinLines((line) => {
      const scan = parseScanLine(line);
      if ('error' in scan) out.warn(scan.error);
      else {
        sim.scan(scan);
        // the count only: the text may be a payment code someone typed in
        out.info(`scanned ${scan.symbology} (${scan.text.length} characters)`);
      }
    });
    const running = server;
    let endedReason = '';
    const why = await runUntilSignal(
      [
        {
          name: 'simulator',
          ended: running.closed.then((r) => void (endedReason = r)),
          stop: async () => {
            stopLines();
            await running.close();
          },
        },
      ],
      out,
      trap,
    );
    stopLines();
    const data = { address: running.address, scans: sim.scans };
    if (endedReason && endedReason !== 'closed')
      throw new CliError(`simulator stopped: ${endedReason}`, 'sim.ended', data);
    return { message: `scanner simulator stopped (${why}): ${sim.scans} scans`, data };
  } finally {
    trap.release();
  }
}

export const scanner = { usage: scannerUsage, run: runScanner };

/** Every line on stdin (a terminal or a pipe); returns a stop function. */
function stdinLines(onLine: (line: string) => void): () => void {
  let buffer = '';
  const onData = (d: Buffer) => {
    buffer += d.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line.trim()) onLine(line);
    }
  };
  process.stdin.on('data', onData);
  return () => {
    process.stdin.off('data', onData);
    process.stdin.pause();
  };
}
