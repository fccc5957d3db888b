// `sim:printer[?paper=out|cover=open|offline=1]`: a simulated printer behind an in-memory
// Transport, so the printer driver and the till use it exactly as they use a real port.
import type { SimPrinterAddress } from '../address';
import { createMemoryPair } from '../transport/memory';
import type { Transport } from '../transport/transport';
import { PrinterSim, simOptionsFromAddress, type PrinterSimOptions } from './printer-sim';

export interface SimPrinterConnection {
  /** The host's end: hand it to the printer driver. */
  transport: Transport;
  /** The printer: its controls (setPaper, openCover, ...) and its printed pages. */
  sim: PrinterSim;
}

/**
 * Creates the simulator and a memory pair; the simulator's end is open and attached, the
 * returned transport is not opened yet (the driver opens it, as it would a real one).
 */
export async function createSimPrinter(
  address: Omit<SimPrinterAddress, 'kind' | 'device'> = {},
  options: Omit<PrinterSimOptions, 'paper' | 'coverOpen' | 'offline'> = {},
): Promise<SimPrinterConnection> {
  const [host, device] = createMemoryPair('sim:printer');
  await device.open();
  const sim = new PrinterSim({ ...options, ...simOptionsFromAddress(address) });
  sim.attach(device);
  return { transport: host, sim };
}
