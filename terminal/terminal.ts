// createTerminal(config): the terminal's services wired over one SQLite database.
// Hosts (Electron main, browser-mode server, CLI, tests) hold a Terminal and nothing else.
import type { EventName, EventPayloads, Reply } from '../contract/api';
import type { Clock } from '../lib/clock';
import type { PrinterSim } from '../drivers/sim/printer-sim';
import type { Handlers } from './dispatch';
import type { EscPosPortOptions } from './printing/escpos-printer-port';
import type { PrintWorker, PrintWorkerConfig } from './printing/print-worker';
import type { ReceiptLanguage } from './printing/receipt-layout';
import type { SyncConfig, SyncWorker } from './sync-worker';
import type { CardConfig, CardService } from './payments/card-service';
import type { WalletConfig, WalletService } from './payments/wallet-service';
import type { ReaderDevice, ReaderDeviceOptions } from './reader-device';
import type { HttpFetch } from './http-client';

import type { StaffConfig } from './staff/staff-service';

export interface TerminalConfig {
  /** Folder holding terminal.db (created if missing). */
  dataDir: string;
  /** Load the demo venue's catalog and settings into a new data dir. */
  demo?: boolean;
  /** Staff sign-in timing (tests compress the lockout). */
  staff?: Partial<StaffConfig>;
  /** This counter's zone for price levels (`vip`, `north-stand`); stored in the data dir once given. */
  zone?: string;
  clock?: Clock;
  /** better-sqlite3's native .node file (the Electron-ABI build when running inside Electron). */
  nativeBinding?: string;
  /**
   * Sync worker settings (tests compress time and inject fetch), or false to never start it.
   * The worker starts only when the terminal is enrolled (settings 'gateway').
   */
  sync?: Partial<SyncConfig> | false;
  /**
   * The receipt printer (ARCHITECTURE §8 address, e.g. `tcp:192.168.1.50`, `serial:/dev/ttyUSB0`,
   * `sim:printer` for the in-process simulator). Without it the printer is 'not_configured' and
   * receipts are not printed.
   */
  printer?: PrinterConfig;
  /** The contactless card reader (`serial:…`, `hid:VID:PID`, `sim:reader[?card=NAME]`). */
  reader?: ReaderConfig;
  /**
   * The barcode scanner the terminal drives: `hid:VID:PID` (USB HID POS),
   * `serial:PATH[?…&suffix=cr|lf|crlf]` or `sim:scanner` (the in-process simulator, whose
   * `scanner.simulateScan` goes through the real decoder). Without it the scanner is
   * 'not_configured'; keyboard-wedge scanners need no setting (the renderer recognises them).
   */
  scanner?: { address: string };
  /** Card payment timing (tests compress it), with or without a reader. */
  cards?: CardsConfig;
  /** Wallet payment code timing (tests compress it); the HTTP timeout is `cards.gatewayTimeoutMs`. */
  wallets?: Partial<WalletConfig>;
}

export interface ReaderConfig {
  address: string;
  device?: ReaderDeviceOptions;
}

export interface CardsConfig extends Partial<CardConfig> {
  /** HTTP timeout of authorize/status/reverse: the gateway's acquirer deadline plus a margin. */
  gatewayTimeoutMs?: number;
  fetch?: HttpFetch;
}

export interface PrinterConfig {
  address: string;
  /** drivers/printer profile name: '80mm' (default) or '58mm'. */
  profile?: string;
  /** Receipt language: both Chinese and English (default), or one. */
  language?: ReceiptLanguage;
  /** Worker timing (tests compress it). */
  worker?: Partial<PrintWorkerConfig>;
  /** Device timing: status timeout, settle wait after a job, reconnect backoff. */
  port?: EscPosPortOptions;
}

export interface Terminal {
  readonly terminalId: string;
  readonly handlers: Handlers;
  /** The sync worker, when the terminal is enrolled and sync is not disabled. */
  readonly sync?: SyncWorker;
  /** The print worker, when a printer is configured; `sim` when it is the in-process simulator. */
  readonly printer?: { readonly worker: PrintWorker; readonly sim?: PrinterSim };
  /** Card payments; `ready` resolves once start-up recovery has run. */
  readonly cards: { readonly service: CardService; readonly ready: Promise<void>; readonly device?: ReaderDevice };
  /** Wallet payment codes; `ready` resolves once start-up recovery has run. */
  readonly wallets: { readonly service: WalletService; readonly ready: Promise<void> };
  /**
   * The local admin's PIN, only on the first start of a terminal that has no staff yet (not the
   * demo): shown once so someone can sign in until the gateway sends the venue's staff.
   */
  readonly bootstrapPin: string | null;
  /** Validate and run one command (what both hosts call). */
  dispatch(method: unknown, input: unknown): Promise<Reply<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  close(): void;
}
