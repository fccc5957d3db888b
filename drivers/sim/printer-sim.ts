// A simulated ESC/POS receipt printer: the printer's side of the protocol, for tests, the demo and
// `pos sim printer`. It decodes what it is sent into pages (receipts ended by a cut), answers
// real-time status requests and process-ID requests from its simulated state, sends automatic
// status back when enabled, and can be told to run out of paper, open its cover or go offline.
//
// Fault model, kept simple on purpose: a real printer that cannot print goes offline and holds
// what it receives in its receive buffer (a few KB) until it recovers. The simulator instead
// DISCARDS every byte it receives while it cannot print, and drops whatever it had queued but not
// yet printed when the fault starts. So a job interrupted by a fault is never completed by the
// printer on its own: the driver must notice (status, missing process-ID reply) and reprint.
// Real-time requests (DLE EOT) are still answered, as a real printer does when offline.
import type { Block, Page } from './document';
import { DocumentBuilder } from './document';
import type { SimDuplex } from './duplex';
import type { EscPosEvent } from './escpos-decoder';
import { EscPosParser, RealtimeScanner } from './escpos-decoder';

export type PaperState = 'ok' | 'near_end' | 'out';
export type PrinterError = 'autocutter' | 'unrecoverable' | 'auto_recoverable';
export type PrinterFault = 'paper_out' | 'cover_open' | 'offline' | PrinterError;

export interface PrinterSimState {
  paper: PaperState;
  coverOpen: boolean;
  /** Offline for a reason other than paper, cover or error (the simulator was told to be). */
  offline: boolean;
  drawerOpen: boolean;
  error: PrinterError | null;
}

export interface PrinterSimOptions {
  paper?: PaperState;
  coverOpen?: boolean;
  offline?: boolean;
  /** ESC t table at power-on and after ESC @ (0 = PC437). */
  codePage?: number;
  /** Chinese firmware: starts (and resets to) Hanzi mode. */
  hanziByDefault?: boolean;
  /** Drawer connector pin level while the drawer is open: 'high' sets status bit 2. */
  drawerOpenLevel?: 'high' | 'low';
  /** The pin the drawer hangs on; a pulse on it opens the drawer. */
  drawerPin?: 2 | 5;
  /**
   * Time to print one line (feeds, symbols and images count by their height). 0 (default)
   * prints instantly; more lets tests see the process-ID reply wait for printing.
   */
  lineTimeMs?: number;
  /** Closes the drawer this long after a pulse opened it, as a cashier would (demo); 0: never. */
  drawerCloseAfterMs?: number;
}

/** What the printer has printed and answered, for tests and the Devices screen. */
export interface PrinterSimStats {
  bytesReceived: number;
  /** Received while the printer could not print (see the fault model above). */
  bytesDiscarded: number;
  /** Parsed but dropped from the print queue when a fault started. */
  eventsDropped: number;
  unknownCommands: number;
  pulses: { pin: 2 | 5; onMs: number; offMs: number }[];
}

const DOTS_PER_LINE = 30;

/** `sim:printer?paper=out|cover=open|offline=1` (drivers/address.ts) → initial state. */
export function simOptionsFromAddress(address: {
  paper?: 'out';
  cover?: 'open';
  offline?: boolean;
  drawer?: 'auto';
}): PrinterSimOptions {
  return {
    ...(address.drawer === 'auto' ? { drawerCloseAfterMs: 4000 } : {}),
    ...(address.paper ? { paper: address.paper } : {}),
    ...(address.cover === 'open' ? { coverOpen: true } : {}),
    ...(address.offline ? { offline: true } : {}),
  };
}

export class PrinterSim {
  private st: PrinterSimState;
  private readonly parser: EscPosParser;
  private readonly realtime = new RealtimeScanner();
  private readonly doc = new DocumentBuilder();
  private readonly outputs = new Set<(bytes: Uint8Array) => void>();
  private readonly pageListeners = new Set<(page: Page) => void>();
  private asbMask = 0;
  private queue: EscPosEvent[] = [];
  private queueHead = 0;
  private timer: NodeJS.Timeout | null = null;
  private drawerTimer: NodeJS.Timeout | null = null;
  private pendingFault: { after: number; fault: PrinterFault } | null = null;
  private readonly statsData: PrinterSimStats = {
    bytesReceived: 0,
    bytesDiscarded: 0,
    eventsDropped: 0,
    unknownCommands: 0,
    pulses: [],
  };

  constructor(private readonly options: PrinterSimOptions = {}) {
    this.st = {
      paper: options.paper ?? 'ok',
      coverOpen: options.coverOpen ?? false,
      offline: options.offline ?? false,
      drawerOpen: false,
      error: null,
    };
    this.parser = new EscPosParser({
      codePage: options.codePage,
      hanziByDefault: options.hanziByDefault,
    });
  }

  // ---- wiring ----

  /** Bytes from the host. */
  receive(bytes: Uint8Array): void {
    let chunk = bytes;
    while (this.pendingFault && chunk.length > 0) {
      const take = Math.min(this.pendingFault.after, chunk.length);
      this.receiveNow(chunk.subarray(0, take));
      chunk = chunk.subarray(take);
      this.pendingFault.after -= take;
      if (this.pendingFault.after === 0) {
        const { fault } = this.pendingFault;
        this.pendingFault = null;
        this.inject(fault);
      }
    }
    if (chunk.length > 0) this.receiveNow(chunk);
  }

  /** Replies to the host (status bytes, ASB blocks, process-ID replies). */
  onOutput(cb: (bytes: Uint8Array) => void): () => void {
    this.outputs.add(cb);
    return () => this.outputs.delete(cb);
  }

  /**
   * Serves the simulator over a duplex (a Transport such as one end of createMemoryPair(), a pty,
   * a socket); returns a detach function. A disconnect drops an incomplete command.
   */
  attach(duplex: SimDuplex): () => void {
    const offData = duplex.onData((b) => this.receive(b));
    const offOut = this.onOutput((b) => {
      // A reply to a host that has gone is lost, as on a real line.
      Promise.resolve(duplex.write(b)).catch(() => undefined);
    });
    const offDisconnect = duplex.onDisconnect?.(() => this.connectionClosed());
    return () => {
      offData();
      offOut();
      offDisconnect?.();
    };
  }

  /** Called on each page as it is cut. */
  onPage(cb: (page: Page) => void): () => void {
    this.pageListeners.add(cb);
    return () => this.pageListeners.delete(cb);
  }

  /**
   * The connection ended: an incomplete command at its end is dropped, as a network printer does
   * when a job's connection closes, so the next job does not start inside it.
   */
  connectionClosed(): void {
    const dropped = this.parser.discardPending();
    this.statsData.bytesDiscarded += dropped.length;
  }

  // ---- controls ----

  state(): PrinterSimState {
    return { ...this.st };
  }

  /** True when the printer prints what it receives. */
  canPrint(): boolean {
    const s = this.st;
    return s.paper !== 'out' && !s.coverOpen && !s.offline && s.error === null;
  }

  setPaper(paper: PaperState): void {
    this.change({ paper });
  }

  openCover(): void {
    this.change({ coverOpen: true });
  }

  closeCover(): void {
    this.change({ coverOpen: false });
  }

  setOffline(offline: boolean): void {
    this.change({ offline });
  }

  setError(error: PrinterError | null): void {
    this.change({ error });
  }

  openDrawer(): void {
    this.change({ drawerOpen: true });
    const after = this.options.drawerCloseAfterMs ?? 0;
    if (after > 0) {
      if (this.drawerTimer) clearTimeout(this.drawerTimer);
      this.drawerTimer = setTimeout(() => this.closeDrawer(), after);
      this.drawerTimer.unref();
    }
  }

  closeDrawer(): void {
    this.change({ drawerOpen: false });
  }

  /** Applies a fault now. */
  inject(fault: PrinterFault): void {
    if (fault === 'paper_out') this.setPaper('out');
    else if (fault === 'cover_open') this.openCover();
    else if (fault === 'offline') this.setOffline(true);
    else this.setError(fault);
  }

  /** Applies `fault` once `n` more bytes have been received (mid-job faults). */
  failAfterBytes(n: number, fault: PrinterFault): void {
    if (n <= 0) this.inject(fault);
    else this.pendingFault = { after: n, fault };
  }

  /** The receipts cut so far, oldest first. */
  pages(): Page[] {
    return this.doc.pages();
  }

  lastPage(): Page | undefined {
    const all = this.doc.pages();
    return all[all.length - 1];
  }

  /** What has printed since the last cut. */
  currentPage(): Page {
    return this.doc.current();
  }

  stats(): PrinterSimStats {
    return { ...this.statsData, pulses: [...this.statsData.pulses] };
  }

  /** Forgets printed pages (the paper was torn off); state and modes stay. */
  clearPages(): void {
    this.doc.clearPages();
  }

  /** Stops the print timer; the simulator drops what it had not printed. */
  dispose(): void {
    if (this.drawerTimer) clearTimeout(this.drawerTimer);
    this.dropQueue();
  }

  // ---- status bytes (ESC/POS reference: DLE EOT, GS a) ----

  /** The reply to DLE EOT n (n = 1..4), or null for an n the printer does not answer. */
  statusByte(n: number): number | null {
    const s = this.st;
    // Fixed bits of every DLE EOT reply: bit 1 = 1, bit 4 = 1 (bits 0 and 7 = 0).
    const fixed = 0x12;
    switch (n) {
      case 1:
        return fixed | (this.drawerPinHigh() ? 0x04 : 0) | (this.canPrint() ? 0 : 0x08);
      case 2:
        return (
          fixed |
          (s.coverOpen ? 0x04 : 0) |
          (s.paper === 'out' ? 0x20 : 0) |
          (s.error !== null ? 0x40 : 0)
        );
      case 3:
        return (
          fixed |
          (s.error === 'autocutter' ? 0x08 : 0) |
          (s.error === 'unrecoverable' ? 0x20 : 0) |
          (s.error === 'auto_recoverable' ? 0x40 : 0)
        );
      case 4:
        // Near-end sensor (bits 2, 3) also sees an empty roll; end sensor bits 5, 6.
        return fixed | (s.paper !== 'ok' ? 0x0c : 0) | (s.paper === 'out' ? 0x60 : 0);
      default:
        return null;
    }
  }

  /** The 4-byte automatic status back block (first byte bit 4 = 1, bits 0, 1, 7 = 0). */
  asbBlock(): Uint8Array {
    const s = this.st;
    return Uint8Array.of(
      0x10 |
        (this.drawerPinHigh() ? 0x04 : 0) |
        (this.canPrint() ? 0 : 0x08) |
        (s.coverOpen ? 0x20 : 0),
      (s.error === 'autocutter' ? 0x08 : 0) |
        (s.error === 'unrecoverable' ? 0x20 : 0) |
        (s.error === 'auto_recoverable' ? 0x40 : 0),
      (s.paper !== 'ok' ? 0x03 : 0) | (s.paper === 'out' ? 0x0c : 0),
      0x00,
    );
  }

  // ---- internals ----

  private drawerPinHigh(): boolean {
    const highWhenOpen = (this.options.drawerOpenLevel ?? 'high') === 'high';
    return this.st.drawerOpen === highWhenOpen;
  }

  private send(bytes: Uint8Array): void {
    for (const cb of this.outputs) cb(bytes);
  }

  private change(patch: Partial<PrinterSimState>): void {
    const before = this.asbBlock();
    const couldPrint = this.canPrint();
    this.st = { ...this.st, ...patch };
    if (couldPrint && !this.canPrint()) this.dropQueue();
    this.maybeSendAsb(before);
  }

  /** Sends ASB when an item enabled by GS a changed (bit 0 drawer, 1 online, 2 error, 3 paper). */
  private maybeSendAsb(before: Uint8Array): void {
    if ((this.asbMask & 0x0f) === 0) return;
    const after = this.asbBlock();
    const b = (a: Uint8Array, i: number): number => a[i] ?? 0;
    const changed =
      ((this.asbMask & 0x01) !== 0 && (b(before, 0) & 0x04) !== (b(after, 0) & 0x04)) ||
      ((this.asbMask & 0x02) !== 0 && (b(before, 0) & 0x68) !== (b(after, 0) & 0x68)) ||
      ((this.asbMask & 0x04) !== 0 && b(before, 1) !== b(after, 1)) ||
      ((this.asbMask & 0x08) !== 0 && b(before, 2) !== b(after, 2));
    if (changed) this.send(after);
  }

  private receiveNow(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.statsData.bytesReceived += bytes.length;
    // Real-time requests first: a printer answers them on reception, in any state.
    for (const n of this.realtime.push(bytes)) {
      const reply = this.statusByte(n);
      if (reply !== null) this.send(Uint8Array.of(reply));
    }
    // The data path always parses, so command boundaries stay right through a fault.
    const printing = this.canPrint();
    const modes = this.parser.modes();
    for (const e of this.parser.push(bytes)) {
      if (e.kind === 'unknown') this.statsData.unknownCommands++;
      if (printing) this.queue.push(e);
    }
    if (!printing) {
      this.statsData.bytesDiscarded += bytes.length;
      this.parser.setModes(modes);
    }
    this.pump();
  }

  private pump(): void {
    if (this.timer) return;
    while (this.queueHead < this.queue.length) {
      const e = this.queue[this.queueHead++];
      if (!e) continue;
      const lines = this.execute(e);
      const ms = (this.options.lineTimeMs ?? 0) * lines;
      if (ms > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, ms);
        return;
      }
    }
    this.queue = [];
    this.queueHead = 0;
  }

  private dropQueue(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.statsData.eventsDropped += this.queue.length - this.queueHead;
    this.queue = [];
    this.queueHead = 0;
  }

  /** Prints one event; returns how many lines of print time it takes. */
  private execute(e: EscPosEvent): number {
    if (e.kind === 'process-id') {
      // Everything before it has printed: it is processed in order, after them.
      this.send(Uint8Array.of(0x37, 0x22, ...e.id, 0x00));
      return 0;
    }
    if (e.kind === 'asb') {
      this.asbMask = e.mask;
      if ((e.mask & 0x0f) !== 0) this.send(this.asbBlock());
      return 0;
    }
    if (e.kind === 'init') this.asbMask = 0;
    if (e.kind === 'pulse') {
      this.statsData.pulses.push({ pin: e.pin, onMs: e.onMs, offMs: e.offMs });
      if (e.pin === (this.options.drawerPin ?? 2)) this.openDrawer();
    }
    const blocksBefore = this.doc.current().blocks.length;
    const finished = this.doc.apply(e);
    if (finished) {
      for (const cb of this.pageListeners) cb(finished);
      return 1;
    }
    let lines = 0;
    for (const block of this.doc.current().blocks.slice(blocksBefore)) lines += printLines(block);
    return lines;
  }
}

function printLines(block: Block): number {
  switch (block.kind) {
    case 'line':
      return Math.max(1, ...block.runs.map((r) => r.style.height));
    case 'feed':
      return block.dots / DOTS_PER_LINE;
    case 'image':
      return block.height / DOTS_PER_LINE;
    case 'barcode':
      return block.height / DOTS_PER_LINE + 1;
    case 'qr':
    case 'symbol':
      return 4;
    case 'pulse':
      return 0;
  }
}
