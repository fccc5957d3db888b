// createTerminal(config): the terminal's services wired over one SQLite database.
// Hosts (Electron main, browser-mode server, CLI, tests) hold a Terminal and nothing else.
import type { EventName, EventPayloads, Reply } from '../contract/api';
import type { Clock } from '../lib/clock';
import type { Handlers } from './dispatch';
import type { SyncConfig, SyncWorker } from './sync-worker';

export interface TerminalConfig {
  /** Folder holding terminal.db (created if missing). */
  dataDir: string;
  /** Load the demo venue's catalog and settings into a new data dir. */
  demo?: boolean;
  clock?: Clock;
  /** better-sqlite3's native .node file (the Electron-ABI build when running inside Electron). */
  nativeBinding?: string;
  /**
   * Sync worker settings (tests compress time and inject fetch), or false to never start it.
   * The worker starts only when the terminal is enrolled (settings 'gateway').
   */
  sync?: Partial<SyncConfig> | false;
}

export interface Terminal {
  readonly terminalId: string;
  readonly handlers: Handlers;
  /** The sync worker, when the terminal is enrolled and sync is not disabled. */
  readonly sync?: SyncWorker;
  /** Validate and run one command (what both hosts call). */
  dispatch(method: unknown, input: unknown): Promise<Reply<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  close(): void;
}
