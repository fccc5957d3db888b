// What the print worker needs from a receipt printer, and nothing more. An adapter over the
// driver implements it (escpos-printer-port.ts); tests may hand the worker any PrinterPort.
import type { PrinterProfile } from '../../drivers/printer/profiles';

/** Why the printer cannot print, as the UI translates it. */
export type PrinterProblem = 'paper_out' | 'cover_open' | 'offline' | 'error';

export interface PrinterStatus {
  /** null: the printer can print. */
  problem: PrinterProblem | null;
  /** The roll is nearly out: printing still works, the UI warns. */
  paperNearEnd: boolean;
  /** From the drawer kick connector (pin 3), read with the profile's open level; null when unknown. */
  drawerOpen: boolean | null;
  /** For a technician (e.g. "no reply to DLE EOT within 1000 ms", "autocutter error"). */
  detail: string | null;
}

export type PrintOutcome =
  | { printed: true }
  | {
      printed: false;
      reason: PrinterProblem;
      /**
       * false: refused before any byte left (the job stays an original); true: some bytes may
       * be on paper, so the job prints again whole, marked COPY.
       */
      started: boolean;
      detail: string | null;
    };

export interface PrinterPort {
  /** Canonical address, for the Devices screen. */
  readonly address: string;
  readonly profile: PrinterProfile;
  /** Asks the printer now (DLE EOT 1–4); never throws: an unreachable printer is 'offline'. */
  status(): Promise<PrinterStatus>;
  /** Sends one whole job; resolves when the printer has (or has not) confirmed it. Never throws. */
  print(bytes: Uint8Array, jobId: string): Promise<PrintOutcome>;
  /** Pulses the drawer kick connector. */
  openDrawer(pin?: 2 | 5): Promise<PrintOutcome>;
  /** Status changes seen by any request (and by ASB where the driver uses it). */
  onStatus(cb: (status: PrinterStatus) => void): () => void;
  close(): Promise<void>;
}
