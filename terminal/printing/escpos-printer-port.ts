// PrinterPort over drivers/printer's Printer (one job at a time, DLE EOT before and after each
// job, process ID where the profile has it, reconnect with backoff, status polling). This file
// only translates: addresses to transports, the driver's status to the till's words, and which
// refusals mean "nothing left for the printer" (the job stays an original).
import { formatAddress, parseAddress } from '../../drivers/address';
import { Printer, type PrintResult } from '../../drivers/printer/printer';
import type { PrinterProfile } from '../../drivers/printer/profiles';
import type { PrinterFault, PrinterStatus as DriverStatus } from '../../drivers/printer/status';
import { PrinterSim, simOptionsFromAddress } from '../../drivers/sim/printer-sim';
import { createTransport } from '../../drivers/transport/create';
import { createMemoryPair } from '../../drivers/transport/memory';
import type { Transport } from '../../drivers/transport/transport';
import type { PrintOutcome, PrinterPort, PrinterProblem, PrinterStatus } from './printer-port';

export interface EscPosPortOptions {
  /** How long the four DLE EOT replies may take (driver default 1000 ms). */
  replyTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Wait after a job before the confirming status (driver default 300 ms; tests shorten it). */
  settleMs?: number;
  /** The driver's idle status polling (0 = off: the print worker polls). */
  pollIntervalMs?: number;
  /** Reconnect backoff after unplug (driver defaults 500 ms base, 30 s cap). */
  reconnectBaseMs?: number;
  reconnectCapMs?: number;
  /** How long the first connection may take before the printer counts as offline. */
  firstConnectMs?: number;
}

const PROBLEM: Record<PrinterFault, PrinterProblem> = {
  offline: 'offline',
  'cover-open': 'cover_open',
  'paper-out': 'paper_out',
  error: 'error',
};

/** The driver's status in the till's words. */
export function toPortStatus(s: DriverStatus): PrinterStatus {
  const errors = Object.entries(s.errors)
    .filter(([, on]) => on)
    .map(([name]) => name);
  return {
    problem: s.fault ? PROBLEM[s.fault] : null,
    paperNearEnd: s.paper === 'near-end',
    drawerOpen: s.drawer ? s.drawer.open : null,
    detail: !s.reachable
      ? 'no reply from the printer (unplugged, off, or not an ESC/POS printer)'
      : errors.length > 0
        ? `errors: ${errors.join(', ')}`
        : null,
  };
}

function toOutcome(r: PrintResult, sent: boolean): PrintOutcome {
  if (r.printed) return { printed: true };
  // 'not-confirmed' (process-ID profiles): the printer took the job and never said it printed.
  const reason: PrinterProblem = r.reason === 'not-confirmed' ? 'error' : PROBLEM[r.reason];
  // The driver says whether any of the job's bytes may have left; if so the reprint is a COPY
  // (a needless COPY mark is safe, a second original is not).
  return { printed: false, reason, started: sent && r.sent, detail: r.message };
}

export class EscPosPrinterPort implements PrinterPort {
  readonly address: string;
  private readonly printer: Printer;
  private readonly firstConnect: Promise<void>;
  private closed = false;

  constructor(
    address: string,
    readonly profile: PrinterProfile,
    connect: () => Transport,
    options: EscPosPortOptions = {},
  ) {
    this.address = address;
    this.printer = new Printer({
      connect,
      profile,
      pollIntervalMs: options.pollIntervalMs ?? 0,
      ...(options.replyTimeoutMs !== undefined ? { statusTimeoutMs: options.replyTimeoutMs } : {}),
      ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
      reconnect: {
        ...(options.reconnectBaseMs !== undefined ? { backoffBaseMs: options.reconnectBaseMs } : {}),
        ...(options.reconnectCapMs !== undefined ? { backoffCapMs: options.reconnectCapMs } : {}),
      },
    });
    // The link comes up in the background; the first question waits for it a little, so a
    // printer that is merely connecting does not flash "not responding" on the screen.
    this.firstConnect = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.firstConnectMs ?? options.connectTimeoutMs ?? 2000);
      timer.unref?.();
      const off = this.printer.onConnection((up) => {
        if (!up) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    this.printer.start();
  }

  async status(): Promise<PrinterStatus> {
    await this.firstConnect;
    return toPortStatus(await this.printer.status());
  }

  async print(bytes: Uint8Array, jobId: string): Promise<PrintOutcome> {
    await this.firstConnect;
    return toOutcome(await this.printer.print(bytes, { jobId }), true);
  }

  async openDrawer(pin?: 2 | 5): Promise<PrintOutcome> {
    await this.firstConnect;
    const before = toPortStatus(await this.printer.status());
    // A drawer pulse is executed by a printer that can print; offline it would sit in its buffer.
    if (before.problem) return { printed: false, reason: before.problem, started: false, detail: before.detail };
    try {
      await this.printer.openDrawer(pin);
      return { printed: true };
    } catch (err) {
      return { printed: false, reason: 'offline', started: false, detail: (err as Error).message };
    }
  }

  onStatus(cb: (status: PrinterStatus) => void): () => void {
    return this.printer.onStatus((s) => cb(toPortStatus(s)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.printer.stop();
  }
}

export interface OpenedPort {
  port: EscPosPrinterPort;
  /** The in-process simulator behind a `sim:printer` address. */
  sim?: PrinterSim;
}

/**
 * Address → PrinterPort. `sim:printer[?paper=out…]` runs the simulator in this process over the
 * memory pair (the demo and tests); serial, tcp and usblp go through drivers/transport.
 */
export function openPrinterPort(address: string, profile: PrinterProfile, options: EscPosPortOptions = {}): OpenedPort {
  const parsed = parseAddress(address);
  const canonical = formatAddress(parsed);
  if (parsed.kind === 'sim') {
    if (parsed.device !== 'printer') throw new Error(`${address} is not a printer address`);
    const sim = new PrinterSim({ ...simOptionsFromAddress(parsed), drawerOpenLevel: profile.drawer.openLevel });
    let detach: (() => void) | undefined;
    const connect = (): Transport => {
      // A reconnect is a new cable to the same simulated printer (its paper and pages stay).
      detach?.();
      const [host, device] = createMemoryPair('sim:printer');
      void device.open();
      detach = sim.attach(device);
      return host;
    };
    return { port: new EscPosPrinterPort(canonical, profile, connect, { firstConnectMs: 500, ...options }), sim };
  }
  if (parsed.kind === 'hid') throw new Error(`${address}: receipt printers are reached over serial, tcp or usblp`);
  const connect = (): Transport =>
    createTransport(parsed, options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {});
  return { port: new EscPosPrinterPort(canonical, profile, connect, options) };
}
