// The byte pipe under every device (ARCHITECTURE §8, layer 1). A transport knows nothing of the
// protocol it carries: it opens, moves bytes both ways and says when the far end went away.

export interface Transport {
  open(): Promise<void>;
  /** Resolves once the bytes have left this process (drained to the OS or the socket). */
  write(data: Uint8Array): Promise<void>;
  /** Returns a function that removes the listener. */
  onData(cb: (chunk: Uint8Array) => void): () => void;
  /** The link was lost (unplug, reset, far end closed). Not called for our own close(). */
  onDisconnect(cb: (err?: Error) => void): () => void;
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** For logs and the Devices screen, e.g. "serial /dev/ttyUSB0 @115200". */
  readonly description: string;
}

export type TransportErrorCode =
  | 'transport.not_open'
  | 'transport.open_failed'
  | 'transport.timeout'
  | 'transport.write_failed'
  | 'transport.closed'
  | 'transport.list_failed';

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** A tiny listener set: add returns its own remover; emit never lets one listener break the rest. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();

  add(cb: (...args: A) => void): () => void {
    this.set.add(cb);
    return () => {
      this.set.delete(cb);
    };
  }

  emit(...args: A): void {
    for (const cb of [...this.set]) {
      try {
        cb(...args);
      } catch {
        // a listener's bug must not stop bytes reaching the others
      }
    }
  }

  get size(): number {
    return this.set.size;
  }
}
