// PrinterPort over a byte transport: real-time status (DLE EOT 1–4) before and after each job,
// with the default profile's rule that a job counts as printed when a clean status comes back
// after its cut on the same connection.
//
// NOTE: drivers/printer's Printer device class (status decoder, process ID, ASB, polling) was
// still being written when this adapter was needed. The small status reading here follows the
// same ESC/POS reference; when Printer lands, this file should become a thin wrapper over it.
import { drawerPulse, realtimeStatusRequest } from '../../drivers/escpos/commands';
import { formatAddress, parseAddress, type DeviceAddress } from '../../drivers/address';
import type { PrinterProfile } from '../../drivers/printer/profiles';
import { PrinterSim, simOptionsFromAddress } from '../../drivers/sim/printer-sim';
import { createMemoryPair } from '../../drivers/transport/memory';
import { createTransport } from '../../drivers/transport/create';
import type { Transport } from '../../drivers/transport/transport';
import type { PrintOutcome, PrinterPort, PrinterProblem, PrinterStatus } from './printer-port';

export interface EscPosPortOptions {
  /** How long one DLE EOT may take to answer. */
  replyTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** A DLE EOT reply has bits 1 and 4 set and bits 0 and 7 clear (ESC/POS reference). */
const isStatusByte = (b: number): boolean => (b & 0x93) === 0x12;

/** Decodes the four DLE EOT replies into what the till needs to know. */
export function decodeStatusBytes(
  bytes: { s1: number; s2: number; s3: number; s4: number },
  drawerOpenLevel: 'high' | 'low',
): PrinterStatus {
  const { s1, s2, s3, s4 } = bytes;
  const coverOpen = (s2 & 0x04) !== 0;
  const paperOut = (s2 & 0x20) !== 0 || (s4 & 0x60) !== 0;
  const errors: string[] = [];
  if (s3 & 0x08) errors.push('autocutter error');
  if (s3 & 0x20) errors.push('unrecoverable error');
  if (s3 & 0x40) errors.push('auto-recoverable error');
  if (errors.length === 0 && s2 & 0x40) errors.push('error');
  const offline = (s1 & 0x08) !== 0;
  let problem: PrinterProblem | null = null;
  if (coverOpen) problem = 'cover_open';
  else if (paperOut) problem = 'paper_out';
  else if (errors.length > 0) problem = 'error';
  else if (offline) problem = 'offline';
  const pinHigh = (s1 & 0x04) !== 0;
  return {
    problem,
    paperNearEnd: !paperOut && (s4 & 0x0c) !== 0,
    drawerOpen: drawerOpenLevel === 'high' ? pinHigh : !pinHigh,
    detail: errors.length > 0 ? errors.join(', ') : null,
  };
}

const unreachable = (detail: string): PrinterStatus => ({
  problem: 'offline',
  paperNearEnd: false,
  drawerOpen: null,
  detail,
});

export class EscPosPrinterPort implements PrinterPort {
  readonly address: string;
  private transport: Transport | null = null;
  private replies: number[] = [];
  private waiter: (() => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(s: PrinterStatus) => void>();
  private closed = false;

  constructor(
    address: string | DeviceAddress,
    readonly profile: PrinterProfile,
    private readonly factory: () => Transport,
    private readonly options: EscPosPortOptions = {},
  ) {
    this.address = typeof address === 'string' ? address : formatAddress(address);
  }

  status(): Promise<PrinterStatus> {
    return this.exclusive(() => this.readStatus());
  }

  print(bytes: Uint8Array, _jobId: string): Promise<PrintOutcome> {
    return this.exclusive(async () => {
      const before = await this.readStatus();
      if (before.problem) return { printed: false, reason: before.problem, started: false, detail: before.detail };
      try {
        await this.connected().then((t) => t.write(bytes));
      } catch (err) {
        this.drop();
        const after = unreachable(`write failed: ${(err as Error).message}`);
        this.emit(after);
        return { printed: false, reason: 'offline', started: true, detail: after.detail };
      }
      // Clean DLE EOT after the cut on the same connection = printed (default profile).
      const after = await this.readStatus();
      if (after.problem) return { printed: false, reason: after.problem, started: true, detail: after.detail };
      return { printed: true };
    });
  }

  openDrawer(pin?: 2 | 5): Promise<PrintOutcome> {
    const d = this.profile.drawer;
    return this.print(drawerPulse(pin ?? d.pin, d.pulseOnMs, d.pulseOffMs), 'drawer');
  }

  onStatus(cb: (status: PrinterStatus) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  async close(): Promise<void> {
    this.closed = true;
    const t = this.transport;
    this.transport = null;
    await t?.close().catch(() => undefined);
  }

  // ---- internals ----

  /** One conversation at a time: a status reply must not be read by another request. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private emit(s: PrinterStatus): void {
    for (const cb of [...this.listeners]) cb(s);
  }

  private drop(): void {
    const t = this.transport;
    this.transport = null;
    void t?.close().catch(() => undefined);
  }

  private async connected(): Promise<Transport> {
    if (this.closed) throw new Error('printer port closed');
    if (this.transport?.isOpen) return this.transport;
    this.drop();
    const t = this.factory();
    t.onData((chunk) => {
      for (const b of chunk) if (isStatusByte(b)) this.replies.push(b);
      this.waiter?.();
    });
    t.onDisconnect(() => {
      if (this.transport === t) this.transport = null;
    });
    await t.open();
    this.transport = t;
    return t;
  }

  private async ask(t: Transport, n: 1 | 2 | 3 | 4): Promise<number> {
    this.replies = [];
    await t.write(realtimeStatusRequest(n));
    const timeoutMs = this.options.replyTimeoutMs ?? 1000;
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply to DLE EOT ${n} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.replies.shift() as number;
  }

  private async readStatus(): Promise<PrinterStatus> {
    let s: PrinterStatus;
    try {
      const t = await this.connected();
      const s1 = await this.ask(t, 1);
      const s2 = await this.ask(t, 2);
      const s3 = await this.ask(t, 3);
      const s4 = await this.ask(t, 4);
      s = decodeStatusBytes({ s1, s2, s3, s4 }, this.profile.drawer.openLevel);
    } catch (err) {
      // No reply or no link: a printer we cannot reach cannot print. Reconnect next time.
      this.drop();
      s = unreachable((err as Error).message);
    }
    this.emit(s);
    return s;
  }
}

export interface OpenedPort {
  port: EscPosPrinterPort;
  /** The in-process simulator behind a `sim:printer` address. */
  sim?: PrinterSim;
}

/**
 * Address → PrinterPort. `sim:printer[?paper=out…]` runs the simulator in this process over the
 * memory pair (the demo and tests); the rest go through drivers/transport.
 */
export function openPrinterPort(address: string, profile: PrinterProfile, options: EscPosPortOptions = {}): OpenedPort {
  const parsed = parseAddress(address);
  if (parsed.kind === 'sim') {
    if (parsed.device !== 'printer') throw new Error(`${address} is not a printer address`);
    const sim = new PrinterSim({ ...simOptionsFromAddress(parsed), drawerOpenLevel: profile.drawer.openLevel });
    let detach: (() => void) | undefined;
    const factory = (): Transport => {
      // A reconnect is a new cable to the same simulated printer (its paper and pages stay).
      detach?.();
      const [host, device] = createMemoryPair('sim:printer');
      void device.open();
      detach = sim.attach(device);
      return host;
    };
    return { port: new EscPosPrinterPort(parsed, profile, factory, options), sim };
  }
  if (parsed.kind === 'hid') throw new Error(`${address}: receipt printers are reached over serial, tcp or usblp`);
  return {
    port: new EscPosPrinterPort(parsed, profile, () =>
      createTransport(parsed, options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    options),
  };
}
