// The receipt printer as a device (ARCHITECTURE §8, layer 3): one job at a time over a link that
// reconnects by itself, status before and after every job, and a job counted as printed only on
// proof: the job's process-ID reply where the profile supports it, else a clean DLE EOT after it.
//
// DLE EOT proves the printer is well, not that the job printed: it is answered the moment it
// arrives, possibly before the job's last lines leave the buffer. Hence the settle wait before the
// after-job check, and process ID wherever the printer has it.
import { logger } from '../../lib/log';
import {
  concat,
  drawerPulse,
  processIdRequest,
  realtimeStatusRequest,
  automaticStatusBack,
} from '../escpos/commands';
import {
  withReconnect,
  type ReconnectOptions,
  type ReconnectingTransport,
} from '../transport/reconnect';
import { Listeners, type Transport } from '../transport/transport';
import type { PrinterProfile } from './profiles';
import {
  createStatusParser,
  FAULT_WORDS,
  statusFromAsb,
  statusFromRealtime,
  UNREACHABLE,
  type PrinterFault,
  type PrinterStatus,
} from './status';

const log = logger('printer');

export interface PrinterOptions {
  /** A fresh transport for each (re)connection, e.g. () => createTransport(parseAddress(a)). */
  connect: () => Transport;
  profile: PrinterProfile;
  reconnect?: Partial<ReconnectOptions>;
  /** How long to wait for the four DLE EOT replies; no reply = offline. */
  statusTimeoutMs?: number;
  /** Process-ID profiles: how long a job may take to print before it counts as not confirmed. */
  jobTimeoutMs?: number;
  /** Process-ID profiles: how often to look for a fault while waiting for the job's ID. */
  faultCheckMs?: number;
  /** Profiles without process ID: wait this long after sending before the after-job status. */
  settleMs?: number;
  /** Status polling while idle; 0 = off. */
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type PrintRefusal = PrinterFault | 'not-confirmed';
export type PrintResult =
  | { printed: true; jobId: string }
  | {
      printed: false;
      jobId: string;
      reason: PrintRefusal;
      message: string;
      /**
       * Whether any of the job's bytes may have reached the printer: false only when the job was
       * refused before its first write; true once a write was attempted (a write that fails may
       * still have delivered part of the job, so a reprint must be marked as a copy).
       */
      sent: boolean;
    };

export class PrinterError extends Error {
  constructor(
    readonly code: 'printer.offline',
    message: string,
  ) {
    super(message);
    this.name = 'PrinterError';
  }
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ALL_STATUS = concat([1, 2, 3, 4].map((n) => realtimeStatusRequest(n as 1 | 2 | 3 | 4)));

interface Waiter {
  resolve: (byte: number | undefined) => void;
}

export class Printer {
  private readonly link: ReconnectingTransport;
  private readonly parser = createStatusParser();
  private readonly statusEvt = new Listeners<[PrinterStatus]>();
  private readonly connectionEvt = new Listeners<[boolean]>();
  private rtWaiters: Waiter[] = [];
  /**
   * A status request timed out, so its answers may still come. A real-time byte does not say
   * which request it answers, so before the next request we wait one timeout with no request
   * listening (whatever arrives is dropped), rather than take a stale "paper out" for the answer.
   */
  private owed = false;
  private readonly pidWaiters = new Map<string, () => void>();
  private nextPid = 0;
  /** Counts link losses, so a job can tell whether its connection held from start to end. */
  private linkLosses = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private busy = false;
  private poller: NodeJS.Timeout | undefined;
  private last: PrinterStatus = UNREACHABLE;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PrinterOptions) {
    this.sleep = options.sleep ?? realSleep;
    this.link = withReconnect(options.connect, {
      backoffBaseMs: options.reconnect?.backoffBaseMs ?? 500,
      backoffCapMs: options.reconnect?.backoffCapMs ?? 30_000,
      ...(options.reconnect?.random ? { random: options.reconnect.random } : {}),
      ...(options.reconnect?.sleep ? { sleep: options.reconnect.sleep } : {}),
    });
    this.link.onData((chunk) => this.onBytes(chunk));
    this.link.on('connected', () => this.onConnected());
    this.link.on('disconnected', (err) => this.onDisconnected(err));
  }

  get description(): string {
    return this.link.description;
  }

  get connected(): boolean {
    return this.link.connected;
  }

  /** The last status seen (polled, asked for, or pushed by ASB). */
  get lastStatus(): PrinterStatus {
    return this.last;
  }

  /** Connects in the background (retrying forever) and starts polling. Never throws. */
  start(): void {
    this.link.open().catch(() => undefined);
    const every = this.options.pollIntervalMs ?? 5000;
    if (every > 0 && !this.poller) {
      this.poller = setInterval(() => {
        if (!this.busy && this.link.connected) void this.status().catch(() => undefined);
      }, every);
      this.poller.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.poller);
    this.poller = undefined;
    await this.link.close();
    this.failWaiters();
  }

  onStatus(cb: (status: PrinterStatus) => void): () => void {
    return this.statusEvt.add(cb);
  }

  onConnection(cb: (connected: boolean) => void): () => void {
    return this.connectionEvt.add(cb);
  }

  /** DLE EOT 1..4, after any job in progress. "offline" (reachable: false) when nothing answers. */
  status(): Promise<PrinterStatus> {
    return this.exclusive(() => this.queryStatus());
  }

  print(bytes: Uint8Array, { jobId }: { jobId: string }): Promise<PrintResult> {
    return this.exclusive(async () => {
      let sent = false;
      const sendJob = async (part: Uint8Array): Promise<boolean> => {
        const r = await this.write(part);
        if (r !== 'not-connected') sent = true;
        return r === 'ok';
      };
      const refuse = (reason: PrintRefusal, why?: string): PrintResult => {
        const message = `${reason === 'not-confirmed' ? 'the printer did not confirm the job' : FAULT_WORDS[reason]}${why ? ` (${why})` : ''}`;
        log.warn(
          { jobId, reason, sent, printer: this.description },
          `print job not printed: ${message}`,
        );
        return { printed: false, jobId, reason, message, sent };
      };

      const before = await this.queryStatus();
      if (!before.ready) return refuse(before.fault ?? 'offline', 'before sending');
      // A link that dropped and came back during the job lost part of it, even if every write
      // had returned and the new connection reports a clean printer: never count that as printed.
      const link = this.linkLosses;
      const linkHeld = () => this.linkLosses === link;

      if (!(await sendJob(bytes)))
        return refuse('offline', sent ? 'link lost while sending' : 'link lost before sending');

      if (this.options.profile.supports.processId) {
        const id = String((this.nextPid++ % 9999) + 1).padStart(4, '0');
        const confirmed = this.waitForPid(id);
        if (!(await sendJob(processIdRequest(id))))
          return refuse('offline', 'link lost while sending');
        const checkEvery = this.options.faultCheckMs ?? 1000;
        const jobTimeout = this.options.jobTimeoutMs ?? 60_000;
        for (let waited = 0; ; waited += checkEvery) {
          const done = await Promise.race([
            confirmed.promise,
            this.sleep(checkEvery).then(() => false),
          ]);
          if (done)
            return linkHeld()
              ? { printed: true, jobId }
              : refuse('offline', 'link lost during the job');
          const now = await this.queryStatus();
          if (!now.ready) {
            confirmed.cancel();
            return refuse(now.fault ?? 'offline', 'during the job');
          }
          if (waited + checkEvery >= jobTimeout) {
            confirmed.cancel();
            return refuse('not-confirmed', `no process-ID reply within ${jobTimeout} ms`);
          }
        }
      }

      await this.sleep(this.options.settleMs ?? 300);
      const after = await this.queryStatus();
      if (!linkHeld()) return refuse('offline', 'link lost during the job');
      return after.ready
        ? { printed: true, jobId }
        : refuse(after.fault ?? 'offline', 'after the job');
    });
  }

  /** ESC p on the given pin (the profile's by default). */
  openDrawer(pin?: 2 | 5): Promise<void> {
    const { drawer } = this.options.profile;
    return this.exclusive(async () => {
      if (!(await this.send(drawerPulse(pin ?? drawer.pin, drawer.pulseOnMs, drawer.pulseOffMs)))) {
        throw new PrinterError(
          'printer.offline',
          `${this.description}: cannot open the drawer, printer not connected`,
        );
      }
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(async () => {
      this.busy = true;
      try {
        return await fn();
      } finally {
        this.busy = false;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async send(bytes: Uint8Array): Promise<boolean> {
    return (await this.write(bytes)) === 'ok';
  }

  /** 'not-connected': nothing was written; 'failed': the write began and may have got partway. */
  private async write(bytes: Uint8Array): Promise<'ok' | 'not-connected' | 'failed'> {
    if (!this.link.connected) return 'not-connected';
    try {
      await this.link.write(bytes);
      return 'ok';
    } catch (err) {
      log.warn({ err, printer: this.description }, 'write to printer failed');
      return 'failed';
    }
  }

  private async queryStatus(): Promise<PrinterStatus> {
    if (!this.link.connected) return this.update(UNREACHABLE);
    const timeoutMs = this.options.statusTimeoutMs ?? 1000;
    if (this.owed) {
      await new Promise((r) => setTimeout(r, timeoutMs));
      this.owed = false;
    }
    const mine: Waiter[] = [];
    const replies = [1, 2, 3, 4].map(
      () =>
        new Promise<number | undefined>((resolve) => {
          const w = { resolve };
          mine.push(w);
          this.rtWaiters.push(w);
        }),
    );
    const timer = setTimeout(() => {
      const unanswered = mine.filter((w) => this.rtWaiters.includes(w));
      this.rtWaiters = this.rtWaiters.filter((w) => !unanswered.includes(w));
      if (unanswered.length) this.owed = true;
      for (const w of unanswered) w.resolve(undefined);
    }, timeoutMs);
    if (!(await this.send(ALL_STATUS))) {
      clearTimeout(timer);
      this.rtWaiters = this.rtWaiters.filter((w) => !mine.includes(w));
      for (const w of mine) w.resolve(undefined);
    }
    const bytes = await Promise.all(replies);
    clearTimeout(timer);
    if (bytes.some((b) => b === undefined)) return this.update(UNREACHABLE);
    const status = statusFromRealtime(
      bytes as [number, number, number, number],
      this.options.profile.drawer.openLevel,
    );
    return this.update(status ?? UNREACHABLE);
  }

  private waitForPid(id: string): { promise: Promise<boolean>; cancel: () => void } {
    let cancel = () => undefined as void;
    const promise = new Promise<boolean>((resolve) => {
      this.pidWaiters.set(id, () => resolve(true));
      cancel = () => {
        this.pidWaiters.delete(id);
        resolve(false);
      };
    });
    return { promise, cancel };
  }

  private onBytes(chunk: Uint8Array): void {
    for (const e of this.parser.push(chunk)) {
      switch (e.type) {
        case 'realtime': {
          this.rtWaiters.shift()?.resolve(e.byte); // none waiting: unasked-for or late, dropped
          break;
        }
        case 'asb':
          this.update(statusFromAsb(e.status, this.options.profile.drawer.openLevel));
          break;
        case 'process-id': {
          const done = this.pidWaiters.get(e.id);
          this.pidWaiters.delete(e.id);
          done?.();
          break;
        }
        case 'garbage':
          log.debug(
            { bytes: Buffer.from(e.bytes).toString('hex'), printer: this.description },
            'unexpected bytes from printer',
          );
          break;
      }
    }
  }

  private onConnected(): void {
    this.parser.reset();
    this.owed = false;
    log.info({ printer: this.description }, 'printer connected');
    this.connectionEvt.emit(true);
    if (this.options.profile.supports.asb) {
      void this.send(automaticStatusBack({ drawer: true, online: true, error: true, paper: true }));
    }
    void this.status().catch(() => undefined);
  }

  private onDisconnected(err?: Error): void {
    this.linkLosses++;
    log.warn({ err: err?.message, printer: this.description }, 'printer link lost');
    this.failWaiters();
    this.connectionEvt.emit(false);
    this.update(UNREACHABLE);
  }

  private failWaiters(): void {
    const waiters = this.rtWaiters;
    this.rtWaiters = [];
    for (const w of waiters) w.resolve(undefined);
  }

  private update(status: PrinterStatus): PrinterStatus {
    const changed = JSON.stringify(status) !== JSON.stringify(this.last);
    this.last = status;
    if (changed) this.statusEvt.emit(status);
    return status;
  }
}
