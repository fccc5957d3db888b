// Raw TCP (port 9100, "JetDirect"), the usual way a network receipt printer listens.
import net from 'node:net';
import { Listeners, TransportError, type Transport } from './transport';

export interface TcpOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  /** TCP keepalive probes find a printer that lost power without a FIN. */
  keepAliveMs?: number;
}

export class TcpTransport implements Transport {
  readonly description: string;
  private socket: net.Socket | undefined;
  private closing = false;
  private readonly data = new Listeners<[Uint8Array]>();
  private readonly disconnect = new Listeners<[Error | undefined]>();
  /** Writes not yet confirmed: a reset socket may never call their callbacks, so close fails them. */
  private readonly pendingWrites = new Set<(err: Error) => void>();

  constructor(private readonly options: TcpOptions) {
    this.description = `tcp ${options.host}:${options.port}`;
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  open(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    this.closing = false;
    const { host, port, connectTimeoutMs = 5000, keepAliveMs = 10_000 } = this.options;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new TransportError(
            'transport.timeout',
            `${this.description}: no connection within ${connectTimeoutMs} ms`,
          ),
        );
      }, connectTimeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(
          new TransportError('transport.open_failed', `${this.description}: ${err.message}`, {
            cause: err,
          }),
        );
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setKeepAlive(true, keepAliveMs);
        socket.setNoDelay(true);
        this.socket = socket;
        let lastError: Error | undefined;
        socket.on('data', (chunk: Buffer) => this.data.emit(new Uint8Array(chunk)));
        socket.on('error', (err) => {
          lastError = err;
        });
        socket.on('close', () => {
          if (this.socket === socket) this.socket = undefined;
          const lost = new TransportError(
            'transport.write_failed',
            `${this.description}: connection lost before the write completed`,
          );
          for (const fail of [...this.pendingWrites]) fail(lost);
          if (!this.closing) {
            this.disconnect.emit(
              new TransportError(
                'transport.closed',
                `${this.description}: connection lost${lastError ? ` (${lastError.message})` : ''}`,
                {
                  cause: lastError,
                },
              ),
            );
          }
        });
        resolve();
      });
    });
  }

  write(data: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) {
      return Promise.reject(
        new TransportError('transport.not_open', `${this.description} is not open`),
      );
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        this.pendingWrites.delete(fail);
        reject(err);
      };
      this.pendingWrites.add(fail);
      socket.write(data, (err) => {
        if (err) {
          fail(
            new TransportError('transport.write_failed', `${this.description}: ${err.message}`, {
              cause: err,
            }),
          );
          return;
        }
        if (settled) return;
        settled = true;
        this.pendingWrites.delete(fail);
        resolve();
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
    const socket = this.socket;
    this.closing = true;
    this.socket = undefined;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // A printer that never answers our FIN must not hold close() forever.
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }
}
