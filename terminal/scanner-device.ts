// The barcode scanner the terminal drives, from its ARCHITECTURE §8 address: `hid:VID:PID` (USB HID
// POS), `serial:PATH[?…&suffix=cr|lf|crlf]`, or `sim:scanner` (the simulator in this process, over
// an in-memory pair, so a simulated scan goes through the driver's real decoder).
//
// DANGER: scan text may be a wallet payment code, a bearer token worth money to whoever holds it.
// It goes to onScan and nowhere else: never into a log line, an error message or a status detail.
import type { Logger } from 'pino';
import { PosError, type ScanDto, type ScannerStatusDto, type Symbology } from '../contract/api';
import { parseAddress } from '../drivers/address';
import { scannerOptionsFor } from '../drivers/scanner/create';
import { Scanner, type ScannerEvent, type ScannerOptions } from '../drivers/scanner/scanner';
import { ScannerSim, type ScannerSimOptions } from '../drivers/sim/scanner-sim';
import type { HidBackend } from '../drivers/transport/hid';
import { createMemoryPair } from '../drivers/transport/memory';
import type { Transport } from '../drivers/transport/transport';
import { isoUtc, systemClock, type Clock } from '../lib/clock';
import { logger } from '../lib/log';

export interface ScannerConfig {
  address: string;
}

/** Device timing and test seams; the defaults suit a till. */
export interface ScannerDeviceOptions {
  reconnect?: ScannerOptions['reconnect'];
  /** Serial: silence that ends a scan sent without a suffix (driver default 50 ms). */
  interCharTimeoutMs?: number;
  /** How long a scanner may be away (or not yet found) before its state goes from warning to error. */
  errorAfterMs?: number;
  /** `sim:scanner`: the simulator's framing and report size (default: HID POS, 64-byte reports). */
  sim?: ScannerSimOptions;
  /** `hid:` addresses: node-hid stand-in for tests. */
  hidBackend?: HidBackend;
}

/** The part of a pino logger this module uses (scan text never reaches it). */
export type ScannerLog = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface ScannerDeviceDeps {
  /** Every decoded scan. The text may be a wallet payment code: do not log it. */
  onScan(scan: ScanDto): void;
  /**
   * Every change of status(), not repeats, and never from inside createScannerDevice (so the
   * caller may wire it to things it builds later); read status() for the state at start.
   */
  onStatus(status: ScannerStatusDto): void;
  clock?: Clock;
  log?: ScannerLog;
  device?: ScannerDeviceOptions;
}

export interface ScannerDevice {
  status(): ScannerStatusDto;
  /** `sim:scanner` only: the simulator scans `text` (default symbology `unknown`: no AIM identifier). */
  simulateScan(text: string, symbology?: Symbology): ScannerStatusDto;
  close(): Promise<void>;
}

const DEFAULT_ERROR_AFTER_MS = 5000;

const NOT_CONFIGURED: ScannerStatusDto = {
  state: 'not_configured',
  address: null,
  connected: false,
  simulated: false,
  detail: null,
};

/**
 * Builds the device and starts connecting in the background (never throws: an unusable address
 * becomes an `error` status with the reason in `detail`). `config` undefined: not configured.
 */
export function createScannerDevice(
  config: ScannerConfig | undefined,
  deps: ScannerDeviceDeps,
): ScannerDevice {
  const log = deps.log ?? logger('scanner');
  if (!config) {
    return {
      status: () => NOT_CONFIGURED,
      simulateScan: () => {
        throw new PosError(
          'scanner.not_configured',
          'no barcode scanner is configured for this terminal',
        );
      },
      close: () => Promise.resolve(),
    };
  }

  const address = config.address;
  let opened: { scanner: Scanner; sim?: ScannerSim };
  try {
    opened = openScanner(address, deps.device ?? {});
  } catch (err) {
    const detail = `scanner setting unusable: ${(err as Error).message}`;
    log.error({ address }, detail);
    const status: ScannerStatusDto = {
      state: 'error',
      address,
      connected: false,
      simulated: false,
      detail,
    };
    return {
      status: () => status,
      simulateScan: () => {
        throw new PosError('scanner.not_configured', detail);
      },
      close: () => Promise.resolve(),
    };
  }

  const { scanner, sim } = opened;
  const clock = deps.clock ?? systemClock;
  const errorAfterMs = deps.device?.errorAfterMs ?? DEFAULT_ERROR_AFTER_MS;
  let closed = false;
  /** From the driver's events, so status() and onStatus always agree. */
  let up = false;
  let connectedOnce = false;
  /** Why the scanner is not connected, for the technician (never scan text). */
  let away: string = `looking for the scanner on ${address}`;
  /** The scanner has been away longer than errorAfterMs. */
  let overdue = false;
  let overdueTimer: NodeJS.Timeout | undefined;
  let last: ScannerStatusDto | undefined;

  const status = (): ScannerStatusDto => {
    const base = { address, simulated: sim !== undefined };
    if (closed) return { ...base, state: 'error', connected: false, detail: 'scanner closed' };
    if (up) return { ...base, state: 'ok', connected: true, detail: null };
    return {
      ...base,
      state: overdue ? 'error' : 'warning',
      connected: false,
      detail: `${away}; ${connectedOnce ? 'reconnecting' : 'retrying'}`,
    };
  };

  const publish = (): void => {
    const s = status();
    if (last && JSON.stringify(last) === JSON.stringify(s)) return;
    last = s;
    try {
      deps.onStatus(s);
    } catch (err) {
      log.error({ err: (err as Error).name }, 'scanner status listener failed');
    }
  };

  const armOverdue = (): void => {
    clearTimeout(overdueTimer);
    overdue = false;
    overdueTimer = setTimeout(() => {
      overdue = true;
      publish();
    }, errorAfterMs);
    overdueTimer.unref();
  };

  const onEvent = (ev: ScannerEvent): void => {
    if (closed) return;
    switch (ev.type) {
      case 'scan': {
        const scan: ScanDto = {
          symbology: ev.scan.symbology,
          text: ev.scan.text,
          at: isoUtc(clock.now()),
        };
        try {
          deps.onScan(scan);
        } catch (err) {
          // the listener's message could quote the scan: log its class only
          log.error({ err: (err as Error).name }, 'scan listener failed');
        }
        return;
      }
      case 'decode_error':
        // the code says what went wrong; the message is not logged, lest a future one quote data
        log.warn({ code: ev.error.code, address }, 'scanner sent something that is not a scan');
        return;
      case 'connected':
        up = true;
        connectedOnce = true;
        clearTimeout(overdueTimer);
        overdue = false;
        log.info({ address }, 'scanner connected');
        publish();
        return;
      case 'disconnected':
        up = false;
        away = `scanner went away${ev.reason ? ` (${ev.reason})` : ''}`;
        log.warn({ address, reason: ev.reason ?? null }, 'scanner went away');
        armOverdue();
        publish();
        return;
    }
  };

  scanner.onEvent(onEvent);
  armOverdue();
  last = status();
  scanner.start().catch((err: unknown) => {
    // rejects only when closed before the first connection
    if (!closed) log.warn({ address, err: (err as Error).message }, 'scanner did not start');
  });

  return {
    status,
    simulateScan(text, symbology = 'unknown') {
      if (!sim)
        throw new PosError(
          'scanner.not_simulated',
          `simulated scans work with the simulated scanner (sim:scanner) only; this terminal's scanner is ${address}`,
        );
      if (closed || !up)
        throw new PosError('scanner.not_configured', 'the simulated scanner is not connected');
      sim.scan({ symbology, text });
      return status();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(overdueTimer);
      await scanner.stop();
    },
  };
}

/** The driver for an address; throws (AddressError or Error) for one that is no scanner's. */
function openScanner(
  address: string,
  options: ScannerDeviceOptions,
): { scanner: Scanner; sim?: ScannerSim } {
  const parsed = parseAddress(address);
  const common = {
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    ...(options.interCharTimeoutMs !== undefined
      ? { interCharTimeoutMs: options.interCharTimeoutMs }
      : {}),
  };
  switch (parsed.kind) {
    case 'hid':
    case 'serial':
      return {
        scanner: new Scanner(
          scannerOptionsFor(parsed, {
            ...common,
            ...(options.hidBackend ? { hidBackend: options.hidBackend } : {}),
          }),
        ),
      };
    case 'sim': {
      if (parsed.device !== 'scanner')
        throw new Error(`${address} is not a scanner (use sim:scanner)`);
      const simOptions = options.sim ?? { framing: 'hid' };
      const sim = new ScannerSim(simOptions);
      let detach = (): void => undefined;
      const scanner = new Scanner({
        framing: simOptions.framing,
        ...common,
        connect: (): Transport => {
          const [host, device] = createMemoryPair('sim:scanner');
          void device.open();
          detach();
          detach = sim.attach(device);
          return host;
        },
      });
      return { scanner, sim };
    }
    case 'tcp':
    case 'usblp':
      throw new Error(`${address}: a scanner is on hid:, serial: or sim:scanner`);
  }
}
