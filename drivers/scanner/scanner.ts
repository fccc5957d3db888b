// A barcode scanner as a device (ARCHITECTURE §8, layer 3): a transport (serial, USB HID through
// node-hid, or a memory end for the simulator) kept up by withReconnect, a decoder for its
// framing, and the inter-character timer that ends a serial scan sent without a suffix.
// Scan text may be a wallet payment code: it goes to onScan listeners only, never to a log.
import type { ScannerSuffix } from '../address';
import { Listeners, type Transport } from '../transport/transport';
import {
  withReconnect,
  type ReconnectOptions,
  type ReconnectingTransport,
} from '../transport/reconnect';
import { HidPosDecoder } from './hid-pos';
import { SerialScanDecoder } from './serial-decoder';
import type { Scan, ScanDecodeError, ScanEvent } from './types';

export type ScannerFraming = 'hid' | 'serial';

export const DEFAULT_INTER_CHAR_TIMEOUT_MS = 50;

export interface ScannerTimers {
  setTimeout(cb: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ScannerTimers = {
  setTimeout: (cb, ms) => setTimeout(cb, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ScannerOptions {
  /** A fresh transport per (re)connection. */
  connect: () => Transport;
  framing: ScannerFraming;
  /** Serial only: the one suffix that ends a scan (default: any of CR, LF, CRLF). */
  suffix?: ScannerSuffix;
  /** Serial only: silence that ends a scan sent without a suffix. */
  interCharTimeoutMs?: number;
  /** HID only: the Scanned Data Report's ID (default 0x02). */
  reportId?: number;
  reconnect?: Partial<ReconnectOptions>;
  timers?: ScannerTimers;
}

export type ScannerEvent =
  | { type: 'scan'; scan: Scan }
  | { type: 'decode_error'; error: ScanDecodeError }
  | { type: 'connected' }
  | { type: 'disconnected'; reason?: string };

interface Decoder {
  push(bytes: Uint8Array): ScanEvent[];
  timeout(): ScanEvent[];
  readonly pending: boolean;
}

export class Scanner {
  private readonly link: ReconnectingTransport;
  private readonly events = new Listeners<[ScannerEvent]>();
  private readonly timers: ScannerTimers;
  private decoder: Decoder;
  private timer: unknown;

  constructor(private readonly options: ScannerOptions) {
    this.timers = options.timers ?? realTimers;
    this.decoder = this.freshDecoder();
    this.link = withReconnect(options.connect, {
      backoffBaseMs: options.reconnect?.backoffBaseMs ?? 500,
      backoffCapMs: options.reconnect?.backoffCapMs ?? 10_000,
      ...(options.reconnect?.random ? { random: options.reconnect.random } : {}),
      ...(options.reconnect?.sleep ? { sleep: options.reconnect.sleep } : {}),
    });
    this.link.onData((chunk) => this.onBytes(chunk));
    this.link.on('connected', () => {
      this.decoder = this.freshDecoder();
      this.events.emit({ type: 'connected' });
    });
    this.link.on('disconnected', (err) => {
      // half a scan from before the unplug must not glue onto the first scan after it
      this.stopTimer();
      this.decoder = this.freshDecoder();
      this.events.emit({ type: 'disconnected', ...(err ? { reason: err.message } : {}) });
    });
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get description(): string {
    return this.link.description;
  }

  /** Connects (retrying in the background). Resolves on the first connection. */
  async start(): Promise<void> {
    await this.link.open();
  }

  async stop(): Promise<void> {
    this.stopTimer();
    await this.link.close();
  }

  onEvent(cb: (ev: ScannerEvent) => void): () => void {
    return this.events.add(cb);
  }

  onScan(cb: (scan: Scan) => void): () => void {
    return this.events.add((ev) => {
      if (ev.type === 'scan') cb(ev.scan);
    });
  }

  private onBytes(chunk: Uint8Array): void {
    this.stopTimer();
    this.deliver(this.decoder.push(chunk));
    if (this.decoder.pending) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.deliver(this.decoder.timeout());
      }, this.options.interCharTimeoutMs ?? DEFAULT_INTER_CHAR_TIMEOUT_MS);
    }
  }

  private deliver(events: ScanEvent[]): void {
    for (const ev of events) {
      if (ev.kind === 'scan') this.events.emit({ type: 'scan', scan: ev.scan });
      else this.events.emit({ type: 'decode_error', error: ev.error });
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private freshDecoder(): Decoder {
    if (this.options.framing === 'serial') return new SerialScanDecoder(this.options.suffix);
    // HID reports arrive whole: a continued scan waits for its next report, not for a timer
    const hid = new HidPosDecoder(this.options.reportId);
    return { push: (r) => hid.push(r), timeout: () => [], pending: false };
  }
}
