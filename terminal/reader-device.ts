// The card reader behind an ARCHITECTURE §8 address: `serial:PATH` (RS-232 framing), `hid:VID:PID`
// (vendor usage page 0xFF00) or `sim:reader[?card=NAME]` (the simulator in this process, over an
// in-memory pair with the serial framing, so the driver's whole codec path runs).
import { parseAddress } from '../drivers/address';
import { Reader, type ReaderOptions } from '../drivers/reader/reader';
import { ReaderSim, type ReaderSimOptions } from '../drivers/sim/reader-sim';
import { createTransport } from '../drivers/transport/create';
import { HidTransport } from '../drivers/transport/hid';
import { createMemoryPair } from '../drivers/transport/memory';

export interface ReaderDeviceOptions {
  /** Simulator options for `sim:reader` (tests shorten its delays). */
  sim?: Omit<ReaderSimOptions, 'card'>;
  commandTimeoutMs?: number;
  reconnect?: ReaderOptions['reconnect'];
}

export interface ReaderDevice {
  readonly address: string;
  readonly reader: Reader;
  /** Present for `sim:reader`: the demo's card picker calls `sim.setNextCard(name)`. */
  readonly sim?: ReaderSim;
}

/** Builds the device; throws AddressError for an unreadable or unsupported address. */
export function openReaderDevice(address: string, options: ReaderDeviceOptions = {}): ReaderDevice {
  const parsed = parseAddress(address);
  const common = {
    ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
  };
  if (parsed.kind === 'sim') {
    if (parsed.device !== 'reader') throw new Error(`${address} is not a card reader`);
    const sim = new ReaderSim({ identity: 'random', ...options.sim, ...(parsed.card ? { card: parsed.card } : {}) });
    const reader = new Reader({
      framing: 'serial',
      ...common,
      connect: () => {
        const [host, device] = createMemoryPair('sim:reader');
        void device.open();
        sim.attach(device, { framing: 'serial' });
        return host;
      },
    });
    return { address, reader, sim };
  }
  if (parsed.kind === 'hid') {
    const reader = new Reader({
      framing: 'hid',
      ...common,
      connect: () => new HidTransport({ address: parsed, usagePage: 0xff00, reportSize: 64 }),
    });
    return { address, reader };
  }
  if (parsed.kind === 'serial') {
    return { address, reader: new Reader({ framing: 'serial', ...common, connect: () => createTransport(parsed) }) };
  }
  throw new Error(`${address}: a card reader is on serial:, hid: or sim:reader`);
}
