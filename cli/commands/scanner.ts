// `pos scanner listen ADDRESS`: a technician's look at what a barcode scanner sends, through the
// driver the till uses (drivers/scanner). Each scan is one stdout line, `<symbology> <text>`.
// Scan text can be a wallet payment code (a bearer token): it is printed for the technician and
// nowhere else: not logged, not stored, not in error messages.
import { parseArgs } from 'node:util';
import type { Scanner } from '../../drivers/scanner/scanner';
import type { Scan } from '../../drivers/scanner/types';
import { CliError, UsageError, type Outcome, type Reporter } from '../output';
import { trapSignals } from '../till';

export const usage = `Usage: pos scanner listen ADDRESS [--count N] [--timeout S]

Prints each barcode the scanner reads as one line on stdout: "<symbology> <text>", the symbology
one of ean13 ean8 upca upce code128 code39 qr datamatrix pdf417 unknown (unknown when the scanner
sends no AIM identifier). The text is printed in full; control characters in it are shown as
\\r, \\n, \\t or \\xNN so one scan stays one line. Nothing is logged or stored.

ADDRESS is a device address (ARCHITECTURE §8): hid:VID:PID[?serial=SN] (USB HID POS, usage page
0x8C), serial:PATH[?baud=9600&suffix=cr|lf|crlf] (without suffix= a scan ends at CR, LF or CRLF,
or after the inter-character timeout), or sim:scanner: a simulated HID POS scanner in this
process that scans the lines typed on stdin, e.g. "ean13 6901234000016".

Options:
  --count N        exit 0 after N scans (default: until Ctrl+C)
  --timeout S      give up after S seconds: exit 1 if fewer than N scans came
  --gap-ms MS      serial: silence that ends a scan with no suffix (default 50)
  -h, --help       show this help

Exit codes: 0 the scans came, 1 they did not (the reason on stderr), 2 usage error.`;

interface Args {
  address: string;
  count: number | undefined;
  timeoutMs: number | undefined;
  gapMs: number;
}

function parse(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        count: { type: 'string' },
        timeout: { type: 'string' },
        'gap-ms': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('give exactly one ADDRESS', usage);
  const whole = (name: string, text: string | undefined, min: number, max: number) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max)
      throw new UsageError(`--${name} must be a whole number ${min}-${max}, got "${text}"`, usage);
    return n;
  };
  const timeout = whole('timeout', values.timeout, 1, 86_400);
  return {
    address: positionals[0] ?? '',
    count: whole('count', values.count, 1, 1_000_000),
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    gapMs: whole('gap-ms', values['gap-ms'], 1, 10_000) ?? 50,
  };
}

/** One scan, one line: the text in full, its control characters escaped. */
export function scanLine(scan: Scan): string {
  let text = '';
  for (const c of scan.text) {
    const code = c.charCodeAt(0);
    if (c === '\\') text += '\\\\';
    else if (c === '\r') text += '\\r';
    else if (c === '\n') text += '\\n';
    else if (c === '\t') text += '\\t';
    else if (code < 0x20 || code === 0x7f) text += `\\x${code.toString(16).padStart(2, '0')}`;
    else text += c;
  }
  return `${scan.symbology} ${text}`;
}

/** The driver for the address; sim:scanner brings its simulator, fed from stdin. */
async function openScanner(
  address: string,
  gapMs: number,
): Promise<{ scanner: Scanner; stop: () => void }> {
  const [{ parseAddress, AddressError }, { Scanner }, { scannerOptionsFor }] = await Promise.all([
    import('../../drivers/address'),
    import('../../drivers/scanner/scanner'),
    import('../../drivers/scanner/create'),
  ]);
  let parsed;
  try {
    parsed = parseAddress(address);
  } catch (err) {
    if (err instanceof AddressError) throw new UsageError(err.message, usage);
    throw err;
  }
  const reconnect = { backoffBaseMs: 200, backoffCapMs: 2000 };
  switch (parsed.kind) {
    case 'serial':
    case 'hid':
      return {
        scanner: new Scanner(scannerOptionsFor(parsed, { reconnect, interCharTimeoutMs: gapMs })),
        stop: () => undefined,
      };
    case 'sim': {
      if (parsed.device !== 'scanner')
        throw new UsageError(`${address} is not a scanner (use sim:scanner)`, usage);
      const [{ ScannerSim }, { createMemoryPair }] = await Promise.all([
        import('../../drivers/sim/scanner-sim'),
        import('../../drivers/transport/memory'),
      ]);
      const sim = new ScannerSim({ framing: 'hid' });
      let offSim = () => undefined as unknown;
      const scanner = new Scanner({
        framing: 'hid',
        reconnect,
        connect: () => {
          const [host, device] = createMemoryPair('sim:scanner');
          void device.open();
          offSim();
          offSim = sim.attach(device);
          return host;
        },
      });
      // read stdin only once the simulator is attached, so no typed scan goes nowhere
      let stop = () => undefined as unknown;
      const offConnected = scanner.onEvent((ev) => {
        if (ev.type !== 'connected') return;
        offConnected();
        stop = feedFromStdin(sim);
      });
      return { scanner, stop: () => void stop() };
    }
    case 'tcp':
    case 'usblp':
      throw new UsageError(`${address}: a scanner is on hid:, serial: or sim:scanner`, usage);
  }
}

/** Lines on stdin become scans of the in-process simulator; returns a stop function. */
function feedFromStdin(sim: { scan(s: Scan): void }): () => void {
  void import('../../drivers/sim/scanner-sim').then(({ parseScanLine }) => {
    let buffer = '';
    const onData = (d: Buffer) => {
      buffer += d.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (line.trim() === '') continue;
        const scan = parseScanLine(line);
        // the simulator's own input: saying which word was wrong reveals no scan
        if ('error' in scan) process.stderr.write(`sim:scanner: ${scan.error}\n`);
        else sim.scan(scan);
      }
    };
    process.stdin.on('data', onData);
    stopStdin = () => {
      process.stdin.off('data', onData);
      process.stdin.pause();
    };
  });
  let stopStdin = () => undefined as unknown;
  return () => void stopStdin();
}

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const args = parse(argv);
  const { scanner, stop } = await openScanner(args.address, args.gapMs);
  const trap = trapSignals(out);
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    const ended = new Promise<'count' | 'timeout' | 'signal'>((resolve) => {
      scanner.onEvent((ev) => {
        if (ev.type === 'scan') {
          count += 1;
          out.info(scanLine(ev.scan));
          if (args.count !== undefined && count >= args.count) resolve('count');
        } else if (ev.type === 'decode_error')
          out.warn(`scanner: ${ev.error.message} (${ev.error.code})`);
        else if (ev.type === 'disconnected')
          out.warn(`scanner went away${ev.reason ? `: ${ev.reason}` : ''}; reconnecting`);
        else out.warn(`scanner connected: ${scanner.description}`);
      });
      if (args.timeoutMs !== undefined)
        timer = setTimeout(() => resolve('timeout'), args.timeoutMs);
      void trap.received.then(() => resolve('signal'));
    });
    // connecting retries in the background; the timeout covers a scanner that never appears
    void scanner.start().catch(() => undefined);
    const why = await ended;
    const data = { address: args.address, scans: count };
    if (why === 'timeout') {
      const wanted = args.count !== undefined ? ` of ${args.count}` : '';
      const state = scanner.connected
        ? ''
        : ` (the scanner never connected: ${scanner.description})`;
      throw new CliError(
        `timed out after ${args.timeoutMs! / 1000} s with ${count}${wanted} scans${state}`,
        'scanner.timeout',
        data,
      );
    }
    // the summary goes to stderr (output: ''), so stdout holds scan lines only
    return {
      message: `${count} scan${count === 1 ? '' : 's'} from ${args.address}`,
      data,
      output: '',
    };
  } finally {
    if (timer) clearTimeout(timer);
    stop();
    trap.release();
    await scanner.stop().catch(() => undefined);
  }
}

export const listen = { usage, run };
