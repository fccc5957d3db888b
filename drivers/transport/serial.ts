// Serial ports (RS-232, USB-serial adapters, pseudo-terminals) through `serialport`.
import fs from 'node:fs';
import { SerialPort } from 'serialport';
import type { FlowControl, Parity } from '../address';
import { Listeners, TransportError, type Transport } from './transport';

export interface SerialOptions {
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: Parity;
  stopBits?: 1 | 1.5 | 2;
  flow?: FlowControl;
  /**
   * How often to check that the device node still exists. serialport notices most unplugs from a
   * failed read, but not all: when a pty's master goes away the poller may never wake, and a
   * silent printer gives no read to fail. 0 turns the check off.
   */
  presenceCheckMs?: number;
}

// errno codes that mean the device is gone, not that one call failed
const GONE = new Set(['EIO', 'ENXIO', 'ENODEV', 'EBADF', 'ENOENT']);
const errCode = (e: unknown) => (e && typeof e === 'object' && 'code' in e ? String(e.code) : '');

export class SerialTransport implements Transport {
  readonly description: string;
  private port: SerialPort | undefined;
  private closing = false;
  private presenceTimer: NodeJS.Timeout | undefined;
  private readonly data = new Listeners<[Uint8Array]>();
  private readonly disconnect = new Listeners<[Error | undefined]>();

  constructor(private readonly options: SerialOptions) {
    this.description = `serial ${options.path} @${options.baudRate}`;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  open(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    this.closing = false;
    const {
      path,
      baudRate,
      dataBits = 8,
      parity = 'none',
      stopBits = 1,
      flow = 'none',
    } = this.options;
    const port = new SerialPort({
      path,
      baudRate,
      dataBits,
      parity,
      stopBits,
      rtscts: flow === 'rtscts',
      xon: flow === 'xonxoff',
      xoff: flow === 'xonxoff',
      autoOpen: false,
    });
    return new Promise((resolve, reject) => {
      port.open((err) => {
        if (err) {
          reject(
            new TransportError('transport.open_failed', `${this.description}: ${err.message}`, {
              cause: err,
            }),
          );
          return;
        }
        this.port = port;
        port.on('data', (chunk: Buffer) => this.data.emit(new Uint8Array(chunk)));
        port.on('error', (e: Error) => {
          if (GONE.has(errCode(e))) this.lost(port, e);
        });
        port.on('close', (e?: Error) => this.lost(port, e));
        this.watchPresence(port);
        resolve();
      });
    });
  }

  private lost(port: SerialPort, cause?: Error): void {
    if (this.port !== port) return;
    this.port = undefined;
    clearInterval(this.presenceTimer);
    if (port.isOpen) port.close(() => undefined);
    if (!this.closing) {
      this.disconnect.emit(
        new TransportError(
          'transport.closed',
          `${this.description}: port lost${cause ? ` (${cause.message})` : ''}`,
          { cause },
        ),
      );
    }
  }

  private watchPresence(port: SerialPort): void {
    const every = this.options.presenceCheckMs ?? 1000;
    if (every <= 0 || !this.options.path.startsWith('/')) return;
    this.presenceTimer = setInterval(() => {
      fs.stat(this.options.path, (err) => {
        if (err && errCode(err) === 'ENOENT') this.lost(port, err);
      });
    }, every);
    this.presenceTimer.unref();
  }

  write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen)
      return Promise.reject(
        new TransportError('transport.not_open', `${this.description} is not open`),
      );
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        if (GONE.has(errCode(err))) this.lost(port, err);
        reject(
          new TransportError('transport.write_failed', `${this.description}: ${err.message}`, {
            cause: err,
          }),
        );
      };
      port.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (err) => {
        if (err) return fail(err);
        // drain: the bytes are with the OS driver, not just in serialport's queue
        port.drain((e) => (e ? fail(e) : resolve()));
      });
    });
  }

  onData(cb: (chunk: Uint8Array) => void): () => void {
    return this.data.add(cb);
  }

  onDisconnect(cb: (err?: Error) => void): () => void {
    return this.disconnect.add(cb);
  }

  close(): Promise<void> {
    const port = this.port;
    this.closing = true;
    this.port = undefined;
    clearInterval(this.presenceTimer);
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

/**
 * The serial ports the OS knows. On Linux `SerialPort.list()` runs `udevadm`, which is missing on
 * minimal machines (containers, some kiosks); that becomes a clear TransportError instead of a
 * crash, telling the technician to give the path directly.
 */
export async function listSerialPorts(
  list: () => Promise<SerialPortInfo[]> = () => SerialPort.list() as Promise<SerialPortInfo[]>,
): Promise<SerialPortInfo[]> {
  try {
    const ports = await list();
    return ports.map((p) => ({
      path: p.path,
      ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
      ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
      ...(p.vendorId ? { vendorId: p.vendorId } : {}),
      ...(p.productId ? { productId: p.productId } : {}),
    }));
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const noUdevadm = /udevadm/i.test(text) && /ENOENT|not found|spawn/i.test(text);
    const why = noUdevadm ? 'udevadm not found' : text;
    throw new TransportError(
      'transport.list_failed',
      `cannot list serial ports: ${why}; give the port path directly, e.g. serial:/dev/ttyUSB0`,
      { cause: err },
    );
  }
}
