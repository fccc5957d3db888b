// Two transports joined back to back, for tests and simulators: what one end writes the other
// reads, on a later microtask, like real I/O. Closing one end is an unplug for the other.
import { Listeners, TransportError, type Transport } from './transport';

class MemoryEnd implements Transport {
  peer!: MemoryEnd;
  private open_ = false;
  private readonly data = new Listeners<[Uint8Array]>();
  private readonly disconnect = new Listeners<[Error | undefined]>();

  constructor(readonly description: string) {}

  get isOpen(): boolean {
    return this.open_;
  }

  open(): Promise<void> {
    this.open_ = true;
    return Promise.resolve();
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.open_)
      return Promise.reject(
        new TransportError('transport.not_open', `${this.description} is not open`),
      );
    const copy = Uint8Array.from(data);
    const peer = this.peer;
    queueMicrotask(() => {
      if (peer.open_) peer.data.emit(copy);
    });
    return Promise.resolve();
  }

  onData(cb: (chunk: Uint8Array) => void): () => void {
    return this.data.add(cb);
  }

  onDisconnect(cb: (err?: Error) => void): () => void {
    return this.disconnect.add(cb);
  }

  close(): Promise<void> {
    if (this.open_) {
      this.open_ = false;
      const peer = this.peer;
      queueMicrotask(() => {
        if (peer.open_) {
          peer.open_ = false;
          peer.disconnect.emit(
            new TransportError('transport.closed', `${this.description} closed`),
          );
        }
      });
    }
    return Promise.resolve();
  }
}

export function createMemoryPair(name = 'memory'): [Transport, Transport] {
  const a = new MemoryEnd(`${name} (a)`);
  const b = new MemoryEnd(`${name} (b)`);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
