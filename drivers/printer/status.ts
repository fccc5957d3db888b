// What an ESC/POS printer sends back, decoded. Pure functions and a streaming parser that never
// throws: a serial line can carry noise, and a printer's bytes can arrive split anywhere.
//
// Telling the replies apart by their fixed bits (ESC/POS reference, DLE EOT / GS a / GS ( H):
//   real-time reply (DLE EOT n)   1 byte    0xx1 xx10   bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0
//   ASB block (GS a), byte 1      1 byte    0xx1 xx00   bits 0,1 = 0, bit 4 = 1, bit 7 = 0
//   ASB block, bytes 2..4         3 bytes   0xx0 xxxx   bit 4 = 0, bit 7 = 0
//   process-ID reply (GS ( H)     7 bytes   37h 22h d1 d2 d3 d4 00h, d in 20h..7Eh
// Bit 0 separates a real-time byte from an ASB first byte; 37h has bits 0,1 = 1 so is neither.
// A real-time byte never says which n it answers: the device layer knows the order it asked in.
import type { PinLevel } from './profiles';

const bit = (b: number, n: number) => (b & (1 << n)) !== 0;

export const isRealtimeByte = (b: number): boolean => (b & 0x93) === 0x12;
export const isAsbFirstByte = (b: number): boolean => (b & 0x93) === 0x10;
export const isAsbNextByte = (b: number): boolean => (b & 0x90) === 0x00;

/** DLE EOT 1. */
export interface PrinterStatusByte {
  /** Drawer kick connector pin 3 (bit 2). Which level means "open" depends on the drawer. */
  drawerPin3: PinLevel;
  /** Bit 3. */
  offline: boolean;
  /** Bit 5 (Epson: waiting for online recovery). */
  waitingForRecovery: boolean;
  /** Bit 6 (Epson: paper feed button pressed). */
  feedButtonPressed: boolean;
}
/** DLE EOT 2. */
export interface OfflineCause {
  coverOpen: boolean; // bit 2
  feedingByButton: boolean; // bit 3
  paperEndStop: boolean; // bit 5: printing stopped at paper end
  error: boolean; // bit 6
}
/** DLE EOT 3. */
export interface ErrorCause {
  /** Bit 2: "recoverable error" on Epson, "mechanical error" in ASB, undefined on some clones. */
  recoverable: boolean;
  autocutter: boolean; // bit 3
  unrecoverable: boolean; // bit 5
  autoRecoverable: boolean; // bit 6: e.g. head too hot; clears by itself
}
/** DLE EOT 4. */
export interface PaperSensor {
  nearEnd: boolean; // bits 2,3
  out: boolean; // bits 5,6
}

export function decodePrinterStatus(b: number): PrinterStatusByte | undefined {
  if (!isRealtimeByte(b)) return undefined;
  return {
    drawerPin3: bit(b, 2) ? 'high' : 'low',
    offline: bit(b, 3),
    waitingForRecovery: bit(b, 5),
    feedButtonPressed: bit(b, 6),
  };
}

export function decodeOfflineCause(b: number): OfflineCause | undefined {
  if (!isRealtimeByte(b)) return undefined;
  return {
    coverOpen: bit(b, 2),
    feedingByButton: bit(b, 3),
    paperEndStop: bit(b, 5),
    error: bit(b, 6),
  };
}

export function decodeErrorCause(b: number): ErrorCause | undefined {
  if (!isRealtimeByte(b)) return undefined;
  return {
    recoverable: bit(b, 2),
    autocutter: bit(b, 3),
    unrecoverable: bit(b, 5),
    autoRecoverable: bit(b, 6),
  };
}

/** Sensors report on two bits each; either bit set counts (some printers set only one). */
export function decodePaperSensor(b: number): PaperSensor | undefined {
  if (!isRealtimeByte(b)) return undefined;
  return { nearEnd: (b & 0x0c) !== 0, out: (b & 0x60) !== 0 };
}

export interface AsbStatus {
  drawerPin3: PinLevel; // byte 1 bit 2
  offline: boolean; // byte 1 bit 3
  coverOpen: boolean; // byte 1 bit 5
  feedingByButton: boolean; // byte 1 bit 6
  recoverableError: boolean; // byte 2 bit 2 (mechanical error)
  autocutterError: boolean; // byte 2 bit 3
  unrecoverableError: boolean; // byte 2 bit 5
  autoRecoverableError: boolean; // byte 2 bit 6
  paperNearEnd: boolean; // byte 3 bits 0,1
  paperOut: boolean; // byte 3 bits 2,3
}

export function decodeAsb(block: Uint8Array): AsbStatus | undefined {
  const [b1, b2, b3, b4] = block;
  if (
    block.length !== 4 ||
    b1 === undefined ||
    b2 === undefined ||
    b3 === undefined ||
    b4 === undefined
  )
    return undefined;
  if (!isAsbFirstByte(b1) || !isAsbNextByte(b2) || !isAsbNextByte(b3) || !isAsbNextByte(b4))
    return undefined;
  return {
    drawerPin3: bit(b1, 2) ? 'high' : 'low',
    offline: bit(b1, 3),
    coverOpen: bit(b1, 5),
    feedingByButton: bit(b1, 6),
    recoverableError: bit(b2, 2),
    autocutterError: bit(b2, 3),
    unrecoverableError: bit(b2, 5),
    autoRecoverableError: bit(b2, 6),
    paperNearEnd: (b3 & 0x03) !== 0,
    paperOut: (b3 & 0x0c) !== 0,
  };
}

// ---- the device-level summary ----------------------------------------------------------------

export type PrinterFault = 'offline' | 'cover-open' | 'paper-out' | 'error';

export const FAULT_WORDS: Record<PrinterFault, string> = {
  offline: 'offline',
  'cover-open': 'cover open',
  'paper-out': 'paper out',
  error: 'printer error',
};

export interface PrinterStatus {
  /** The printer answered. False: unplugged, powered off or not an ESC/POS printer. */
  reachable: boolean;
  online: boolean;
  coverOpen: boolean;
  paper: 'ok' | 'near-end' | 'out';
  errors: {
    autocutter: boolean;
    unrecoverable: boolean;
    autoRecoverable: boolean;
    recoverable: boolean;
  };
  drawer: { pin3: PinLevel; open: boolean } | undefined;
  /** The first thing that stops printing, in the order a cashier should fix it; undefined = ready. */
  fault: PrinterFault | undefined;
  ready: boolean;
}

export const UNREACHABLE: PrinterStatus = {
  reachable: false,
  online: false,
  coverOpen: false,
  paper: 'ok',
  errors: { autocutter: false, unrecoverable: false, autoRecoverable: false, recoverable: false },
  drawer: undefined,
  fault: 'offline',
  ready: false,
};

function summarize(
  s: Omit<PrinterStatus, 'fault' | 'ready' | 'reachable' | 'drawer'> & {
    pin3: PinLevel;
    anyError: boolean;
  },
  openLevel: PinLevel,
): PrinterStatus {
  const fault: PrinterFault | undefined = s.coverOpen
    ? 'cover-open'
    : s.paper === 'out'
      ? 'paper-out'
      : s.anyError
        ? 'error'
        : !s.online
          ? 'offline'
          : undefined;
  return {
    reachable: true,
    online: s.online,
    coverOpen: s.coverOpen,
    paper: s.paper,
    errors: s.errors,
    drawer: { pin3: s.pin3, open: s.pin3 === openLevel },
    fault,
    ready: fault === undefined,
  };
}

/** The four DLE EOT replies (n = 1..4) as one status; undefined if any byte is not a reply. */
export function statusFromRealtime(
  bytes: readonly [number, number, number, number],
  openLevel: PinLevel,
): PrinterStatus | undefined {
  const p = decodePrinterStatus(bytes[0]);
  const o = decodeOfflineCause(bytes[1]);
  const e = decodeErrorCause(bytes[2]);
  const r = decodePaperSensor(bytes[3]);
  if (!p || !o || !e || !r) return undefined;
  const errors = {
    autocutter: e.autocutter,
    unrecoverable: e.unrecoverable,
    autoRecoverable: e.autoRecoverable,
    recoverable: e.recoverable,
  };
  return summarize(
    {
      online: !p.offline,
      coverOpen: o.coverOpen,
      paper: r.out || o.paperEndStop ? 'out' : r.nearEnd ? 'near-end' : 'ok',
      errors,
      pin3: p.drawerPin3,
      anyError: o.error || e.autocutter || e.unrecoverable || e.autoRecoverable,
    },
    openLevel,
  );
}

export function statusFromAsb(a: AsbStatus, openLevel: PinLevel): PrinterStatus {
  const errors = {
    autocutter: a.autocutterError,
    unrecoverable: a.unrecoverableError,
    autoRecoverable: a.autoRecoverableError,
    recoverable: a.recoverableError,
  };
  return summarize(
    {
      online: !a.offline,
      coverOpen: a.coverOpen,
      paper: a.paperOut ? 'out' : a.paperNearEnd ? 'near-end' : 'ok',
      errors,
      pin3: a.drawerPin3,
      anyError:
        a.autocutterError || a.unrecoverableError || a.autoRecoverableError || a.recoverableError,
    },
    openLevel,
  );
}

// ---- streaming parser ------------------------------------------------------------------------

export type StatusEvent =
  | { type: 'realtime'; byte: number }
  | { type: 'asb'; bytes: Uint8Array; status: AsbStatus }
  | { type: 'process-id'; id: string }
  /** Bytes that fit no reply, dropped while resynchronising. */
  | { type: 'garbage'; bytes: Uint8Array };

export interface StatusParser {
  /** Feed any chunk; returns the events it completed. Never throws. */
  push(chunk: Uint8Array): StatusEvent[];
  /** Drop a partial reply (e.g. after a reconnect) and report it as garbage. */
  reset(): StatusEvent[];
}

export function createStatusParser(): StatusParser {
  // pending: the bytes of a reply begun but not finished
  let pending: number[] = [];
  let mode: 'idle' | 'asb' | 'pid' = 'idle';
  let junk: number[] = [];

  const flushJunk = (out: StatusEvent[]) => {
    if (junk.length) out.push({ type: 'garbage', bytes: Uint8Array.from(junk) });
    junk = [];
  };

  const start = (b: number, out: StatusEvent[]) => {
    if (isRealtimeByte(b)) {
      flushJunk(out);
      out.push({ type: 'realtime', byte: b });
    } else if (isAsbFirstByte(b)) {
      mode = 'asb';
      pending = [b];
    } else if (b === 0x37) {
      mode = 'pid';
      pending = [b];
    } else {
      junk.push(b);
    }
  };

  // A byte that cannot continue the reply in progress: the reply's first byte was noise. It
  // becomes garbage and everything after it is looked at afresh, since a real reply may start
  // inside what we took for the noise's continuation.
  const step = (b: number, out: StatusEvent[], queue: number[]) => {
    if (mode === 'idle') return start(b, out);
    const abandon = () => {
      junk.push(pending[0]!);
      queue.unshift(...pending.slice(1), b);
      pending = [];
      mode = 'idle';
    };
    if (mode === 'asb') {
      if (!isAsbNextByte(b)) return abandon();
      pending.push(b);
      if (pending.length === 4) {
        const bytes = Uint8Array.from(pending);
        const status = decodeAsb(bytes);
        flushJunk(out);
        if (status) out.push({ type: 'asb', bytes, status });
        pending = [];
        mode = 'idle';
      }
      return;
    }
    const i = pending.length; // 1: identifier 22h, 2..5: the ID, 6: NUL
    const ok = i === 1 ? b === 0x22 : i <= 5 ? b >= 0x20 && b <= 0x7e : b === 0x00;
    if (!ok) return abandon();
    if (i < 6) {
      pending.push(b);
      return;
    }
    flushJunk(out);
    out.push({ type: 'process-id', id: String.fromCharCode(...pending.slice(2)) });
    pending = [];
    mode = 'idle';
  };

  return {
    push(chunk) {
      const out: StatusEvent[] = [];
      const queue: number[] = [];
      for (const b of chunk) {
        queue.push(b);
        while (queue.length) step(queue.shift()!, out, queue);
      }
      flushJunk(out);
      return out;
    },
    reset() {
      const out: StatusEvent[] = [];
      junk.push(...pending);
      pending = [];
      mode = 'idle';
      flushJunk(out);
      return out;
    },
  };
}
