// The Linux USB printer class device (/dev/usb/lp0). Bidirectional printers return their replies
// (DLE EOT status, process-ID) on read(). A blocking read would hold one of libuv's four threads
// for as long as the printer is silent, so the fd is opened O_NONBLOCK and polled: EAGAIN means
// "nothing yet", ENODEV/EIO means the printer was unplugged.
import fs from 'node:fs';
import { Listeners, TransportError, type Transport } from './transport';

export interface UsblpOptions {
  path: string;
  /** How often to look for bytes from the printer when there were none. */
  pollMs?: number;
  /** How long a write may wait on a busy printer (EAGAIN) before failing. */
  writeTimeoutMs?: number;
  /**
   * How often to check that the device node still exists (unplug removes /dev/usb/lp0). A read
   * on a vanished node can keep returning 0 rather than failing. 0 turns the check off.
   */
  presenceCheckMs?: number;
}

const AGAIN = new Set(['EAGAIN', 'EWOULDBLOCK']);

function code(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String(err.code) : undefined;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class UsblpTransport implements Transport {
  readonly description: string;
  private fd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  private readonly buf = Buffer.alloc(512);
  private readonly data = new Listeners<[Uint8Array]>();
  private readonly disconnect = new Listeners<[Error | undefined]>();

  constructor(private readonly options: UsblpOptions) {
    this.description = `usblp ${options.path}`;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  async open(): Promise<void> {
    if (this.fd !== undefined) return;
    try {
      // a raw fd, not a FileHandle: a FileHandle closes its fd when garbage-collected
      this.fd = await new Promise<number>((resolve, reject) =>
        fs.open(
          this.options.path,
          fs.constants.O_RDWR | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY,
          (err, fd) => (err ? reject(err) : resolve(fd)),
        ),
      );
    } catch (err) {
      throw new TransportError(
        'transport.open_failed',
        `${this.description}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.poll(this.fd);
    this.watchPresence(this.fd);
  }

  private watchPresence(fd: number): void {
    const every = this.options.presenceCheckMs ?? 1000;
    if (every <= 0) return;
    this.presenceTimer = setInterval(() => {
      fs.stat(this.options.path, (err) => {
        if (err && code(err) === 'ENOENT') this.lost(fd, err);
      });
    }, every);
    this.presenceTimer.unref();
  }

  private poll(fd: number): void {
    fs.read(fd, this.buf, 0, this.buf.length, null, (err, n) => {
      if (this.fd !== fd) return; // closed meanwhile
      if (err && !AGAIN.has(code(err) ?? '')) {
        this.lost(fd, err);
        return;
      }
      if (!err && n > 0) {
        this.data.emit(Uint8Array.from(this.buf.subarray(0, n)));
        setImmediate(() => this.poll(fd));
        return;
      }
      this.timer = setTimeout(() => this.poll(fd), this.options.pollMs ?? 20);
    });
  }

  private lost(fd: number, err: Error): void {
    if (this.fd !== fd) return;
    this.fd = undefined;
    clearTimeout(this.timer);
    clearInterval(this.presenceTimer);
    fs.close(fd, () => undefined);
    this.disconnect.emit(
      new TransportError('transport.closed', `${this.description}: device lost (${err.message})`, {
        cause: err,
      }),
    );
  }

  async write(data: Uint8Array): Promise<void> {
    const fd = this.fd;
    if (fd === undefined)
      throw new TransportError('transport.not_open', `${this.description} is not open`);
    const deadline = Date.now() + (this.options.writeTimeoutMs ?? 30_000);
    let offset = 0;
    while (offset < data.length) {
      try {
        const { bytesWritten } = await new Promise<{ bytesWritten: number }>((resolve, reject) =>
          fs.write(fd, data, offset, data.length - offset, null, (err, bytesWritten) =>
            err ? reject(err) : resolve({ bytesWritten }),
          ),
        );
        offset += bytesWritten;
      } catch (err) {
        if (!AGAIN.has(code(err) ?? '')) {
          this.lost(fd, err as Error);
          throw new TransportError(
            'transport.write_failed',
            `${this.description}: ${(err as Error).message}`,
            { cause: err },
          );
        }
        if (Date.now() > deadline) {
          throw new TransportError(
            'transport.timeout',
            `${this.description}: printer accepted no data for ${this.options.writeTimeoutMs ?? 30_000} ms`,
          );
        }
        await delay(10);
      }
      if (this.fd !== fd)
        throw new TransportError('transport.closed', `${this.description} closed during write`);
    }
  }

  onData(cb: (chunk: Uint8Array) => void): () => void {
    return this.data.add(cb);
  }

  onDisconnect(cb: (err?: Error) => void): () => void {
    return this.disconnect.add(cb);
  }

  close(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    clearTimeout(this.timer);
    clearInterval(this.presenceTimer);
    if (fd === undefined) return Promise.resolve();
    return new Promise((resolve) => fs.close(fd, () => resolve()));
  }
}
