// USB HID as a Transport (ARCHITECTURE §8, layer 1), over node-hid. HID is report-oriented: each
// onData chunk is one input report (without report ID), and write() takes one or more whole output
// reports (a multiple of the report size), each sent with report ID 0 in front as hidapi wants.
// The protocol above (e.g. drivers/reader/hid-framing) builds and reads the reports.
import type { HidAddress } from '../address';
import { Listeners, TransportError, type Transport } from './transport';

/** What we use of node-hid's Device list entry. */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

/** What we use of an open node-hid HIDAsync: the seam tests replace with a fake. */
export interface HidHandle {
  write(values: number[] | Buffer): Promise<number>;
  on(event: 'data', cb: (data: Buffer) => void): unknown;
  on(event: 'error', cb: (err: unknown) => void): unknown;
  removeAllListeners(): unknown;
  close(): Promise<void>;
}

export interface HidBackend {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

export const nodeHidBackend: HidBackend = {
  async devices() {
    const HID = await import('node-hid');
    return HID.devicesAsync();
  },
  async open(path) {
    const HID = await import('node-hid');
    return HID.HIDAsync.open(path);
  },
};

export interface HidTransportOptions {
  address: HidAddress;
  /** Only interfaces on this usage page (MMS readers: 0xFF00). Undefined = any. */
  usagePage?: number;
  /** Output report size without report ID (MMS: 64). */
  reportSize?: number;
  backend?: HidBackend;
}

/** Stop listening, but keep swallowing 'error': an EventEmitter with no error listener throws. */
function detach(h: HidHandle): void {
  h.removeAllListeners();
  h.on('error', () => undefined);
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export class HidTransport implements Transport {
  private handle: HidHandle | undefined;
  private readonly data = new Listeners<[Uint8Array]>();
  private readonly lost = new Listeners<[Error | undefined]>();
  private readonly backend: HidBackend;
  readonly description: string;

  constructor(private readonly options: HidTransportOptions) {
    this.backend = options.backend ?? nodeHidBackend;
    const a = options.address;
    this.description = `hid ${hex4(a.vendorId)}:${hex4(a.productId)}${a.serialNumber ? ` #${a.serialNumber}` : ''}`;
  }

  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  async open(): Promise<void> {
    if (this.handle) return;
    const a = this.options.address;
    let list: HidDeviceInfo[];
    try {
      list = await this.backend.devices();
    } catch (err) {
      throw new TransportError(
        'transport.open_failed',
        `${this.description}: cannot list HID devices`,
        { cause: err },
      );
    }
    const found = list.find(
      (d) =>
        d.vendorId === a.vendorId &&
        d.productId === a.productId &&
        (a.serialNumber === undefined || d.serialNumber === a.serialNumber) &&
        (this.options.usagePage === undefined || d.usagePage === this.options.usagePage) &&
        d.path !== undefined,
    );
    if (!found?.path) {
      const page =
        this.options.usagePage !== undefined
          ? ` on usage page 0x${hex4(this.options.usagePage)}`
          : '';
      throw new TransportError(
        'transport.open_failed',
        `${this.description}: no such device${page} is plugged in (or no permission: see build/ udev rules)`,
      );
    }
    let handle: HidHandle;
    try {
      handle = await this.backend.open(found.path);
    } catch (err) {
      throw new TransportError(
        'transport.open_failed',
        `${this.description}: cannot open ${found.path}`,
        { cause: err },
      );
    }
    this.handle = handle;
    handle.on('data', (buf: Buffer) => this.data.emit(new Uint8Array(buf)));
    handle.on('error', (err: unknown) =>
      this.drop(err instanceof Error ? err : new Error(String(err))),
    );
  }

  async write(bytes: Uint8Array): Promise<void> {
    const h = this.handle;
    if (!h) throw new TransportError('transport.not_open', `${this.description} is not open`);
    const size = this.options.reportSize ?? 64;
    if (bytes.length === 0 || bytes.length % size !== 0)
      throw new TransportError(
        'transport.write_failed',
        `${this.description}: ${bytes.length} bytes is not a whole number of ${size}-byte reports`,
      );
    for (let at = 0; at < bytes.length; at += size) {
      const report = Buffer.alloc(size + 1); // report ID 0, then the report
      report.set(bytes.subarray(at, at + size), 1);
      try {
        await h.write(report);
      } catch (err) {
        const e = new TransportError(
          'transport.write_failed',
          `${this.description}: write failed`,
          { cause: err },
        );
        this.drop(e);
        throw e;
      }
    }
  }

  onData(cb: (chunk: Uint8Array) => void): () => void {
    return this.data.add(cb);
  }

  onDisconnect(cb: (err?: Error) => void): () => void {
    return this.lost.add(cb);
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (!h) return;
    detach(h);
    await h.close().catch(() => undefined);
  }

  /** Unplug: hidapi reports a read error; close our side and tell the owner once. */
  private drop(err: Error): void {
    const h = this.handle;
    if (!h) return;
    this.handle = undefined;
    detach(h);
    void h.close().catch(() => undefined);
    this.lost.emit(err);
  }
}
